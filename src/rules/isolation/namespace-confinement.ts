import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { NAMESPACE_NAME_LABEL } from '../../manifest/selectors.js';
import { toPointer } from '../../manifest/locate.js';
import type { Manifest } from '../../manifest/types.js';
import type { Tenant } from '../../tenants/types.js';
import type { Rule, RuleContext } from '../types.js';
import { asNetworkPolicy, podTemplateWithContainers } from '../util.js';

type Messages = 'misplaced' | 'reference';

/** The label every tenant object carries; it names the owner when the render origin is not known. */
const TENANT_LABEL = 'tenant';

type Ctx = RuleContext<Messages>;

function owner(m: Manifest, ctx: Ctx): Tenant | undefined {
  const id = m.origin?.tenant ?? m.object.metadata?.labels?.[TENANT_LABEL];
  return id === undefined ? undefined : ctx.tenants.get(id);
}

/** Tenants by id and by namespace, so a reference is looked up, never searched for among thousands. */
interface Index {
  byId: ReadonlyMap<string, Tenant>;
  byNamespace: ReadonlyMap<string, Tenant>;
  home: Tenant;
}

function other(t: Tenant | undefined, index: Index): Tenant | undefined {
  return t && t.id !== index.home.id ? t : undefined;
}

/** Other tenants named by a selector, by namespace name or by tenant label. */
function selectorTargets(sel: LabelSelector | undefined, at: string, index: Index): { pointer: string; tenant: Tenant }[] {
  const out: { pointer: string; tenant: Tenant }[] = [];
  const hit = (key: string, value: string) =>
    other(key === NAMESPACE_NAME_LABEL ? index.byNamespace.get(value) : key === TENANT_LABEL ? index.byId.get(value) : undefined, index);
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) {
    const t = hit(key, value);
    if (t) out.push({ pointer: `${at}/matchLabels${toPointer([key])}`, tenant: t });
  }
  (sel?.matchExpressions ?? []).forEach((e, k) => {
    if (e.operator !== 'In') return;
    (e.values ?? []).forEach((v, j) => {
      const t = hit(e.key, v);
      if (t) out.push({ pointer: `${at}/matchExpressions/${k}/values/${j}`, tenant: t });
    });
  });
  return out;
}

/**
 * The first other tenant whose namespace appears in `value` as a whole name
 * (`api.ai-agents-b.svc` names ai-agents-b, `ai-agents-bx` does not).
 */
function namedIn(value: string, index: Index): Tenant | undefined {
  for (const token of value.match(/[a-z0-9-]+/gi) ?? []) {
    const t = other(index.byNamespace.get(token), index);
    if (t) return t;
  }
  return undefined;
}

/** Every place an object in a tenant namespace can point at another namespace, as pointer → text. */
function references(m: Manifest, index: Index): { pointer: string; tenant: Tenant }[] {
  const out: { pointer: string; tenant: Tenant }[] = [];
  const text = (pointer: string, value: string | undefined) => {
    // Schema validation reports a number or a map where a string belongs; it names no namespace.
    const t = typeof value === 'string' ? namedIn(value, index) : undefined;
    if (t) out.push({ pointer, tenant: t });
  };
  const o = m.object;
  if (o.kind === 'RoleBinding') {
    ((o as unknown as RoleBinding).subjects ?? []).forEach((s, i) => text(`/subjects/${i}/namespace`, s.namespace));
  }
  if (o.kind === 'NetworkPolicy') {
    const spec = asNetworkPolicy(m).spec;
    spec?.ingress?.forEach((r, i) => r.from?.forEach((p, j) => out.push(...selectorTargets(p.namespaceSelector, `/spec/ingress/${i}/from/${j}/namespaceSelector`, index))));
    spec?.egress?.forEach((r, i) => r.to?.forEach((p, j) => out.push(...selectorTargets(p.namespaceSelector, `/spec/egress/${i}/to/${j}/namespaceSelector`, index))));
  }
  if (o.kind === 'ConfigMap') {
    for (const [key, value] of Object.entries((o as unknown as ConfigMap).data ?? {})) text(toPointer(['data', key]), value);
  }
  for (const c of podTemplateWithContainers(m)?.containers ?? []) {
    (c.container.env ?? []).forEach((e, k) => text(`${c.pointer}/env/${k}/value`, e.value));
  }
  return out;
}

/**
 * A tenant's objects stay in its namespace and never name another tenant's.
 * Namespaces are the isolation boundary: one object on the wrong side of it, or
 * one reference across it, joins two tenants.
 */
export const namespaceConfinement: Rule<Messages> = {
  meta: {
    id: 'isolation/namespace-confinement',
    unwaivable: true,
    messages: {
      misplaced: 'object of tenant {tenant} is in namespace {actual}, not {expected}',
      reference: 'references namespace {namespace} of tenant {other}',
    },
  },
  checkAll(manifests, ctx) {
    const byNamespace = new Map([...ctx.tenants.values()].map((t) => [t.namespace, t]));
    for (const m of manifests) {
      const t = owner(m, ctx);
      const isNamespace = m.object.kind === 'Namespace';
      const where = isNamespace ? m.object.metadata?.name : m.object.metadata?.namespace;
      if (t && where !== t.namespace) {
        const pointer = isNamespace ? '/metadata/name' : '/metadata/namespace';
        ctx.report({ manifest: m, messageId: 'misplaced', pointer, data: { tenant: t.id, actual: where ?? '(none)', expected: t.namespace }, actual: where, expected: t.namespace });
      }
      const home = ctx.tenantOfNamespace(m.object.metadata?.namespace);
      if (!home) continue;
      for (const r of references(m, { byId: ctx.tenants, byNamespace, home })) {
        ctx.report({ manifest: m, messageId: 'reference', pointer: r.pointer, data: { namespace: r.tenant.namespace, other: r.tenant.id } });
      }
    }
  },
};
