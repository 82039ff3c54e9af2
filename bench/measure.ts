// One child process, measured from outside: wall time and peak RSS as the kernel saw
// them (GNU time's %M), so the number is the process's real footprint, whatever it does
// inside (worker threads included).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  wallMs: number;
  /** Null when /usr/bin/time is not installed. */
  peakRssMiB: number | null;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Why this run does not count (exit code, signal, the last line it printed), if it does not. */
  failure?: string;
}

export interface Child {
  cmd: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export const rssAvailable = existsSync(GNU_TIME);

export function measure(child: Child): Measured {
  const rssFile = path.join(child.cwd, '.bench-rss');
  const [cmd, args] = rssAvailable ? [GNU_TIME, ['-f', '%M', '-o', rssFile, child.cmd, ...child.args]] : [child.cmd, child.args];
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd: child.cwd, env: child.env, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 30 * 60_000 });
  const wallMs = performance.now() - start;
  if (r.error) throw r.error;
  let peakRssMiB: number | null = null;
  if (rssAvailable) {
    // GNU time prepends "Command exited with non-zero status N" on failure; %M (KiB) is the last line.
    const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
    peakRssMiB = kib / 1024;
  }
  const status = r.status ?? (r.signal ? 128 : null);
  return { wallMs, peakRssMiB, status, stdout: r.stdout, stderr: r.stderr };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Summary {
  runs: number;
  wallMsMedian: number;
  peakRssMiBMedian: number | null;
  peakRssMiBMax: number | null;
  exitCodes: (number | null)[];
  /** The first failed run; medians are over the runs before it. */
  failure?: string;
}

export function summarise(ms: Measured[]): Summary {
  const ok = ms.filter((m) => !m.failure);
  const rss = ok.map((m) => m.peakRssMiB).filter((x): x is number => x !== null);
  const failed = ms.find((m) => m.failure);
  return {
    runs: ok.length,
    wallMsMedian: median(ok.map((m) => m.wallMs)),
    peakRssMiBMedian: rss.length ? median(rss) : null,
    peakRssMiBMax: rss.length ? Math.max(...rss) : null,
    exitCodes: ms.map((m) => m.status),
    ...(failed ? { failure: failed.failure } : {}),
  };
}
