import { describe, expect, it } from 'vitest';
import { loadTenantsText } from '../../src/tenants/index.js';
import { bundledTenants } from '../helpers.js';

const base = await bundledTenants();

/** The bundled file with the standard tier's pods as a number, and these tenants. */
function withTenants(tenants: string): string {
  const head = base.slice(0, base.indexOf('\ntenants:') + '\ntenants:'.length).replace('      pods: "10"\n', '      pods: 10\n');
  expect(head).toContain('      pods: 10\n');
  return `${head}\n${tenants}`;
}

describe('a tenant’s quota', () => {
  const text = withTenants(
    [
      '  - { id: one, name: One, tier: standard }',
      '  - { id: two, name: Two, tier: standard }',
      '  - { id: own, name: Own, tier: standard, quota: { pods: 7, count/jobs.batch: "3" } }',
      '  - { id: big, name: Big, tier: premium }',
    ].join('\n'),
  );
  const { config, diagnostics } = loadTenantsText(text, 'tenants.yaml');
  const quota = (id: string) => config!.tenants.find((t) => t.id === id)!.quota;
  const standard = { 'requests.cpu': '2', 'limits.cpu': '4', 'requests.memory': '4Gi', 'limits.memory': '8Gi', 'requests.storage': '20Gi', pods: '10', services: '5', persistentvolumeclaims: '5', 'services.nodeports': '0', 'services.loadbalancers': '0' };

  it('is its tier’s, every amount a string, in the tier’s order', () => {
    expect(diagnostics).toEqual([]);
    expect(Object.entries(quota('one'))).toEqual(Object.entries(standard));
    expect(quota('two')).toEqual(standard);
    expect(quota('big')['pods']).toBe('30');
  });

  it('is each tenant’s own object, so a change to one tenant’s never shows in another’s', () => {
    expect(quota('one')).not.toBe(quota('two'));
    quota('one')['pods'] = '99';
    expect(quota('two')['pods']).toBe('10');
  });

  it('takes the tenant’s own amounts over its tier’s, and its own keys after the tier’s', () => {
    expect(Object.entries(quota('own'))).toEqual([...Object.entries({ ...standard, pods: '7' }), ['count/jobs.batch', '3']]);
  });
});
