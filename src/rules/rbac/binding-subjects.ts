import type { ClusterRoleBinding, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import { fluxDeliveryAccount } from '../../platform/index.js';
import type { Rule, RuleContext, TenantRef } from '../types.js';

type Messages = 'subject' | 'clusterRole' | 'clusterBinding';

function describe(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? '(no namespace)'}/${s.name}` : `${s.kind} ${s.name}`;
}

/** The tenant a subject stands for across the cluster: its ServiceAccounts, their group, their user names. */
function tenantSubject(s: Subject, ctx: RuleContext<Messages>): TenantRef | undefined {
  const of = (ns: string | undefined) => (ns === undefined ? undefined : ctx.tenantRef('namespace', ns));
  if (s.kind === 'ServiceAccount') return of(s.namespace);
  if (s.kind === 'Group') return s.name.startsWith('system:serviceaccounts:') ? of(s.name.slice('system:serviceaccounts:'.length)) : undefined;
  if (s.kind === 'User' && s.name.startsWith('system:serviceaccount:')) return of(s.name.split(':')[2]);
  return undefined;
}

/**
 * Cross-tenant RBAC: a binding in a tenant namespace grants only to that
 * namespace's ServiceAccounts and the platform group, and no cluster-wide
 * binding grants anything to a tenant.
 */
export const bindingSubjects: Rule<Messages> = {
  meta: {
    id: 'rbac/binding-subjects',
    appliesTo: ['RoleBinding', 'ClusterRoleBinding'],
    unwaivable: true,
    // A binding's own namespace, and the tenants its subjects stand for through tenantRef only.
    local: true,
    messages: {
      subject: '{subject} is neither a ServiceAccount of {namespace} nor the platform group {group}',
      clusterRole: 'binds ClusterRole {name} to subjects outside {namespace}; only the platform role {platformRole} may be',
      clusterBinding: 'ClusterRoleBinding grants {subject} of tenant {tenant} rights in every namespace',
    },
  },
  checkManifest(m, ctx) {
    if (m.object.kind === 'ClusterRoleBinding') {
      ((m.object as unknown as ClusterRoleBinding).subjects ?? []).forEach((s, i) => {
        const t = tenantSubject(s, ctx);
        if (t) ctx.report({ manifest: m, messageId: 'clusterBinding', pointer: `/subjects/${i}`, data: { subject: describe(s), tenant: t.id } });
      });
      return;
    }
    const ns = m.object.metadata?.namespace;
    const tenant = ctx.tenantOfNamespace(ns);
    if (!tenant || !ns) return;
    const rb = m.object as unknown as RoleBinding;
    const group = ctx.platform?.admins.group ?? '';
    const platformRole = ctx.platform?.admins.clusterRole ?? '';
    const own = (s: Subject) => s.kind === 'ServiceAccount' && (s.namespace ?? ns) === ns;
    // Under Flux the tenant's workloads are applied as its own delivery account of the GitOps namespace.
    const gitops = ctx.platform?.gitops;
    const delivery = (s: Subject) => gitops?.tool === 'flux' && s.kind === 'ServiceAccount' && s.name === fluxDeliveryAccount(tenant.id) && s.namespace === (gitops.namespace ?? 'flux-system');
    const subjects = rb.subjects ?? [];
    subjects.forEach((s, i) => {
      if (own(s) || delivery(s) || (s.kind === 'Group' && s.name === group)) return;
      ctx.report({ manifest: m, messageId: 'subject', pointer: `/subjects/${i}`, data: { subject: describe(s), namespace: ns, group } });
    });
    if (rb.roleRef?.kind === 'ClusterRole' && rb.roleRef.name !== platformRole && !subjects.every(own)) {
      ctx.report({ manifest: m, messageId: 'clusterRole', pointer: '/roleRef/name', data: { name: rb.roleRef.name, namespace: ns, platformRole } });
    }
  },
};
