import { describe, expect, it } from 'vitest';
import { quotaPresent } from '../../src/rules/quota/present.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const file = `${tenantA}/resourcequota-tenant-quota.yaml`;
const id = 'quota/present';

describe('quota/present', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(quotaPresent);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the tier in tenants.yaml no longer matches the rendered quota', async () => {
    const { diagnostics, fixture } = await runRule(quotaPresent, [{ file: 'tenants.yaml', from: '      requests.cpu: "2"\n', to: '      requests.cpu: "3"\n' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'requests.cpu');
    expect(d.message).toBe('requests.cpu is 2 but tier standard resolves to 3');
    expect(d.field).toMatchObject({ pointer: '/spec/hard/requests.cpu', actual: '2', expected: '3' });
  });

  it('fails when a hand edit opens node ports', async () => {
    const { diagnostics, fixture } = await runRule(quotaPresent, [{ file, from: 'services.nodeports: "0"', to: 'services.nodeports: "2"' }]);
    const line = expectFinding(diagnostics, fixture, id, file, 'services.nodeports').file?.line;
    const msgs = diagnostics.filter((d) => d.file?.line === line).map((d) => d.message);
    expect(msgs).toContain('services.nodeports must be 0 so tenants cannot open node ports or cloud load balancers (tier standard, got 2)');
    expect(msgs).toContain('services.nodeports is 2 but tier standard resolves to 0');
  });

  it('fails when a tier exceeds the platform maximum', async () => {
    const { diagnostics, fixture } = await runRule(quotaPresent, [{ file: 'tenants.yaml', from: '    limits.cpu: "32"\n', to: '    limits.cpu: "3"\n' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'limits.cpu');
    expect(d.message).toBe('limits.cpu 4 exceeds the platform maximum 3 (tier standard)');
  });

  it('fails when the LimitRange is missing', async () => {
    const { diagnostics, fixture } = await runRule(quotaPresent, [{ file: `${tenantA}/limitrange-tenant-limits.yaml`, remove: true }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'requests.cpu');
    expect(d.message).toContain('no LimitRange gives Container default and defaultRequest for cpu');
    expectFinding(diagnostics, fixture, id, file, 'requests.memory');
    expect(diagnostics.filter((d) => d.tenant === 'test-tenant-b')).toEqual([]);
  });

  it('fails when the quota or an object count is missing', async () => {
    const { diagnostics, fixture } = await runRule(quotaPresent, [
      { file, remove: true },
      { file: `rendered/ai-agents-test-tenant-b/resourcequota-tenant-quota.yaml`, from: '    pods: "10"\n', to: '' },
    ]);
    const d = expectFinding(diagnostics, fixture, id, 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml', 'apiVersion');
    expect(d.message).toBe('namespace ai-agents-test-tenant-a has no ResourceQuota (tier standard)');
    const b = 'rendered/ai-agents-test-tenant-b/resourcequota-tenant-quota.yaml';
    expectFinding(diagnostics, fixture, id, b, 'hard:');
    const messages = diagnostics.filter((x) => x.file?.path === b).map((x) => x.message);
    expect(messages).toEqual(['pods is missing; tier standard resolves to 10', 'object count pods is not limited (tier standard)']);
  });
});
