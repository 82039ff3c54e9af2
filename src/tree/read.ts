import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sortedByKey } from '../collections.js';
import { encodingProblem, type EncodingProblem } from '../manifest/encoding.js';
import { forEachLine, type TreeDigests } from './background.js';
import { contentDigest, digestLine, lineParts, treeDigestOfLines } from './digest.js';
import { listTree, type Listing } from './list.js';

/**
 * Every file under the output folder, keyed like the rendered map (`rendered/...`),
 * and the links found on the same walk.
 * Synchronous reads on purpose: for tens of thousands of small files they are
 * faster than promises and cannot exhaust file descriptors.
 */
export async function readTreeAndLinks(outAbs: string, outRel: string): Promise<{ files: Map<string, string>; links: Listing['links'] }> {
  const files = new Map<string, string>();
  const listing = listTree(outAbs);
  for (const r of listing.files) files.set(`${outRel}/${r}`, readFileSync(path.join(outAbs, r), 'utf8'));
  return { files, links: listing.links };
}

export async function readTree(outAbs: string, outRel: string): Promise<Map<string, string>> {
  return (await readTreeAndLinks(outAbs, outRel)).files;
}

/** What differs between the committed tree and the expected one. */
export interface TreeDiff {
  /** Only the files whose text differs from the expected tree (or that it lacks). */
  differing: Map<string, string>;
  /** Differing files that are not UTF-8 or hold a character YAML forbids (render never writes either). */
  encoding: Map<string, EncodingProblem>;
  links: Listing['links'];
  /** Files on disk that are neither expected nor known, in the listing's order. */
  unexpected: string[];
  /** Expected files not on disk, in the expected tree's order. */
  missing: string[];
  /** With `known`: the paths of its groups whose files on disk do not give the group's digest (one edited, missing or added). */
  stale?: string[];
  /** With `known`: the digest of each file on disk that belongs to a stale group. */
  staleOnDisk?: Map<string, string>;
}

/** A TreeDiff with the paths of every file on disk. */
export interface TreeAgainst extends TreeDiff {
  /** Every file on disk, keyed like the rendered map, sorted. */
  paths: string[];
}

/** Files known by digest only: each path's group, and each group's treeDigest (digest.ts). No path of the expected files is among them: a render places a path once. */
export interface KnownFiles {
  paths: ReadonlyMap<string, number>;
  digests: readonly string[];
}

/** What a comparison with the committed tree is given, part by part, and what it found when it is finished. */
export interface Comparison<T extends TreeDiff = TreeAgainst> {
  /** Lines of one part (TreeDigests), in order; parts may interleave. */
  add(part: number, text: string): void;
  finish(links: Listing['links']): T;
}

/**
 * Compares the tree with `expected` and keeps only what differs. A file equal
 * to what render produces is dropped as soon as it is compared, so a clean
 * tree costs no memory beyond the render itself (the whole tree at once was
 * the largest single allocation of a check at thousands of tenants). Given
 * the digests a reader thread took while the render ran (background.ts), as
 * lines whose paths start with `prefix`, only the files whose digest is not
 * the render's are read here. `known` gives the digests of files the render
 * placed without their text (RenderResult.unread): those that match need
 * nothing, the others are listed in `stale`. `digestOf` gives the digest of an
 * expected file's text where it is known already (RenderResult.digestOf), so
 * that text is not hashed again. Each part is taken on its own, so parts may
 * come in any order and give the result they give in order. With `listPaths`
 * false the result is a TreeDiff: a caller that needs no list of every path
 * (render) does not keep 200,000 of them, each holding on to the text of the
 * reader thread's message it came in, through every collection of the run.
 */
