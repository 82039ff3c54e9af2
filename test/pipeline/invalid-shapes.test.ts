import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResult } from '../../src/commands/check.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { Manifest } from '../../src/manifest/types.js';
import { formatNames, formatters } from '../../src/output/index.js';
import { runPipeline, type PipelineResult } from '../../src/pipeline.js';
import { RenderCache } from '../../src/render/cache.js';
import { runRules } from '../../src/rules/engine.js';
import type { AnyRule } from '../../src/rules/types.js';
import type { TenantsConfig } from '../../src/tenants/types.js';
import { cleanupTempRepos, cli, tempDir, tempRepo } from '../helpers.js';

/**
 * Objects whose shapes their schemas refuse (a number where a list belongs, a
 * string where a map does): a hand edit of a committed file, or a template
 * that writes one. Rules and proofs read objects as the schemas describe
 * them; on such an object they report schema/not-checked instead of stopping
 * the run, and schema/invalid says what to fix.
 */

afterAll(cleanupTempRepos);

type Found = { ruleId: string; file?: { path: string; line: number }; message: string };
const findings = (stdout: string): Found[] => (JSON.parse(stdout) as { diagnostics: Found[] }).diagnostics;

/** `check` of a copy of the bundled repository whose committed `file` is edited: it must finish (exit 1), and its findings in that file are returned. */
async function checkEdited(file: string, from: string, to: string): Promise<Found[]> {
  const root = await tempRepo({ rendered: true });
  const abs = path.join(root, file);
  const text = await readFile(abs, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture anchor not found in ${file}: ${from}`);
  await writeFile(abs, text.replace(from, to));
  const r = await cli(root, 'check', '--format', 'json', '--allow-no-base', '--no-cache');
  expect(r.stderr ?? '').not.toContain('internal error');
  expect(r.exitCode).toBe(1);
  return findings(r.stdout).filter((d) => d.file?.path === file);
}

describe('a committed object whose shape its schema refuses', () => {
  it('is reported where it is wrong, and the rules that cannot read it say so, instead of stopping the run', async () => {
    const here = await checkEdited('rendered/ai-agents-test-tenant-a/workloads/service-api.yaml', '  ports:\n', '  ports: 5\n  oldPorts:\n');
    expect(here.find((d) => d.ruleId === 'schema/invalid' && d.message.startsWith('spec.ports: expected array'))?.file?.line).toBe(13);
    expect(here.some((d) => d.ruleId === 'drift/changed')).toBe(true);
    expect(here.filter((d) => d.ruleId === 'schema/not-checked').map((d) => d.message)).toContain('rule k8s/service-selector-targets could not read this object: its shape is one its schema refuses');
  });

  it('stops a proof over the whole tree, which is reported as not run', async () => {
    const here = await checkEdited('rendered/ai-agents-test-tenant-a/networkpolicy-default-deny-all.yaml', '  policyTypes:\n', '  policyTypes: 5\n  oldPolicyTypes:\n');
    expect(here.filter((d) => d.ruleId === 'schema/not-checked').map((d) => d.message.split(':')[0])).toEqual(['the isolation proofs did not run']);
  });
});

describe('rules that fail', () => {
  let manifests: Manifest[] = [];
  let config: TenantsConfig;
  beforeAll(async () => {
    const r = await runPipeline({ root: await tempRepo({ rendered: true }), stages: [], noBase: 'ignore' });
    manifests = r.manifests;
    config = r.config!;
  });
  const throwing = (local: boolean): Record<string, AnyRule> => ({
    'k8s/object-size': {
      meta: { id: 'k8s/object-size', local, messages: {} },
      checkManifest: (m) => {
        if (m.object.kind === 'Service') throw new TypeError('cannot read this');
      },
    },
  });

  it('on an object whose shape is valid are a bug, and the error is thrown', () => {
    expect(() => runRules({ manifests, rules: throwing(false), config, unreadable: () => false })).toThrow('cannot read this');
    expect(() => runRules({ manifests, rules: throwing(false), config })).toThrow('cannot read this');
  });

  it('on an object whose shape is refused report it as not checked, once, and go on', () => {
    const refused = (m: Manifest) => m.object.kind === 'Service';
    for (const local of [false, true]) {
      const found = runRules({ manifests, rules: throwing(local), config, unreadable: refused });
      const services = manifests.filter(refused);
      expect(services.length).toBeGreaterThan(1);
      expect(found.map((d) => [d.ruleId, d.file?.path])).toEqual(services.map((m) => ['schema/not-checked', m.file]));
    }
  });

  it('on objects beside a refused one they may have read blame that one, once however often they fail', () => {
    const configMaps = manifests.filter((m) => m.object.kind === 'ConfigMap');
    const service = manifests.find((m) => m.object.kind === 'Service')!;
    expect(configMaps.length).toBeGreaterThan(1);
    const rules: Record<string, AnyRule> = {
      'k8s/object-size': {
        meta: { id: 'k8s/object-size', messages: {} },
        checkManifest: (m) => {
          if (m.object.kind === 'ConfigMap') throw new TypeError('cannot read a Service');
        },
      },
    };
    const found = runRules({ manifests, rules, config, unreadable: (m) => m === service });
    expect(found.map((d) => [d.ruleId, d.file?.path])).toEqual([['schema/not-checked', service.file]]);
  });

  it('beyond their own namespace while marked local stay a bug, whatever the shapes', () => {
    const rules: Record<string, AnyRule> = { 'k8s/object-size': { meta: { id: 'k8s/object-size', local: true, messages: {} }, checkManifest: (_m, ctx) => void ctx.all } };
    expect(() => runRules({ manifests, rules, config, unreadable: () => true })).toThrow('is marked local but read every object');
  });
});

describe('random wrong shapes', () => {
  it('never stop check: every object a rule or proof could not read has its schema finding', async () => {
    const root = await tempRepo({ rendered: true });
    const r = await runPipeline({ root, stages: [], noBase: 'ignore' });
    const base = r.manifests.map((m) => ({ m, json: JSON.stringify(m.object) }));
    // A fixed seed: the same objects every run, different fields of each in every round.
    let seed = 20261205;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const values: unknown[] = [5, 'x', true, null, {}, [], [5], { a: 5 }, -1, 'ai-agents-test-tenant-b', ''];
    const fields = (o: unknown, at: string[] = [], out: string[][] = []): string[][] => {
      out.push(at);
      if (o !== null && typeof o === 'object') for (const k of Object.keys(o)) fields((o as Record<string, unknown>)[k], [...at, k], out);
      return out;
    };
    let notChecked = 0;
    for (let round = 0; round < 40; round++) {
      const manifests = base.map(({ m, json }): Manifest => {
        const o = JSON.parse(json) as Record<string, unknown>;
        const choices = fields(o).filter((p) => p.length > 0 && !(p.length === 1 && (p[0] === 'kind' || p[0] === 'apiVersion')));
        const at = choices[Math.floor(rand() * choices.length)]!;
        let parent = o;
        for (const k of at.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
        parent[at.at(-1)!] = structuredClone(values[Math.floor(rand() * values.length)]);
        return { object: o as unknown as Manifest['object'], file: m.file, docIndex: m.docIndex, locate: (p) => m.locate(p), ...(m.origin ? { origin: m.origin } : {}) };
      });
      const found = (await runPipeline({ root, manifests, config: r.config!, stages: ['schema', 'rules', 'proofs'] })).diagnostics;
      const invalid = new Set(found.filter((d) => d.ruleId === 'schema/invalid').map((d) => d.file?.path));
      const skipped = found.filter((d) => d.ruleId === 'schema/not-checked');
      notChecked += skipped.length;
      for (const d of skipped) expect(invalid.has(d.file?.path), `${d.message} at ${d.file?.path}`).toBe(true);
    }
    // The rounds did reach objects the rules and proofs cannot read.
    expect(notChecked).toBeGreaterThan(40);
  }, 60_000);
});

describe('a template that writes a shape its schema refuses', () => {
  function outputs(r: PipelineResult): Record<string, string> {
    return Object.fromEntries(formatNames.map((f) => [f, formatters[f](checkResult(r), { color: false, toolVersion: '0.0.0-test' })]));
  }

  it('is reported for every tenant, and the report is the same when the tenants are replayed from the cache', async () => {
    const root = await tempRepo();
    await writeFile(path.join(root, 'templates/tenant/service-odd.yaml.ejs'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: odd\n  namespace: <%- v(tenant.namespace) %>\nspec:\n  ports:\n    - port: 80\n  externalIPs: 5\n');
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const check = (cache?: RenderCache) => runPipeline({ root, noBase: 'ignore', ...(cache ? { cache } : {}) });
    const none = await check();
    const skipped = (ds: readonly Diagnostic[]) => ds.filter((d) => d.ruleId === 'schema/not-checked' && d.message.startsWith('rule workload/service-type')).map((d) => d.tenant);
    expect(skipped(none.diagnostics)).toEqual(['test-tenant-a', 'test-tenant-b']);
    const dir = await tempDir('tenantctl-shapes-');
    await check(new RenderCache(dir));
    const warm = await check(new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: 2, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));
  });
});
