import { describe, expect, it } from 'vitest';
import { dnsEgress } from '../../src/rules/network/dns-egress.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const dns = `${tenantA}/networkpolicy-allow-egress-to-dns.yaml`;
const id = 'network/dns-egress';

describe('network/dns-egress', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(dnsEgress);
    expect(diagnostics).toEqual([]);
  });

  it('fails when DNS is allowed over UDP only', async () => {
    const { diagnostics, fixture } = await runRule(dnsEgress, [{ file: dns, from: '        - port: 53\n          protocol: TCP\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, dns, 'ports:');
    expect(d.message).toBe('egress is denied for every pod in ai-agents-test-tenant-a but DNS over TCP port 53 to kube-system is not allowed');
    expect(diagnostics).toHaveLength(1);
  });

  it('fails on the default deny when the DNS policy is deleted', async () => {
    const deny = `${tenantB}/networkpolicy-default-deny-all.yaml`;
    const { diagnostics, fixture } = await runRule(dnsEgress, [{ file: `${tenantB}/networkpolicy-allow-egress-to-dns.yaml`, remove: true }]);
    expectFinding(diagnostics, fixture, id, deny, 'policyTypes');
    expect(diagnostics.map((d) => d.message)).toEqual([
      'egress is denied for every pod in ai-agents-test-tenant-b but DNS over UDP port 53 to kube-system is not allowed',
      'egress is denied for every pod in ai-agents-test-tenant-b but DNS over TCP port 53 to kube-system is not allowed',
    ]);
  });

  it('fails when DNS goes to the wrong namespace', async () => {
    const { diagnostics, fixture } = await runRule(dnsEgress, [{ file: dns, from: 'metadata.name: kube-system', to: 'metadata.name: kube-public' }]);
    expectFinding(diagnostics, fixture, id, `${tenantA}/networkpolicy-default-deny-all.yaml`, 'policyTypes');
    expect(diagnostics).toHaveLength(2);
  });
});
