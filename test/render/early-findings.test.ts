import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResult } from '../../src/commands/check.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatNames, formatters } from '../../src/output/index.js';
import { renderInMemory, runPipeline, type PipelineResult } from '../../src/pipeline.js';
import { quotaOf, tenantQuotas } from '../../src/analysis/isolation/quota.js';
import { earlyLocal, planLocal, quotaReplay } from '../../src/local-findings.js';
import { runRules } from '../../src/rules/engine.js';
import { rules } from '../../src/rules/registry.js';
import type { AnyRule } from '../../src/rules/types.js';
import { RenderCache } from '../../src/render/cache.js';
import { TENANTS_PER_BATCH } from '../../src/render/render.js';
import { shardOfTenant } from '../../src/tenants/shard.js';
import { applyInputEdits, bundledTenants, cleanupTempRepos, cli, packedKeys, packFile, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);
const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

const BULK = 3 * TENANTS_PER_BATCH;

/**
 * Enough tenants for worker threads, each drawing a local-rule finding and a
 * schema finding from one extra template, one of them waived; then two tenants
 * whose committed objects are not what their render says: bulk-10's ConfigMap
 * was fixed by hand (the label finding goes away), and bulk-20's namespace
 * holds a Deployment render does not write (its quota no longer fits).
 * bulk-5's ConfigMap names the namespace of the last tenant, rendered in
 * another batch (a local rule looks it up among all tenants).
 */
