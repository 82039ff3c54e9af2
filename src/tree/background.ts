import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Listing } from './list.js';
import type { ReaderReply, SaveIndex } from './read-worker.js';

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
 * Readers beyond two gain little: listing and stat'ing are mostly the
 * kernel's time, and the main thread renders meanwhile.
 */
export const READER_THREADS = Math.max(1, Math.min(2, availableParallelism()));

/**
 * Starts reading `outAbs` on worker threads, so the file system's cost
 * overlaps with rendering instead of following it (reading 200,000 committed
 * files takes seconds). Each thread reads one part of the tree (list.ts);
 * their listings follow one another, so the whole is their concatenation.
 * With a stat index (stat-index.ts) a thread reads only files whose
 * fingerprint changed, and the first thread writes the index with the
 * others' lines. Any failure only means the tree is read the usual way.
 */
export function readTreeInBackground(outAbs: string, indexFile?: string, threads = READER_THREADS): BackgroundRead {
  const workers: Worker[] = [];
  const one = (part: { index: number; count: number }) =>
    new Promise<ReaderReply | undefined>((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(workerFile(), { workerData: { outAbs, ...(indexFile !== undefined ? { indexFile } : {}), ...(threads > 1 ? { part } : {}) } });
      } catch {
        resolve(undefined);
        return;
      }
      workers[part.index] = worker;
      worker.once('message', (reply: ReaderReply) => resolve('failed' in reply ? undefined : reply));
      worker.once('error', () => resolve(undefined));
      worker.once('exit', () => resolve(undefined));
    });
  const cancel = () => workers.forEach((w) => void w?.terminate());
  const result = Promise.all(Array.from({ length: threads }, (_, index) => one({ index, count: threads }))).then((replies) => {
    const whole = replies.every((r) => r !== undefined) ? (replies as Exclude<ReaderReply, { failed: string }>[]) : undefined;
    if (!whole) {
      cancel();
      return undefined;
    }
    if (threads > 1) {
      const save: SaveIndex = whole.some((r) => r.changed) ? { others: whole.slice(1).map((r) => r.lines ?? '') } : {};
      workers[0]!.postMessage(save);
    }
    const [first, ...rest] = whole;
    return { files: first!.files.concat(...rest.map((r) => r.files)), links: first!.links.concat(...rest.map((r) => r.links)), digests: first!.digests.concat(...rest.map((r) => r.digests)) };
  });
  return { result, cancel };
}
