// npm run bench: medians of several runs per size, per phase, as a table and as JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

interface RunResult {
  tenants: number;
  objects: number;
  files: number;
  phases: Record<string, number>;
  findings: number;
  maxRssMiB: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function runOnce(n: number): RunResult {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', path.join(here, 'phases.js'), String(n)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as RunResult;
}

interface Cold {
  /** Whole process, spawn to exit. */
  wallMs: number;
  /** When schema validation began, from process start (check --timings). */
  validatingAtMs: number;
}

/** A cold `tenantctl check` process on the bundled repository, and a cold `--help`. */
async function coldCheck(runs: number): Promise<{ check: Cold[]; helpMs: number[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-cold-'));
  try {
    for (const part of ['tenants.yaml', 'templates', 'rendered']) await cp(path.join(repo, part), path.join(root, part), { recursive: true });
    const check: Cold[] = [];
    const helpMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const r = spawnSync(process.execPath, [path.join(repo, 'bin/tenantctl.js'), 'check', '--timings', '--root', root], { encoding: 'utf8' });
      const wallMs = performance.now() - start;
      if (r.status !== 0) throw new Error(`check failed on the bundled tree:\n${r.stdout}${r.stderr}`);
      const m = /^schema\s+(\d+) ms/m.exec(r.stderr);
      check.push({ wallMs, validatingAtMs: m ? Number(m[1]) : NaN });
      const h = performance.now();
      spawnSync(process.execPath, [path.join(repo, 'bin/tenantctl.js'), '--help']);
      helpMs.push(performance.now() - h);
    }
    return { check, helpMs };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: 'string', default: '100,1000,10000' }, runs: { type: 'string', default: '5' }, json: { type: 'string' } },
  });
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  const report: Record<string, unknown>[] = [];
  const lines: string[] = [];
  const phaseNames = ['load', 'render', 'write', 'floor', 'compare', 'schema', 'rules', 'proofs'];
  lines.push(`| tenants | objects | ${phaseNames.map((p) => `${p} ms (obj/s)`).join(' | ')} | peak RSS MiB |`);
  lines.push(`|---:|---:|${phaseNames.map(() => '---:').join('|')}|---:|`);
  for (const n of sizes) {
    // Large sizes take minutes per run; three runs still give a median.
    const count = n >= 10000 ? Math.min(runs, 3) : runs;
    const results = Array.from({ length: count }, () => runOnce(n));
    const objects = results[0]!.objects;
    const phases = Object.fromEntries(phaseNames.map((p) => [p, median(results.map((r) => r.phases[p] ?? 0))]));
    const rss = median(results.map((r) => r.maxRssMiB));
    report.push({ tenants: n, objects, files: results[0]!.files, runs: count, medianMs: phases, objectsPerSecond: Object.fromEntries(phaseNames.map((p) => [p, Math.round(objects / (phases[p]! / 1000))])), peakRssMiB: Math.round(rss), findings: results[0]!.findings });
    lines.push(`| ${n} | ${objects} | ${phaseNames.map((p) => `${phases[p]!.toFixed(0)} (${Math.round(objects / (phases[p]! / 1000)).toLocaleString('en-US')})`).join(' | ')} | ${rss.toFixed(0)} |`);
    process.stderr.write(`done: ${n} tenants\n`);
  }
  const cold = await coldCheck(Math.max(runs, 7));
  const wall = cold.check.map((c) => c.wallMs);
  const validating = cold.check.map((c) => c.validatingAtMs);
  lines.push(
    '',
    `cold \`tenantctl check\` on the bundled tree (${wall.length} runs): validation starts at median ${median(validating).toFixed(0)} ms after process start (min ${Math.min(...validating).toFixed(0)}, max ${Math.max(...validating).toFixed(0)}); whole process median ${median(wall).toFixed(0)} ms`,
    `cold \`tenantctl --help\`: median ${median(cold.helpMs).toFixed(0)} ms`,
  );
  const json = { version: 1, node: process.version, sizes: report, coldCheck: { validatingAtMsMedian: median(validating), wallMsMedian: median(wall), runs: cold.check }, helpMsMedian: median(cold.helpMs) };
  if (values.json) {
    await mkdir(path.dirname(values.json), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n${JSON.stringify(json)}\n`);
}

await main();
