import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RenderCache, type CachedTenant } from '../../src/render/cache.js';
import { cleanupTempRepos, spawnCli, tempDir, tempRepo, bundledTenants } from '../helpers.js';

afterAll(cleanupTempRepos);

/** Every file under `dir`, relative path → bytes. */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, p), await readFile(p));
  }
  return out;
}

/** A tenant's entry: two objects, one with text outside ASCII (its byte length is not its length), one that read the tenant list. */
function entry(i: number): CachedTenant {
  return {
    objects: [
      { template: 'tenant/configmap.yaml.ejs', path: `rendered/t-${i}/configmap.yaml`, objectKey: `v1/ConfigMap/t-${i}/config`, platformOwned: false, text: `data:\n  GREETING: "grüß ${i} ✓"\n`, json: `{"data":{"GREETING":"grüß ${i} ✓"}}`, head: { apiVersion: 'v1', kind: 'ConfigMap', name: 'config', namespace: `t-${i}` } },
      { template: 'tenant/namespace.yaml.ejs', path: `rendered/t-${i}/namespace.yaml`, objectKey: `v1/Namespace//t-${i}`, platformOwned: false, text: `metadata:\n  name: t-${i}\n`, json: `{"metadata":{"name":"t-${i}"}}` },
    ],
    ...(i % 2 ? { tenantsDigest: 'sha256:tenants' } : {}),
  };
}

/** A render this large starts the thread (512 or more)... */
const TENANTS = 600;
/** ...and this many entries are all the thread's: fewer than it queues (256) before the caller writes entries itself. */
const QUEUED = 200;
const keyOf = (i: number) => `key-${i}`;

describe('the render cache’s entry writer thread', () => {
  it('writes the entries of a render that stores many, byte for byte as the run’s own thread, all on disk once settled', async () => {
    const [background, own] = [await tempDir(), await tempDir()];
    const threaded = new RenderCache(background, { toolId: 'test', background: true });
    const direct = new RenderCache(own, { toolId: 'test' });
    threaded.expectPuts(TENANTS);
    direct.expectPuts(TENANTS);
    expect([threaded.writing, direct.writing]).toEqual([true, false]);
    for (let i = 0; i < QUEUED; i++) {
      threaded.put(`t-${i}`, keyOf(i), entry(i));
      direct.put(`t-${i}`, keyOf(i), entry(i));
    }
    await threaded.settle();
    expect(threaded.writing).toBe(false);
    expect(threaded.problem).toBeUndefined();
    const files = await filesOf(own);
    expect(files.size).toBe(QUEUED);
    expect(await filesOf(background)).toEqual(files);
    // Read back by another run, as stored.
    const later = new RenderCache(background, { toolId: 'test' });
    for (const i of [0, 1, QUEUED - 1]) {
      const got = later.get(`t-${i}`, keyOf(i))!;
      expect(got.objects.map((o) => [o.path, o.text, o.json, o.head])).toEqual(entry(i).objects.map((o) => [o.path, o.text, o.json, o.head]));
      expect(got.tenantsDigest).toBe(entry(i).tenantsDigest);
    }
  });

  it('starts no thread for a render that stores a few entries, nor for a cache made without `background`', async () => {
    const few = new RenderCache(await tempDir(), { toolId: 'test', background: true });
    few.expectPuts(3);
    const plain = new RenderCache(await tempDir(), { toolId: 'test' });
    plain.expectPuts(TENANTS);
    expect([few.writing, plain.writing]).toEqual([false, false]);
  });

  it('makes a folder the thread cannot write the cache’s problem once settled, as the run’s own thread would', async () => {
    const dir = await tempDir();
    // A file where the cache's folder would be: no folder can be made inside it.
    await writeFile(path.join(dir, 'file'), 'not a folder\n');
    const cache = new RenderCache(path.join(dir, 'file', 'cache'), { toolId: 'test', background: true });
    cache.expectPuts(TENANTS);
    expect(cache.writing).toBe(true);
    for (let i = 0; i < QUEUED; i++) cache.put(`t-${i}`, keyOf(i), entry(i));
    // Every entry went to the thread: this thread tried none itself.
    expect(cache.problem).toBeUndefined();
    await cache.settle();
    expect(cache.problem).toMatch(/^cannot write the render cache in .*file[/\\]cache \(ENOTDIR\); rendering goes on without it/);
  });

  it('a check whose tenants all miss has every entry on disk when its process exits: the next check replays them all', async () => {
    let tenants = `${(await bundledTenants()).trimEnd()}\n`;
    for (let i = 0; i < 520; i++) tenants += `  - id: bulk-${i}\n    name: Bulk ${i}\n    tier: standard\n`;
    const root = await tempRepo({ tenants });
    const cache = await tempDir();
    expect((await spawnCli(root, ['render', '--root', '.', '--no-cache'])).code).toBe(0);
    const argv = ['check', '--root', '.', '--allow-no-base', '--quiet', '--timings', '--cache-dir', cache, '--workers', '2'];
    const cold = await spawnCli(root, argv);
    expect(cold.stderr).toContain('cache     0 tenants from the cache, 522 rendered');
    const warm = await spawnCli(root, argv);
    expect(warm.stderr).toContain('cache     522 tenants from the cache, 0 rendered');
    expect(warm.stdout).toBe(cold.stdout);
    expect([cold.code, warm.code]).toEqual([0, 0]);
  });
});
