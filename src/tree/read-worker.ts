import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { contentDigest } from './digest.js';
import { listTree } from './list.js';
import type { TreeDigests } from './background.js';

/**
 * Reads every file of the output folder on its own thread while the main
 * thread renders, and sends back only each file's digest: the main thread then
 * reads again just the files whose digest is not the render's.
 */
const outAbs = workerData as string;

let buffer = Buffer.allocUnsafe(1 << 16);

/**
 * A file's bytes in one reused buffer, valid until the next call. readFileSync
 * would also stat each file and allocate for each; at 200,000 files that was
 * about a sixth of this thread's time.
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

let reply: TreeDigests | { failed: string };
try {
  const listing = listTree(outAbs);
  reply = { files: listing.files, links: listing.links, digests: listing.files.map((r) => contentDigest(bytesOf(`${outAbs}/${r}`))) };
} catch (e) {
  reply = { failed: (e as Error).message };
}
parentPort!.postMessage(reply);
