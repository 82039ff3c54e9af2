// npm run bench: the real `tenantctl` processes on synthetic N-tenant repositories, side by side
// with kubeconform on the same tree; medians over --runs, peak RSS of each child; a readable
// table on stdout and every number in the --json file (rewritten after each size).
import { readFileSync, existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { browserTimes, type BrowserTimes } from './browser.js';
import { kubeconformChild, parseSummary, validationProblem, type KubeconformSummary } from './kubeconform.js';
import { measure, median, rssAvailable, summarise, type Child, type Measured, type Summary } from './measure.js';
import { bundledRepo, syntheticRepo } from './repo.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/tenantctl.js');
const SCENARIOS = ['check', 'nocap', 'kubeconform', 'html', 'shards', 'pr', 'plan', 'bundled'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** What this build of tenantctl offers, read from its own help so the bench runs before and after a flag lands. */
interface Features {
  noCache: boolean;
  /** The option that names the cache folder, if any. */
  cacheFlag: string | null;
  shard: boolean;
  allowNoBase: boolean;
  /** check --base REF: the pull-request check the guide's CI workflow runs. */
  base: boolean;
  html: boolean;
  /** tenantctl plan --base REF --format markdown: the job summary of the CI workflow. */
  plan: boolean;
  /** --max-old-space-size on the bin's shebang: the cap a user gets by running `tenantctl`. */
  binHeapCapMiB: number | null;
  /** V8's own limit for a plain `node` on this machine (it depends on physical memory). */
  nodeDefaultHeapMiB: number;
}

function features(): Features {
  const help = spawnSync(process.execPath, [bin, 'check', '--help'], { encoding: 'utf8' }).stdout;
  const cap = /--max-old-space-size=(\d+)/.exec(readFileSync(bin, 'utf8').split('\n')[0]!);
  const heap = spawnSync(process.execPath, ['-p', 'v8.getHeapStatistics().heap_size_limit'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).stdout;
  return {
    noCache: /--no-cache\b/.test(help),
    cacheFlag: /^\s*(--cache[\w-]*)\s+[A-Z]+/m.exec(help)?.[1] ?? null,
    shard: /--shard\b/.test(help),
    allowNoBase: /--allow-no-base\b/.test(help),
    base: /--base REF\b/.test(help),
    html: /--format [\w|]*\bhtml\b/.test(help),
    plan: /--format [\w|]*\bmarkdown\b/.test(spawnSync(process.execPath, [bin, 'plan', '--help'], { encoding: 'utf8' }).stdout),
    binHeapCapMiB: cap ? Number(cap[1]) : null,
    nodeDefaultHeapMiB: Math.round(Number(heap) / 2 ** 20),
  };
}

interface CheckSummary extends Summary {
  objects: number;
  files: number;
  /** From --timings: where the time goes inside the process. */
  phasesMsMedian: Record<string, number>;
  /** From --timings: the share of the run (%) the main thread stood still for the garbage collector; undefined from a build that does not say. */
  gcSharePercentMedian?: number;
}

interface SizeResult {
  tenants: number;
  objects: number;
  files: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
  renderFull: Summary;
  check?: CheckSummary;
  checkNoHeapCap?: CheckSummary;
  kubeconform?: Summary & { summary: KubeconformSummary | null; problem: string | null };
  checkOverKubeconform?: number;
  /** check --format html: the report a reviewer opens; its size matters as much as its time. */
  html?: Summary & { bytes: number; browser?: BrowserTimes | 'no chromium' };
  shards?: { of: number; perShard: Summary[]; sumMs: number; slowestMs: number }[];
  onePr?: { cache: 'warm' | 'none (no cache flags in this build)'; render: Summary; check: Summary; fillCache?: Summary; checkFresh?: Summary | 'not available'; checkBase?: Summary | 'not available' };
  /** plan --base HEAD --format markdown after a NetworkPolicy template edit that changes every tenant: its wall, and the size of the job summary it writes. */
  templatePlan?: (Summary & { bytes: number }) | 'not available';
}

/** Runs until `runs` succeed or one fails: at 50,000 tenants a run out of memory is the result. */
function repeat(runs: number, child: () => Child, ok: (m: Measured) => boolean = (m) => m.status === 0 || m.status === 1): Measured[] {
  const out: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const m = measure(child());
    out.push(m);
    if (!ok(m)) {
      const lines = m.stderr.trim().split('\n').filter((l) => !/^\w+\s+\d+ ms →|^peak RSS/.test(l));
      const why = lines.find((l) => /FATAL ERROR|out of memory|Error\b/.test(l)) ?? lines.pop() ?? '';
      m.failure = `exit ${m.status} after ${sec(m.wallMs)}, peak RSS ${mib(m.peakRssMiB)}: ${why.trim().slice(0, 200)}`;
      process.stderr.write(`bench: ${m.failure}\n`);
      break;
    }
  }
  return out;
}

function withCounts(ms: Measured[]): CheckSummary {
  const first = ms.find((m) => !m.failure);
  const summary = first ? (JSON.parse(first.stdout) as { summary: { objects: number; files: number } }).summary : { objects: 0, files: 0 };
  const phases = ms.map((m) => Object.fromEntries([...m.stderr.matchAll(/^(\w+)\s+\d+ ms → +\d+ ms +\((\d+) ms\)/gm)].map((p) => [p[1]!, Number(p[2])])));
  const names = [...new Set(phases.flatMap((p) => Object.keys(p)))];
  const gcShares = ms.flatMap((m) => {
    const share = /^gc\s+\d+ ms of pauses on the main thread, (\d+) % of the run/m.exec(m.stderr)?.[1];
    return share === undefined ? [] : [Number(share)];
  });
  return {
    ...summarise(ms),
    objects: summary.objects,
    files: summary.files,
    phasesMsMedian: Object.fromEntries(names.map((k) => [k, median(phases.map((p) => p[k] ?? NaN))])),
    ...(gcShares.length ? { gcSharePercentMedian: median(gcShares) } : {}),
  };
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };

type PrRepo = { root: string; flip(flipped: ReadonlySet<number>): Promise<void> };

/**
 * Runs of a one-tenant pull request: per run, another tenant (`offset` past
 * those the plain pull requests changed, so no run repeats another's change)
 * changes tier, `render` runs, then the measured check. A failure ends the runs.
 */
async function prRuns(r: PrRepo, runs: number, n: number, flipped: Set<number>, offset: number, plain: (args: string[]) => Child, step: { before?(): Promise<void>; check: Child; after?(run: number): boolean }): Promise<{ render: Summary; check: Summary }> {
  const renders: Measured[] = [];
  const checks: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    flipped.add(Math.floor(((i + 1) * n) / (runs + 1)) + offset);
    await r.flip(flipped);
    renders.push(...repeat(1, () => plain(['render', '--root', '.']), (m) => m.status === 0));
    if (renders.at(-1)!.failure) break;
    await step.before?.();
    checks.push(...repeat(1, () => step.check));
    if (checks.at(-1)!.failure || step.after?.(i) === false) break;
  }
  return { render: summarise(renders), check: summarise(checks) };
}

