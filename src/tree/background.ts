import { Worker } from 'node:worker_threads';
import { digestLine, digestTab } from './digest.js';
import type { Listing, TreePart } from './list.js';
import { usableCores } from '../cores.js';
import { workerFile } from '../worker-file.js';

/**
 * The output folder as a reader thread saw it: its listing and the digest of
 * each file's bytes, as text. One string per part crosses from the reader's
 * thread instead of two per file: at 200,000 files, copying and then
 * collecting the 400,000 strings was about a fifth of the main thread's time
 * after the reply, and a line is the very string a tenant's digest is made of
 * (treeDigest), so the main thread slices it instead of building it.
 */
export interface TreeDigests {
  /** Per part, in order: a record per regular file, in the listing's order (digestRecord), with contentDigest() of the file's bytes. */
  texts: string[];
  /** What every path in `texts` starts with. */
  prefix: string;
  links: Listing['links'];
}

/**
 * A file's record: its treeDigest line (`path TAB digest LF`) and a NUL. A
 * file name may hold a tab or a line break but never a NUL, and a digest
 * (base64) neither: the NUL ends the record, and its last tab starts the digest.
 */
export const digestRecord = (path: string, digest: string): string => `${digestLine(path, digest)}\u0000`;

/** Calls `each` with every file's path (with the prefix), its digest, and its treeDigest line, in order. */
export function forEachLine(text: string, each: (path: string, digest: string, line: string) => void): void {
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\u0000', at);
    // Only a reader thread writes these texts, each record whole.
    if (end < 0) throw new Error('a reader thread sent a record without its end');
    // Taken apart as lineParts does, without the array.
    const tab = digestTab(text, end);
    each(text.slice(at, tab), text.slice(tab + 1, end - 1), text.slice(at, end));
    at = end + 1;
  }
}

export interface BackgroundRead {
  /** The digests, or undefined when the thread could not do it (the caller then reads the tree itself, and reports any error). */
  result: Promise<TreeDigests | undefined>;
  /**
   * Hands over each part's lines as they arrive, those that arrived before at
   * once: a part's texts in order, parts possibly interleaved. Resolves as
   * `result` does; with undefined, what `each` was given is not the tree.
   * The caller compares while the threads still read, instead of after.
   */
  stream(each: (part: number, text: string) => void): Promise<TreeDigests | undefined>;
  /** What the paths of the lines start with (TreeDigests.prefix). */
  prefix: string;
  /** Stops the thread when its result is not needed. */
  cancel(): void;
}

/** What a reader thread sends: lines of one of its parts, in order; a part's end, with its links; or why it stopped. */
export type ReaderMessage = { part: number; text: string } | { part: number; links: Listing['links'] } | { failed: string };

/**
 * Files per message from a reader thread: small enough that the comparison
 * follows the reading closely, large enough that messages cost nothing. At
 * about 100 bytes a line a message stays under glibc malloc's mmap threshold
 * (128 KiB, mallopt(3)), so the buffers that carry it between threads are
 * reused; larger ones were mapped afresh for each message, and faulting
 * their pages in cost more than the copying (a render with one tenant
 * changed at 10,000 tenants: 8,192 lines took about 10,000 more page faults
 * and 5 % more time).
 */
export const LINES_PER_MESSAGE = 512;

/**
 * The tree is read in this many parts (list.ts), each with its own stat
 * index: the same parts whatever the number of threads, so every run finds
 * the indexes the last one kept.
 */
export const TREE_PARTS = 2;

/**
 * Threads that read the tree by default. The walk is system calls (a readdir
 * per folder, an lstat per file: about 2 s at 200,000 files on one thread,
 * the longest path of a render where one tenant changed), so two threads
 * halve it while the render keeps the main thread busy.
 */
export const READER_THREADS = Math.min(TREE_PARTS, usableCores());

