import type { BigIntStats } from 'node:fs';
import { closeSync, existsSync, lstatSync, readlinkSync, statfsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { frame, unframe } from '../framing.js';
import type { TreeDigests } from './background.js';
import { contentDigest } from './digest.js';
import { listTree, partEntries, sortedEntries, type Listing, type TreePart } from './list.js';

/**
 * What the last read of the output folder found: for each file, the file
 * system's fingerprint of it (size, modification and change times in
 * nanoseconds, inode) and the digest of its bytes. A file whose fingerprint is
 * unchanged has the same bytes, so a later read takes its digest from here
 * instead of reading it: git's index works the same way
 * (https://git-scm.com/docs/racy-git). Stat of 200,000 files costs about half
 * of reading them.
 *
 * Racy files are never recorded: a file whose modification or change time is
 * within RACY_MS of the read could be written again within the same tick of
 * the file system's clock without its fingerprint changing. The change time
 * cannot be set from user space, so restoring an old mtime (touch -d) after an
 * edit still changes the fingerprint.
 *
 * The index only ever saves reading: a missing, damaged or foreign index means
 * every file is read, and an entry never stands for a file whose fingerprint
 * differs.
 */

const MAGIC = 'tenantctl-tree-stat 2';
/** Larger than the coarsest timestamp granularity in common use (FAT's 2 s). */
const RACY_MS = 3000;

/** Where the index of one output folder lives inside a cache folder. */
export function statIndexFile(cacheDir: string, outAbs: string): string {
  return path.join(cacheDir, 'tree', contentDigest(path.resolve(outAbs)).replace(/[/+=]/g, (c) => (c === '/' ? '_' : c === '+' ? '-' : '')));
}

/** Paths that fit in one field of a line; any other file is simply read every time. */
const indexable = (rel: string): boolean => !/[\t\n\r]/.test(rel);

/**
 * The body of the index: one line per file, `path TAB fingerprint TAB digest`,
 * and per folder, `path/ TAB fingerprint TAB` (digestTree), in path order. Undefined when the file is missing or is not a
 * whole index of this format.
 */
export function loadStatIndex(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const text = unframe(bytes, MAGIC)?.toString('utf8');
  return text === undefined || text === '' || text.endsWith('\n') ? text : undefined;
}

/** Writes the index under a temporary name and renames it, so a reader sees a whole index or the previous one. */
export function saveStatIndex(file: string, body: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, frame(MAGIC, Buffer.from(body, 'utf8')));
    renameSync(tmp, file);
  } catch {
    // Only a saving: the next read reads every file again.
    rmSync(tmp, { force: true });
  }
}

let buffer = Buffer.allocUnsafe(1 << 16);

/**
 * A file's bytes in one reused buffer, valid until the next call. readFileSync
 * would also stat each file and allocate for each; at 200,000 files that was
 * about a sixth of the reader's time.
 */
