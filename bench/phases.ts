// One measured run of the pipeline for N synthetic tenants, in a fresh process so
// peak RSS belongs to this run alone. Prints one JSON line.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';
import { proveIsolation } from '../dist/analysis/proofs.js';
import { runPipeline } from '../dist/pipeline.js';
import { renderTree } from '../dist/render/render.js';
import { loadTemplates } from '../dist/render/templates.js';
import { runRules } from '../dist/rules/engine.js';
import { rules } from '../dist/rules/registry.js';
import { loadSchemaRegistry, validateManifests } from '../dist/schema/validate.js';
import { loadTenantsFile } from '../dist/tenants/index.js';
import { readTree } from '../dist/tree/read.js';
import { writeTreeAtomically } from '../dist/tree/write.js';

const repo = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export function syntheticTenants(base: string, n: number): string {
  const head = base.slice(0, base.indexOf('\ntenants:') + '\ntenants:'.length);
  const lines = [head];
  for (let i = 0; i < n; i++) {
    const tier = i % 10 === 0 ? 'premium' : 'standard';
    lines.push(`  - id: tenant-${String(i).padStart(5, '0')}\n    name: "Tenant ${i}"\n    tier: ${tier}`);
  }
  return `${lines.join('\n')}\n`;
}

async function time<T>(phases: Record<string, number>, name: string, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await fn();
  phases[name] = performance.now() - start;
  return result;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const keep = process.argv.includes('--keep');
  const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-bench-'));
  try {
    await cp(path.join(repo, 'templates'), path.join(root, 'templates'), { recursive: true });
    await writeFile(path.join(root, 'tenants.yaml'), syntheticTenants(await readFile(path.join(repo, 'tenants.yaml'), 'utf8'), n));
    const phases: Record<string, number> = {};
    const loaded = await time(phases, 'load', () => loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml'));
    if (!loaded.config) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    const config = loaded.config;
    const templates = (await loadTemplates(root)).templates;
    const rendered = await time(phases, 'render', () => renderTree(config, templates));
    if (rendered.diagnostics.length > 0) throw new Error(rendered.diagnostics.map((d) => d.message).join('\n'));
    await time(phases, 'write', () => writeTreeAtomically(path.join(root, 'rendered'), 'rendered', rendered.files));
    // The floor: read every rendered file and parse it; no check can be faster.
    await time(phases, 'floor', async () => {
      const texts = await readTree(path.join(root, 'rendered'), 'rendered');
      for (const t of texts.values()) jsYaml.loadAll(t, undefined, { schema: jsYaml.CORE_SCHEMA });
    });
    const tree = await time(phases, 'compare', () => runPipeline({ root, stages: ['drift'] }));
    const registry = loadSchemaRegistry({});
    const schema = await time(phases, 'schema', () => validateManifests(tree.manifests, registry));
    const findings = await time(phases, 'rules', () => runRules({ manifests: tree.manifests, rules, config }));
    const proofs = await time(phases, 'proofs', () => proveIsolation(tree.manifests, config));
    const objects = tree.manifests.length;
    process.stdout.write(
      `${JSON.stringify({
        tenants: n,
        objects,
        files: rendered.files.size,
        phases,
        findings: schema.length + findings.filter((d) => d.severity === 'error').length + tree.diagnostics.length + proofs.diagnostics.length,
        proofEvaluations: proofs.stats.evaluations,
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
        ...(keep ? { root } : {}),
      })}\n`,
    );
  } finally {
    if (!keep) await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