/**
 * The pull request as the guide's CI workflow checks it: `check --base REF`, with REF the
 * commit before the change. The repository's commits hold only tenants.yaml and the
 * templates (all --base reads of the base); per run, a different tenant changes tier,
 * `render` runs, then the measured check, with the cache the previous runs left.
 */
async function prWithBase(r: PrRepo, runs: number, n: number, flipped: Set<number>, plain: (args: string[]) => Child, check: string[]): Promise<Summary | 'not available'> {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: r.root, env: gitEnv, encoding: 'utf8' }).status === 0;
  if (!git('init', '-q') || !git('add', 'tenants.yaml', 'templates') || !git('commit', '-q', '-m', 'base')) return 'not available';
  return (await prRuns(r, runs, n, flipped, 1, plain, { check: plain([...check.filter((a) => a !== '--allow-no-base'), '--base', 'HEAD']), after: (i) => git('commit', '-q', '-am', `run ${i}`) })).check;
}

/**
 * The one-tenant PR check as CI runs it: the cache folder restored (warm), the
 * tree a fresh clone. No file's fingerprint is then the one the cache's stat
 * index recorded, so every committed file is read: removing the index before
 * the check gives the same reading without copying 200,000 files.
 */
async function prFreshCheckout(r: PrRepo, runs: number, n: number, flipped: Set<number>, plain: (args: string[]) => Child, check: string[], cacheDir: string): Promise<Summary> {
  return (await prRuns(r, runs, n, flipped, 2, plain, { before: () => rm(path.join(cacheDir, 'tree'), { recursive: true, force: true }), check: plain(check) })).check;
}

