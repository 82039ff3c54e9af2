import { constants, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Timing } from '../pipeline.js';

// What `--timings` prints, for check and render alike: each phase, the collector's pauses, the peak RSS.

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
