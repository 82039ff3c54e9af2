import { describe, expect, it } from 'vitest';
import { roleHygiene } from '../../src/rules/rbac/role-hygiene.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'rbac/role-hygiene';
const role = `${tenantA}/role-tenant-test-tenant-a-role.yaml`;
const binding = `${tenantA}/rolebinding-tenant-test-tenant-a-rolebinding.yaml`;
const platformRole = 'rendered/_cluster/clusterrole-ai-agents-platform-admin.yaml';
const extraRule = (group: string, resource: string, verbs: string[]) => ({
  file: role,
  from: '  - apiGroups:\n      - apps\n',
  to: `  - apiGroups:\n      - ${group}\n    resources:\n      - ${resource}\n    verbs:\n${verbs.map((v) => `      - ${v}\n`).join('')}  - apiGroups:\n      - apps\n`,
});

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(roleHygiene);
    expect(diagnostics).toEqual([]);
  });

  it('fails when a tenant may delete its NetworkPolicies', async () => {
    const { diagnostics, fixture } = await runRule(roleHygiene, [extraRule('networking.k8s.io', 'networkpolicies', ['get', 'delete'])]);
    const d = expectFinding(diagnostics, fixture, id, role, '- networkpolicies');
    expect(d.message).toBe('delete on networkpolicies lets the tenant edit its own guardrails');
  });

  it('passes when a tenant may only read its ResourceQuota', async () => {
    const { diagnostics } = await runRule(roleHygiene, [extraRule('""', 'resourcequotas', ['get', 'list', 'watch'])]);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a wildcard verb and on escalate/bind/impersonate', async () => {
    const edit = { file: role, from: '      - delete\n', to: '      - "*"\n      - bind\n' };
    const { diagnostics, fixture } = await runRule(roleHygiene, [edit]);
    expectFinding(diagnostics, fixture, id, role, '- "*"');
    expect(expectFinding(diagnostics, fixture, id, role, '- bind').message).toContain('verb bind');
  });

  it('fails on a cluster-scoped resource in a Role', async () => {
    const edit = { file: role, from: '      - secrets\n', to: '      - secrets\n      - nodes\n' };
    const { diagnostics, fixture } = await runRule(roleHygiene, [edit]);
    expect(expectFinding(diagnostics, fixture, id, role, '- nodes').message).toContain('nodes is cluster-scoped');
  });

  it("checks the platform ClusterRole once a tenant's ServiceAccount is bound to it", async () => {
    const edit = { file: binding, from: '  kind: Role\n  name: tenant-test-tenant-a-role', to: '  kind: ClusterRole\n  name: ai-agents-platform-admin' };
    const { diagnostics, fixture } = await runRule(roleHygiene, [edit]);
    expectFinding(diagnostics, fixture, id, platformRole, '- "*"');
    expect(diagnostics.filter((d) => d.file?.path === platformRole)).toHaveLength(3);
  });

  it('fails when a binding names a ClusterRole that is not in the tree', async () => {
    const edit = { file: binding, from: '  kind: Role\n  name: tenant-test-tenant-a-role', to: '  kind: ClusterRole\n  name: edit' };
    const { diagnostics, fixture } = await runRule(roleHygiene, [edit]);
    expect(expectFinding(diagnostics, fixture, id, binding, 'name: edit').message).toContain('not in the tree');
  });
});
