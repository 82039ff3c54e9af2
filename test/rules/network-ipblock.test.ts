import { describe, expect, it } from 'vitest';
import { ipBlock } from '../../src/rules/network/ipblock.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'network/ipblock';
const file = `${tenantA}/networkpolicy-allow-egress-to-external.yaml`;

describe('network/ipblock', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(ipBlock);
    expect(diagnostics).toEqual([]);
  });

  it.each([
    ['an except of the other IP family', '              - 169.254.0.0/16\n', '              - 169.254.0.0/16\n              - fd00::/8\n', 'fd00::/8', /not the same IP family as cidr 0\.0\.0\.0\/0/],
    ['an except outside the cidr', '            cidr: 0.0.0.0/0\n', '            cidr: 10.0.0.0/8\n', '169.254.0.0/16', /169\.254\.0\.0\/16 is outside cidr 10\.0\.0\.0\/8/],
    ['an except equal to the cidr (not strictly inside)', '              - 169.254.0.0/16\n', '              - 0.0.0.0/0\n', '- 0.0.0.0/0', /0\.0\.0\.0\/0 is outside cidr/],
    ['leading zeros in an except', '              - 169.254.0.0/16\n', '              - 169.254.000.0/16\n', '169.254.000.0/16', /not an address\/prefix-length CIDR/],
    ['host bits in the cidr', '            cidr: 0.0.0.0/0\n', '            cidr: 10.0.0.1/8\n', 'cidr: 10.0.0.1/8', /has host bits set; the network is 10\.0\.0\.0\/8/],
  ])('fails on %s', async (_name, from, to, needle, message) => {
    const { diagnostics, fixture } = await runRule(ipBlock, [{ file, from, to }]);
    const d = expectFinding(diagnostics, fixture, id, file, needle);
    expect(d.message).toMatch(message);
  });

  it('passes IPv6 in an ipBlock of its own', async () => {
    const { diagnostics } = await runRule(ipBlock, [
      { file, from: '      to:\n', to: '      to:\n        - ipBlock:\n            cidr: ::/0\n            except:\n              - fd00::/8\n' },
    ]);
    expect(diagnostics).toEqual([]);
  });
});
