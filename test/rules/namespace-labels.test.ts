import { describe, expect, it } from 'vitest';
import { namespaceLabels } from '../../src/rules/namespace/labels.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const ns = 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml';
const id = 'namespace/labels';

describe('namespace/labels', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(namespaceLabels);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the tenant label is missing', async () => {
    const { diagnostics, fixture } = await runRule(namespaceLabels, [{ file: ns, from: '    tenant: test-tenant-a\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, ns, '  labels:');
    expect(d.message).toBe('label tenant is missing (expected "test-tenant-a")');
  });

  it('fails when the namespace enforces a weaker level than the platform', async () => {
    const { diagnostics, fixture } = await runRule(namespaceLabels, [{ file: ns, from: 'enforce: restricted', to: 'enforce: baseline' }]);
    const d = expectFinding(diagnostics, fixture, id, ns, 'enforce: baseline');
    expect(d.message).toBe('label pod-security.kubernetes.io/enforce is "baseline", expected "restricted"');
    expect(d.field?.pointer).toBe('/metadata/labels/pod-security.kubernetes.io~1enforce');
  });

  it('fails when warn is weaker than enforce', async () => {
    const { diagnostics, fixture } = await runRule(namespaceLabels, [{ file: ns, from: 'warn: restricted', to: 'warn: privileged' }]);
    const d = expectFinding(diagnostics, fixture, id, ns, 'warn: privileged');
    expect(d.message).toBe('label pod-security.kubernetes.io/warn is "privileged", weaker than enforce "restricted"');
  });

  it('fails for an invalid version and a wrong tenant-namespace label', async () => {
    const { diagnostics, fixture } = await runRule(namespaceLabels, [
      { file: ns, from: 'enforce-version: v1.33', to: 'enforce-version: "1.33"' },
      { file: ns, from: 'tenant-namespace: "true"', to: 'tenant-namespace: "false"' },
    ]);
    expect(expectFinding(diagnostics, fixture, id, ns, 'enforce-version').message).toContain('must be "latest" or "v1.x"');
    expect(expectFinding(diagnostics, fixture, id, ns, 'tenant-namespace').message).toContain('expected "true"');
  });

  it('fails when the Namespace object is gone', async () => {
    const { diagnostics, fixture } = await runRule(namespaceLabels, [{ file: ns, remove: true }]);
    const d = expectFinding(diagnostics, fixture, id, `${tenantA}/limitrange-tenant-limits.yaml`, "namespace:");
    expect(d.message).toBe('tenant test-tenant-a has no Namespace object ai-agents-test-tenant-a');
  });
});
