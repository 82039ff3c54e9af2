import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Listing, TreePart } from './list.js';

/** The output folder as a reader thread saw it: its listing and the digest of each file's bytes. */
export interface TreeDigests {
  files: string[];
  links: Listing['links'];
  /** contentDigest() of each file, in the order of `files`. */
  digests: string[];
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
 * Threads that read the tree. The walk is system calls (a readdir per folder,
 * an lstat per file: about 2 s at 200,000 files on one thread, the longest
 * path of a render where one tenant changed), so two threads halve it while
 * the render keeps the main thread busy.
 */
export const READER_THREADS = Math.min(2, availableParallelism());

/** Where part `i` of `of` keeps its stat index: each part's index holds its own files. */
export const partIndexFile = (indexFile: string, i: number, of: number): string => (of === 1 ? indexFile : `${indexFile}-${i + 1}of${of}`);

/**
 * Starts reading `outAbs` on worker threads, so the file system's cost
 * overlaps with rendering instead of following it (reading 200,000 committed
 * files takes seconds). With a stat index (stat-index.ts) a thread reads
 * only files whose fingerprint changed. Any failure only means the tree is
 * read the usual way.
 */
export function readTreeInBackground(outAbs: string, indexFile?: string, threads: number = READER_THREADS): BackgroundRead {
  const workers: Worker[] = [];
  const part = (i: number): Promise<TreeDigests | undefined> =>
    new Promise((resolve) => {
      let worker: Worker;
      try {
        const part: TreePart = { index: i, of: threads };
        // The first part also removes an index of the whole tree (left by a read with one thread), which no part reads.
        const index = indexFile === undefined ? {} : { indexFile: partIndexFile(indexFile, i, threads), ...(i === 0 && threads > 1 ? { unusedIndex: indexFile } : {}) };
        worker = new Worker(workerFile(), { workerData: { outAbs, part, ...index } });
      } catch {
        resolve(undefined);
        return;
      }
      workers.push(worker);
      worker.once('message', (reply: TreeDigests | { failed: string }) => resolve('failed' in reply ? undefined : reply));
      worker.once('error', () => resolve(undefined));
      worker.once('exit', () => resolve(undefined));
    });
  const parts = Array.from({ length: threads }, (_, i) => part(i));
  return {
    result: Promise.all(parts).then((got) => (got.every((g) => g !== undefined) ? joined(got as TreeDigests[]) : undefined)),
    cancel: () => {
      for (const w of workers) void w.terminate();
    },
  };
}

/** The parts' listings, in order, are the tree's (list.ts). */
function joined(parts: readonly TreeDigests[]): TreeDigests {
  const [first, ...rest] = parts as [TreeDigests, ...TreeDigests[]];
  return rest.length === 0 ? first : { files: first.files.concat(...rest.map((p) => p.files)), links: first.links.concat(...rest.map((p) => p.links)), digests: first.digests.concat(...rest.map((p) => p.digests)) };
}
