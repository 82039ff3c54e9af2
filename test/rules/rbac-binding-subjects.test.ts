import { describe, expect, it } from 'vitest';
import { bindingSubjects } from '../../src/rules/rbac/binding-subjects.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const id = 'rbac/binding-subjects';
const binding = `${tenantA}/rolebinding-tenant-test-tenant-a-rolebinding.yaml`;
const admin = `${tenantB}/rolebinding-platform-admin.yaml`;
const crb = 'rendered/_cluster/clusterrolebinding-tenant-a-view.yaml';
const crbText = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: tenant-a-view
roleRef:
  kind: ClusterRole
  name: view
  apiGroup: rbac.authorization.k8s.io
subjects:
  - kind: Group
    name: system:serviceaccounts:ai-agents-test-tenant-a
    apiGroup: rbac.authorization.k8s.io
`;

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(bindingSubjects);
    expect(diagnostics).toEqual([]);
  });

  it("fails when tenant A's RoleBinding grants to tenant B's ServiceAccount", async () => {
    const edit = { file: binding, from: '    namespace: ai-agents-test-tenant-a', to: '    namespace: ai-agents-test-tenant-b' };
    const { diagnostics, fixture } = await runRule(bindingSubjects, [edit]);
    const d = expectFinding(diagnostics, fixture, id, binding, '- kind: ServiceAccount');
    expect(d.message).toContain('ServiceAccount ai-agents-test-tenant-b/sa-test-tenant-a');
  });

  it('fails when the platform binding grants to every authenticated user', async () => {
    const edit = { file: admin, from: 'name: platform-admins', to: 'name: system:authenticated' };
    const { diagnostics, fixture } = await runRule(bindingSubjects, [edit]);
    expect(expectFinding(diagnostics, fixture, id, admin, '- kind: Group').message).toContain('Group system:authenticated');
  });

  it("fails on a ClusterRoleBinding to a tenant's ServiceAccounts group", async () => {
    const { diagnostics, fixture } = await runRule(bindingSubjects, [{ file: crb, text: crbText }]);
    expect(expectFinding(diagnostics, fixture, id, crb, '- kind: Group').message).toContain('tenant test-tenant-a');
  });

  it('fails when a ClusterRole other than the platform role is bound to the platform group', async () => {
    const edit = { file: admin, from: '  name: ai-agents-platform-admin', to: '  name: cluster-admin' };
    const { diagnostics, fixture } = await runRule(bindingSubjects, [edit]);
    expect(expectFinding(diagnostics, fixture, id, admin, 'name: cluster-admin').message).toContain('binds ClusterRole cluster-admin');
  });

  it("passes when a ClusterRole is bound only to the namespace's own ServiceAccount", async () => {
    const edit = { file: binding, from: '  kind: Role\n  name: tenant-test-tenant-a-role', to: '  kind: ClusterRole\n  name: view' };
    expect((await runRule(bindingSubjects, [edit])).diagnostics).toEqual([]);
  });

  it('cannot be waived', async () => {
    const waiver = { file: 'tenants.yaml', from: '    name: Test Tenant B\n', to: `    name: Test Tenant B\n    waivers:\n      - rule: ${id}\n        reason: shared reader\n` };
    const { diagnostics } = await runRule(bindingSubjects, [waiver]);
    expect(diagnostics.map((d) => [d.ruleId, d.tenant, d.message])).toEqual([['input/waiver', 'test-tenant-b', `rule ${id} is a core isolation rule and cannot be waived`]]);
  });
});
