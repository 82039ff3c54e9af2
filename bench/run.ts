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
  root?: string;
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

function runOnce(n: number, keep = false): RunResult {
  const args = ['--max-old-space-size=4096', path.join(here, 'phases.js'), String(n), ...(keep ? ['--keep'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as RunResult;
}

interface CheckRun {
  wallMs: number;
  peakRssMiB: number;
  phases: Record<string, number>;
  exitCode: number | null;
}

/** The real CLI, as CI runs it, on a rendered tree: wall time, per-phase times and peak RSS from --timings. */
function checkProcess(root: string): CheckRun {
  const start = performance.now();
  const r = spawnSync(path.join(repo, 'bin/tenantctl.js'), ['check', '--timings', '--format', 'json', '--root', root], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - start;
  const phases: Record<string, number> = {};
  for (const m of r.stderr.matchAll(/^(\w+)\s+\d+ ms → +\d+ ms +\((\d+) ms\)/gm)) phases[m[1]!] = Number(m[2]);
  const rss = /^peak RSS (\d+) MiB/m.exec(r.stderr);
  return { wallMs, peakRssMiB: rss ? Number(rss[1]) : NaN, phases, exitCode: r.status };
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
  const checkLines: string[] = ['', '`tenantctl check` as a process (median):', '', '| tenants | wall | load (render+read+compare) | schema | rules | proofs | admission | peak RSS MiB | exit |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  const phaseNames = ['load', 'render', 'write', 'floor', 'compare', 'schema', 'rules', 'proofs'];
  lines.push(`| tenants | objects | ${phaseNames.map((p) => `${p} ms (obj/s)`).join(' | ')} | peak RSS MiB |`);
  lines.push(`|---:|---:|${phaseNames.map(() => '---:').join('|')}|---:|`);
  for (const n of sizes) {
    // Large sizes take minutes per run; three runs still give a median.
    const count = n >= 10000 ? Math.min(runs, 3) : runs;
    const results = Array.from({ length: count }, (_, i) => runOnce(n, i === count - 1));
    const kept = results[count - 1]!.root!;
    // Whole `tenantctl check` processes on the last run's tree: the numbers a CI job sees.
    const checks = Array.from({ length: n >= 10000 ? 1 : 3 }, () => checkProcess(kept));
    await rm(kept, { recursive: true, force: true });
    const objects = results[0]!.objects;
    const phases = Object.fromEntries(phaseNames.map((p) => [p, median(results.map((r) => r.phases[p] ?? 0))]));
    const rss = median(results.map((r) => r.maxRssMiB));
    const check = {
      runs: checks.length,
      wallMsMedian: median(checks.map((c) => c.wallMs)),
      peakRssMiBMedian: median(checks.map((c) => c.peakRssMiB)),
      phasesMsMedian: Object.fromEntries(['load', 'schema', 'rules', 'proofs', 'admission'].map((p) => [p, median(checks.map((c) => c.phases[p] ?? NaN))])),
      exitCodes: checks.map((c) => c.exitCode),
    };
    checkLines.push(`| ${n} | ${(check.wallMsMedian / 1000).toFixed(1)} s | ${['load', 'schema', 'rules', 'proofs', 'admission'].map((p) => `${((check.phasesMsMedian[p] ?? 0) / 1000).toFixed(1)} s`).join(' | ')} | ${check.peakRssMiBMedian.toFixed(0)} | ${check.exitCodes.join(',')} |`);
    report.push({ tenants: n, objects, files: results[0]!.files, runs: count, checkProcess: check, medianMs: phases, objectsPerSecond: Object.fromEntries(phaseNames.map((p) => [p, Math.round(objects / (phases[p]! / 1000))])), peakRssMiB: Math.round(rss), findings: results[0]!.findings });
    lines.push(`| ${n} | ${objects} | ${phaseNames.map((p) => `${phases[p]!.toFixed(0)} (${Math.round(objects / (phases[p]! / 1000)).toLocaleString('en-US')})`).join(' | ')} | ${rss.toFixed(0)} |`);
    process.stderr.write(`done: ${n} tenants\n`);
  }
  lines.push(...checkLines);
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
