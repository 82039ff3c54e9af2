import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './options.js';
import { OUT_DIR, TEMPLATES_DIR } from '../platform/index.js';
import { defaultCacheDir, RenderCache } from '../render/cache.js';
import type { RenderResult } from '../render/render.js';
import { usableCores } from '../cores.js';

/** The render cache the options ask for: none with --no-cache, else --cache-dir or the default folder under the root. */
export function renderCache(values: { 'cache-dir'?: string | undefined; 'no-cache'?: boolean | undefined }, root: string, cwd: string): RenderCache | undefined {
  if (values['no-cache']) return undefined;
  const given = values['cache-dir'];
  // The run settles the cache before it ends (pipeline.ts): entries may be written on a thread of their own.
  if (given === undefined) return new RenderCache(defaultCacheDir(root), { background: true });
  const dir = path.resolve(cwd, given);
  const clash = REPO_FOLDERS.find((f) => isWithin(realPath(dir), realPath(path.join(root, f.name))));
  if (clash) throw new UsageError(`--cache-dir ${given} is inside ${clash.name}/: ${clash.why}; put the cache outside it (by default it is node_modules/.cache/tenantctl under the repository)`);
  return new RenderCache(dir, { background: true });
}

/** The repository's folders a cache must stay out of, and what would happen to it there. */
const REPO_FOLDERS = [
  { name: OUT_DIR, why: 'render removes every file there that it does not write (the cache would be deleted on every run), and check reports each one as drift' },
  { name: TEMPLATES_DIR, why: 'every file there is an input of the render, so no run would find its tenants in the cache, and each would add to it' },
];

const isWithin = (p: string, folder: string): boolean => {
  const rel = path.relative(folder, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/** An absolute path with the links of its existing part resolved: a folder reached through a link is where the link leads. */
function realPath(p: string): string {
  let head = p;
  const rest: string[] = [];
  while (!existsSync(head) && path.dirname(head) !== head) {
    rest.unshift(path.basename(head));
    head = path.dirname(head);
  }
  try {
    head = realpathSync.native(head);
  } catch {
    // Not readable: judged as written.
  }
  return path.join(head, ...rest);
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
  if (value === undefined) return usableCores();
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new UsageError(`--workers takes a whole number from 1 (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** For --timings: how many tenants' schema and local-rule findings the cache replayed. */
export function findingsLine(stats: { hits: number; misses: number } | undefined, early: number | undefined): string {
  const during = early ? `${early} tenants checked while rendering` : '';
  if (!stats) return during ? `findings  ${during}\n` : '';
  return `findings  ${stats.hits} tenants from the cache, ${stats.misses} checked${during ? ` (${during})` : ''}\n`;
}