export function compareWithTree(outAbs: string, outRel: string, expected: ReadonlyMap<string, string>, prefix: string, known?: KnownFiles, digestOf?: (path: string) => string | undefined): Comparison & { visit(part: number, p: string): void };
export function compareWithTree(outAbs: string, outRel: string, expected: ReadonlyMap<string, string>, prefix: string, known: KnownFiles | undefined, digestOf: ((path: string) => string | undefined) | undefined, listPaths: false): Comparison<TreeDiff> & { visit(part: number, p: string): void };
export function compareWithTree(outAbs: string, outRel: string, expected: ReadonlyMap<string, string>, prefix: string, known: KnownFiles | undefined, digestOf: ((path: string) => string | undefined) | undefined, listPaths: boolean): Comparison<TreeDiff & { paths?: string[] }> & { visit(part: number, p: string): void };
export function compareWithTree(outAbs: string, outRel: string, expected: ReadonlyMap<string, string>, prefix: string, known?: KnownFiles, digestOf?: (path: string) => string | undefined, listPaths = true): Comparison<TreeDiff & { paths?: string[] }> & { visit(part: number, p: string): void } {
  const keyed = `${outRel}/`;
  const parts: { paths: string[]; differing: Map<string, string>; encoding: Map<string, EncodingProblem>; unexpected: string[] }[] = [];
  const partAt = (i: number) => (parts[i] ??= { paths: [], differing: new Map(), encoding: new Map(), unexpected: [] });
  /** Per group of `known`: the lines (treeDigest's) of its files found on disk. */
  const found = known ? known.digests.map((): string[] => []) : [];
  /**
   * Per group: its files not found yet, counted when the first is found. A
   * group found whole is judged at once, while the reader threads still read,
   * instead of with every other group when the last file has come.
   */
  let left: number[] | undefined;
  /** Per group judged so far: whether its files on disk give its digest. */
  const judged: boolean[] = [];
  let present = 0;
  /** Without the list of paths: the expected ones found, for those missing. */
  const presentPaths = listPaths ? undefined : new Set<string>();
  /**
   * The digest of each expected text the render knows none for, by text: most
   * are kustomizations, and every tenant's workloads folder has the same one
   * (at 10,000 tenants, 20,000 texts and about 10,000 distinct ones).
   */
  const byText = new Map<string, string>();
  const digestOfText = (text: string): string => {
    let d = byText.get(text);
    if (d === undefined) byText.set(text, (d = contentDigest(text)));
    return d;
  };
  const fileOf = (p: string): string => path.join(outAbs, p.slice(keyed.length));
  /** One file on disk: `p` keyed like `expected`, with its digest and line when read on another thread. */
  const visit = (part: number, p: string, digest?: string, line?: string): void => {
    const at = partAt(part);
    if (listPaths) at.paths.push(p);
    // Most files are placed from summaries: a path of a known group is in no other map (KnownFiles), so it needs one lookup.
    const group = known?.paths.get(p);
    if (group !== undefined) {
      const lines = found[group]!;
      lines.push(line ?? digestLine(p, digest ?? contentDigest(readFileSync(fileOf(p)))));
      if (left === undefined) {
        left = known!.digests.map(() => 0);
        for (const g of known!.paths.values()) left[g]!++;
      }
      if (--left[group]! === 0) judged[group] = treeDigestOfLines(lines) === known!.digests[group];
      return;
    }
    const want = expected.get(p);
    if (want !== undefined) {
      present++;
      presentPaths?.add(p);
    }
    // Read already, on another thread: equal bytes need no second look.
    if (digest !== undefined && want !== undefined && digest === (digestOf?.(p) ?? digestOfText(want))) return;
    if (want === undefined) at.unexpected.push(p);
    keepIfDiffering(fileOf(p), p, want, at.differing, at.encoding);
  };
  return {
    visit: (part, p) => visit(part, p),
    add(part, text) {
      // Lines with the paths keyed as here are used as they are: no path is built again.
      if (prefix === keyed) forEachLine(text, (p, digest, line) => visit(part, p, digest, line));
      else forEachLine(text, (p, digest) => visit(part, `${keyed}${p.slice(prefix.length)}`, digest));
    },
    finish(links) {
      const done = parts.filter((x) => x !== undefined);
      const paths = listPaths ? done.flatMap((x) => x.paths) : [];
      let stale: string[] | undefined;
      let staleOnDisk: Map<string, string> | undefined;
      if (known) {
        // A missing file leaves its group's digest short of one line, so it differs too.
        const bad = new Set(known.digests.flatMap((d, g) => ((judged[g] ?? treeDigestOfLines(found[g]!) === d) ? [] : [g])));
        stale = bad.size === 0 ? [] : [...known.paths].filter(([, g]) => bad.has(g)).map(([p]) => p);
        staleOnDisk = new Map([...bad].flatMap((g) => found[g]!.map(lineParts)));
      }
      let missing: string[] = [];
      if (present < expected.size) {
        const onDisk = presentPaths ?? new Set(paths);
        missing = [...expected.keys()].filter((p) => !onDisk.has(p));
      }
      return {
        ...(listPaths ? { paths } : {}),
        differing: new Map(done.flatMap((x) => [...x.differing])),
        encoding: new Map(done.flatMap((x) => [...x.encoding])),
        links,
        unexpected: done.flatMap((x) => x.unexpected),
        missing,
        ...(stale && staleOnDisk ? { stale, staleOnDisk } : {}),
      };
    },
  };
}

/** compareWithTree over the whole tree: the digests a reader thread took (`seen`), or the tree read here. */
export function readTreeAgainst(outAbs: string, outRel: string, expected: ReadonlyMap<string, string>, seen?: TreeDigests, known?: KnownFiles, digestOf?: (path: string) => string | undefined): TreeAgainst {
  if (seen) {
    const c = compareWithTree(outAbs, outRel, expected, seen.prefix, known, digestOf);
    for (const text of seen.texts) c.add(0, text);
    return c.finish(seen.links);
  }
  const c = compareWithTree(outAbs, outRel, expected, `${outRel}/`, known, digestOf);
  const listing = listTree(outAbs);
  for (const r of listing.files) c.visit(0, `${outRel}/${r}`);
  return c.finish(listing.links);
}

/** Reads a file, and keeps its text (and what is wrong with its encoding, if anything) when it is not `want`. */
function keepIfDiffering(file: string, p: string, want: string | undefined, differing: Map<string, string>, encoding: Map<string, EncodingProblem>): void {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  if (want === text) return;
  differing.set(p, text);
  const bad = encodingProblem(bytes, text);
  if (bad) encoding.set(p, bad);
}

/**
 * The comparison once the stale files' texts are known (`expected` now has
 * them): each is equal, differs or is missing, as a second readTreeAgainst
 * would find, without comparing every other file again.
 */
export function settleStale<T extends TreeDiff>(disk: T, outAbs: string, outRel: string, expected: ReadonlyMap<string, string>): Omit<T, 'stale' | 'staleOnDisk'> {
  const differing = new Map(disk.differing);
  const encoding = new Map(disk.encoding);
  const missing = [...disk.missing];
  for (const p of disk.stale ?? []) {
    const want = expected.get(p)!;
    const onDisk = disk.staleOnDisk?.get(p);
    if (onDisk === undefined) {
      missing.push(p);
      continue;
    }
    if (onDisk !== contentDigest(want)) keepIfDiffering(path.join(outAbs, p.slice(outRel.length + 1)), p, want, differing, encoding);
  }
  const { stale: _stale, staleOnDisk: _onDisk, ...rest } = disk;
  return { ...rest, differing: sortedByKey(differing), encoding, missing: missing.sort() };
}
