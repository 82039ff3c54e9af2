import { rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { joined, type ReaderData, type TreeDigests } from './background.js';
import { digestTree } from './stat-index.js';

/**
 * Reads its parts of the output folder on its own thread while the main
 * thread renders, and sends back only each file's digest: the main thread then
 * reads again just the files whose digest is not the render's.
 */
const { outAbs, parts, unusedIndex } = workerData as ReaderData;

let reads: ReturnType<typeof digestTree>[] = [];
let reply: TreeDigests | { failed: string };
try {
  reads = parts.map((p) => digestTree(outAbs, p.indexFile, Date.now(), p.part));
  reply = joined(reads.map((r) => r.digests));
} catch (e) {
  reply = { failed: (e as Error).message };
}
parentPort!.postMessage(reply);
// The indexes are written after the reply: the main thread goes on meanwhile.
for (const r of reads) r.save();
if (unusedIndex !== undefined) rmSync(unusedIndex, { force: true });
