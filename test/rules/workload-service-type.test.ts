import { describe, expect, it } from 'vitest';
import { serviceType } from '../../src/rules/workload/service-type.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const id = 'workload/service-type';
const serviceA = `${tenantA}/workloads/service-api.yaml`;
const serviceB = `${tenantB}/workloads/service-api.yaml`;

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(serviceType);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a NodePort Service', async () => {
    const { diagnostics, fixture } = await runRule(serviceType, [{ file: serviceA, from: 'type: ClusterIP', to: 'type: NodePort' }]);
    const d = expectFinding(diagnostics, fixture, id, serviceA, 'type: NodePort');
    expect(d.message).toBe('Service type NodePort exposes the tenant outside the platform ingress');
    expect(d.tenant).toBe('test-tenant-a');
  });

  it('fails on a LoadBalancer Service and on externalIPs', async () => {
    const edit = { file: serviceB, from: '  type: ClusterIP', to: '  type: LoadBalancer\n  externalIPs:\n    - 203.0.113.10' };
    const { diagnostics, fixture } = await runRule(serviceType, [edit]);
    expectFinding(diagnostics, fixture, id, serviceB, 'type: LoadBalancer');
    expectFinding(diagnostics, fixture, id, serviceB, '- 203.0.113.10');
  });

  it("fails on an ExternalName alias to tenant B's service", async () => {
    const edit = { file: serviceA, from: '  type: ClusterIP', to: '  type: ExternalName\n  externalName: api.ai-agents-test-tenant-b.svc.cluster.local' };
    const { diagnostics, fixture } = await runRule(serviceType, [edit]);
    expect(expectFinding(diagnostics, fixture, id, serviceA, 'externalName:').message).toContain('tenant test-tenant-b');
  });
});
