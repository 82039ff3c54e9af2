import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResult } from '../../src/commands/check.js';
import { formatNames, formatters } from '../../src/output/index.js';
import { renderBase, renderInMemory, renderToDisk, runPipeline, type PipelineResult } from '../../src/pipeline.js';
import { CACHE_FORMAT, RenderCache, type CachedTenant } from '../../src/render/cache.js';
import { frame, unframe } from '../../src/framing.js';
import type { RenderResult } from '../../src/render/render.js';
import { contentDigest } from '../../src/tree/digest.js';
import { faithfulJson } from '../../src/render/tenant.js';
import type { KubeObject } from '../../src/manifest/types.js';
import { bundledTenants, cleanupTempRepos, cli, tempDir, tempRepo, treeOf } from '../helpers.js';
import { commitAll, git } from '../lifecycle/git-fixture.js';

afterAll(cleanupTempRepos);

/** The bundled tenants plus a premium tenant, a decommissioned one and one more standard tenant. */
async function moreTenants(): Promise<string> {
  return (
    (await bundledTenants()) +
    '\n  - id: cache-premium\n    name: Cache Premium\n    tier: premium\n' +
    '\n  - id: cache-gone\n    name: Cache Gone\n    tier: standard\n    decommissioned: true\n' +
    '\n  - id: cache-plain\n    name: Cache Plain\n    tier: standard\n'
  );
}
const TENANTS = 5;

const cacheDir = () => tempDir('tenantctl-cache-');

/**
 * Files (each by the digest of its text, those placed from summaries by their
 * object's), objects (as JSON, with where they came from) and diagnostics:
 * everything later stages read.
 */
function snapshot(r: RenderResult | undefined) {
  expect(r).toBeDefined();
  const byFile = new Map(r!.manifests.map((m) => [m.file, m]));
  const unread = [...(r!.unread?.paths.keys() ?? [])].map((p) => [p, byFile.get(p)!.digest!()] as const);
  return {
    files: [...[...r!.files].map(([p, text]) => [p, contentDigest(text)] as const), ...unread].sort(([a], [b]) => (a < b ? -1 : 1)),
    manifests: r!.manifests.map((m) => JSON.stringify([m.file, m.docIndex, m.origin, m.object, m.locate('/metadata/name')])),
    owners: [...r!.owners].sort(),
    diagnostics: r!.diagnostics,
    bootstrapOwned: r!.bootstrapOwned,
  };
}

async function render(root: string, cache?: RenderCache): Promise<RenderResult> {
  const r = await renderInMemory({ root, ...(cache ? { cache } : {}) });
  expect(r.diagnostics).toEqual([]);
  return r.render!;
}