async function benchSize(n: number, runs: number, only: ReadonlySet<Scenario>, f: Features, kubeconform: string | undefined): Promise<SizeResult> {
  const r = await syntheticRepo(repo, n);
  // No NODE_OPTIONS: "no heap cap" must mean no heap flag from anywhere.
  const env = { ...process.env, NODE_OPTIONS: '', XDG_CACHE_HOME: path.join(r.root, '.xdg-cache') };
  // Without heap flags: memory as the design makes it, not as a cap forces it.
  const plain = (args: string[]): Child => ({ cmd: process.execPath, args: [bin, ...args], cwd: r.root, env });
  const shipped = (args: string[]): Child => ({ cmd: bin, args, cwd: r.root, env });
  const cache = f.cacheFlag ? [f.cacheFlag, path.join(r.root, '.bench-cache')] : [];
  const check = ['check', '--format', 'json', '--timings', '--root', '.', ...(f.allowNoBase ? ['--allow-no-base'] : []), ...cache];
  const cold = [...check, ...(f.noCache ? ['--no-cache'] : [])];
  try {
    const result: SizeResult = { tenants: n, objects: 0, files: 0, loadavgBefore: loadavg(), loadavgAfter: [], renderFull: summarise(repeat(1, () => plain(['render', '--root', '.']), (m) => m.status === 0)) };
    if (result.renderFull.failure) return { ...result, loadavgAfter: loadavg() };
    if (only.has('check') && f.binHeapCapMiB !== null) result.check = withCounts(repeat(runs, () => shipped(cold)));
    if (only.has('nocap')) result.checkNoHeapCap = withCounts(repeat(runs, () => plain(cold)));
    const counted = result.checkNoHeapCap ?? result.check ?? withCounts(repeat(1, () => plain(cold)));
    result.objects = counted.objects;
    result.files = counted.files;
    if (only.has('kubeconform') && kubeconform) {
      const ms = repeat(runs, () => kubeconformChild(kubeconform, repo, r.root), () => true);
      const summary = parseSummary(ms[0]!.stdout);
      result.kubeconform = { ...summarise(ms), summary, problem: validationProblem(summary, result.objects, ms[0]!.stdout + ms[0]!.stderr) };
      if (counted.runs > 0) result.checkOverKubeconform = counted.wallMsMedian / result.kubeconform.wallMsMedian;
    }
    if (only.has('html') && f.html) {
      const ms = repeat(runs, () => plain(cold.map((a) => (a === 'json' ? 'html' : a))));
      const page = ms[0]!.stdout;
      // A prefix that 10 of the synthetic ids share (tenant-00010 … tenant-00019), or 1 at the smallest sizes.
      const browser = await browserTimes(page, runs, n > 19 ? 'tenant-0001' : 'tenant-00000');
      result.html = { ...summarise(ms), bytes: Buffer.byteLength(page), browser: browser ?? 'no chromium' };
    }
    if (only.has('shards') && f.shard) {
      // Large shards take a minute each; one run per shard there.
      const shardRuns = n >= 10000 ? 1 : runs;
      result.shards = [1, 2, 4].map((of) => {
        const perShard = Array.from({ length: of }, (_, i) => summarise(repeat(shardRuns, () => plain([...cold, '--shard', `${i + 1}/${of}`]))));
        const walls = perShard.map((s) => s.wallMsMedian);
        return { of, perShard, sumMs: walls.reduce((a, b) => a + b, 0), slowestMs: Math.max(...walls) };
      });
    }
    if (only.has('pr')) {
      // A pull request that changes one tenant's tier: render, then check with the cache the
      // previous commit's check left. Each run changes a different tenant, so no run is a repeat.
      // That first check starts with an empty cache folder, as after a template change every tenant misses: it is measured too (once).
      const fillCache = f.noCache || f.cacheFlag ? summarise(repeat(1, () => plain(check))) : undefined;
      const flipped = new Set<number>();
      const warm = await prRuns(r, runs, n, flipped, 0, plain, { check: plain(check) });
      const checkFresh = f.cacheFlag ? await prFreshCheckout(r, runs, n, flipped, plain, check, cache[1]!) : 'not available';
      result.onePr = { cache: f.noCache || f.cacheFlag ? 'warm' : 'none (no cache flags in this build)', ...warm, ...(fillCache ? { fillCache } : {}), checkFresh, checkBase: f.base ? await prWithBase(r, runs, n, flipped, plain, check) : 'not available' };
    }
    if (only.has('plan')) result.templatePlan = f.plan && f.base ? await templateEditPlan(r, n >= 10000 ? 1 : runs, plain, cache) : 'not available';
    result.loadavgAfter = loadavg();
    return result;
  } finally {
    await r.dispose();
  }
}

