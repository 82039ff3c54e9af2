import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { headOf, headOfObject, type KubeObject, type Manifest } from '../../src/manifest/types.js';
import { makeManifest } from '../../src/manifest/parse.js';
import { readFile } from 'node:fs/promises';
import { renderInMemory } from '../../src/pipeline.js';
import { CACHE_FORMAT, RenderCache } from '../../src/render/cache.js';
import { frame, unframe } from '../../src/framing.js';
import { TENANTS_PER_BATCH } from '../../src/render/render.js';
import { bundledTenants, cleanupTempRepos, tempDir, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const object = (o: unknown) => o as KubeObject;

describe('object heads', () => {
  it('are the four fields as reading them from the object gives them, and none where one is not a string or absent', () => {
    expect(headOfObject(object({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } }))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ns' });
    expect(headOfObject(object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }))).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'a', namespace: undefined });
    expect(headOfObject(object({ apiVersion: 'v1', kind: 'List' }))).toEqual({ apiVersion: 'v1', kind: 'List', name: undefined, namespace: undefined });
    for (const bad of [{ kind: 'ConfigMap', metadata: {} }, { apiVersion: 1, kind: 'ConfigMap', metadata: {} }, { apiVersion: 'v1', kind: ['x'], metadata: {} }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 12 } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: null } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: { a: 1 } } }]) {
      expect(headOfObject(object(bad)), JSON.stringify(bad)).toBeUndefined();
    }
    // Without a head of its own, a manifest's head is read from its object, whatever it holds.
    const m = makeManifest(object({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 12 } }), 'f.yaml', '', 0);
    expect(m.head).toBeUndefined();
    expect(headOf(m)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 12, namespace: undefined });
  });

  it('of rendered, replayed and worker-rendered objects agree with the objects, hostile names included', async () => {
    let tenants = `${(await bundledTenants()).trimEnd()}\n`;
    for (let i = 0; i < 2 * TENANTS_PER_BATCH; i++) tenants += `  - id: head-${i}\n    name: Head ${i}\n    tier: standard\n`;
    const root = await tempRepo({ tenants });
    // A name YAML reads as a number (render refuses an apiVersion, kind or namespace that is not a string): such an object carries no head.
    await writeFile(path.join(root, 'templates/tenant/zz-odd.yaml.ejs'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 12\n  namespace: <%- v(tenant.namespace) %>\ndata: {}\n');
    const dir = await tempDir('tenantctl-heads-');
    const run = async (o: { cache?: RenderCache; workers?: number }) => {
      const r = await renderInMemory({ root, ...o });
      expect(r.diagnostics).toEqual([]);
      return r.render!;
    };
    const cold = await run({ cache: new RenderCache(dir) });
    const warm = await run({ cache: new RenderCache(dir) });
    const threads = await run({ workers: 2 });
    const count = cold.owners.size > 0 ? new Set(cold.owners.values()).size : 0;
    expect(warm.cache).toEqual({ hits: count, misses: 0 });
    const fromObject = (m: Manifest) => ({ apiVersion: m.object.apiVersion, kind: m.object.kind, name: m.object.metadata?.name, namespace: m.object.metadata?.namespace });
    for (const [name, r] of Object.entries({ cold, warm, threads })) {
      const odd = r.manifests.filter((m) => m.origin?.template.endsWith('zz-odd.yaml.ejs'));
      expect(odd.length, name).toBe(count);
      for (const m of odd) expect(m.head, `${name} ${m.file}`).toBeUndefined();
      const headed = r.manifests.filter((m) => m.head !== undefined);
      // Every tenant's object that crossed as JSON (replayed, or from a worker) and has four clean fields carries its head.
      const tenants = r.manifests.filter((m) => r.owners.has(m.file));
      if (name !== 'cold') expect(headed.length, name).toBe(tenants.length - odd.length);
      for (const m of headed) expect(m.head, `${name} ${m.file}`).toEqual(fromObject(m));
      for (const m of odd) expect(headOf(m)).toEqual(fromObject(m));
    }
  });

  it('come back from a cache entry as stored, and an entry whose head is not one encode writes is a miss', async () => {
    const dir = await tempDir('tenantctl-heads-cache-');
    const object = (head: unknown) => ({ template: 't.yaml.ejs', path: 'rendered/ns/configmap-a.yaml', objectKey: '/ConfigMap/ns/a', platformOwned: false, text: 'a: 1\n', json: '{"a":1}', ...(head ? { head } : {}) });
    const head = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ns' };
    const cluster = { apiVersion: 'v1', kind: 'Namespace', name: 'ns', namespace: undefined };
    new RenderCache(dir).put('t', 'k', { objects: [object(head), object(cluster), object(undefined)] as never });
    const back = new RenderCache(dir).get('t', 'k')!;
    expect(back.objects.map((o) => o.head)).toEqual([head, cluster, undefined]);
    const file = path.join(dir, 'render', 't', 'k');
    const magic = `tenantctl-render-cache ${CACHE_FORMAT}`;
    const body = unframe(await readFile(file), magic)!;
    const nl = body.indexOf(10);
    const header = JSON.parse(body.subarray(0, nl).toString('utf8')) as { objects: unknown[][] };
    for (const bad of [[1, 'ConfigMap', 'a', 'ns'], ['v1', 'ConfigMap', 12, 'ns'], ['v1', 'ConfigMap', 'a'], 'v1/ConfigMap']) {
      header.objects[0]![7] = bad;
      // Framed again, so its checksum holds: only the head is wrong.
      await writeFile(file, frame(magic, Buffer.concat([Buffer.from(JSON.stringify(header)), body.subarray(nl)])));
      expect(new RenderCache(dir).get('t', 'k'), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