describe('per-tenant render cache', () => {
  it('gives byte-identical trees and identical check output in every format, cold, warm and without a cache', async () => {
    const tenants = await moreTenants();
    const dir = await cacheDir();
    const roots = { none: await tempRepo({ tenants }), cold: await tempRepo({ tenants }), warm: await tempRepo({ tenants }) };
    const none = await cli(roots.none, 'render', '--no-cache', '--cache-dir', dir);
    const cold = await cli(roots.cold, 'render', '--cache-dir', dir);
    const warm = await cli(roots.warm, 'render', '--cache-dir', dir);
    expect([none.exitCode, cold.exitCode, warm.exitCode]).toEqual([0, 0, 0]);
    expect(cold.stdout).toBe(none.stdout);
    expect(warm.stdout).toBe(none.stdout);
    const tree = await treeOf(roots.none);
    expect(tree.size).toBeGreaterThan(50);
    expect(await treeOf(roots.cold)).toEqual(tree);
    expect(await treeOf(roots.warm)).toEqual(tree);

    const checks: Record<string, PipelineResult> = {};
    const fresh = await cacheDir();
    for (const [mode, cache] of [['none', undefined], ['cold', new RenderCache(fresh)], ['warm', new RenderCache(fresh)]] as const) {
      checks[mode] = await runPipeline({ root: roots.none, noBase: 'ignore', ...(cache ? { cache } : {}) });
    }
    expect(checks.cold!.render!.cache).toEqual({ hits: 0, misses: TENANTS });
    expect(checks.warm!.render!.cache).toEqual({ hits: TENANTS, misses: 0 });
    expect(checks.none!.render!.cache).toBeUndefined();
    for (const format of formatNames) {
      const out = (r: PipelineResult) => formatters[format](checkResult(r), { color: false, toolVersion: '0.0.0-test' });
      expect(out(checks.cold!), format).toBe(out(checks.none!));
      expect(out(checks.warm!), format).toBe(out(checks.none!));
    }
    expect(snapshot(checks.warm!.render)).toEqual(snapshot(checks.none!.render));

    // The CLI says what the cache did with --timings, and nothing else changes.
    const timed = await cli(roots.none, 'check', '--format', 'json', '--allow-no-base', '--timings', '--cache-dir', fresh);
    const plain = await cli(roots.none, 'check', '--format', 'json', '--allow-no-base', '--no-cache');
    expect(timed.stdout).toBe(plain.stdout);
    expect(timed.stderr).toContain(`${TENANTS} tenants from the cache, 0 rendered`);
    // With the limit the run had, so a peak close to it reads as a collector working hard.
    const limit = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
    expect(timed.stderr).toMatch(new RegExp(`^peak RSS \\d+ MiB \\(heap limit ${limit} MiB\\)$`, 'm'));
  });

  describe('re-renders exactly the tenants whose inputs changed', () => {
    type Edit = { name: string; change: (root: string) => Promise<void>; misses: number; cache?: (dir: string) => RenderCache };
    const replace = (file: string, from: string, to: string) => async (root: string) => {
      const p = path.join(root, file);
      const text = await readFile(p, 'utf8');
      expect(text, `${file} holds ${from}`).toContain(from);
      await writeFile(p, text.replace(from, to));
    };
    const edits: Edit[] = [
      { name: 'a tenant template', change: replace('templates/tenant/configmap.yaml.ejs', 'data:\n', 'data:\n  EDITED: "yes"\n'), misses: TENANTS },
      { name: 'a platform key', change: replace('tenants.yaml', 'repository: ghcr.io/example/ai-agents', 'repository: ghcr.io/example/other'), misses: TENANTS },
      // Only the premium tenant is on the premium tier.
      { name: 'a tier definition', change: replace('tenants.yaml', 'default: { cpu: "1", memory: 1Gi }', 'default: { cpu: "1", memory: 2Gi }'), misses: 1 },
      { name: "a tenant's entry", change: replace('tenants.yaml', '    config:\n      LOG_LEVEL: debug', '    config:\n      LOG_LEVEL: warn'), misses: 1 },
      { name: 'a default', change: replace('tenants.yaml', 'imageTag: "1.4.2"', 'imageTag: "1.4.3"'), misses: TENANTS },
      { name: 'the tool version', change: async () => {}, misses: TENANTS, cache: (dir) => new RenderCache(dir, { toolId: 'tenantctl 9.9.9+other-build' }) },
      { name: 'a file of the templates folder that is not a template (a template may include it)', change: async (root) => writeFile(path.join(root, 'templates/tenant/partial.ejs'), 'x'), misses: TENANTS },
      // Cluster-wide templates always render; no tenant's inputs changed.
      { name: 'a cluster template', change: replace('templates/cluster/clusterrole-platform-admin.yaml.ejs', 'metadata:\n', 'metadata:\n  annotations:\n    edited: "yes"\n'), misses: 0 },
      // Where an entry sits in tenants.yaml is no input to its objects.
      { name: 'the place of a tenant in tenants.yaml', change: replace('tenants.yaml', '  - id: cache-plain\n    name: Cache Plain\n    tier: standard\n', ''), misses: 0 },
    ];
    for (const edit of edits) {
      it(edit.name, async () => {
        const root = await tempRepo({ tenants: await moreTenants() });
        const dir = await cacheDir();
        expect((await render(root, new RenderCache(dir))).cache).toEqual({ hits: 0, misses: TENANTS });
        await edit.change(root);
        const edited = edit.name.startsWith('the place')
          ? // Put the removed tenant back at the top of the list.
            replace('tenants.yaml', 'tenants:\n', 'tenants:\n  - id: cache-plain\n    name: Cache Plain\n    tier: standard\n\n')
          : async () => {};
        await edited(root);
        const cached = await render(root, edit.cache?.(dir) ?? new RenderCache(dir));
        expect(cached.cache).toEqual({ hits: TENANTS - edit.misses, misses: edit.misses });
        expect(snapshot(cached)).toEqual(snapshot(await render(root)));
        // What the miss stored is what the next run replays.
        expect((await render(root, edit.cache?.(dir) ?? new RenderCache(dir))).cache).toEqual({ hits: TENANTS, misses: 0 });
      });
    }

    it('a tenant template that reads the tenant list depends on every tenant', async () => {
      const root = await tempRepo({ tenants: await moreTenants() });
      await writeFile(
        path.join(root, 'templates/tenant/configmap-peers.yaml.ejs'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: peers\n  namespace: <%- v(tenant.namespace) %>\ndata:\n  count: <%- v(String(tenants.length)) %>\n',
      );
      const dir = await cacheDir();
      await render(root, new RenderCache(dir));
      // No template reads anything that changes here but the tenant list.
      await replace('tenants.yaml', '  - id: cache-plain\n    name: Cache Plain\n    tier: standard\n', '  - id: cache-plain\n    name: Cache Plain\n    tier: standard\n\n  - id: cache-new\n    name: Cache New\n')(root);
      const cached = await render(root, new RenderCache(dir));
      expect(cached.cache).toEqual({ hits: 0, misses: TENANTS + 1 });
      expect(cached.files.get('rendered/ai-agents-test-tenant-a/workloads/configmap-peers.yaml')).toContain(`count: "${TENANTS + 1}"`);
      expect(snapshot(cached)).toEqual(snapshot(await render(root)));
    });
  });

  it('treats a damaged, truncated or foreign entry as a miss and rewrites it', async () => {
    const root = await tempRepo({ tenants: await moreTenants() });
    const dir = await cacheDir();
    const expected = snapshot(await render(root));
    await render(root, new RenderCache(dir));
    const entry = async (tenant: string) => {
      const folder = path.join(dir, 'render', tenant);
      const [name] = await readdir(folder);
      return path.join(folder, name!);
    };
    const a = await entry('test-tenant-a');
    const bytes = await readFile(a);
    // One byte inside a file text, so the entry still has the right shape.
    const flipped = Buffer.from(bytes);
    const at = flipped.indexOf('kind: ');
    flipped[at] = 'K'.charCodeAt(0);
    await writeFile(a, flipped);
    const b = await entry('test-tenant-b');
    await writeFile(b, (await readFile(b)).subarray(0, 200));
    // Another tenant's entry under this tenant's key.
    await writeFile(await entry('cache-plain'), await readFile(await entry('cache-premium')));
    await writeFile(await entry('cache-gone'), '');

    const r = await render(root, new RenderCache(dir));
    expect(r.cache).toEqual({ hits: 1, misses: 4 });
    expect(snapshot(r)).toEqual(expected);
    expect((await render(root, new RenderCache(dir))).cache).toEqual({ hits: TENANTS, misses: 0 });
  });

  it('reads many entries together exactly as one by one, and an entry whose lengths do not add up (under a valid checksum) is a miss that leaves the others whole', async () => {
    const dir = await cacheDir();
    // Texts with characters of two, three and four UTF-8 bytes: lengths in characters and in bytes differ.
    const value = (t: number): CachedTenant => ({
      objects: Array.from({ length: 3 }, (_, i) => ({ template: `t${i}.yaml.ejs`, path: `rendered/ns-${t}/o${i}.yaml`, objectKey: `/ConfigMap/ns-${t}/o${i}`, platformOwned: i === 2, text: `data: "é€😀 ${t}.${i}"\n`.repeat(1 + ((t * 7 + i) % 900)), json: JSON.stringify({ t, i, s: 'ü'.repeat(t % 50) }) })),
      ...(t % 3 === 0 ? { tenantsDigest: `d${t}` } : {}),
    });
    /** As read back: each object with the digest of its text, stored with the entry. */
    const stored = (t: number): CachedTenant => {
      const v = value(t);
      return { ...v, objects: v.objects.map((o) => ({ ...o, digest: contentDigest(o.text) })) };
    };
    const ids = Array.from({ length: 120 }, (_, t) => t);
    const writer = new RenderCache(dir);
    for (const t of ids) writer.put(`tenant-${t}`, `key-${t}`, value(t));
    const file = (t: number) => path.join(dir, 'render', `tenant-${t}`, `key-${t}`);
    // Tenant 50's first text one character shorter in the header, framed again so that its checksum holds.
    const body = unframe(await readFile(file(50)), `tenantctl-render-cache ${CACHE_FORMAT}`)!;
    const nl = body.indexOf(10);
    const header = JSON.parse(body.subarray(0, nl).toString('utf8')) as { objects: [string, string, string, number, number, number][] };
    header.objects[0]![4] -= 1;
    await writeFile(file(50), frame(`tenantctl-render-cache ${CACHE_FORMAT}`, Buffer.concat([Buffer.from(JSON.stringify(header)), body.subarray(nl)])));

    // Read alone, the forged entry is a miss and its neighbours are whole.
    const alone = new RenderCache(dir);
    expect(alone.get('tenant-50', 'key-50')).toBeUndefined();
    expect([alone.get('tenant-49', 'key-49'), alone.get('tenant-51', 'key-51')]).toEqual([stored(49), stored(51)]);

    const reader = new RenderCache(dir);
    reader.prefetch(ids.map((t) => [`tenant-${t}`, `key-${t}`] as const));
    // What prefetch took is kept: the files are no longer needed.
    for (const t of ids) await writeFile(file(t), '');
    const got = ids.map((t) => reader.get(`tenant-${t}`, `key-${t}`));
    expect(got[50]).toBeUndefined();
    const rest = ids.filter((t) => t !== 50);
    // Entries of the forged one's batch after it are read again by get (gone now); every other one is whole.
    const taken = rest.filter((t) => got[t] !== undefined);
    expect(taken.length).toBeGreaterThan(100);
    for (const t of taken) expect(got[t]).toEqual(stored(t));
  });

  it('renders without storing anything when the cache folder cannot be written, and says so once', async () => {
    const root = await tempRepo({ tenants: await moreTenants() });
    const blocked = path.join(await cacheDir(), 'a-file');
    await writeFile(blocked, 'not a folder');
    const r = await cli(root, 'render', '--cache-dir', blocked);
    expect(r.exitCode).toBe(0);
    expect(r.stderr?.match(/warning: cannot write the render cache/g)).toHaveLength(1);
    const other = await tempRepo({ tenants: await moreTenants() });
    await cli(other, 'render', '--no-cache');
    expect(await treeOf(root)).toEqual(await treeOf(other));
  });

  it('by default lives in node_modules/.cache/tenantctl under the root; --no-cache writes nothing', async () => {
    const root = await tempRepo();
    await cli(root, 'render', '--no-cache');
    await expect(readdir(path.join(root, 'node_modules'))).rejects.toThrow();
    await cli(root, 'render');
    expect((await readdir(path.join(root, 'node_modules/.cache/tenantctl/render'))).sort()).toEqual(['test-tenant-a', 'test-tenant-b']);
  });

  it('keeps at most two entries per tenant (a base and a head)', async () => {
    const root = await tempRepo();
    const dir = await cacheDir();
    for (const tag of ['1.0.0', '1.0.1', '1.0.2']) {
      await writeFile(path.join(root, 'tenants.yaml'), (await bundledTenants()).replace('imageTag: "1.4.2"', `imageTag: "${tag}"`));
      await render(root, new RenderCache(dir));
      // Modification times decide which entries stay; make them differ.
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await readdir(path.join(dir, 'render', 'test-tenant-a'))).toHaveLength(2);
  });

  it('drops each object\'s JSON from the run\'s cache entries once its manifest holds it, rendered or replayed, and the objects stay what they were', async () => {
    const root = await tempRepo({ tenants: await moreTenants() });
    const dir = await cacheDir();
    const expected = snapshot(await render(root));
    for (const run of ['cold', 'warm']) {
      const cache = new RenderCache(dir);
      const r = await render(root, cache);
      expect(r.cache).toEqual(run === 'cold' ? { hits: 0, misses: TENANTS } : { hits: TENANTS, misses: 0 });
      // Every tenant's entry as this run's cache holds it (the key without the tenant list's digest, which is kept apart).
      const entries = [...r.keys!].map(([tenant, key]) => cache.get(tenant, key.split('+')[0]!)!);
      expect(entries).toHaveLength(TENANTS);
      expect(entries.flatMap((e) => e.objects.map((o) => o.json))).toEqual(entries.flatMap((e) => e.objects.map(() => '')));
      // The manifests parse from what they hold, and a second placing in the run (the base side) shares them.
      expect(snapshot(r)).toEqual(expected);
      const again = await render(root, cache);
      const tenantOwned = (x: RenderResult) => x.manifests.filter((m) => x.owners.has(m.file));
      expect(tenantOwned(again).length).toBeGreaterThan(TENANTS * 10);
      expect(tenantOwned(again).every((m, i) => m === tenantOwned(r)[i])).toBe(true);
    }
    // What was stored still holds the JSON: a new run reads every object from it.
    const fresh = new RenderCache(dir);
    const r = await render(root, fresh);
    expect(snapshot(r)).toEqual(expected);
  });

  it('gives templates inputs they cannot change', async () => {
    const root = await tempRepo();
    await writeFile(path.join(root, 'templates/tenant/zz-mutates.yaml.ejs'), '<% platform.egress.externalPorts.push(80) %>apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  namespace: <%- v(tenant.namespace) %>\n');
    const r = await renderInMemory({ root });
    expect(r.diagnostics.map((d) => d.ruleId)).toContain('render/template');
    expect(r.diagnostics[0]!.file?.path).toBe('templates/tenant/zz-mutates.yaml.ejs');
  });

  it('includes only files of the templates folder', async () => {
    const root = await tempRepo();
    await mkdir(path.join(root, 'templates/partials'));
    await writeFile(path.join(root, 'templates/partials/labels.ejs'), '    included: "yes"\n');
    await writeFile(path.join(root, 'templates/tenant/zz-include.yaml.ejs'), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inc\n  namespace: <%- v(tenant.namespace) %>\n  labels:\n<%- include('../partials/labels') %>");
    const ok = await renderInMemory({ root });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.render!.files.get('rendered/ai-agents-test-tenant-a/workloads/configmap-inc.yaml')).toContain('included: "yes"');
    await writeFile(path.join(root, 'templates/tenant/zz-include.yaml.ejs'), "<%- include('../../tenants.yaml') %>");
    const outside = await renderInMemory({ root });
    expect(outside.diagnostics[0]!.message).toContain('is not a partial of the templates folder');
  });

  it('replays unchanged tenants of the base ref instead of rendering them again', async () => {
    const { root, dir } = await headOverBase();
    const base = await renderBase({ root, cache: new RenderCache(dir) }, 'main');
    expect(base.render?.cache).toEqual({ hits: TENANTS - 1, misses: 1 });
    const uncached = await renderBase({ root }, 'main');
    expect(snapshot(base.render)).toEqual(snapshot(uncached.render));
    // check --base goes through the same cache for both sides.
    const r = await cli(root, 'check', '--base', 'main', '--timings', '--cache-dir', dir, '--format', 'json');
    expect(r.stderr).toContain(`cache     ${TENANTS} tenants from the cache, 0 rendered`);
    expect(r.stderr).toContain(`base cache ${TENANTS} tenants from the cache, 0 rendered`);
  });

  it("takes the head's render as the base's only when the base ref holds exactly the inputs on disk", async () => {
    const { root, dir } = await headOverBase();
    await commitAll(root, 'head');
    const headOf = async () => {
      const r = await renderInMemory({ root, cache: new RenderCache(dir) });
      return { config: r.config!, render: r.render! };
    };
    // main is the commit on disk: nothing to render again.
    const head = await headOf();
    const same = await renderBase({ root, cache: new RenderCache(dir) }, 'main', head);
    expect([same.ref !== undefined, same.render === head.render, same.config === head.config]).toEqual([true, true, true]);
    expect(same.ids).toEqual(head.config.tenants.map((t) => t.id));
    // The commit before differs in one tenant: rendered, with that tenant as it was.
    const before = await renderBase({ root, cache: new RenderCache(dir) }, 'main~1', head);
    expect(before.render).not.toBe(head.render);
    expect(before.render!.files.get('rendered/ai-agents-test-tenant-b/workloads/configmap-tenant-config.yaml')).toContain('LOG_LEVEL: debug');
    expect(snapshot(before.render)).toEqual(snapshot((await renderBase({ root }, 'main~1')).render));
    // A file in templates/ that the commit does not have is a difference, even one no template includes.
    await writeFile(path.join(root, 'templates/NOTES.md'), 'not committed\n');
    const untracked = await headOf();
    expect((await renderBase({ root, cache: new RenderCache(dir) }, 'main', untracked)).render).not.toBe(untracked.render);
    // And check --base says no base was rendered when none was, with the same findings either way.
    const check = (...argv: string[]) => cli(root, 'check', '--base', 'main', '--timings', '--cache-dir', dir, '--format', 'json', ...argv);
    const rendered = await check();
    expect(rendered.stderr).toContain('base cache');
    await rm(path.join(root, 'templates/NOTES.md'));
    const reused = await check();
    expect(reused.stderr).not.toContain('base cache');
    expect(reused.stdout).toBe(rendered.stdout);
    expect(reused.exitCode).toBe(rendered.exitCode);
  });

  it('holds an object the base and the head both replay once: one manifest, parsed once', async () => {
    const { root, dir } = await headOverBase();
    await renderBase({ root, cache: new RenderCache(dir) }, 'main');
    // One run: the head and then the base through one cache, as check --base does.
    const cache = new RenderCache(dir);
    const head = await render(root, cache);
    const base = (await renderBase({ root, cache }, 'main')).render!;
    const byFile = (r: RenderResult, tenant: string) => new Map(r.manifests.filter((m) => r.owners.get(m.file) === tenant).map((m) => [m.file, m]));
    const same = byFile(head, 'test-tenant-a');
    expect(same.size).toBeGreaterThan(5);
    for (const [file, m] of byFile(base, 'test-tenant-a')) expect(m, file).toBe(same.get(file));
    // The tenant whose entry differs between the refs has its own objects on each side.
    const changed = byFile(head, 'test-tenant-b');
    const configMap = 'rendered/ai-agents-test-tenant-b/workloads/configmap-tenant-config.yaml';
    expect(byFile(base, 'test-tenant-b').get(configMap)!.object).not.toEqual(changed.get(configMap)!.object);
    // Shared or not, each side is what a run without a cache renders.
    expect(snapshot(base)).toEqual(snapshot((await renderBase({ root }, 'main')).render));
    expect(snapshot(head)).toEqual(snapshot(await render(root)));
  });

  it('gives a replayed object the length of its JSON, which is that of the object serialised', async () => {
    const root = await tempRepo({ tenants: await moreTenants() });
    const dir = await cacheDir();
    await render(root, new RenderCache(dir));
    const warm = await render(root, new RenderCache(dir));
    expect(warm.cache!.hits).toBe(TENANTS);
    const replayed = warm.manifests.filter((m) => m.origin?.tenant !== undefined);
    expect(replayed.length).toBeGreaterThan(TENANTS * 5);
    for (const m of replayed) expect(m.jsonLength, m.file).toBe(JSON.stringify(m.object).length);
  });

  it("gives each object's file the digest of its text, stored with a replayed entry, and none to files that hold no object", async () => {
    const root = await tempRepo({ tenants: await moreTenants() });
    const dir = await cacheDir();
    const runs = { none: await render(root), cold: await render(root, new RenderCache(dir)), warm: await render(root, new RenderCache(dir)) };
    expect(runs.warm.cache!.hits).toBe(TENANTS);
    for (const [mode, r] of Object.entries(runs)) {
      const objectFiles = new Set(r.manifests.map((m) => m.file));
      expect(objectFiles.size, mode).toBe(r.objects);
      for (const [p, text] of r.files) expect(r.digestOf!(p), `${mode} ${p}`).toBe(objectFiles.has(p) ? contentDigest(text) : undefined);
    }
  });

  it('holds once an object the head rendered and the base then takes from the same cache, though the cache was empty', async () => {
    const { root } = await headOverBase();
    const cache = new RenderCache(await cacheDir());
    const head = await render(root, cache);
    expect(head.cache).toEqual({ hits: 0, misses: TENANTS });
    const base = (await renderBase({ root, cache }, 'main')).render!;
    expect(base.cache).toEqual({ hits: TENANTS - 1, misses: 1 });
    const byFile = (r: RenderResult, tenant: string) => new Map(r.manifests.filter((m) => r.owners.get(m.file) === tenant).map((m) => [m.file, m]));
    const same = byFile(head, 'test-tenant-a');
    expect(same.size).toBeGreaterThan(5);
    for (const [file, m] of byFile(base, 'test-tenant-a')) expect(m, file).toBe(same.get(file));
    expect(snapshot(base)).toEqual(snapshot((await renderBase({ root }, 'main')).render));
  });

  it('without a cache, still holds once what the head rendered and the base takes: through the run\'s memory, writing nothing', async () => {
    const { root } = await headOverBase();
    const memory = RenderCache.inMemory();
    expect(memory.persistent).toBe(false);
    const head = await render(root, memory);
    const base = (await renderBase({ root, cache: memory }, 'main')).render!;
    expect(base.cache).toEqual({ hits: TENANTS - 1, misses: 1 });
    const byFile = (r: RenderResult, tenant: string) => new Map(r.manifests.filter((m) => r.owners.get(m.file) === tenant).map((m) => [m.file, m]));
    const same = byFile(head, 'test-tenant-a');
    for (const [file, m] of byFile(base, 'test-tenant-a')) expect(m, file).toBe(same.get(file));
    expect(snapshot(base)).toEqual(snapshot((await renderBase({ root }, 'main')).render));
    expect(snapshot(head)).toEqual(snapshot(await render(root)));
    // Nothing to read back in another run, and nothing of the findings kept.
    expect(new RenderCache('', { toolId: 'memory' }).get('test-tenant-a', head.keys!.get('test-tenant-a')!)).toBeUndefined();
    memory.putFindings('test-tenant-a', 'k', { schema: [], rules: [] });
    expect(memory.getFindings('test-tenant-a', 'k')).toBeUndefined();

    // check --base --no-cache reports what a cached run reports, and says nothing about a cache.
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const dir = await cacheDir();
    const uncached = await cli(root, 'check', '--base', 'main', '--timings', '--no-cache', '--format', 'json');
    const cached = await cli(root, 'check', '--base', 'main', '--cache-dir', dir, '--format', 'json');
    expect(uncached.stdout).toBe(cached.stdout);
    expect(uncached.exitCode).toBe(cached.exitCode);
    expect(uncached.stderr).toContain('lifecycle');
    expect(uncached.stderr).not.toContain('cache ');
    // Its folder is '': an entry written anyway would land in render/ under the process's working folder.
    expect(await readdir(process.cwd())).not.toContain('render');
  });

  it('reports an object the base renders twice when the second is one the head rendered, as without a cache', async () => {
    // In the base both tenants render ConfigMap database/dup; in the head only test-tenant-b does. The base renders
    // test-tenant-a afresh (its entry changed) and takes test-tenant-b from the head's render, placed second.
    const withDup = (tenants: string, id: string) => tenants.replace(`  - id: ${id}\n    name: `, `  - id: ${id}\n    config:\n      DUP: "1"\n    name: `);
    const both = withDup(withDup(await bundledTenants(), 'test-tenant-a'), 'test-tenant-b').replace('    config:\n      LOG_LEVEL: debug\n', '');
    const root = await tempRepo({ tenants: both });
    await writeFile(path.join(root, 'templates/tenant/configmap-dup.yaml.ejs'), '<% if (tenant.config.DUP) { -%>\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  namespace: database\n<% } -%>\n');
    git(root, 'init', '-q', '-b', 'main');
    await commitAll(root, 'base');
    await writeFile(path.join(root, 'tenants.yaml'), both.replace('  - id: test-tenant-a\n    config:\n      DUP: "1"\n', '  - id: test-tenant-a\n'));
    const memory = RenderCache.inMemory();
    await render(root, memory);
    const shared = await renderBase({ root, cache: memory }, 'main');
    expect(shared.render!.cache).toEqual({ hits: 1, misses: 1 });
    const alone = await renderBase({ root }, 'main');
    const duplicates = (r: typeof alone) => r.render!.diagnostics.filter((d) => d.ruleId === 'render/duplicate-object').map((d) => d.message);
    expect(duplicates(alone)).toEqual(['ConfigMap database/dup for tenant test-tenant-b is also rendered by templates/tenant/configmap-dup.yaml.ejs for tenant test-tenant-a']);
    expect(duplicates(shared)).toEqual(duplicates(alone));
  });
});

/** A repository whose base commit differs from the work tree in test-tenant-b only, and a cache the head's render filled. */
async function headOverBase(): Promise<{ root: string; dir: string }> {
  const root = await tempRepo({ tenants: await moreTenants() });
  git(root, 'init', '-q', '-b', 'main');
  await commitAll(root, 'base');
  await replace2(root, '    config:\n      LOG_LEVEL: debug', '    config:\n      LOG_LEVEL: warn');
  const dir = await cacheDir();
  await render(root, new RenderCache(dir));
  return { root, dir };
}

async function replace2(root: string, from: string, to: string): Promise<void> {
  const p = path.join(root, 'tenants.yaml');
  const text = await readFile(p, 'utf8');
  if (!text.includes(from)) throw new Error(`anchor not found: ${from}`);
  await writeFile(p, text.replace(from, to));
}

describe('the JSON an object is stored and sent between threads as', () => {
  const obj = (spec: unknown) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: spec }) as unknown as KubeObject;
  it('is JSON.stringify of the object when parsing it gives the object back', () => {
    const o = obj({ a: 'é', n: 1.5, zero: 0, t: true, none: null, list: [1, 'two', { three: [] }], nested: { deep: { deeper: {} } } });
    expect(faithfulJson(o)).toBe(JSON.stringify(o));
    expect(JSON.parse(faithfulJson(o)!)).toEqual(o);
  });
  it('is refused for every value JSON would change, so such a tenant is rendered every time', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const own__proto__ = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const cases: [string, unknown][] = [
      ['infinity', Infinity],
      ['minus infinity', -Infinity],
      ['NaN', NaN],
      ['minus zero', -0],
      ['undefined in a map', { a: undefined }],
      ['undefined in a list', [undefined]],
      ['a hole in a list', [1, , 3]], // eslint-disable-line no-sparse-arrays
      ['a date', new Date(0)],
      ['a map without a prototype', Object.create(null)],
      ['a class instance', new (class Box {})()],
      ['a function', () => 1],
      ['a symbol', Symbol('s')],
      ['a BigInt', 10n],
      ['a cycle', cyclic],
      ['an own __proto__ key', own__proto__],
    ];
    for (const [what, value] of cases) expect([what, faithfulJson(obj({ deep: [{ value }] }))]).toEqual([what, undefined]);
  });
});