/** The DNS egress template's TCP port rule, to which the edit adds a second port: every tenant's policy changes. */
const DNS_TEMPLATE = 'templates/tenant/networkpolicy-allow-egress-dns.yaml.ejs';
const DNS_TCP = '        - protocol: TCP\n          port: <%- v(platform.dns.port) %>\n';

/**
 * A platform pull request: a NetworkPolicy template edit that changes every
 * tenant (DNS egress gains TCP 9153), rendered, then the plan the CI workflow
 * writes to the job summary, against the commit before the edit.
 */
async function templateEditPlan(r: PrRepo, runs: number, plain: (args: string[]) => Child, cache: string[]): Promise<(Summary & { bytes: number }) | 'not available'> {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: r.root, env: gitEnv, encoding: 'utf8' }).status === 0;
  if (!git('init', '-q') || !git('add', 'tenants.yaml', 'templates') || !git('commit', '-q', '--allow-empty', '-m', 'before the template edit')) return 'not available';
  const file = path.join(r.root, DNS_TEMPLATE);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(DNS_TCP)) return 'not available';
  await writeFile(file, text.replace(DNS_TCP, `${DNS_TCP}        - protocol: TCP\n          port: 9153\n`));
  if (repeat(1, () => plain(['render', '--root', '.']), (m) => m.status === 0)[0]!.failure) return 'not available';
  const ms = repeat(runs, () => plain(['plan', '--root', '.', '--base', 'HEAD', '--format', 'markdown', ...cache]), (m) => m.status === 0);
  return { ...summarise(ms), bytes: Buffer.byteLength(ms[0]?.stdout ?? '') };
}

/** A cold check of the bundled repository, and a cold --help: the latency a developer feels. */
async function bundled(runs: number): Promise<{ check: Summary; help: Summary }> {
  const r = await bundledRepo(repo);
  try {
    return {
      check: summarise(repeat(runs, () => ({ cmd: process.execPath, args: [bin, 'check', '--root', '.', '--allow-no-base'], cwd: r.root }), (m) => m.status === 0)),
      help: summarise(repeat(runs, () => ({ cmd: process.execPath, args: [bin, '--help'], cwd: r.root }), (m) => m.status === 0)),
    };
  } finally {
    await r.dispose();
  }
}

