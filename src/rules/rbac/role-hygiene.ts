import type { PolicyRule, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { buildResourceTable, type ResourceTable } from '../../analysis/rbac/index.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext } from '../types.js';
import { manifestsOfKind } from '../util.js';
import { GUARDRAILS, NAMESPACE_GUARDRAIL } from '../../platform/index.js';

type Messages = 'wildcard' | 'escalation' | 'clusterScoped' | 'guardrail' | 'unknownClusterRole';

/** Objects that fence a tenant in: editing them undoes isolation or quota. */
const GUARDRAIL_RESOURCES = new Set([...GUARDRAILS, NAMESPACE_GUARDRAIL].map((g) => g.resource));
const ESCALATION = new Set(['escalate', 'bind', 'impersonate']);
/** Reading a guardrail is harmless (and helps debugging); changing it is not. */
const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', '*']);

function clusterScoped(table: ResourceTable, resource: string, groups: readonly string[]): boolean {
  const base = resource.split('/')[0]!;
  const candidates = groups.includes('*') ? [table.find(base)] : groups.map((g) => table.find(base, g));
  return candidates.some((r) => r !== undefined && !r.namespaced);
}

function checkRules(m: Manifest, rules: readonly PolicyRule[], table: ResourceTable, ctx: RuleContext<Messages>): void {
  rules.forEach((r, i) => {
    const at = `/rules/${i}`;
    const groups = r.apiGroups ?? [];
    const verbs = r.verbs ?? [];
    groups.forEach((g, j) => g === '*' && ctx.report({ manifest: m, messageId: 'wildcard', pointer: `${at}/apiGroups/${j}`, data: { field: 'apiGroups' } }));
    verbs.forEach((v, j) => {
      if (v === '*') ctx.report({ manifest: m, messageId: 'wildcard', pointer: `${at}/verbs/${j}`, data: { field: 'verbs' } });
      else if (ESCALATION.has(v)) ctx.report({ manifest: m, messageId: 'escalation', pointer: `${at}/verbs/${j}`, data: { verb: v } });
    });
    const write = verbs.find((v) => WRITES.has(v));
    (r.resources ?? []).forEach((res, j) => {
      const pointer = `${at}/resources/${j}`;
      const base = res.split('/')[0]!;
      if (res === '*') ctx.report({ manifest: m, messageId: 'wildcard', pointer, data: { field: 'resources' } });
      else if (clusterScoped(table, res, groups)) ctx.report({ manifest: m, messageId: 'clusterScoped', pointer, data: { resource: res } });
      else if (GUARDRAIL_RESOURCES.has(base) && write) ctx.report({ manifest: m, messageId: 'guardrail', pointer, data: { resource: res, verb: write } });
    });
  });
}

/**
 * What a tenant may do inside its namespace: nothing that reaches past it, nothing
 * that grants more than it holds, nothing that loosens its own guardrails.
 */
export const roleHygiene: Rule<Messages> = {
  meta: {
    id: 'rbac/role-hygiene',
    appliesTo: ['Role'],
    messages: {
      wildcard: '`*` in {field} grants everything, including what the API adds later',
      escalation: 'verb {verb} lets the holder grant or assume more than it has',
      clusterScoped: '{resource} is cluster-scoped: a namespaced grant is meaningless and signals an intent to reach outside the namespace',
      guardrail: '{verb} on {resource} lets the tenant edit its own guardrails',
      unknownClusterRole: 'binds ClusterRole {name}, which is not in the tree, so what it grants cannot be checked',
    },
  },
  checkManifest(m, ctx) {
    if (!ctx.tenantOfNamespace(m.object.metadata?.namespace)) return;
    checkRules(m, (m.object as unknown as Role).rules ?? [], ctx.shared('rbac:resource-table', () => buildResourceTable(ctx.all)), ctx);
  },
  checkAll(manifests, ctx) {
    // The platform ClusterRole is exempt only while it stays bound to the platform group alone.
    const admins = ctx.platform?.admins.group;
    const clusterRoles = manifestsOfKind(manifests, 'ClusterRole');
    const checked = new Set<string>();
    const table = ctx.shared('rbac:resource-table', () => buildResourceTable(ctx.all));
    for (const b of manifestsOfKind(manifests, 'RoleBinding')) {
      const rb = b.object as unknown as RoleBinding;
      if (!ctx.tenantOfNamespace(rb.metadata?.namespace) || rb.roleRef?.kind !== 'ClusterRole') continue;
      if ((rb.subjects ?? []).every((s) => s.kind === 'Group' && s.name === admins)) continue;
      const name = rb.roleRef.name;
      const role = clusterRoles.find((c) => c.object.metadata?.name === name);
      if (!role) {
        ctx.report({ manifest: b, messageId: 'unknownClusterRole', pointer: '/roleRef/name', data: { name } });
        continue;
      }
      if (checked.has(name)) continue;
      checked.add(name);
      checkRules(role, (role.object as unknown as Role).rules ?? [], table, ctx);
    }
  },
};