describe('render, which only writes files', () => {
  it('makes no manifest for the objects it writes, and counts them as a check would', async () => {
    const root = await tempRepo();
    const written = await renderToDisk({ root });
    expect(written.written).toBe(true);
    const checked = await renderInMemory({ root });
    expect(checked.render!.manifests.length).toBeGreaterThan(0);
    expect(written.render!.manifests).toEqual([]);
    expect(written.render!.objects).toBe(checked.render!.manifests.length);
    expect(checked.render!.objects).toBe(checked.render!.manifests.length);
    expect(written.render!.files).toEqual(checked.render!.files);
  });
});

describe('findings packs', () => {
  const folder = (dir: string) => path.join(dir, 'packs', 'findings');
  const read = (dir: string, tenant: string, key: string) => new RenderCache(dir).getFindings(tenant, key);
  /** A pack of `n` tenants, each with one entry of about `size` characters, written whole. */
  async function filled(n: number, size = 200): Promise<string> {
    const dir = await tempDir('tenantctl-packs-');
    const cache = new RenderCache(dir);
    for (let i = 0; i < n; i++) cache.putFindings(`t${i}`, 'k1', { n: i, pad: 'x'.repeat(size) });
    cache.saveFindings();
    return dir;
  }

  it('appends a run that changes a few tenants to the pack’s log, and a later run reads the pack with the log put again', async () => {
    const dir = await filled(40);
    const pack = await readFile(path.join(folder(dir), 'pack'));
    const cache = new RenderCache(dir);
    cache.putFindings('t3', 'k2', { n: 'new' });
    cache.putFindings('t3', 'k1', { n: 3, pad: 'x'.repeat(200) });
    cache.putFindings('t5', 'k2', { n: 'five' });
    cache.saveFindings();
    expect(await readFile(path.join(folder(dir), 'pack'))).toEqual(pack);
    expect((await readFile(path.join(folder(dir), 'log'))).length).toBeGreaterThan(0);
    // t3's k1 was put again after k2: the newest again, k2 kept as the older one.
    expect(read(dir, 't3', 'k1')).toEqual({ n: 3, pad: 'x'.repeat(200) });
    expect(read(dir, 't3', 'k2')).toEqual({ n: 'new' });
    expect(read(dir, 't5', 'k2')).toEqual({ n: 'five' });
    expect(read(dir, 't5', 'k1')).toEqual({ n: 5, pad: 'x'.repeat(200) });
    expect(read(dir, 't7', 'k1')).toEqual({ n: 7, pad: 'x'.repeat(200) });
    // At most two per tenant, the log's puts counted.
    const third = new RenderCache(dir);
    third.putFindings('t5', 'k3', { n: 'third' });
    third.saveFindings();
    expect([read(dir, 't5', 'k3'), read(dir, 't5', 'k2'), read(dir, 't5', 'k1')]).toEqual([{ n: 'third' }, { n: 'five' }, undefined]);
  });

  it('drops a torn chunk of the log (a run that died while appending) and what follows it, then writes the pack whole', async () => {
    const dir = await filled(40);
    const first = new RenderCache(dir);
    first.putFindings('t1', 'k2', { n: 'kept' });
    first.saveFindings();
    const second = new RenderCache(dir);
    second.putFindings('t2', 'k2', { n: 'torn' });
    second.saveFindings();
    const log = await readFile(path.join(folder(dir), 'log'));
    await writeFile(path.join(folder(dir), 'log'), log.subarray(0, log.length - 3));
    expect(read(dir, 't1', 'k2')).toEqual({ n: 'kept' });
    expect(read(dir, 't2', 'k2')).toBeUndefined();
    expect(read(dir, 't2', 'k1')).toEqual({ n: 2, pad: 'x'.repeat(200) });
    const pack = await readFile(path.join(folder(dir), 'pack'));
    const next = new RenderCache(dir);
    next.putFindings('t9', 'k2', { n: 'after' });
    next.saveFindings();
    // Appended past the torn chunk it would never be read: the pack is written whole, the log emptied.
    expect(await readFile(path.join(folder(dir), 'pack'))).not.toEqual(pack);
    await expect(readFile(path.join(folder(dir), 'log'))).rejects.toThrow();
    expect([read(dir, 't9', 'k2'), read(dir, 't1', 'k2'), read(dir, 't2', 'k2')]).toEqual([{ n: 'after' }, { n: 'kept' }, undefined]);
    // A log that is not one at all is read as empty.
    await writeFile(path.join(folder(dir), 'log'), 'garbage\n');
    expect(read(dir, 't9', 'k2')).toEqual({ n: 'after' });
  });

  it('writes the pack whole, and empties the log, once the log would pass an eighth of the pack', async () => {
    const dir = await filled(16);
    const pack = await readFile(path.join(folder(dir), 'pack'));
    const small = new RenderCache(dir);
    small.putFindings('t0', 'k2', { n: 0 });
    small.saveFindings();
    expect(await readFile(path.join(folder(dir), 'pack'))).toEqual(pack);
    const large = new RenderCache(dir);
    for (let i = 0; i < 4; i++) large.putFindings(`t${i}`, 'k3', { n: i, pad: 'y'.repeat(200) });
    large.saveFindings();
    expect(await readFile(path.join(folder(dir), 'pack'))).not.toEqual(pack);
    await expect(readFile(path.join(folder(dir), 'log'))).rejects.toThrow();
    // Written whole, t0 keeps only what this run put (its k2 was neither read nor put); t5, not looked at, keeps its entry.
    expect([read(dir, 't0', 'k3'), read(dir, 't0', 'k2'), read(dir, 't5', 'k1')]).toEqual([{ n: 0, pad: 'y'.repeat(200) }, undefined, { n: 5, pad: 'x'.repeat(200) }]);
  });

  it('written whole, keeps of each tenant the run looked at only the entries it read or put: a new build leaves none of the old one’s', async () => {
    const dir = await filled(16);
    const packBytes = (await readFile(path.join(folder(dir), 'pack'))).length;
    // A new build: every key is new, so every tenant is looked up (a miss) and put again.
    const upgraded = new RenderCache(dir);
    // t11's stored entry is stored again as it is (nothing to write for it), before its new one: it counts as used.
    upgraded.putFindings('t11', 'k1', { n: 11, pad: 'x'.repeat(200) });
    for (let i = 0; i < 12; i++) {
      expect(upgraded.getFindings(`t${i}`, 'new')).toBeUndefined();
      upgraded.putFindings(`t${i}`, 'new', { n: i, pad: 'z'.repeat(200) });
    }
    // t0 is also read at its old key in the same run (as a base's tenant would be): both are kept.
    expect(upgraded.getFindings('t0', 'k1')).toEqual({ n: 0, pad: 'x'.repeat(200) });
    upgraded.saveFindings();
    await expect(readFile(path.join(folder(dir), 'log'))).rejects.toThrow();
    const after = new RenderCache(dir);
    expect(after.getFindings('t0', 'k1')).toEqual({ n: 0, pad: 'x'.repeat(200) });
    expect(after.getFindings('t0', 'new')).toEqual({ n: 0, pad: 'z'.repeat(200) });
    expect(after.getFindings('t11', 'k1')).toEqual({ n: 11, pad: 'x'.repeat(200) });
    for (let i = 1; i < 11; i++) {
      expect(after.getFindings(`t${i}`, 'k1'), `t${i}`).toBeUndefined();
      expect(after.getFindings(`t${i}`, 'new'), `t${i}`).toEqual({ n: i, pad: 'z'.repeat(200) });
    }
    // Tenants this run never looked at (another shard's) keep what they had.
    for (let i = 12; i < 16; i++) expect(after.getFindings(`t${i}`, 'k1')).toEqual({ n: i, pad: 'x'.repeat(200) });
    // One entry a tenant again, not two: the pack is about the size it was.
    expect((await readFile(path.join(folder(dir), 'pack'))).length).toBeLessThan(packBytes * 1.2);
  });
});
