import { existsSync, readdirSync, readlinkSync } from 'node:fs';

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
 * path does not load a glob library; one readdir per folder with paths joined
 * by hand, since path.join and path.relative on every entry cost about as much
 * as the listing itself at 200,000 files.
 */
export function listTree(dir: string): Listing {
  if (!existsSync(dir)) return { files: [], links: [] };
  const files: string[] = [];
  const links: Listing['links'] = [];
  const visit = (abs: string, rel: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const r = rel + e.name;
      if (e.isDirectory()) visit(`${abs}/${e.name}`, `${r}/`);
      else if (e.isFile()) files.push(r);
      else if (e.isSymbolicLink()) links.push({ path: r, target: readlinkSync(`${abs}/${e.name}`) });
    }
  };
  visit(dir, '');
  files.sort(byPath);
  links.sort((a, b) => byPath(a.path, b.path));
  return { files, links };
}

export function listFiles(dir: string): string[] {
  return listTree(dir).files;
}
