import { parsePolicyVersion, type Level } from '../../analysis/podsecurity/index.js';
import { toPointer } from '../../manifest/locate.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext } from '../types.js';

type Messages = 'noNamespace' | 'missing' | 'wrong' | 'weaker' | 'badVersion';

const psa = 'pod-security.kubernetes.io/';
const strength: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

function labelAt(m: Manifest, key: string): string {
  return key in (m.object.metadata.labels ?? {}) ? toPointer(['metadata', 'labels', key]) : '/metadata/labels';
}

function checkPodSecurity(m: Manifest, labels: Record<string, string>, ctx: RuleContext<Messages>): void {
  const platform = ctx.platform?.podSecurity;
  if (!platform) return;
  const enforce = labels[`${psa}enforce`];
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const key = `${psa}${mode}`;
    const value = labels[key];
    if (value === undefined) {
      ctx.report({ manifest: m, messageId: 'missing', pointer: '/metadata/labels', expected: platform.level, data: { key, expected: platform.level } });
    } else if (mode !== 'enforce' && enforce && value in strength && enforce in strength && strength[value as Level] < strength[enforce as Level]) {
      // Audit and warn weaker than enforce would hide from users exactly what admission refuses.
      ctx.report({ manifest: m, messageId: 'weaker', pointer: labelAt(m, key), actual: value, data: { key, actual: value, enforce } });
    } else if (value !== platform.level) {
      ctx.report({ manifest: m, messageId: 'wrong', pointer: labelAt(m, key), actual: value, expected: platform.level, data: { key, actual: value, expected: platform.level } });
    }
    const vkey = `${key}-version`;
    const version = labels[vkey];
    if (version === undefined) {
      ctx.report({ manifest: m, messageId: 'missing', pointer: '/metadata/labels', expected: platform.version, data: { key: vkey, expected: platform.version } });
    } else if (parsePolicyVersion(version) === undefined) {
      ctx.report({ manifest: m, messageId: 'badVersion', pointer: labelAt(m, vkey), actual: version, data: { key: vkey, actual: version } });
    } else if (version !== platform.version) {
      ctx.report({ manifest: m, messageId: 'wrong', pointer: labelAt(m, vkey), actual: version, expected: platform.version, data: { key: vkey, actual: version, expected: platform.version } });
    }
  }
}

/**
 * The Namespace labels are load-bearing: the database admits namespaces by the
 * tenant-namespace label, Pod Security Admission reads its level from them, and
 * operators select a tenant's objects by app/tenant/managed-by.
 */
export const namespaceLabels: Rule<Messages> = {
  meta: {
    local: true,
    id: 'namespace/labels',
    messages: {
      noNamespace: 'tenant {tenant} has no Namespace object {namespace}',
      missing: 'label {key} is missing (expected "{expected}")',
      wrong: 'label {key} is "{actual}", expected "{expected}"',
      weaker: 'label {key} is "{actual}", weaker than enforce "{enforce}"',
      badVersion: 'label {key} is "{actual}": a Pod Security version must be "latest" or "v1.x"',
    },
  },
  checkTenant(tenant, manifests, ctx) {
    const m = ctx.lookup('Namespace', undefined, tenant.namespace);
    if (!m) {
      const at = manifests[0];
      if (at) ctx.report({ manifest: at, messageId: 'noNamespace', pointer: '/metadata/namespace', data: { tenant: tenant.id, namespace: tenant.namespace } });
      return;
    }
    const labels = m.object.metadata.labels ?? {};
    const p = ctx.platform;
    const expected: Record<string, string> = { tenant: tenant.id };
    if (p) {
      expected.app = p.labels.app;
      expected['managed-by'] = p.labels.managedBy;
      expected[p.tenantNamespaceLabel.key] = p.tenantNamespaceLabel.value;
    }
    for (const [key, want] of Object.entries(expected)) {
      const got = labels[key];
      if (got === undefined) ctx.report({ manifest: m, messageId: 'missing', pointer: '/metadata/labels', expected: want, data: { key, expected: want } });
      else if (got !== want) ctx.report({ manifest: m, messageId: 'wrong', pointer: labelAt(m, key), actual: got, expected: want, data: { key, actual: got, expected: want } });
    }
    checkPodSecurity(m, labels, ctx);
  },
};
