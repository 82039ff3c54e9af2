import { existsSync, readdirSync, readlinkSync } from 'node:fs';
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

/**
 * Symbolic links below `dir` (never followed), with where they point. The
 * renderer writes only regular files, so any link in rendered/ was put there
 * by hand and could point outside the repository.
 */
export function listSymlinks(dir: string): { path: string; target: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isSymbolicLink())
    .map((e) => {
      const abs = path.join(e.parentPath ?? e.path, e.name);
      return { path: path.relative(dir, abs).split(path.sep).join('/'), target: readlinkSync(abs) };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
