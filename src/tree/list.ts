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

/** What a walk needs of a folder's entry: a Dirent, or one recalled from a stat index (stat-index.ts). */
export interface Entry {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/** A folder's entries: readdir, unless the caller knows them already (a folder unchanged since the last read). */
export type Readdir = (abs: string, rel: string) => readonly Entry[];

const readEntries: Readdir = (abs) => readdirSync(abs, { withFileTypes: true });

/**
 * A folder's entries in the order of the paths below them: by name, a
 * folder's name with its slash, so every file below an entry sorts after
 * those of the entries before it.
 */
export function inWalkOrder<E extends Entry>(entries: readonly E[]): E[] {
  const key = (e: Entry) => (e.isDirectory() ? `${e.name}/` : e.name);
  return entries
    .map((e) => [key(e), e] as const)
    .sort(([a], [b]) => byPath(a, b))
    .map(([, e]) => e);
}

/** One of `of` parts of a tree, to be listed by its own thread. */
export interface TreePart {
  index: number;
  of: number;
}

/**
 * Files and links below `dir` in one walk. Built on readdirSync so the start-up
 * path does not load a glob library; one readdir per folder with paths joined
 * by hand, since path.join and path.relative on every entry cost about as much
 * as the listing itself at 200,000 files.
 *
 * With `part`, only that part of the top-level entries is walked. Entries are
 * ordered by the prefix every path below them starts with (a folder's name and
 * a slash), so each part's sorted files all sort before the next part's: the
 * parts' listings, joined in order, are the whole tree's listing.
 */
export function listTree(dir: string, part?: TreePart, readdir: Readdir = readEntries): Listing {
  if (!existsSync(dir)) return { files: [], links: [] };
  const files: string[] = [];
  const links: Listing['links'] = [];
  const visitEntry = (abs: string, rel: string, e: Entry): void => {
    const r = rel + e.name;
    if (e.isDirectory()) visit(`${abs}/${e.name}`, `${r}/`);
    else if (e.isFile()) files.push(r);
    else if (e.isSymbolicLink()) links.push({ path: r, target: readlinkSync(`${abs}/${e.name}`) });
  };
  const visit = (abs: string, rel: string): void => {
    for (const e of readdir(abs, rel)) visitEntry(abs, rel, e);
  };
  if (part && part.of > 1) {
    const top = inWalkOrder(readdir(dir, ''));
    const from = Math.floor((top.length * part.index) / part.of);
    const to = Math.floor((top.length * (part.index + 1)) / part.of);
    for (const e of top.slice(from, to)) visitEntry(dir, '', e);
  } else visit(dir, '');
  files.sort(byPath);
  links.sort((a, b) => byPath(a.path, b.path));
  return { files, links };
}

export function listFiles(dir: string): string[] {
  return listTree(dir).files;
}
