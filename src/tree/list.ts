import { existsSync, readdirSync, readlinkSync, type Dirent } from 'node:fs';

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

/** One of `count` parts of a tree, for readers that share it (readTreeInBackground). */
export interface Part {
  index: number;
  count: number;
}

/** A part's files and links, and the range of paths it covers: from ≤ path < to (an end left out is open). */
export interface PartListing extends Listing {
  from?: string;
  to?: string;
}

/**
 * Where the top-level names (sorted) are cut into `count` runs of about equal
 * length. A cut goes only before a name that no other name is a prefix of:
 * then every path below an earlier name sorts before it ("a/x" sorts after
 * "a.b", so a cut between "a" and "a.b" would interleave the parts), and the
 * parts' sorted files follow one another.
 */
function cuts(names: readonly string[], count: number): number[] {
  const all = new Set(names);
  const clean = (j: number): boolean => {
    for (let l = 1; l < names[j]!.length; l++) if (all.has(names[j]!.slice(0, l))) return false;
    return true;
  };
  const at = [0];
  for (let k = 1; k < count; k++) {
    let j = Math.max(at[k - 1]!, Math.round((k * names.length) / count));
    while (j < names.length && !clean(j)) j++;
    at.push(j);
  }
  at.push(names.length);
  return at;
}

/**
 * Files and links below `dir` in one walk, or below one part of its
 * top-level entries. Built on readdirSync so the start-up path does not load
 * a glob library; one readdir per folder with paths joined by hand, since
 * path.join and path.relative on every entry cost about as much as the
 * listing itself at 200,000 files.
 */
export function listTree(dir: string, part?: Part): PartListing {
  if (!existsSync(dir)) return { files: [], links: [], ...(part && part.index > 0 ? { from: '', to: '' } : {}) };
  const files: string[] = [];
  const links: Listing['links'] = [];
  const visit = (abs: string, rel: string, entries: readonly Dirent[]): void => {
    for (const e of entries) {
      const r = rel + e.name;
      if (e.isDirectory()) visit(`${abs}/${e.name}`, `${r}/`, readdirSync(`${abs}/${e.name}`, { withFileTypes: true }));
      else if (e.isFile()) files.push(r);
      else if (e.isSymbolicLink()) links.push({ path: r, target: readlinkSync(`${abs}/${e.name}`) });
    }
  };
  let top = readdirSync(dir, { withFileTypes: true });
  const bounds: { from?: string; to?: string } = {};
  if (part && part.count > 1) {
    top.sort((a, b) => byPath(a.name, b.name));
    const names = top.map((e) => e.name);
    const at = cuts(names, part.count);
    const [first, end] = [at[part.index]!, at[part.index + 1]!];
    // An empty part covers no path: from = to.
    if (part.index > 0) bounds.from = names[first] ?? '';
    if (end < names.length) bounds.to = names[end]!;
    else if (first === end && part.index > 0) bounds.to = bounds.from!;
    top = top.slice(first, end);
  }
  visit(dir, '', top);
  files.sort(byPath);
  links.sort((a, b) => byPath(a.path, b.path));
  return { files, links, ...bounds };
}

export function listFiles(dir: string): string[] {
  return listTree(dir).files;
}
