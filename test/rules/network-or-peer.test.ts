import { describe, expect, it } from 'vitest';
import { orPeer } from '../../src/rules/network/or-peer.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const id = 'network/or-peer';

describe('network/or-peer', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(orPeer);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the ingress peer is split into two items', async () => {
    const file = `${tenantA}/networkpolicy-allow-ingress-to-api.yaml`;
    const { diagnostics, fixture } = await runRule(orPeer, [{ file, from: '\n          podSelector:', to: '\n        - podSelector:' }]);
    const d = expectFinding(diagnostics, fixture, id, file, '- namespaceSelector');
    expect(d.message).toContain('these two peers are OR-ed');
    expect(d.message).toContain('put both selectors in ONE item');
  });

  it('fails when an egress peer to the database is split', async () => {
    const file = `${tenantB}/networkpolicy-allow-egress-to-database.yaml`;
    const { diagnostics, fixture } = await runRule(orPeer, [{ file, from: '\n          podSelector:\n            matchLabels:\n              app: ai-agents-redis', to: '\n        - podSelector:\n            matchLabels:\n              app: ai-agents-redis' }]);
    expectFinding(diagnostics, fixture, id, file, '- namespaceSelector', 1);
    expect(diagnostics).toHaveLength(1);
  });
});
