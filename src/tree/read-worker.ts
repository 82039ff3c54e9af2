import { parentPort, workerData } from 'node:worker_threads';
import type { TreeDigests } from './background.js';
import { digestTree } from './stat-index.js';

/**
 * Reads every file of the output folder on its own thread while the main
 * thread renders, and sends back only each file's digest: the main thread then
 * reads again just the files whose digest is not the render's.
 */
const { outAbs, indexFile } = workerData as { outAbs: string; indexFile?: string };

let read: ReturnType<typeof digestTree> | undefined;
let reply: TreeDigests | { failed: string };
try {
  read = digestTree(outAbs, indexFile);
  reply = read.digests;
} catch (e) {
  reply = { failed: (e as Error).message };
}
parentPort!.postMessage(reply);
// The index is written after the reply: the main thread goes on meanwhile.
read?.save();
