import path from 'node:path';
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
