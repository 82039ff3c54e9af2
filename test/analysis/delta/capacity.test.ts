import { afterAll, describe, expect, it } from 'vitest';
import { capacityDelta } from '../../../src/analysis/delta/capacity.js';
import { bundledTenants, cleanupTempRepos, renderedWith } from '../../helpers.js';

afterAll(cleanupTempRepos);

describe('capacity delta', async () => {
  const bundled = await bundledTenants();
  const base = await renderedWith(bundled);
  const delta = async (tenants: string) => {
    const head = await renderedWith(tenants);
    return capacityDelta(base.render!.manifests, base.config!, head.render!.manifests, head.config!);
  };

  it('is empty when no quota, limit range or workload changed', async () => {
    expect(await delta(bundled.replace('name: Test Tenant A', 'name: Renamed'))).toEqual([]);
  });

  it('shows the quota, peak use and headroom of a tier change, per resource', async () => {
    const changes = await delta(bundled.replace(/(id: test-tenant-a\n(?: {4}.*\n)*? {4}tier: )standard/, '$1premium'));
    expect(changes.every((c) => c.tenant === 'test-tenant-a')).toBe(true);
    expect(changes.find((c) => c.resource === 'limits.cpu')).toMatchObject({ hard: ['4', '16'], headroom: ['1', '13'] });
  });
});
