import { describe, expect, it } from 'vitest';
import { defaultDeny } from '../../src/rules/isolation/default-deny.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const file = `${tenantA}/networkpolicy-default-deny-all.yaml`;

describe('isolation/default-deny', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(defaultDeny);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the policy denies ingress only', async () => {
    const { diagnostics, fixture } = await runRule(defaultDeny, [{ file, from: '    - Egress\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, 'isolation/default-deny', file, 'policyTypes');
    expect(d.message).toContain('Egress stays open');
    expect(d.tenant).toBe('test-tenant-a');
  });

  it('fails when the default-deny policy is deleted', async () => {
    const { diagnostics, fixture } = await runRule(defaultDeny, [{ file, remove: true }]);
    const d = expectFinding(diagnostics, fixture, 'isolation/default-deny', 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml', 'apiVersion');
    expect(d.message).toContain('Ingress and Egress');
  });

  it('fails when the deny-all policy selects only some pods', async () => {
    const { diagnostics } = await runRule(defaultDeny, [{ file, from: '  podSelector: {}', to: '  podSelector:\n    matchLabels:\n      app: x' }]);
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['isolation/default-deny']);
  });
});
