import { describe, expect, it } from 'vitest';
import { externalEgress } from '../../src/rules/network/external-egress.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const file = `${tenantA}/networkpolicy-allow-egress-to-external.yaml`;
const id = 'network/external-egress';

describe('network/external-egress', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(externalEgress);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the metadata endpoint range is no longer excepted', async () => {
    const { diagnostics, fixture } = await runRule(externalEgress, [{ file, from: '              - 169.254.0.0/16\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'except:');
    expect(d.message).toBe('ipBlock 0.0.0.0/0 reaches 169.254.0.0/16 (169.254.0.0-169.254.255.255 not excepted)');
    expect(diagnostics).toHaveLength(1);
  });

  it('fails at the cidr when there is no except at all', async () => {
    const { diagnostics, fixture } = await runRule(externalEgress, [
      { file, from: '            except:\n              - 169.254.0.0/16\n              - 10.244.0.0/16\n              - 10.96.0.0/12\n', to: '' },
    ]);
    expectFinding(diagnostics, fixture, id, file, 'cidr:');
    expect(diagnostics).toHaveLength(3);
  });

  it('fails when tenants.yaml denies a range the rendered except does not cover', async () => {
    const { diagnostics, fixture } = await runRule(externalEgress, [{ file: 'tenants.yaml', from: '      - 10.96.0.0/12\n', to: '      - 10.96.0.0/12\n      - 10.0.0.0/8\n' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'except:');
    expect(d.message).toContain('reaches 10.0.0.0/8');
  });

  it('accepts a covering except range', async () => {
    const { diagnostics } = await runRule(externalEgress, [{ file, from: '              - 169.254.0.0/16\n', to: '              - 169.0.0.0/8\n' }]);
    expect(diagnostics).toEqual([]);
  });
});
