import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export interface Listing {
  /** Regular files as sorted forward-slash relative paths. */
  files: string[];
  /**
   * Symbolic links (never followed), with where they point. The renderer writes
   * only regular files, so any link in rendered/ was put there by hand and could
   * point outside the repository.
   */
  links: { path: string; target: string }[];
}

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Files and links below `dir` in one walk. Built on readdirSync so the start-up
 * path does not load a glob library.
 */
export function listTree(dir: string): Listing {
  if (!existsSync(dir)) return { files: [], links: [] };
  const files: string[] = [];
  const links: Listing['links'] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() && !e.isSymbolicLink()) continue;
    const abs = path.join(e.parentPath ?? e.path, e.name);
    const rel = path.relative(dir, abs).split(path.sep).join('/');
    if (e.isFile()) files.push(rel);
    else links.push({ path: rel, target: readlinkSync(abs) });
  }
  files.sort(byPath);
  links.sort((a, b) => byPath(a.path, b.path));
  return { files, links };
}

export function listFiles(dir: string): string[] {
  return listTree(dir).files;
}
