import { isAscii } from 'node:buffer';
import { type BigIntStats, closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { framed, unframe, writeAll } from '../framing.js';
import { contentDigest } from './digest.js';
import { inWalkOrder, listTree, type Entry, type Listing, type Readdir, type TreePart } from './list.js';

/** A listing with contentDigest() of each file, in the order of `files`. */
export type DigestedListing = Listing & { digests: string[] };

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

const MAGIC = 'tenantctl-tree-stat 1';
/** Larger than the coarsest timestamp granularity in common use (FAT's 2 s). */
const RACY_MS = 3000;

/** Where the index of one output folder lives inside a cache folder. */
export function statIndexFile(cacheDir: string, outAbs: string): string {
  return path.join(cacheDir, 'tree', contentDigest(path.resolve(outAbs)).replace(/[/+=]/g, (c) => (c === '/' ? '_' : c === '+' ? '-' : '')));
}

/** Paths that fit in one field of a line; any other file is simply read every time. */
const indexable = (rel: string): boolean => !/[\t\n\r]/.test(rel);

/** A stored index's body: its text, and the bytes the text was decoded from. */
interface Stored {
  text: string;
  bytes: Buffer;
}

function loadStored(file: string, magic: string): Stored | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const body = unframe(bytes, magic);
  const text = body?.toString('utf8');
  return body === undefined || text === undefined || (text !== '' && !text.endsWith('\n')) ? undefined : { text, bytes: body };
}

/**
 * The body of the index: one line per file, `path TAB fingerprint TAB digest`,
 * in the listing's order. Undefined when the file is missing or is not a
 * whole index of this format.
 */
export const loadStatIndex = (file: string, magic: string = MAGIC): string | undefined => loadStored(file, magic)?.text;

/** Writes the index (its body in pieces, Rewrite's) under a temporary name and renames it, so a reader sees a whole index or the previous one. */
function saveStatIndex(file: string, body: readonly Uint8Array[], magic: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, framed(magic, body));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    // Only a saving: the next read reads every file again.
    rmSync(tmp, { force: true });
  }
}

/**
 * A new body made of runs of a stored one and new lines. Most of a saved
 * index is runs of the last one (a render changes a few files of 200,000),
 * so where offsets in the old text are offsets in its bytes (ASCII, as paths
 * and fingerprints usually are) a run is written from the old bytes as they
 * are: saving then copies only the new lines, instead of joining a text of
 * some 15 MB and encoding it again, whose fresh pages cost most of a save.
 */
class Rewrite {
  private readonly pieces: (Uint8Array | string)[] = [];
  private readonly ascii: boolean;
  /** The run kept last, still open: a run that starts where it ends extends it. */
  private run: [from: number, to: number] | undefined;

  constructor(private readonly old: Stored | undefined) {
    this.ascii = old === undefined || isAscii(old.bytes);
  }

  /** The old text from `from` to `to`. */
  keep(from: number, to: number): void {
    if (to <= from) return;
    if (this.run && this.run[1] === from) this.run[1] = to;
    else {
      this.close();
      this.run = [from, to];
    }
  }

  add(line: string): void {
    this.close();
    this.pieces.push(line);
  }

  body(): Uint8Array[] {
    this.close();
    return this.pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
  }

  private close(): void {
    if (!this.run) return;
    const [from, to] = this.run;
    this.pieces.push(this.ascii ? this.old!.bytes.subarray(from, to) : this.old!.text.slice(from, to));
    this.run = undefined;
  }
}