function bytesOf(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    let size = 0;
    for (;;) {
      if (size === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, size, buffer.length - size, null);
      if (n === 0) return buffer.subarray(0, size);
      size += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** An index line that no longer matches the tree (a listed file gone): the part is read again without the index. */
class Inconsistent extends Error {}

/**
 * The listing of `outAbs` and the digest of each file's bytes. With an index
 * file, files whose fingerprint it records are not read, and the index is
 * brought up to date, when anything in it changed, by `save`: a reader thread
 * replies first and writes after, so nobody waits for the write. The index is in the
 * listing's order, so it is read in step with the walk, line by line,
 * without a map of 200,000 entries. With `part`, only that part of the tree
 * (list.ts) is read, and the index is that part's own.
 *
 * Folders are recorded too, with their own fingerprint: creating, removing or
 * renaming an entry marks its folder's modification time for update (POSIX,
 * e.g. https://pubs.opengroup.org/onlinepubs/9699919799/functions/open.html),
 * so a folder whose fingerprint is unchanged holds the entries the index
 * lists for it and is not listed again. Git's untracked cache relies on the
 * same, and leaves it off by default because not every file system keeps to it
 * (https://git-scm.com/docs/git-update-index#_untracked_cache): here it is
 * used only on the local Linux file systems that do (foldersKeepTime). Files
 * are still stat'ed one by one: editing a file changes only the file. A
 * folder is recorded only when every entry in it is (no racy file, no link),
 * so anything the index cannot list sends its folder, and the folders above
 * it, back to readdir.
 */
export function digestTree(outAbs: string, indexFile?: string, now: number = Date.now(), part?: TreePart): { digests: TreeDigests; save(): void } {
  if (indexFile === undefined) {
    const listing = listTree(outAbs, part);
    return { digests: { ...listing, digests: listing.files.map((r) => contentDigest(bytesOf(`${outAbs}/${r}`))) }, save: () => undefined };
  }
  const old = loadStatIndex(indexFile) ?? '';
  try {
    return indexedWalk(outAbs, indexFile, old, now, part);
  } catch (e) {
    if (!(e instanceof Inconsistent)) throw e;
    return indexedWalk(outAbs, indexFile, '', now, part);
  }
}

interface Child {
  name: string;
  kind: 'file' | 'folder' | 'link' | 'other';
}

/**
 * File systems (statfs magic numbers, linux/magic.h) that update a folder's
 * times on every change to its entries. Network and FUSE file systems are
 * left out: their clients may show a folder's times from a cache.
 */
const FOLDER_TIMES_KEPT = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x858458f6, // ramfs
  0x794c7630, // overlayfs
  0xf2f52010, // f2fs
  0x2fc12fc1, // zfs
]);

/** Whether folders under `dir` may be listed from the index. */
export function foldersKeepTime(dir: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    return FOLDER_TIMES_KEPT.has(statfsSync(dir).type);
  } catch {
    return false;
  }
}

