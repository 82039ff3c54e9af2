import { buildAuthorizer, userInfo, type Authorizer } from '../../analysis/rbac/index.js';
import { apiGroupOf, headOf } from '../../manifest/types.js';
import type { Rule } from '../types.js';

type Messages = 'project' | 'role';

type KindRule = { group?: string; kind?: string };
/** The fields of an Argo CD AppProject this rule reads. */
type AppProject = { metadata?: { name?: string }; spec?: { namespaceResourceWhitelist?: KindRule[]; namespaceResourceBlacklist?: KindRule[] } };

/** Argo CD project resource lists match group and kind, with `*` for any. */
const listed = (list: readonly KindRule[] | undefined, group: string, kind: string) =>
  (list ?? []).some((e) => (e.group === '*' || (e.group ?? '') === group) && (e.kind === '*' || e.kind === kind));

/**
 * A tenant's workloads are delivered under the tenant's own identity: the
 * tenant's Argo CD project (namespaceResourceWhitelist and Blacklist) or, under
 * Flux, the delivery ServiceAccount the Kustomization impersonates. A kind in
 * workloads/ that identity may not apply fails the sync in the cluster; this
 * says so in review, with the object. It is also how an additive policy kind
 * (a CNI's own NetworkPolicy CRD) is kept out of a tenant's hands.
 */
export const deliveryKind: Rule<Messages> = {
  meta: {
    id: 'workload/delivery-kind',
    needsTenantsFile: true,
    messages: {
      project: '{kind} is not a kind the tenant\'s Argo CD project {project} permits, so the sync of this folder fails with "not permitted in project"',
      role: '{kind} ({resource}) cannot be created by {user}, whom Flux impersonates for this folder, so the Kustomization fails',
    },
  },
  checkManifest(m, ctx) {
    // Only the head: this looks at every object of the tree.
    const o = headOf(m);
    const tenant = ctx.tenantOfNamespace(o.namespace);
    // Judged by where the object is, not by its kind: whatever sits in workloads/ is synced under the tenant's identity.
    if (!tenant || !/\/workloads\/[^/]+$/.test(m.file)) return;
    const group = apiGroupOf(o.apiVersion);
    const project = ctx.shared('delivery-kind/projects', () => {
      const byTenant = new Map<string, AppProject>();
      for (const p of ctx.ofKind('AppProject')) {
        const id = p.object.metadata?.labels?.['platform.ai-agents.io/tenant'];
        if (id) byTenant.set(id, p.object as unknown as AppProject);
      }
      return byTenant;
    }).get(tenant.id);
    if (project) {
      const spec = project.spec ?? {};
      const allowed = (spec.namespaceResourceWhitelist === undefined || listed(spec.namespaceResourceWhitelist, group, o.kind)) && !listed(spec.namespaceResourceBlacklist, group, o.kind);
      if (!allowed) ctx.report({ manifest: m, messageId: 'project', pointer: '/kind', data: { kind: o.kind, project: project.metadata?.name ?? '' } });
      return;
    }
    // The account each impersonating Kustomization applies as, by the namespace it applies to; indexed once per run.
    const impersonated = ctx.shared('delivery-kind/impersonated', () => {
      const out = new Map<string, string>();
      for (const k of ctx.ofKind('Kustomization')) {
        const spec = (k.object as unknown as { spec?: { serviceAccountName?: string; targetNamespace?: string } }).spec;
        const ns = k.object.metadata?.namespace;
        if (spec?.serviceAccountName && ns) out.set(spec.targetNamespace ?? ns, `system:serviceaccount:${ns}:${spec.serviceAccountName}`);
      }
      return out;
    });
    const user = impersonated.get(tenant.namespace);
    if (!user) return;
    const authz = ctx.shared<Authorizer>('delivery-kind/rbac', () => buildAuthorizer(ctx.all));
    const resource = authz.resources.find(o.kind.toLowerCase(), group)?.resource ?? `${o.kind.toLowerCase()}s`;
    if (!authz.allowed(userInfo(user), { verb: 'create', apiGroup: group, resource, namespace: tenant.namespace }).allowed) {
      ctx.report({ manifest: m, messageId: 'role', pointer: '/kind', data: { kind: o.kind, resource, user } });
    }
  },
};
