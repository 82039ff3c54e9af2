import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Listing, TreePart } from './list.js';

/**
 * The output folder as a reader thread saw it: its listing and the digest of
 * each file's bytes, as text. One string per part crosses from the reader's
 * thread instead of two per file: at 200,000 files, copying and then
 * collecting the 400,000 strings was about a fifth of the main thread's time
 * after the reply, and a line is the very string a tenant's digest is made of
 * (treeDigest), so the main thread slices it instead of building it.
 */
export interface TreeDigests {
  /** Per part, in order: a line per regular file, in the listing's order: `prefix path TAB digest LF`, with contentDigest() of the file's bytes. */
  texts: string[];
  /** What every path in `texts` starts with. */
  prefix: string;
  links: Listing['links'];
}

/** The lines of `digests` as a reader thread writes them, from the listing and the digests in its order. */
export function digestText(prefix: string, files: readonly string[], digests: readonly string[]): string {
  let text = '';
  for (let i = 0; i < files.length; i++) text += `${prefix}${files[i]}\t${digests[i]}\n`;
  return text;
}

/** Calls `each` with every file's path (with the prefix), its digest, and its whole line, in the listing's order. */
export function forEachDigest(d: TreeDigests, each: (path: string, digest: string, line: string) => void): void {
  for (const text of d.texts) {
    let at = 0;
    while (at < text.length) {
      const tab = text.indexOf('\t', at);
      const end = text.indexOf('\n', tab);
      each(text.slice(at, tab), text.slice(tab + 1, end), text.slice(at, end + 1));
      at = end + 1;
    }
  }
}

/** The listing and the digests of `d`, paths without the prefix: for callers that want them whole (tests, small trees). */
export function listingOf(d: TreeDigests): { files: string[]; digests: string[]; links: Listing['links'] } {
  const files: string[] = [];
  const digests: string[] = [];
  forEachDigest(d, (p, digest) => {
    files.push(p.slice(d.prefix.length));
    digests.push(digest);
  });
  return { files, digests, links: d.links };
}

// Run from the compiled tree; the sources (tests) use the build next to them.
const workerFile = (): string => {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/tree/read-worker.js', import.meta.url)) : fileURLToPath(new URL('./read-worker.js', import.meta.url));
};

export interface BackgroundRead {
  /** The digests, or undefined when the thread could not do it (the caller then reads the tree itself, and reports any error). */
  result: Promise<TreeDigests | undefined>;
  /** Stops the thread when its result is not needed. */
  cancel(): void;
}

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
export const READER_THREADS = Math.min(TREE_PARTS, availableParallelism());

/** Where part `i` of `of` keeps its stat index: each part's index holds its own files. */
export const partIndexFile = (indexFile: string, i: number, of: number): string => (of === 1 ? indexFile : `${indexFile}-${i + 1}of${of}`);

/** What a reader thread is given: the parts it reads, in order. */
export interface ReaderData {
  outAbs: string;
  /** What the paths of the reply start with (TreeDigests.prefix). */
  prefix: string;
  parts: { part: TreePart; indexFile?: string }[];
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
export function readTreeInBackground(outAbs: string, indexFile?: string, threads: number = READER_THREADS, parts: number = TREE_PARTS, prefix = ''): BackgroundRead {
  const workers: Worker[] = [];
  const count = Math.max(1, Math.min(threads, parts));
  /** Thread t reads a run of consecutive parts, so the replies joined in thread order are the tree's listing. */
  const partsOf = (t: number): ReaderData['parts'] => {
    const [from, to] = [Math.floor((t * parts) / count), Math.floor(((t + 1) * parts) / count)];
    return Array.from({ length: to - from }, (_, k) => ({ part: { index: from + k, of: parts }, ...(indexFile !== undefined ? { indexFile: partIndexFile(indexFile, from + k, parts) } : {}) }));
  };
  const thread = (t: number): Promise<TreeDigests | undefined> =>
    new Promise((resolve) => {
      let worker: Worker;
      try {
        const data: ReaderData = { outAbs, prefix, parts: partsOf(t), ...(t === 0 && parts > 1 && indexFile !== undefined ? { unusedIndex: indexFile } : {}) };
        worker = new Worker(workerFile(), { workerData: data });
      } catch {
        resolve(undefined);
        return;
      }
      workers.push(worker);
      worker.once('message', (reply: TreeDigests | { failed: string }) => resolve('failed' in reply ? undefined : reply));
      worker.once('error', () => resolve(undefined));
      worker.once('exit', () => resolve(undefined));
    });
  const replies = Array.from({ length: count }, (_, t) => thread(t));
  return {
    result: Promise.all(replies).then((got) => (got.every((g) => g !== undefined) ? joined(got as TreeDigests[]) : undefined)),
    cancel: () => {
      for (const w of workers) void w.terminate();
    },
  };
}

/** The parts' listings, in order, are the tree's (list.ts). */
export function joined(parts: readonly TreeDigests[]): TreeDigests {
  const [first, ...rest] = parts as [TreeDigests, ...TreeDigests[]];
  return rest.length === 0 ? first : { texts: first.texts.concat(...rest.map((p) => p.texts)), prefix: first.prefix, links: first.links.concat(...rest.map((p) => p.links)) };
}
