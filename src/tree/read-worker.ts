import { readFileSync } from 'node:fs';
import path from 'node:path';
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
let reply: TreeDigests | { failed: string };
try {
  const listing = listTree(outAbs);
  reply = { files: listing.files, links: listing.links, digests: listing.files.map((r) => contentDigest(readFileSync(path.join(outAbs, r)))) };
} catch (e) {
  reply = { failed: (e as Error).message };
}
parentPort!.postMessage(reply);
