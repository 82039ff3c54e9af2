import type { LimitRange, ResourceQuota } from 'kubernetes-types/core/v1.js';
import { toPointer } from '../../manifest/locate.js';
import { parseQuantity } from '../../manifest/quantity.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext } from '../types.js';
import { manifestsOfKind } from '../util.js';

type Messages = 'missing' | 'duplicate' | 'differs' | 'missingKey' | 'extraKey' | 'overMax' | 'countMissing' | 'notZero' | 'noLimitRange';

const countKeys = ['pods', 'services', 'persistentvolumeclaims'];
const zeroKeys = ['services.nodeports', 'services.loadbalancers'];
const computeKeys: Record<'cpu' | 'memory', string[]> = {
  cpu: ['cpu', 'requests.cpu', 'limits.cpu'],
  memory: ['memory', 'requests.memory', 'limits.memory'],
};

const hardPointer = (key: string) => toPointer(['spec', 'hard', key]);

/** A LimitRange Container item that defaults both the limit and the request of `resource`. */
function defaults(lr: LimitRange, resource: string): boolean {
  return (lr.spec?.limits ?? []).some((i) => i.type === 'Container' && i.default?.[resource] !== undefined && i.defaultRequest?.[resource] !== undefined);
}

function checkLimitRange(m: Manifest, hard: Record<string, unknown>, manifests: readonly Manifest[], tier: string, ctx: RuleContext<Messages>): void {
  const ranges = manifestsOfKind(manifests, 'LimitRange').map((r) => r.object as unknown as LimitRange);
  for (const [resource, keys] of Object.entries(computeKeys)) {
    const key = keys.find((k) => k in hard);
    if (key === undefined || ranges.some((lr) => defaults(lr, resource))) continue;
    ctx.report({ manifest: m, messageId: 'noLimitRange', pointer: hardPointer(key), data: { key, resource, tier } });
  }
}

/**
 * The quota is the tenant's contract: what tenants.yaml resolves for its tier,
 * capped by the platform maxima, with the object counts that keep a tenant from
 * exhausting shared cluster resources (node ports, cloud load balancers).
 */
export const quotaPresent: Rule<Messages> = {
  meta: {
    local: true,
    id: 'quota/present',
    messages: {
      missing: 'namespace {namespace} has no ResourceQuota (tier {tier})',
      duplicate: 'namespace {namespace} has more than one ResourceQuota; the tier {tier} quota must be the only one',
      differs: '{key} is {actual} but tier {tier} resolves to {expected}',
      missingKey: '{key} is missing; tier {tier} resolves to {expected}',
      extraKey: '{key} is not part of tier {tier}',
      overMax: '{key} {actual} exceeds the platform maximum {max} (tier {tier})',
      countMissing: 'object count {key} is not limited (tier {tier})',
      notZero: '{key} must be 0 so tenants cannot open node ports or cloud load balancers (tier {tier}, got {actual})',
      noLimitRange: 'quota limits {key} but no LimitRange gives Container default and defaultRequest for {resource}: pods without them are rejected (tier {tier})',
    },
  },
  checkTenant(tenant, manifests, ctx) {
    const tier = tenant.tierName;
    const quotas = manifestsOfKind(manifests, 'ResourceQuota');
    const [first, ...rest] = quotas;
    if (!first) {
      const at = ctx.lookup('Namespace', undefined, tenant.namespace) ?? manifests[0];
      if (at) ctx.report({ manifest: at, messageId: 'missing', data: { namespace: tenant.namespace, tier } });
      return;
    }
    for (const m of rest) ctx.report({ manifest: m, messageId: 'duplicate', pointer: '/metadata/name', data: { namespace: tenant.namespace, tier } });

    const hard = ((first.object as unknown as ResourceQuota).spec?.hard ?? {}) as Record<string, unknown>;
    for (const [key, expected] of Object.entries(tenant.quota)) {
      if (!(key in hard)) {
        ctx.report({ manifest: first, messageId: 'missingKey', pointer: '/spec/hard', expected, data: { key, expected, tier } });
      } else if (parseQuantity(hard[key]) !== parseQuantity(expected)) {
        const actual = String(hard[key]);
        ctx.report({ manifest: first, messageId: 'differs', pointer: hardPointer(key), actual, expected, data: { key, actual, expected, tier } });
      }
    }
    for (const key of Object.keys(hard).filter((k) => !(k in tenant.quota))) {
      ctx.report({ manifest: first, messageId: 'extraKey', pointer: hardPointer(key), data: { key, tier } });
    }
    for (const [key, max] of Object.entries(ctx.platform?.maxQuota ?? {})) {
      const value = parseQuantity(hard[key]);
      const limit = parseQuantity(max);
      if (value === undefined || limit === undefined || value <= limit) continue;
      ctx.report({ manifest: first, messageId: 'overMax', pointer: hardPointer(key), actual: String(hard[key]), expected: `≤ ${max}`, data: { key, actual: String(hard[key]), max: String(max), tier } });
    }
    for (const key of countKeys.filter((k) => !(k in hard) && !(`count/${k}` in hard))) {
      ctx.report({ manifest: first, messageId: 'countMissing', pointer: '/spec/hard', data: { key, tier } });
    }
    for (const key of zeroKeys) {
      if (parseQuantity(hard[key]) === 0n) continue;
      const actual = key in hard ? String(hard[key]) : 'unset';
      ctx.report({ manifest: first, messageId: 'notZero', pointer: key in hard ? hardPointer(key) : '/spec/hard', actual, expected: '0', data: { key, actual, tier } });
    }
    checkLimitRange(first, hard, manifests, tier, ctx);
  },
};