function indexedWalk(outAbs: string, indexFile: string, old: string, now: number, part?: TreePart): { digests: TreeDigests; save(): void } {
  const files: string[] = [];
  const links: Listing['links'] = [];
  const digests: string[] = [];
  if (!existsSync(outAbs)) return { digests: { files, links, digests }, save: () => (old !== '' ? saveStatIndex(indexFile, '') : undefined) };
  const folders = foldersKeepTime(outAbs);
  // Stat times are read before the file: a write after the stat shows in the next run's fingerprint.
  const horizon = BigInt(now - RACY_MS) * 1_000_000n;
  const settled = (st: BigIntStats) => st.mtimeNs < horizon && st.ctimeNs < horizon;
  const fingerprintOf = (st: BigIntStats) => `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  /** The new index: runs of the old one's lines that still hold, and new lines. */
  const parts: string[] = [];
  let kept = 0;
  let at = 0;
  let changed = false;
  const lineEnd = () => old.indexOf('\n', at);
  const lineOf = (r: string) => old.startsWith(r, at) && old.charCodeAt(at + r.length) === 9;
  /** Whether the old line at `at` records `fingerprint` (its field starts at `f`). */
  const records = (fingerprint: string, f: number) => old.startsWith(fingerprint, f) && old.charCodeAt(f + fingerprint.length) === 9;
  /** Drops the lines of entries no longer there (or now ordered before `r`). */
  const dropBefore = (r: string) => {
    while (at < old.length && !lineOf(r) && old.slice(at, old.indexOf('\t', at)) < r) {
      parts.push(old.slice(kept, at));
      at = lineEnd() + 1;
      kept = at;
      changed = true;
    }
  };
  /** An entry the index listed must still be there: if not, the part is read again without it. */
  const stat = (r: string, listed: boolean): BigIntStats => {
    try {
      return lstatSync(`${outAbs}/${r}`, { bigint: true });
    } catch (e) {
      if (listed) throw new Inconsistent();
      throw e;
    }
  };
  /** The children of folder `r` as its lines list them: the lines right after its own, up to the first not below it. */
  const listedIn = (r: string): Child[] => {
    const children: Child[] = [];
    for (let p = at; p < old.length && old.startsWith(r, p); p = old.indexOf('\n', p) + 1) {
      const tab = old.indexOf('\t', p);
      const slash = old.indexOf('/', p + r.length);
      if (slash === -1 || slash > tab) children.push({ name: old.slice(p + r.length, tab), kind: 'file' });
      else if (slash === tab - 1) children.push({ name: old.slice(p + r.length, slash), kind: 'folder' });
    }
    return children;
  };
  const onDisk = (abs: string): Child[] => sortedEntries(abs).map((e) => ({ name: e.name, kind: e.isDirectory() ? 'folder' : e.isFile() ? 'file' : e.isSymbolicLink() ? 'link' : 'other' }));

  /** Reads or recalls one file; whether the new index records it. */
  const file = (r: string, listed: boolean): boolean => {
    dropBefore(r);
    const st = stat(r, listed);
    if (listed && !st.isFile()) throw new Inconsistent();
    const fingerprint = fingerprintOf(st);
    files.push(r);
    if (lineOf(r)) {
      const f = at + r.length + 1;
      const end = lineEnd();
      if (records(fingerprint, f)) {
        at = end + 1;
        digests.push(old.slice(f + fingerprint.length + 1, end));
        return true;
      }
      // Recorded with another fingerprint: the line is replaced (or dropped, if the file is racy now).
      parts.push(old.slice(kept, at));
      at = end + 1;
      kept = at;
      changed = true;
    } else {
      // A file the index does not hold: its line goes before the old line here.
      parts.push(old.slice(kept, at));
      kept = at;
    }
    const digest = contentDigest(bytesOf(`${outAbs}/${r}`));
    digests.push(digest);
    if (!settled(st) || !indexable(r)) return false;
    parts.push(`${r}\t${fingerprint}\t${digest}\n`);
    changed = true;
    return true;
  };

  /** Walks folder `r` (ending in a slash), listed from the index when its fingerprint is unchanged; whether the new index records it. */
  const folder = (r: string, listed: boolean): boolean => {
    dropBefore(r);
    const st = stat(r.slice(0, -1), listed);
    if (listed && !st.isDirectory()) throw new Inconsistent();
    const fingerprint = fingerprintOf(st);
    // The folder's line goes before its entries' lines: a slot, filled once they are walked.
    parts.push(old.slice(kept, at));
    const had = lineOf(r);
    const same = folders && had && records(fingerprint, at + r.length + 1);
    if (had) at = lineEnd() + 1;
    kept = at;
    const slot = parts.push('') - 1;
    const children = same ? listedIn(r) : onDisk(`${outAbs}/${r.slice(0, -1)}`);
    let whole = true;
    for (const c of children) {
      const path = r + c.name;
      if (c.kind === 'folder') whole = folder(`${path}/`, same) && whole;
      else if (c.kind === 'file') whole = file(path, same) && whole;
      else {
        if (c.kind === 'link') links.push({ path, target: readlinkSync(`${outAbs}/${path}`) });
        whole = false;
      }
    }
    const record = folders && whole && settled(st) && indexable(r);
    if (record) parts[slot] = `${r}\t${fingerprint}\t\n`;
    if (record ? !same : had) changed = true;
    return record;
  };

  for (const e of partEntries(outAbs, part)) {
    if (e.isDirectory()) folder(`${e.name}/`, false);
    else if (e.isFile()) file(e.name, false);
    else if (e.isSymbolicLink()) links.push({ path: e.name, target: readlinkSync(`${outAbs}/${e.name}`) });
  }
  // Lines after the last entry walked are of removed entries.
  parts.push(old.slice(kept, at));
  if (at < old.length) changed = true;
  return { digests: { files, links, digests }, save: () => (changed ? saveStatIndex(indexFile, parts.join('')) : undefined) };
}
