import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { NAMESPACE_NAME_LABEL } from '../../manifest/selectors.js';
import { toPointer } from '../../manifest/locate.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext, TenantRef } from '../types.js';
import { asNetworkPolicy, podTemplateWithContainers } from '../util.js';

type Messages = 'misplaced' | 'reference';

/** The label every tenant object carries; it names the owner when the render origin is not known. */
const TENANT_LABEL = 'tenant';

type Ctx = RuleContext<Messages>;

function owner(m: Manifest, ctx: Ctx): TenantRef | undefined {
  const id = m.origin?.tenant ?? m.object.metadata?.labels?.[TENANT_LABEL];
  return id === undefined ? undefined : ctx.tenantRef('id', id);
}

/** Another tenant than the one whose namespace the object is in. */
function other(t: TenantRef | undefined, home: TenantRef): TenantRef | undefined {
  return t && t.id !== home.id ? t : undefined;
}

/** Other tenants named by a selector, by namespace name or by tenant label. */
function selectorTargets(sel: LabelSelector | undefined, at: string, home: TenantRef, ctx: Ctx): { pointer: string; tenant: TenantRef }[] {
  const out: { pointer: string; tenant: TenantRef }[] = [];
  const hit = (key: string, value: string) => other(key === NAMESPACE_NAME_LABEL ? ctx.tenantRef('namespace', value) : key === TENANT_LABEL ? ctx.tenantRef('id', value) : undefined, home);
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
function namedIn(value: string, home: TenantRef, ctx: Ctx): TenantRef | undefined {
  for (const token of value.match(/[a-z0-9-]+/gi) ?? []) {
    const t = other(ctx.tenantRef('namespace', token), home);
    if (t) return t;
  }
  return undefined;
}

/** Every place an object in a tenant namespace can point at another namespace, as pointer → text. */
function references(m: Manifest, home: TenantRef, ctx: Ctx): { pointer: string; tenant: TenantRef }[] {
  const out: { pointer: string; tenant: TenantRef }[] = [];
  const text = (pointer: string, value: string | undefined) => {
    // Schema validation reports a number or a map where a string belongs; it names no namespace.
    const t = typeof value === 'string' ? namedIn(value, home, ctx) : undefined;
    if (t) out.push({ pointer, tenant: t });
  };
  const o = m.object;
  if (o.kind === 'RoleBinding') {
    ((o as unknown as RoleBinding).subjects ?? []).forEach((s, i) => text(`/subjects/${i}/namespace`, s.namespace));
  }
  if (o.kind === 'NetworkPolicy') {
    const spec = asNetworkPolicy(m).spec;
    spec?.ingress?.forEach((r, i) => r.from?.forEach((p, j) => out.push(...selectorTargets(p.namespaceSelector, `/spec/ingress/${i}/from/${j}/namespaceSelector`, home, ctx))));
    spec?.egress?.forEach((r, i) => r.to?.forEach((p, j) => out.push(...selectorTargets(p.namespaceSelector, `/spec/egress/${i}/to/${j}/namespaceSelector`, home, ctx))));
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
    // Other tenants are looked up through tenantRef, so a tenant's findings are kept and replayed while those answers hold.
    local: true,
    messages: {
      misplaced: 'object of tenant {tenant} is in namespace {actual}, not {expected}',
      reference: 'references namespace {namespace} of tenant {other}',
    },
  },
  checkManifest(m, ctx) {
    const t = owner(m, ctx);
    const isNamespace = m.object.kind === 'Namespace';
    const where = isNamespace ? m.object.metadata?.name : m.object.metadata?.namespace;
    if (t && where !== t.namespace) {
      const pointer = isNamespace ? '/metadata/name' : '/metadata/namespace';
      ctx.report({ manifest: m, messageId: 'misplaced', pointer, data: { tenant: t.id, actual: where ?? '(none)', expected: t.namespace }, actual: where, expected: t.namespace });
    }
    // A Namespace names no other namespace (references() reads no field of it).
    const home = isNamespace ? undefined : ctx.tenantOfNamespace(m.object.metadata?.namespace);
    if (!home) return;
    for (const r of references(m, home, ctx)) {
      ctx.report({ manifest: m, messageId: 'reference', pointer: r.pointer, data: { namespace: r.tenant.namespace, other: r.tenant.id } });
    }
  },
};
