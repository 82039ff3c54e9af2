import { rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { TreeDigests } from './background.js';
import type { TreePart } from './list.js';
import { digestTree } from './stat-index.js';

/**
 * Reads its part of the output folder on its own thread while the main
 * thread renders, and sends back only each file's digest: the main thread then
 * reads again just the files whose digest is not the render's.
 */
const { outAbs, indexFile, part, unusedIndex } = workerData as { outAbs: string; indexFile?: string; part: TreePart; unusedIndex?: string };

let read: ReturnType<typeof digestTree> | undefined;
let reply: TreeDigests | { failed: string };
try {
  read = digestTree(outAbs, indexFile, Date.now(), part);
  reply = read.digests;
} catch (e) {
  reply = { failed: (e as Error).message };
}
parentPort!.postMessage(reply);
// The index is written after the reply: the main thread goes on meanwhile.
read?.save();
if (unusedIndex !== undefined) rmSync(unusedIndex, { force: true });
