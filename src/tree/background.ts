import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Listing } from './list.js';

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
 * Starts reading `outAbs` on a worker thread, so the file system's cost
 * overlaps with rendering instead of following it (reading 200,000 committed
 * files takes seconds). With a stat index (stat-index.ts) the thread reads
 * only files whose fingerprint changed. Any failure only means the tree is
 * read the usual way.
 */
export function readTreeInBackground(outAbs: string, indexFile?: string): BackgroundRead {
  let worker: Worker | undefined;
  const result = new Promise<TreeDigests | undefined>((resolve) => {
    try {
      worker = new Worker(workerFile(), { workerData: { outAbs, ...(indexFile !== undefined ? { indexFile } : {}) } });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (reply: TreeDigests | { failed: string }) => resolve('failed' in reply ? undefined : reply));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return {
    result,
    cancel: () => void worker?.terminate(),
  };
}
