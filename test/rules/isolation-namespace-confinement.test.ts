import { describe, expect, it } from 'vitest';
import { namespaceConfinement } from '../../src/rules/isolation/namespace-confinement.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'isolation/namespace-confinement';
const config = `${tenantA}/workloads/configmap-tenant-config.yaml`;
const binding = `${tenantA}/rolebinding-tenant-test-tenant-a-rolebinding.yaml`;
const ingress = `${tenantA}/networkpolicy-allow-ingress-to-api.yaml`;
const api = `${tenantA}/workloads/deployment-api.yaml`;

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(namespaceConfinement);
    expect(diagnostics).toEqual([]);
  });

  it("fails when tenant A's ConfigMap points at a service in tenant B's namespace", async () => {
    const edit = { file: config, from: 'postgresql.database.svc', to: 'postgresql.ai-agents-test-tenant-b.svc' };
    const { diagnostics, fixture } = await runRule(namespaceConfinement, [edit]);
    const d = expectFinding(diagnostics, fixture, id, config, 'DATABASE_HOST');
    expect(d.message).toBe('references namespace ai-agents-test-tenant-b of tenant test-tenant-b');
  });

  it('passes over a number or a map where a string belongs (schema validation reports those), instead of failing the run', async () => {
    const edits = [
      { file: config, from: '  TENANT_ID: test-tenant-a', to: '  TENANT_ID: 5\n  NESTED: { a: ai-agents-test-tenant-b }' },
      { file: api, from: '          envFrom:\n', to: '          env:\n            - name: COUNT\n              value: 7\n          envFrom:\n' },
    ];
    const { diagnostics } = await runRule(namespaceConfinement, edits);
    expect(diagnostics).toEqual([]);
  });

  it("fails when tenant A's object is placed in tenant B's namespace", async () => {
    const edit = { file: config, from: '  namespace: ai-agents-test-tenant-a', to: '  namespace: ai-agents-test-tenant-b' };
    const { diagnostics, fixture } = await runRule(namespaceConfinement, [edit]);
    const d = expectFinding(diagnostics, fixture, id, config, 'namespace:');
    expect(d.message).toContain('object of tenant test-tenant-a is in namespace ai-agents-test-tenant-b');
  });

  it("fails when a RoleBinding subject names tenant B's namespace", async () => {
    const edit = { file: binding, from: '    namespace: ai-agents-test-tenant-a', to: '    namespace: ai-agents-test-tenant-b' };
    const { diagnostics, fixture } = await runRule(namespaceConfinement, [edit]);
    expectFinding(diagnostics, fixture, id, binding, '    namespace: ai-agents-test-tenant-b');
  });

  it("fails when a NetworkPolicy selects tenant B's namespace, by name or by tenant label", async () => {
    const byName = { file: ingress, from: 'kubernetes.io/metadata.name: ingress-nginx', to: 'kubernetes.io/metadata.name: ai-agents-test-tenant-b' };
    const a = await runRule(namespaceConfinement, [byName]);
    expectFinding(a.diagnostics, a.fixture, id, ingress, 'kubernetes.io/metadata.name: ai-agents');

    const byLabel = { file: ingress, from: 'kubernetes.io/metadata.name: ingress-nginx', to: 'tenant: test-tenant-b' };
    const b = await runRule(namespaceConfinement, [byLabel]);
    expectFinding(b.diagnostics, b.fixture, id, ingress, 'tenant: test-tenant-b');
  });

  it("fails when a container env value names a host in tenant B's namespace", async () => {
    const env = '          env:\n            - name: PEER_URL\n              value: http://api.ai-agents-test-tenant-b.svc.cluster.local:8000\n';
    const { diagnostics, fixture } = await runRule(namespaceConfinement, [{ file: api, from: '          envFrom:\n', to: `${env}          envFrom:\n` }]);
    expectFinding(diagnostics, fixture, id, api, 'value: http://api');
  });

  it('does not confuse a namespace with a longer one sharing its prefix', async () => {
    const edit = { file: config, from: 'postgresql.database.svc', to: 'postgresql.ai-agents-test-tenant-bx.svc' };
    expect((await runRule(namespaceConfinement, [edit])).diagnostics).toEqual([]);
  });
});