/** What the index records of a file besides its digest; equal fingerprints mean equal bytes (see the top of this file). */
const fingerprintOf = (st: BigIntStats): string => `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;

const FOLDERS_MAGIC = 'tenantctl-tree-folders 1';

/** Where the folders of the index in `indexFile` are recorded. */
export const foldersFile = (indexFile: string): string => `${indexFile}.folders`;

/** An entry recalled from the folders file: a file or a folder, nothing else is recorded. */
class Recalled implements Entry {
  constructor(
    readonly name: string,
    private readonly folder: boolean,
  ) {}
  isDirectory(): boolean {
    return this.folder;
  }
  isFile(): boolean {
    return !this.folder;
  }
  isSymbolicLink(): boolean {
    return false;
  }
}

/**
 * The entries of each folder as the last read found them, with the folder's
 * fingerprint then: a folder whose fingerprint is unchanged has the same
 * entries, so its listing is taken from here instead of read. Creating,
 * removing or renaming an entry marks the folder's modification and change
 * times for update (POSIX:
 * https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html,
 * https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlink.html,
 * https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html);
 * git's untracked cache relies on the same
 * (https://git-scm.com/docs/git-update-index#_untracked_cache). Racy folders
 * are not recorded, as for files. A folder holding anything but files and
 * folders (a link, whose target a walk reads) is always read.
 *
 * One line per folder, in the walk's order: `path TAB fingerprint TAB
 * entries`, the entries `f` or `d` and a name, joined by NUL (which no name holds).
 */
function folderMemo(file: string, horizon: bigint): { readdir: Readdir; save(): void } {
  const stored = loadStored(file, FOLDERS_MAGIC);
  const body = stored?.text ?? '';
  /** Each recorded folder's line, by where it starts in `body`. */
  const old = new Map<string, number>();
  for (let at = 0; at < body.length; ) {
    const end = body.indexOf('\n', at);
    const tab = body.indexOf('\t', at);
    // The top folder's path is empty.
    if (tab >= 0 && tab < end) old.set(body.slice(at, tab), at);
    at = end + 1;
  }
  const lines = new Rewrite(stored);
  let changed = false;
  let recalled = 0;
  const readdir: Readdir = (abs, rel) => {
    // Stat before the listing: an entry added after it shows in the next run's fingerprint.
    const st = lstatSync(abs, { bigint: true });
    const fingerprint = fingerprintOf(st);
    const at = old.get(rel);
    const f = at === undefined ? 0 : at + rel.length + 1;
    if (st.isDirectory() && at !== undefined && body.charCodeAt(f + fingerprint.length) === 9 && body.slice(f, f + fingerprint.length) === fingerprint) {
      const end = body.indexOf('\n', f);
      lines.keep(at, end + 1);
      recalled++;
      const names = body.slice(f + fingerprint.length + 1, end);
      return names === '' ? [] : names.split('\u0000').map((e) => new Recalled(e.slice(1), e.charCodeAt(0) === 100));
    }
    changed = true;
    const entries = readdirSync(abs, { withFileTypes: true });
    const recordable = st.isDirectory() && st.mtimeNs < horizon && st.ctimeNs < horizon && indexable(rel) && entries.every((e) => (e.isFile() || e.isDirectory()) && indexable(e.name));
    // Recorded in the order of the paths below them (a folder's name and a slash): a walk of recalled folders lists its files sorted already, and the sort at its end has nothing to move.
    if (recordable) lines.add(`${rel}\t${fingerprint}\t${inWalkOrder(entries).map((e) => `${e.isDirectory() ? 'd' : 'f'}${e.name}`).join('\u0000')}\n`);
    return entries;
  };
  // Folders recorded but not walked (removed, or another part's) leave the file, so it changes.
  return { readdir, save: () => (changed || recalled < old.size ? saveStatIndex(file, lines.body(), FOLDERS_MAGIC) : undefined) };
}

/** Lines of an index that indexHolds looks at. */
const SAMPLED_LINES = 3;

/**
 * Whether the index in `file` still describes the files of `outAbs`: a few of
 * its first lines, against those files' fingerprints now. After a fresh
 * checkout none holds (a CI job restores the cache folder onto a new clone,
 * whose files have new inodes and change times), and a read of the tree reads
 * every file. Only a guess, for choosing how many threads read: the read
 * itself takes no line whose file's fingerprint differs.
 */
export function indexHolds(file: string, outAbs: string): boolean {
  try {
    const fd = openSync(file, 'r');
    let head: string;
    try {
      const bytes = Buffer.allocUnsafe(1 << 16);
      head = bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
    // The first line is the frame's header; the last may be cut short.
    const lines = head.split('\n').slice(1, -1);
    const sample = new Set<string>();
    for (let i = 0; i < SAMPLED_LINES && lines.length > 0; i++) sample.add(lines[Math.floor((i * lines.length) / SAMPLED_LINES)]!);
    const held = [...sample].filter((line) => {
      const [rel, fingerprint] = line.split('\t');
      const st = lstatSync(`${outAbs}/${rel}`, { bigint: true, throwIfNoEntry: false });
      return st !== undefined && fingerprintOf(st) === fingerprint;
    });
    return held.length * 2 > sample.size;
  } catch {
    return false;
  }
}

let buffer = Buffer.allocUnsafe(1 << 16);

/**
 * A file's bytes in one reused buffer, valid until the next call. readFileSync
 * would also stat each file and allocate for each; at 200,000 files that was
 * about a sixth of the reader's time.
 *
 * A read that returns less than it asked for ends the file: for a regular
 * file, read(2) returns fewer bytes than asked at the end of the file, or
 * when a signal interrupts it after some bytes
 * (https://pubs.opengroup.org/onlinepubs/9799919799/functions/read.html), so
 * most files take one read instead of a second that returns nothing. System
 * calls are what reading the tree costs (open, read, close: 600,000 at
 * 200,000 files). With the size an lstat gave (`atLeast`), reading goes on to
 * that size. Without it, should a read ever end short before the end, the
 * digest is of a prefix, which differs from the render's (so the file is read
 * again whole and compared by its text, read.ts) unless that prefix is the
 * whole rendered file.
 */
function bytesOf(file: string, atLeast = 0): Buffer {
  const fd = openSync(file, 'r');
  try {
    let size = 0;
    for (;;) {
      if (size === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger);
        buffer = bigger;
      }
      const asked = buffer.length - size;
      const n = readSync(fd, buffer, size, asked, null);
      size += n;
      if (n === 0 || (n < asked && size >= atLeast)) return buffer.subarray(0, size);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The listing of `outAbs` and the digest of each file's bytes. With an index
 * file, files whose fingerprint it records are not read, and the index is
 * brought up to date, when anything in it changed, by `save`: a reader thread
 * replies first and writes after, so nobody waits for the write. The index is in the
 * listing's order, so it is read in step with the listing, line by line,
 * without a map of 200,000 entries. With `part`, only that part of the tree
 * (list.ts) is read, and the index is that part's own. `each` is given each
 * file's digest as soon as it is known, in the listing's order.
 */
export function digestTree(outAbs: string, indexFile?: string, now: number = Date.now(), part?: TreePart, each?: (file: string, digest: string) => void): { digests: DigestedListing; save(): void } {
  if (indexFile === undefined) {
    const listing = listTree(outAbs, part);
    const digests = listing.files.map((r) => {
      const digest = contentDigest(bytesOf(`${outAbs}/${r}`));
      each?.(r, digest);
      return digest;
    });
    return { digests: { ...listing, digests }, save: () => undefined };
  }
  // Stat times are read before the file: a write after the stat shows in the next run's fingerprint.
  const horizon = BigInt(now - RACY_MS) * 1_000_000n;
  const folders = folderMemo(foldersFile(indexFile), horizon);
  const listing = listTree(outAbs, part, folders.readdir);
  const stored = loadStored(indexFile, MAGIC);
  const old = stored?.text ?? '';
  /** The new index: runs of the old one's lines that still hold, and new lines. */
  const parts = new Rewrite(stored);
  let kept = 0;
  let at = 0;
  let changed = false;
  const lineEnd = () => old.indexOf('\n', at);
  /** Whether `old` holds `s` at `pos`, followed by a tab: one field of a line. (slice and === is about three times faster here than startsWith with a position.) */
  const fieldAt = (pos: number, s: string): boolean => old.charCodeAt(pos + s.length) === 9 && old.slice(pos, pos + s.length) === s;
  const digests = listing.files.map((r) => {
    // Lines of files no longer listed (removed, or now ordered before) are dropped.
    while (at < old.length && !fieldAt(at, r) && old.slice(at, old.indexOf('\t', at)) < r) {
      parts.keep(kept, at);
      at = lineEnd() + 1;
      kept = at;
      changed = true;
    }
    const st = lstatSync(`${outAbs}/${r}`, { bigint: true });
    const fingerprint = fingerprintOf(st);
    if (at < old.length && fieldAt(at, r)) {
      const f = at + r.length + 1;
      const end = lineEnd();
      if (fieldAt(f, fingerprint)) {
        at = end + 1;
        const digest = old.slice(f + fingerprint.length + 1, end);
        each?.(r, digest);
        return digest;
      }
      // Recorded with another fingerprint: the line is replaced (or dropped, if the file is racy now).
      parts.keep(kept, at);
      at = end + 1;
      kept = at;
      changed = true;
    } else {
      // A file the index does not hold: its line goes before the old line here.
      parts.keep(kept, at);
      kept = at;
    }
    const digest = contentDigest(bytesOf(`${outAbs}/${r}`, Number(st.size)));
    if (st.mtimeNs < horizon && st.ctimeNs < horizon && indexable(r)) {
      parts.add(`${r}\t${fingerprint}\t${digest}\n`);
      changed = true;
    }
    each?.(r, digest);
    return digest;
  });
  // Lines after the last listed file are of removed files.
  parts.keep(kept, at);
  if (at < old.length) changed = true;
  return {
    digests: { ...listing, digests },
    save: () => {
      if (changed) saveStatIndex(indexFile, parts.body(), MAGIC);
      folders.save();
    },
  };
}
