import { readdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResult } from '../../src/commands/check.js';
import { headOf } from '../../src/manifest/types.js';
import { formatNames, formatters } from '../../src/output/index.js';
import { runPipeline, type PipelineResult } from '../../src/pipeline.js';
import { RenderCache } from '../../src/render/cache.js';
import { bundledTenants, cleanupTempRepos, cli, CountingCache, packFile, tempDir, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const TENANTS = 5;

async function repo(): Promise<string> {
  const tenants = (await bundledTenants()) + '\n  - id: sum-premium\n    name: Sum Premium\n    tier: premium\n' + '\n  - id: sum-gone\n    name: Sum Gone\n    tier: standard\n    decommissioned: true\n' + '\n  - id: sum-plain\n    name: Sum Plain\n    tier: standard\n';
  const root = await tempRepo({ tenants });
  expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
  return root;
}

const check = (root: string, cache?: RenderCache) => runPipeline({ root, noBase: 'ignore', ...(cache ? { cache } : {}) });

function outputs(r: PipelineResult): Record<string, string> {
  return Object.fromEntries(formatNames.map((f) => [f, formatters[f](checkResult(r), { color: false, toolVersion: '0.0.0-test' })]));
}

/** The tenant's folder of workloads in the committed tree (one of its files is edited by hand below). */
const workloadFile = async (root: string, tenant: string, name: string): Promise<string> => {
  const dir = path.join(root, 'rendered', `ai-agents-${tenant}`);
  const files = await readdir(dir, { recursive: true });
  const file = files.find((f) => f.endsWith(name));
  expect(file, `${name} in ${dir}`).toBeDefined();
  return path.join(dir, file!);
};

/** The repository, a cache folder a first check filled, and the output of a check without a cache. */
async function warmed(): Promise<{ root: string; dir: string; none: PipelineResult }> {
  const root = await repo();
  const dir = await tempDir('tenantctl-summarised-');
  const none = await check(root);
  await check(root, new RenderCache(dir));
  return { root, dir, none };
}

describe('a warm check places unchanged tenants from their summaries', () => {
  it('reads no cache entry, and its output in every format is that of a check without a cache', async () => {
    const { root, dir, none } = await warmed();
    const cache = new CountingCache(dir);
    const warm = await check(root, cache);
    expect(warm.render?.unread?.digests.length).toBe(TENANTS);
    expect([cache.gets, cache.prefetched]).toEqual([0, 0]);
    expect(outputs(warm)).toEqual(outputs(none));
    // Every tenant's Namespace is among the objects the stages read, though no entry was: it came from the kept objects.
    expect(warm.manifests.filter((m) => headOf(m).kind === 'Namespace').length).toBeGreaterThanOrEqual(TENANTS);
  });

  it('reads a tenant’s entry only when a stage asks for more than its kept objects, and renders it again when the entry is gone', async () => {
    const { root, dir, none } = await warmed();
    const deployment = (r: PipelineResult) => r.manifests.find((m) => headOf(m).kind === 'Deployment' && m.origin?.tenant === 'sum-plain' && headOf(m).name === 'api')!;
    const expected = deployment(none);
    const cache = new CountingCache(dir);
    const warm = await check(root, cache);
    expect(cache.gets).toBe(0);
    const m = deployment(warm);
    expect(m.object).toEqual(expected.object);
    expect(m.locate('/spec/template/spec/containers/0/image')).toEqual(expected.locate('/spec/template/spec/containers/0/image'));
    expect(m.digest!()).toBe(expected.digest!());
    // One entry, read once, for every object of the tenant.
    expect(cache.gets).toBe(1);
    // An entry at the key that does not give the files the summary records (written over by hand, say) is not used either.
    const keys = warm.render!.keys!;
    const other = new RenderCache(dir).get('sum-premium', keys.get('sum-premium')!)!;
    new RenderCache(dir).put('sum-plain', keys.get('sum-plain')!, { objects: other.objects.map((o) => ({ ...o, json: JSON.stringify(JSON.parse(o.json || '{}')) })) });
    expect(deployment(await check(root, new RenderCache(dir))).object).toEqual(expected.object);
    await rm(path.join(dir, 'render'), { recursive: true, force: true });
    const gone = await check(root, new RenderCache(dir));
    expect(gone.render?.unread?.digests.length).toBe(TENANTS);
    expect(deployment(gone).object).toEqual(expected.object);
    expect(deployment(gone).locate('/spec/replicas')).toEqual(expected.locate('/spec/replicas'));
  });

  it('stops, saying to run without the cache, when rendering a tenant whose entry is gone does not give the files its summary records', async () => {
    const { root, dir } = await warmed();
    const seeded = new RenderCache(dir);
    const key = (await check(root, seeded)).render!.keys!.get('sum-plain')!;
    const entry = new RenderCache(dir).get('sum-plain', key)!;
    // A summary whose digest no render gives (the cache damaged, or a template that renders differently each time).
    const damaged = new RenderCache(dir);
    damaged.keepSummary('sum-plain', key, { objects: entry.objects.map((o) => ({ template: o.template, path: o.path, objectKey: o.objectKey, platformOwned: o.platformOwned, ...(o.head ? { head: o.head } : {}) })), digest: 'not-the-files' });
    damaged.saveSummaries();
    await rm(path.join(dir, 'render'), { recursive: true, force: true });
    // Without the drift stage nothing compares the summary with the committed tree first.
    const placed = await runPipeline({ root, noBase: 'ignore', cache: new RenderCache(dir), summaries: 'read', stages: [] });
    expect(placed.render?.unread?.owners.map(([t]) => t)).toContain('sum-plain');
    const api = placed.manifests.find((m) => headOf(m).kind === 'Deployment' && m.origin?.tenant === 'sum-plain')!;
    expect(() => api.object).toThrow(/tenant sum-plain: .*gave other files than its summary records; run again with --no-cache/);
  });

  it('places a tenant from its entry when its kept objects are missing or damaged', async () => {
    const { root, dir, none } = await warmed();
    const seeded = new RenderCache(dir);
    // Every way a kept record can be wrong: not a list, an index past the summary, a second entry for one index, an object that is not one.
    const bad: unknown[] = [{}, [[999, 'd', 1, {}]], [[0, 'd', 1, {}], [0, 'd', 1, {}]], [[0, 'd', 1, 'x']], [[0, 7, 1, {}]]];
    const keyOf = (await check(root, seeded)).render!.keys!;
    for (const record of bad) {
      const cache = new RenderCache(dir);
      cache.putFindings('sum-plain', keyOf.get('sum-plain')!, record, 'objects');
      cache.saveFindings();
      const counting = new CountingCache(dir);
      const warm = await check(root, counting);
      expect(warm.render?.unread?.digests.length, JSON.stringify(record)).toBe(TENANTS - 1);
      expect(counting.gets, JSON.stringify(record)).toBe(1);
      expect(outputs(warm)).toEqual(outputs(none));
    }
    // A pack that is not one at all: every tenant from its entry, the same output.
    await writeFile(packFile(dir, 'objects'), 'garbage');
    const counting = new CountingCache(dir);
    const warm = await check(root, counting);
    expect(warm.render?.unread?.digests.length).toBe(0);
    expect(counting.gets).toBe(TENANTS);
    expect(outputs(warm)).toEqual(outputs(none));
  });

  it('reports drift in a summarised tenant’s files (edited, removed, added) exactly as a check without a cache', async () => {
    const root = await repo();
    const dir = await tempDir('tenantctl-summarised-');
    await check(root, new RenderCache(dir));
    const edited = await workloadFile(root, 'sum-plain', 'configmap-tenant-config.yaml');
    await writeFile(edited, '# edited by hand\n', { flag: 'a' });
    await unlink(await workloadFile(root, 'sum-premium', 'service-api.yaml'));
    await writeFile(path.join(path.dirname(edited), 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: ai-agents-sum-plain\n');
    const none = await check(root);
    const warm = await check(root, new RenderCache(dir));
    for (const rule of ['drift/changed', 'drift/missing', 'drift/extra']) expect(none.diagnostics.filter((d) => d.ruleId === rule).length, rule).toBeGreaterThan(0);
    expect(outputs(warm)).toEqual(outputs(none));
  });
});
