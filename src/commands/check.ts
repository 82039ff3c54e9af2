import path from 'node:path';
import { constants, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { findingDescriptors } from '../diagnostics/catalogue.js';
import { exitCodeFor } from '../diagnostics/diagnostic.js';
import type { CheckResult } from '../diagnostics/result.js';
import { runPipeline, type PipelineResult, type Timing } from '../pipeline.js';
import { version } from '../version.js';
import { parseShard } from '../tenants/shard.js';
import { parseOptions, resolveRoot, UsageError } from './options.js';
import { checkSpec } from './specs.js';
import { cacheLine, cacheWarning, findingsLine, renderCache, workerCount } from './cache.js';
import type { Command } from './types.js';
import { PHASE_STEP, wantsColor } from './types.js';

/** The garbage collector's pauses of this thread, as Node reports them (perf_hooks "gc" entries): their time, and how many of each kind. */
export interface GcPauses {
  ms: number;
  minor: number;
  major: number;
  other: number;
}

/**
 * Starts counting the collector's pauses of this thread; the function
 * returned stops and gives them. A pause is the time this thread stood still
 * for a collection (https://nodejs.org/api/perf_hooks.html#garbage-collection-gc-details):
 * the work V8's helper threads do alongside is not in it.
 */
export function watchGc(): () => Promise<GcPauses> {
  const seen: GcPauses = { ms: 0, minor: 0, major: 0, other: 0 };
  const add = (entries: readonly PerformanceEntry[]): void => {
    for (const e of entries) {
      seen.ms += e.duration;
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) seen.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) seen.major++;
      else seen.other++;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return async () => {
    // Node reports a collection on a later turn of the event loop; then takes what the callback has not been handed yet.
    await new Promise((resolve) => setImmediate(resolve));
    add(observer.takeRecords());
    observer.disconnect();
    return seen;
  };
}

/** `runMs`: how long the process has run, of which the pauses are a share. */
export function formatTimings(timings: readonly Timing[], gc?: GcPauses, runMs: number = performance.now()): string {
  const lines = timings.map((t) => `${t.phase.padEnd(9)} ${t.start.toFixed(0).padStart(6)} ms → ${t.end.toFixed(0).padStart(6)} ms  (${(t.end - t.start).toFixed(0)} ms)`);
  // Allocation shows here as collector time: the share a run spends collecting instead of checking.
  if (gc) lines.push(`gc        ${gc.ms.toFixed(0)} ms of pauses on the main thread, ${runMs > 0 ? ((100 * gc.ms) / runMs).toFixed(0) : 0} % of the run (${gc.minor} minor, ${gc.major} major, ${gc.other} other)`);
  // The limit the bin chose for this repository (bin/heap.js): a peak close to it means the collector was working hard.
  return `${lines.join('\n')}\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MiB)\n`;
}

/**
 * Where the docs of this repository are on the web, from the variables GitHub
 * Actions sets ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"), so
 * code scanning can link each rule to its page at the commit checked.
 */
export function docsBase(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  return `${server.replace(/\/+$/, '')}/${repo}/blob/${sha && /^[0-9a-f]{7,40}$/.test(sha) ? sha : 'HEAD'}/`;
}

/** What the formatters get from a pipeline run. */
export function checkResult(r: PipelineResult): CheckResult {
  return {
    diagnostics: r.diagnostics,
    summary: { files: r.files, objects: r.checked?.objects ?? r.manifests.length, tenants: r.checked?.tenants ?? r.config?.tenants.length ?? 0 },
    rules: findingDescriptors(),
    sections: r.sections,
    ...(r.config ? { tenants: r.config.tenants.map((t) => ({ id: t.id, name: t.name, namespace: t.namespace, tier: t.tierName, ...(t.cluster ? { cluster: t.cluster } : {}) })) } : {}),
  };
}

export const check: Command = {
  spec: checkSpec,
  async run(argv, ctx) {
    // --format is checked here, before any work; the formatters themselves load once there is a result.
    const { values } = parseOptions(checkSpec, argv);
    const root = resolveRoot(ctx.cwd, values.root);
    const shard = values.shard === undefined ? undefined : parseShard(values.shard);
    if (typeof shard === 'string') throw new UsageError(shard);
    const cache = renderCache(values, root, ctx.cwd);
    const gc = values.timings ? watchGc() : undefined;
    const r = await runPipeline({
      ...(shard ? { shard } : {}),
      ...(cache ? { cache } : {}),
      workers: workerCount(values.workers),
      ...(ctx.progress && !values.quiet ? { onPhase: (phase: string) => ctx.progress!(PHASE_STEP[phase] ?? phase) } : {}),
      root,
      schema: {
        schemaLocation: values['schema-location'].map((d) => (d === 'default' ? d : path.resolve(ctx.cwd, d))),
        crdFiles: values.crd.map((f) => path.resolve(ctx.cwd, f)),
      },
      ...(values.base !== undefined ? { base: values.base } : {}),
      allowRemoval: values['allow-removal'],
      noBase: values['allow-no-base'] ? 'ignore' : ctx.env.CI === 'true' || ctx.env.CI === '1' ? 'error' : 'warn',
    });
    const pauses = await gc?.();
    const result = checkResult(r);
    const color = wantsColor(ctx) && values.format === 'text';
    const { formatters } = await import('../output/index.js');
    const docsBaseUrl = docsBase(ctx.env);
    const stderr = cacheWarning(r.render) + (values.timings ? formatTimings(r.timings, pauses) + cacheLine('cache', r.render?.cache) + findingsLine(r.findingsCache, r.findingsEarly) + cacheLine('base cache', r.baseCache) : '');
    return {
      stdout: formatters[values.format](result, { color, toolVersion: version, ...(docsBaseUrl ? { docsBaseUrl } : {}) }),
      ...(stderr ? { stderr } : {}),
      exitCode: exitCodeFor(r.diagnostics),
    };
  },
};
