import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RenderCache } from '../../src/render/cache.js';
import { loadTenantsText, type TenantsConfig } from '../../src/tenants/index.js';
import { bundledTenants, cleanupTempRepos, cli, tempDir, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const FILE = 'tenants.yaml';
/** Pointers whose positions findings use: the platform, a tier, tenants and their fields. */
const POINTERS = ['', '/platform/namespacePrefix', '/tiers/standard/quota', '/tenants/0', '/tenants/1/tier', '/tenants/1/config/LOG_LEVEL'];

/** The loaded config as JSON, and the positions of POINTERS: everything later stages read of it. */
function observed(r: { config?: TenantsConfig; diagnostics: unknown[] }) {
  expect(r.diagnostics).toEqual([]);
  return { config: JSON.stringify(r.config), positions: POINTERS.map((p) => r.config!.locate(p)) };
}

describe('loaded tenants files kept in the cache', () => {
  it('a second load of the same text gives the same config and positions as a load without the cache', async () => {
    const text = await bundledTenants();
    const cache = new RenderCache(await tempDir());
    const uncached = observed(loadTenantsText(text, FILE));
    expect(cache.loadedTenants(FILE, text)).toBeUndefined();
    expect(observed(loadTenantsText(text, FILE, cache))).toEqual(uncached);
    expect(cache.loadedTenants(FILE, text)).toBeDefined();
    expect(observed(loadTenantsText(text, FILE, new RenderCache(cache.dir)))).toEqual(uncached);
  });

  it('the stored load is what a later load returns, for exactly the text, file name and build it was stored for', async () => {
    const text = await bundledTenants();
    const dir = await tempDir();
    const cache = new RenderCache(dir, { toolId: 'build-1' });
    const { locate: _, ...plain } = loadTenantsText(text, FILE, cache).config!;
    // Stored under this text: a doctored entry shows whether a load reads it.
    cache.keepLoadedTenants(FILE, text, { ...plain, tenants: plain.tenants.slice(0, 1) });
    const ids = (r: { config?: TenantsConfig }) => r.config?.tenants.map((t) => t.id);
    expect(ids(loadTenantsText(text, FILE, cache))).toEqual(['test-tenant-a']);
    // Any other text, file name or build is a miss, loaded from its text.
    const edited = text.replace('  - id: test-tenant-b\n    name: Test Tenant B\n    tier: standard', '  - id: test-tenant-b\n    name: Test Tenant B\n    tier: premium');
    expect(edited).not.toBe(text);
    const b = loadTenantsText(edited, FILE, cache).config!.tenants.find((t) => t.id === 'test-tenant-b');
    expect(b?.tierName).toBe('premium');
    expect(ids(loadTenantsText(text, 'other/tenants.yaml', cache))).toEqual(['test-tenant-a', 'test-tenant-b']);
    expect(ids(loadTenantsText(text, FILE, new RenderCache(dir, { toolId: 'build-2' })))).toEqual(['test-tenant-a', 'test-tenant-b']);
  });

  it('a file with diagnostics is never stored: each load reports them again', async () => {
    const text = (await bundledTenants()).replace('tier: standard\n\n  - id: test-tenant-b', 'tier: standrad\n\n  - id: test-tenant-b');
    const cache = new RenderCache(await tempDir());
    for (let run = 0; run < 2; run++) {
      const r = loadTenantsText(text, FILE, cache);
      expect(r.config).toBeUndefined();
      expect(r.diagnostics.map((d) => [d.message, d.file?.line])).toEqual([['tier "standrad" is not defined under tiers', 146]]);
    }
    expect(cache.loadedTenants(FILE, text)).toBeUndefined();
  });

  it('a finding placed in tenants.yaml has the same line from a cached load (check, cold and warm)', async () => {
    const text = (await bundledTenants()).replace('    name: Test Tenant A\n', '    name: Test Tenant A\n    waivers:\n      - rule: workload/image-pinned\n        reason: nothing to waive\n');
    const root = await tempRepo({ tenants: text });
    const dir = await tempDir();
    expect((await cli(root, 'render', '--cache-dir', dir)).exitCode).toBe(0);
    const runs = [await cli(root, 'check', '--cache-dir', dir, '--allow-no-base'), await cli(root, 'check', '--cache-dir', dir, '--allow-no-base'), await cli(root, 'check', '--no-cache', '--allow-no-base')];
    expect(await readdir(path.join(dir, 'tenants'))).toHaveLength(1);
    const waiverLine = text.split('\n').indexOf('      - rule: workload/image-pinned') + 1;
    expect(runs[2]!.stdout).toContain(`tenants.yaml:${waiverLine}`);
    for (const r of runs) expect(r.stdout).toBe(runs[2]!.stdout);
  });
});