/** Where part `i` of `of` keeps its stat index: each part's index holds its own files. */
export const partIndexFile = (indexFile: string, i: number, of: number): string => (of === 1 ? indexFile : `${indexFile}-${i + 1}of${of}`);

/** What a reader thread is given: the parts it reads, in order. */
export interface ReaderData {
  outAbs: string;
  /** What the paths of the reply start with (TreeDigests.prefix). */
  prefix: string;
  parts: { part: TreePart; indexFile?: string }[];
  /** Lines per message (LINES_PER_MESSAGE). */
  linesPerMessage: number;
  /** An index of the whole tree (kept by versions that read it in one part), which no part reads: removed. */
  unusedIndex?: string;
}

/**
 * Starts reading `outAbs` on worker threads, so the file system's cost
 * overlaps with rendering instead of following it (reading 200,000 committed
 * files takes seconds). With a stat index (stat-index.ts) a thread reads
 * only files whose fingerprint changed. A caller whose own thread is busy
 * for longer than one reader takes (check) asks for one thread, which leaves
 * it a core. Any failure only means the tree is read the usual way.
 */
export function readTreeInBackground(outAbs: string, indexFile?: string, threads: number = READER_THREADS, parts: number = TREE_PARTS, prefix = '', linesPerMessage = LINES_PER_MESSAGE): BackgroundRead {
  const workers: Worker[] = [];
  const count = Math.max(1, Math.min(threads, parts));
  /** Thread t reads a run of consecutive parts, so the parts in order are the tree's listing. */
  const partsOf = (t: number): ReaderData['parts'] => {
    const [from, to] = [Math.floor((t * parts) / count), Math.floor(((t + 1) * parts) / count)];
    return Array.from({ length: to - from }, (_, k) => ({ part: { index: from + k, of: parts }, ...(indexFile !== undefined ? { indexFile: partIndexFile(indexFile, from + k, parts) } : {}) }));
  };
  const texts: string[][] = Array.from({ length: parts }, () => []);
  const links: Listing['links'][] = Array.from({ length: parts }, () => []);
  let consumer: ((part: number, text: string) => void) | undefined;
  /** What the consumer threw: the stream rejects with it, as a comparison on this thread would have thrown it. */
  let failure: { error: unknown } | undefined;
  const give = (part: number, text: string): void => {
    if (consumer === undefined || failure !== undefined) return;
    try {
      consumer(part, text);
    } catch (error) {
      failure = { error };
    }
  };
  /** Whether thread t read all its parts. */
  const thread = (t: number): Promise<boolean> =>
    new Promise((resolve) => {
      let worker: Worker;
      const mine = partsOf(t);
      try {
        const data: ReaderData = { outAbs, prefix, parts: mine, linesPerMessage, ...(t === 0 && parts > 1 && indexFile !== undefined ? { unusedIndex: indexFile } : {}) };
        worker = new Worker(workerFile('tree/read-worker.js'), { workerData: data });
      } catch {
        resolve(false);
        return;
      }
      workers.push(worker);
      let ended = 0;
      worker.on('message', (m: ReaderMessage) => {
        if ('failed' in m) resolve(false);
        else if ('text' in m) {
          texts[m.part]!.push(m.text);
          give(m.part, m.text);
        } else {
          links[m.part] = m.links;
          if (++ended === mine.length) resolve(true);
        }
      });
      // Messages sent before the thread ended arrive before these.
      worker.once('error', () => resolve(false));
      worker.once('exit', () => resolve(false));
    });
  const all = Promise.all(Array.from({ length: count }, (_, t) => thread(t))).then((ok) => (ok.every(Boolean) ? { texts: texts.flat(), prefix, links: links.flat() } : undefined));
  return {
    result: all,
    stream(each) {
      consumer = each;
      texts.forEach((part, i) => {
        for (const text of part) give(i, text);
      });
      return all.then((read) => {
        if (failure) throw failure.error;
        return read;
      });
    },
    prefix,
    cancel: () => {
      for (const w of workers) void w.terminate();
    },
  };
}
