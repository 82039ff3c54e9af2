import { describe, expect, it } from 'vitest';
import { networkAllowScope } from '../../src/rules/isolation/network-allow-scope.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const id = 'isolation/network-allow-scope';
const database = `${tenantA}/networkpolicy-allow-egress-to-database.yaml`;
const external = `${tenantA}/networkpolicy-allow-egress-to-external.yaml`;
const ingress = `${tenantA}/networkpolicy-allow-ingress-to-api.yaml`;
const dns = `${tenantB}/networkpolicy-allow-egress-to-dns.yaml`;

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(networkAllowScope);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the database peer drops its podSelector (every pod of the database namespace)', async () => {
    const edit = { file: database, from: '          podSelector:\n            matchLabels:\n              app: ai-agents-postgresql\n', to: '' };
    const { diagnostics, fixture } = await runRule(networkAllowScope, [edit]);
    const d = expectFinding(diagnostics, fixture, id, database, '- namespaceSelector:');
    expect(d.message).toContain('every pod in namespace database');
    expect(diagnostics).toHaveLength(1);
  });

  it('fails when ingress comes from every namespace', async () => {
    const edit = { file: ingress, from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n', to: '        - namespaceSelector: {}\n' };
    const { diagnostics, fixture } = await runRule(networkAllowScope, [edit]);
    expect(expectFinding(diagnostics, fixture, id, ingress, '- namespaceSelector: {}').message).toContain('in every namespace');
  });

  it('fails on intra-namespace ingress, which tenants.yaml does not declare', async () => {
    const edit = { file: ingress, from: '      ports:\n', to: '        - podSelector: {}\n      ports:\n' };
    const { diagnostics, fixture } = await runRule(networkAllowScope, [edit]);
    expect(expectFinding(diagnostics, fixture, id, ingress, '- podSelector: {}').message).toContain("tenant's own namespace");
  });

  it('fails when the external rule opens an undeclared port', async () => {
    const edit = { file: external, from: '        - port: 443\n          protocol: TCP\n', to: '        - port: 443\n          protocol: TCP\n        - port: 22\n          protocol: TCP\n' };
    const { diagnostics, fixture } = await runRule(networkAllowScope, [edit]);
    const d = expectFinding(diagnostics, fixture, id, external, '- port: 22');
    expect(d.message).toBe('port TCP/22 is not declared for external 0.0.0.0/0 (declared: TCP/443)');
  });

  it('fails when the external rule no longer excepts the cluster ranges', async () => {
    const edit = { file: external, from: '            except:\n              - 169.254.0.0/16\n              - 10.244.0.0/16\n              - 10.96.0.0/12\n', to: '' };
    const { diagnostics, fixture } = await runRule(networkAllowScope, [edit]);
    expect(expectFinding(diagnostics, fixture, id, external, '- ipBlock:').message).toContain('denied range 169.254.0.0/16');
  });

  it('fails when the DNS rule has no ports (every port) or a port range', async () => {
    const noPorts = { file: dns, from: '    - ports:\n        - port: 53\n          protocol: UDP\n        - port: 53\n          protocol: TCP\n      to:', to: '    - to:' };
    const { diagnostics, fixture } = await runRule(networkAllowScope, [noPorts]);
    expect(expectFinding(diagnostics, fixture, id, dns, '- to:').message).toContain('every port and protocol');

    const range = { file: dns, from: '        - port: 53\n          protocol: TCP\n', to: '        - port: 53\n          endPort: 1024\n          protocol: TCP\n' };
    const r = await runRule(networkAllowScope, [range]);
    expect(expectFinding(r.diagnostics, r.fixture, id, dns, 'endPort').message).toContain('53-1024');
  });

  it('fails when the external rule drops its peers (every destination) or a port number (every port)', async () => {
    const peers = '      to:\n        - ipBlock:\n            cidr: 0.0.0.0/0\n            except:\n              - 169.254.0.0/16\n              - 10.244.0.0/16\n              - 10.96.0.0/12\n';
    const a = await runRule(networkAllowScope, [{ file: external, from: peers, to: '' }]);
    expect(expectFinding(a.diagnostics, a.fixture, id, external, '- ports:').message).toBe('egress rule has no `to`: it admits every destination');

    const anyPort = { file: external, from: '        - port: 443\n          protocol: TCP\n', to: '        - protocol: UDP\n' };
    const b = await runRule(networkAllowScope, [anyPort]);
    expect(expectFinding(b.diagnostics, b.fixture, id, external, '- protocol: UDP').message).toBe('egress rule admits every UDP port to its peers');
  });

  it('accepts the named api port when it resolves to TCP 8000', async () => {
    const { diagnostics } = await runRule(networkAllowScope, [{ file: ingress, from: '        - port: 8000\n', to: '        - port: http\n' }]);
    expect(diagnostics).toEqual([]);
  });
});
