import type { RuleDescriptor } from '../../diagnostics/result.js';
import type { ProofRuleId } from './diagnostics.js';

const DOC = 'docs/analysis/isolation.md';

const d = (id: ProofRuleId, anchor: string, description: string, remediation: string): RuleDescriptor => ({
  id,
  description,
  severity: 'error',
  remediation,
  helpUri: `${DOC}#${anchor}`,
});

/** The findings `check` adds after the rules, listed for SARIF and the docs. */
export const proofRuleDescriptors: RuleDescriptor[] = [
  d('isolation/cross-tenant-path', 'cross-tenant-path', 'A pod of one tenant can open a connection to a pod of another (or one side\'s policies would let it).', 'Pin every peer by namespace and pod labels in one list item; never select tenant namespaces broadly.'),
  d('isolation/declared-flow-blocked', 'declared-flow-blocked', 'A flow tenants.yaml declares (DNS, database, external services, ingress to the api) is denied.', 'Restore the allow rule the template renders for that flow and re-render.'),
  d('isolation/undeclared-flow', 'undeclared-flow', 'A flow nobody declared is allowed (a worker reachable from ingress, the metadata address, the database from a non-tenant namespace).', 'Narrow the allowing rule to the declared peers and ports.'),
  d('isolation/rbac-cross-tenant', 'rbac-cross-tenant', "A tenant ServiceAccount holds access in another tenant's namespace.", "Bind tenant ServiceAccounts only in their own namespace."),
  d('isolation/rbac-cluster-scope', 'rbac-cluster-scope', 'A tenant ServiceAccount holds cluster-scoped rules tenants.yaml does not grant.', 'Remove the ClusterRoleBinding subject that reaches tenant ServiceAccounts.'),
  d('isolation/rbac-guardrails', 'rbac-guardrails', 'A tenant can create or change its own quota, limit range, network policies, roles, bindings or Namespace.', 'Drop the guardrail resources and write verbs from the tenant role.'),
  d('isolation/platform-admin-access', 'platform-admin-access', 'The platform admins group lacks access the brief promises in a tenant namespace.', 'Bind the admins group to the platform ClusterRole in every tenant namespace.'),
];