async function repo(): Promise<{ root: string; ns: (id: string) => string }> {
  let tenants = `${(await bundledTenants()).trimEnd()}\n`;
  for (let i = 0; i < BULK; i++) tenants += `  - id: bulk-${i}\n    name: Bulk ${i}\n    tier: ${i % 7 === 0 ? 'premium' : 'standard'}\n${i === 30 ? '    waivers:\n      - rule: k8s/label-syntax\n        reason: kept for the old dashboards\n' : ''}${i === 5 ? `    config:\n      PEER: api.ai-agents-bulk-${BULK - 1}.svc.cluster.local\n` : ''}`;
  const root = await tempRepo({ tenants });
  await writeFile(
    path.join(root, 'templates/tenant/configmap-extra.yaml.ejs'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: <%- v(tenant.namespace) %>\n  labels:\n    "bad key": "x"\ndata:\n  COUNT: 5\n',
  );
  expect((await cli(root, 'render', '--no-cache', '--workers', '1')).exitCode).toBe(0);
  const config = (await runPipeline({ root, stages: [] })).config!;
  const ns = (id: string) => config.tenants.find((t) => t.id === id)!.namespace;
  const fixed = path.join(root, 'rendered', ns('bulk-10'), 'workloads/configmap-extra.yaml');
  const text = await readFile(fixed, 'utf8');
  expect(text).toContain('bad key: x');
  await writeFile(fixed, text.replace('bad key: x', 'good-key: x'));
  const greedy = (await readFile(path.join(root, 'rendered', ns('bulk-20'), 'workloads/deployment-worker.yaml'), 'utf8')).replace('name: worker\n', 'name: greedy\n').replace('\nspec:\n', '\nspec:\n  replicas: 400\n');
  await writeFile(path.join(root, 'rendered', ns('bulk-20'), 'workloads/deployment-greedy.yaml'), greedy);
  return { root, ns };
}

function outputs(r: PipelineResult): Record<string, string> {
  return Object.fromEntries(formatNames.map((f) => [f, formatters[f](checkResult(r), { color: false, toolVersion: '0.0.0-test' })]));
}

const of = (ds: readonly Diagnostic[], rule: string, tenant: string) => ds.filter((d) => d.ruleId === rule && d.tenant === tenant);

describe('tenant-local findings computed while worker threads render', () => {
  it('are used only for tenants whose committed objects are their render, and the output is that of a run without them', async () => {
    const { root } = await repo();
    const check = (workers: number, cache?: RenderCache) => runPipeline({ root, noBase: 'ignore', workers, ...(cache ? { cache } : {}) });
    const alone = await check(1);
    const early = await check(2);
    expect(alone.findingsEarly).toBeUndefined();
    expect(early.render?.workers).toBe(2);
    // Every tenant the workers rendered, except the two whose committed objects differ from their render.
    const total = early.config!.tenants.length;
    expect(early.findingsEarly).toBe(total - 2);
    expect(outputs(early)).toEqual(outputs(alone));

    // The hand fix is seen (no label finding on bulk-10's extra ConfigMap); the extra Deployment's effect on bulk-20's quota is seen.
    expect(of(alone.diagnostics, 'k8s/label-syntax', 'bulk-11').length).toBe(1);
    expect(of(alone.diagnostics, 'k8s/label-syntax', 'bulk-10')).toEqual([]);
    expect(of(alone.diagnostics, 'quota/fit', 'bulk-20').length).toBeGreaterThan(0);
    expect(of(alone.diagnostics, 'quota/fit', 'bulk-21')).toEqual([]);
    expect(of(alone.diagnostics, 'isolation/namespace-confinement', 'bulk-5').map((d) => d.message)).toEqual([`references namespace ai-agents-bulk-${BULK - 1} of tenant bulk-${BULK - 1}`]);
    expect(alone.diagnostics.filter((d) => d.ruleId === 'k8s/label-syntax' && d.waived).map((d) => d.tenant)).toEqual(['bulk-30']);
    expect(alone.diagnostics.filter((d) => d.ruleId === 'schema/invalid').length).toBe(total);

    // With a cache: the early findings are what a cold run stores, and a warm run replays them.
    const dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-early-'));
    made.push(dir);
    const cold = await check(2, new RenderCache(dir));
    expect(cold.findingsCache).toEqual({ hits: 0, misses: total - 2 });
    expect(cold.findingsEarly).toBe(total - 2);
    const warm = await check(2, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: total - 2, misses: 0 });
    expect(warm.findingsEarly).toBeUndefined();
    expect(outputs(cold)).toEqual(outputs(alone));
    expect(outputs(warm)).toEqual(outputs(alone));
    // The quota reports made while rendering went into the tenants' findings entries, and the warm run read them
    // there: a report made in the proofs would have been stored on its own (the two other tenants are not stored at all).
    expect(existsSync(packFile(dir, 'quota'))).toBe(false);
    expect((await packedKeys(dir, 'findings')).size).toBe(total - 2);

    // The CLI reports how many tenants were checked while rendering.
    const timed = await cli(root, 'check', '--format', 'json', '--allow-no-base', '--no-cache', '--workers', '2', '--timings');
    expect(timed.stderr).toContain(`findings  ${total - 2} tenants checked while rendering\n`);
  }, 120_000);

  it('are checked again when what they guessed about namespaces not yet rendered does not hold for the whole tree', async () => {
    const { root } = await repo();
    // Every tenant admits its api from namespaces labelled team=obs, which only the last tenant's Namespace carries: rendered in the last batch.
    await applyInputEdits(root, [{ file: 'templates/tenant/namespace.yaml.ejs', from: '  labels:\n', to: `  labels:\n<% if (tenant.id === 'bulk-${BULK - 1}') { -%>\n    team: obs\n<% } -%>\n` }]);
    await writeFile(
      path.join(root, 'templates/tenant/networkpolicy-allow-team.yaml.ejs'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-team\n  namespace: <%- v(tenant.namespace) %>\nspec:\n  podSelector: {}\n  policyTypes: ["Ingress"]\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              team: obs\n',
    );
    expect((await cli(root, 'render', '--no-cache', '--workers', '1')).exitCode).toBe(0);
    const alone = await runPipeline({ root, noBase: 'ignore', workers: 1 });
    const early = await runPipeline({ root, noBase: 'ignore', workers: 2 });
    expect(early.render?.workers).toBe(2);
    expect(alone.diagnostics.filter((d) => d.ruleId === 'network/namespace-selector')).toEqual([]);
    expect(outputs(early)).toEqual(outputs(alone));
    // Only tenants handed over with the last one saw its Namespace while rendering: the others guessed no namespace matched, and were checked again.
    const total = early.config!.tenants.length;
    expect(early.findingsEarly).toBeGreaterThan(0);
    expect(early.findingsEarly).toBeLessThanOrEqual(TENANTS_PER_BATCH);
    expect(early.findingsEarly).toBeLessThan(total);
  }, 120_000);

  it("in a shard: only its own tenants are checked while rendering, kept and replayed, and the shards' findings are the full run's", async () => {
    const { root } = await repo();
    const alone = await runPipeline({ root, noBase: 'ignore', workers: 1 });
    const canonical = (ds: readonly Diagnostic[]) => ds.map((d) => JSON.stringify(d)).sort();
    const ids = alone.config!.tenants.map((t) => t.id);
    // bulk-10 and bulk-20 are never units: their committed objects are not their render.
    const unitsOf = (index: number) => ids.filter((id) => shardOfTenant(id, 2) === index && id !== 'bulk-10' && id !== 'bulk-20');
    const parts: Diagnostic[] = [];
    for (const index of [1, 2]) {
      const dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-early-shard-'));
      made.push(dir);
      const units = unitsOf(index);
      expect(units.length).toBeGreaterThan(TENANTS_PER_BATCH / 2);
      const shard = (cache: RenderCache) => runPipeline({ root, noBase: 'ignore', workers: 2, cache, shard: { index, count: 2 } });
      const cold = await shard(new RenderCache(dir));
      expect(cold.findingsEarly).toBe(units.length);
      expect(cold.findingsCache).toEqual({ hits: 0, misses: units.length });
      // No findings are kept for a tenant the shard does not check; what the proofs make for every tenant is kept for every unit.
      expect([...(await packedKeys(dir, 'findings')).keys()].sort()).toEqual([...units].sort());
      const everyUnit = ids.filter((id) => id !== 'bulk-10' && id !== 'bulk-20').sort();
      expect([...(await packedKeys(dir, 'flows')).keys()].sort()).toEqual(everyUnit);
      expect([...(await packedKeys(dir, 'admission')).keys()].sort()).toEqual(everyUnit);
      // The shard's own quota reports went into their findings entries (made while rendering); the others' on their own.
      expect([...(await packedKeys(dir, 'quota')).keys()].sort()).toEqual(everyUnit.filter((id) => !units.includes(id)));
      const warm = await shard(new RenderCache(dir));
      expect(warm.findingsCache).toEqual({ hits: units.length, misses: 0 });
      expect(canonical(warm.diagnostics)).toEqual(canonical(cold.diagnostics));
      // Every shard reports every tenant's quota (the other shards' made while rendering too, but not bulk-20's, whose namespace holds an object render does not write), with a cache or without.
      const none = await runPipeline({ root, noBase: 'ignore', workers: 2, shard: { index, count: 2 } });
      expect(none.findingsEarly).toBe(units.length);
      expect(canonical(none.diagnostics)).toEqual(canonical(cold.diagnostics));
      for (const r of [cold, warm, none]) expect(JSON.stringify(r.sections)).toBe(JSON.stringify(alone.sections));
      parts.push(...cold.diagnostics);
      // A full run on the shard's cache replays the shard's tenants and checks the others: the output is the full run's.
      const full = await runPipeline({ root, noBase: 'ignore', workers: 2, cache: new RenderCache(dir) });
      expect(full.findingsCache?.hits).toBe(units.length);
      expect(outputs(full)).toEqual(outputs(alone));
    }
    expect(canonical(parts)).toEqual(canonical(alone.diagnostics));
  }, 180_000);

  it("in a shard: another shard's tenant takes the quota report made while rendering, unless its committed objects are not its render", async () => {
    const root = await tempRepo({ tenants: `${(await bundledTenants()).trimEnd()}\n  - id: other\n    name: Other\n    tier: standard\n` });
    const r = await renderInMemory({ root });
    const config = r.config!;
    const render = r.render!;
    const ids = config.tenants.map((t) => t.id);
    const [mine, edited, other] = [ids[0]!, ids[1]!, 'other'];
    expect(ids).toContain(other);
    const nsOf = (id: string) => config.tenants.find((t) => t.id === id)!.namespace;
    const early = new Map(config.tenants.map((t) => [t.id, quotaOf(t.id, render.manifests.filter((m) => m.object.metadata?.namespace === t.namespace).map((m) => m.object))]));
    // One file of `edited` differs from the render, so its objects are not what its render says.
    const differing = [render.manifests.find((m) => m.object.metadata?.namespace === nsOf(edited))!.file];
    const found = new Map([[mine, { schema: [], rules: [], reads: [] }]]);
    const plan = planLocal(undefined, config, render, render.manifests, differing, {}, found, (id) => id === mine)!;
    expect([mine, edited, other].map((id) => plan.others?.has(id))).toEqual([false, false, true]);
    const replay = quotaReplay(undefined, plan, early);
    expect(replay.recorded(other)).toBe(early.get(other));
    expect(replay.recorded(edited)).toBeUndefined();
    const ofNamespace = (id: string) => render.manifests.filter((m) => m.object.metadata?.namespace === nsOf(id));
    expect(new Set(ofNamespace(other).map(replay.unitOf))).toEqual(new Set([other]));
    expect(new Set(ofNamespace(edited).map(replay.unitOf))).toEqual(new Set([undefined]));
    // A full run has no other shard.
    expect(planLocal(undefined, config, render, render.manifests, differing, {}, found)!.others).toBeUndefined();
  });

  it('stops at the first exception and keeps nothing, so the stages check every tenant as usual', async () => {
    const root = await tempRepo();
    const r = await renderInMemory({ root });
    const config = r.config!;
    const rendered = config.tenants.map((tenant) => ({ tenant, manifests: r.render!.manifests.filter((m) => m.object.metadata?.namespace === tenant.namespace || m.object.metadata?.name === tenant.namespace) }));
    expect(rendered.length).toBeGreaterThan(1);
    const working = earlyLocal(config, () => [], rules, runRules, quotaOf);
    working.onTenants(rendered);
    expect([...working.found.keys()].sort()).toEqual(config.tenants.map((t) => t.id).sort());
    // Each tenant's quota report is the one the proofs make from the whole tree.
    expect(config.tenants.map((t) => working.quotas.get(t.id))).toEqual(tenantQuotas(r.render!.manifests, config));
    expect(working.quotas.get(config.tenants[0]!.id)!.rows.length).toBeGreaterThan(0);
    // A shard's early check finds the schema and local-rule findings of its own tenants only, and every tenant's quota report (every shard reports them all).
    const first = rendered[0]!.tenant.id;
    const mine = earlyLocal(config, () => [], rules, runRules, quotaOf, (id) => id === first);
    mine.onTenants(rendered);
    expect([...mine.found.keys()]).toEqual([first]);
    expect([...mine.quotas.values()]).toEqual([...working.quotas.values()]);
    // The rule throws on the second tenant's objects: the first batch's findings are dropped too, and the rule is not run again.
    const second = rendered[1]!.tenant.namespace;
    let calls = 0;
    let threw = 0;
    const throwing = {
      meta: { id: 'k8s/object-size', local: true, messages: {} },
      checkManifest: (m: { object: { metadata?: { name?: string; namespace?: string } } }) => {
        calls++;
        if (m.object.metadata?.namespace === second || m.object.metadata?.name === second) {
          threw++;
          throw new Error('boom');
        }
      },
    } as unknown as AnyRule;
    const early = earlyLocal(config, () => [], { ...rules, 'k8s/object-size': throwing }, runRules, quotaOf);
    early.onTenants(rendered.slice(0, 1));
    expect([early.found.size, early.quotas.size]).toEqual([1, 1]);
    early.onTenants(rendered.slice(1, 2));
    expect([threw, early.found.size, early.quotas.size]).toEqual([1, 0, 0]);
    const before = calls;
    early.onTenants(rendered.slice(2));
    early.onTenants(rendered.slice(0, 1));
    expect([calls, early.found.size, early.quotas.size]).toEqual([before, 0, 0]);
  });
});