const sec = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const mib = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${Math.round(x)} MiB`);
const int = (x: number): string => x.toLocaleString('en-US');
/** A wall-time cell: the median, or why there is none. */
const wall = (s: Summary | undefined): string => (s?.failure && s.runs === 0 ? `FAILED (${s.failure})` : sec(s?.wallMsMedian));

/** The cold check beside kubeconform, one row per size. */
function coldTable(results: SizeResult[], f: Features, kubeconform: string | undefined): string[] {
  const capped = f.binHeapCapMiB === null ? 'bin has no heap cap' : `bin as shipped, heap cap ${f.binHeapCapMiB} MiB`;
  const out = [
    `Full cold check${f.noCache ? ' (--no-cache)' : ''}; "no heap cap" runs \`node bin/tenantctl.js\` with V8's default limit (${f.nodeDefaultHeapMiB} MiB on this machine). Medians; peak RSS of the child process; "its GC pauses": the share of the run its main thread stood still for the garbage collector (\`--timings\`; – from a build that does not print it).`,
    kubeconform ? `kubeconform: ${kubeconform} -strict -n 2 with schemas/ via -schema-location.` : 'kubeconform: not given (pass --kubeconform PATH for the side-by-side ratio).',
    '',
    `| tenants | objects / files | runs | check (${capped}) | its peak RSS | check, no heap cap | its peak RSS | its GC pauses | kubeconform | its peak RSS | check ÷ kubeconform |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const kc = r.kubeconform;
    const ratio = r.checkOverKubeconform === undefined ? '–' : `${r.checkOverKubeconform.toFixed(2)}${kc?.problem ? ` (INVALID: ${kc.problem})` : ''}`;
    const runs = r.checkNoHeapCap?.runs ?? r.check?.runs ?? 1;
    out.push(`| ${int(r.tenants)} | ${int(r.objects)} / ${int(r.files)} | ${runs} | ${wall(r.check)} | ${mib(r.check?.peakRssMiBMedian)} | ${wall(r.checkNoHeapCap)} | ${mib(r.checkNoHeapCap?.peakRssMiBMedian)} | ${r.checkNoHeapCap?.gcSharePercentMedian === undefined ? '–' : `${r.checkNoHeapCap.gcSharePercentMedian.toFixed(0)} %`} | ${wall(kc)} | ${mib(kc?.peakRssMiBMedian)} | ${ratio} |`);
  }
  return out;
}

function tables(results: SizeResult[], f: Features, kubeconform: string | undefined): string {
  // A run of other scenarios only (--only pr, say) prints no table of dashes for the cold check.
  const out = results.some((r) => r.check || r.checkNoHeapCap || r.kubeconform) ? coldTable(results, f, kubeconform) : ['Full cold check: not measured in this run (not among the --only scenarios).'];
  out.push('', 'Rendering and the one-tenant pull request (no heap cap; a different tenant changes tier in each run; "fresh checkout": the same check with the cache folder restored onto a new clone, as in CI, so every committed file is read; "with --base": check --base against the commit before the change, as the CI workflow runs it; "empty cache folder": the check before the first run, which fills the cache as one after a template change does, one run):', '', '| tenants | full render | its peak RSS | render, one tenant changed | one-tenant PR check | cache | its peak RSS | fresh checkout | its peak RSS | with --base | its peak RSS | empty cache folder | its peak RSS |', '|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  const available = (s: Summary | 'not available' | undefined): Summary | undefined => (s === 'not available' ? undefined : s);
  const shown = (s: Summary | 'not available' | undefined): string => (s === 'not available' ? 'not available' : wall(s));
  for (const r of results) {
    const pr = r.onePr;
    out.push(`| ${int(r.tenants)} | ${wall(r.renderFull)} | ${mib(r.renderFull.peakRssMiBMedian)} | ${wall(pr?.render)} | ${wall(pr?.check)} | ${pr?.cache ?? '–'} | ${mib(pr?.check.peakRssMiBMax)} | ${shown(pr?.checkFresh)} | ${mib(available(pr?.checkFresh)?.peakRssMiBMax)} | ${shown(pr?.checkBase)} | ${mib(available(pr?.checkBase)?.peakRssMiBMax)} | ${wall(pr?.fillCache)} | ${mib(pr?.fillCache?.peakRssMiBMax)} |`);
  }
  out.push('');
  if (!f.html) out.push('check --format html: not available in this build.');
  else if (results.some((r) => r.html)) {
    out.push('check --format html (no heap cap), then the report in headless Chromium (load: navigation to script done; search: a tenant-id prefix typed to matrix and headroom rebuilt):', '', '| tenants | wall | peak RSS | report size | load in Chromium | search |', '|---:|---:|---:|---:|---:|---:|');
    for (const r of results) {
      if (!r.html) continue;
      const b = r.html.browser;
      const times = b === undefined || b === 'no chromium' ? '| no chromium | – ' : `| ${b.loadMsMedian.toFixed(0)} ms | ${b.searchMsMedian.toFixed(0)} ms `;
      out.push(`| ${int(r.tenants)} | ${wall(r.html)} | ${mib(r.html.peakRssMiBMedian)} | ${int(Math.round(r.html.bytes / 1024))} KiB ${times}|`);
    }
  }
  out.push('');
  if (!f.shard) out.push('check --shard I/N: not available in this build.');
  else if (results.some((r) => r.shards)) {
    out.push('check --shard I/N (no heap cap; median wall of each shard):', '', '| tenants | N | each shard | sum | slowest | peak RSS (max) |', '|---:|---:|---|---:|---:|---:|');
    for (const r of results) {
      for (const s of r.shards ?? []) {
        out.push(`| ${int(r.tenants)} | ${s.of} | ${s.perShard.map(wall).join(', ')} | ${sec(s.sumMs)} | ${sec(s.slowestMs)} | ${mib(Math.max(...s.perShard.map((p) => p.peakRssMiBMax ?? NaN)))} |`);
      }
    }
  }
  if (results.some((r) => r.templatePlan)) {
    out.push('', 'plan after a NetworkPolicy template edit that changes every tenant (DNS egress gains TCP 9153), as the CI workflow writes it to the job summary: `plan --base HEAD --format markdown`, with the cache, against the commit before the edit (no heap cap; one run at 10,000 tenants and more):', '', '| tenants | wall | peak RSS | markdown |', '|---:|---:|---:|---:|');
    for (const r of results) {
      const p = r.templatePlan;
      if (p === undefined) continue;
      out.push(p === 'not available' ? `| ${int(r.tenants)} | not available | – | – |` : `| ${int(r.tenants)} | ${wall(p)} | ${mib(p.peakRssMiBMax)} | ${int(Math.round(p.bytes / 1024))} KiB |`);
    }
  }
  out.push('', ...results.map((r) => `load average (1/5/15 min) at ${int(r.tenants)}: before ${r.loadavgBefore.map((x) => x.toFixed(2)).join('/')}, after ${r.loadavgAfter.map((x) => x.toFixed(2)).join('/')} on ${cpus().length} cores`));
  if (!rssAvailable) out.push('peak RSS: /usr/bin/time (GNU time) is not installed, so it is not measured.');
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100,1000,10000' },
      runs: { type: 'string', default: '5' },
      json: { type: 'string' },
      kubeconform: { type: 'string' },
      only: { type: 'string', default: SCENARIOS.join(',') },
    },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.replace(/[_,]/g, '')));
  const runs = Number(values.runs);
  const only = new Set(values.only.split(',')) as Set<Scenario>;
  const unknown = [...only].filter((s) => !SCENARIOS.includes(s));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(runs >= 1) || unknown.length) {
    throw new Error(`usage: npm run bench -- [--sizes 100,1000] [--runs 5] [--kubeconform PATH] [--only ${SCENARIOS.join(',')}] [--json FILE]${unknown.length ? `; unknown scenario ${unknown.join(', ')}` : ''}`);
  }
  const kubeconform = values.kubeconform ? path.resolve(values.kubeconform) : undefined;
  if (kubeconform && !existsSync(kubeconform)) throw new Error(`--kubeconform ${kubeconform}: no such file`);
  const f = features();
  const json = {
    version: 2,
    node: process.version,
    cores: cpus().length,
    features: f,
    kubeconform: kubeconform ? { path: kubeconform, version: spawnSync(kubeconform, ['-v'], { encoding: 'utf8' }).stdout.trim() } : null,
    sizes: [] as SizeResult[],
    bundled: undefined as Awaited<ReturnType<typeof bundled>> | undefined,
  };
  const save = async (): Promise<void> => {
    if (!values.json) return;
    await mkdir(path.dirname(values.json), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(json, null, 2)}\n`);
  };
  for (const n of sizes) {
    process.stderr.write(`bench: ${int(n)} tenants, ${runs} runs…\n`);
    json.sizes.push(await benchSize(n, runs, only, f, kubeconform));
    await save();
  }
  if (only.has('bundled')) {
    json.bundled = await bundled(Math.max(runs, 7));
    await save();
  }
  const lines = [tables(json.sizes, f, kubeconform)];
  if (json.bundled) lines.push(`cold \`tenantctl check\` on the bundled repository: median ${sec(json.bundled.check.wallMsMedian)}; cold \`tenantctl --help\`: median ${sec(json.bundled.help.wallMsMedian)} (${json.bundled.check.runs} runs)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
