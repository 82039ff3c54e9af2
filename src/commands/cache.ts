import { availableParallelism } from 'node:os';
import path from 'node:path';
import { UsageError } from './options.js';
import { defaultCacheDir, RenderCache } from '../render/cache.js';
import type { RenderResult } from '../render/render.js';

/** The render cache the options ask for: none with --no-cache, else --cache-dir or the default folder under the root. */
export function renderCache(values: { 'cache-dir'?: string | undefined; 'no-cache'?: boolean | undefined }, root: string, cwd: string): RenderCache | undefined {
  if (values['no-cache']) return undefined;
  return new RenderCache(values['cache-dir'] !== undefined ? path.resolve(cwd, values['cache-dir']) : defaultCacheDir(root));
}

/** The one warning a cache that cannot be written is worth (the run itself is unaffected). */
export function cacheWarning(...renders: (RenderResult | undefined)[]): string {
  const problem = renders.find((r) => r?.cache?.problem)?.cache?.problem;
  return problem ? `tenantctl: warning: ${problem}\n` : '';
}

/** For --timings: how many tenants the cache replayed and how many were rendered. */
export function cacheLine(label: string, stats: RenderResult['cache']): string {
  return stats ? `${label.padEnd(9)} ${stats.hits} tenants from the cache, ${stats.misses} rendered\n` : '';
}

/** --workers N: a whole number from 1; by default as many as the cores the process may use. */
export function workerCount(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new UsageError(`--workers takes a whole number from 1 (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** For --timings: how many tenants' schema and local-rule findings the cache replayed. */
export function findingsLine(stats: { hits: number; misses: number } | undefined, early: number | undefined): string {
  const during = early ? `${early} tenants checked while rendering` : '';
  if (!stats) return during ? `findings  ${during}\n` : '';
  return `findings  ${stats.hits} tenants from the cache, ${stats.misses} checked${during ? ` (${during})` : ''}\n`;
}
