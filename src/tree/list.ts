import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Files below `dir` as sorted forward-slash relative paths. Built on readdirSync
 * so the start-up path does not load a glob library.
 */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
}
