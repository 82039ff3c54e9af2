import { rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { digestText, joined, type ReaderData, type TreeDigests } from './background.js';
import { digestTree, foldersFile } from './stat-index.js';

/**
 * Reads its parts of the output folder on its own thread while the main
 * thread renders, and sends back only each file's digest: the main thread then
 * reads again just the files whose digest is not the render's.
 */
const { outAbs, prefix, parts, unusedIndex } = workerData as ReaderData;

let reads: ReturnType<typeof digestTree>[] = [];
let reply: TreeDigests | { failed: string };
try {
  reads = parts.map((p) => digestTree(outAbs, p.indexFile, Date.now(), p.part));
  reply = joined(reads.map(({ digests: d }) => ({ texts: [digestText(prefix, d.files, d.digests)], prefix, links: d.links })));
} catch (e) {
  reply = { failed: (e as Error).message };
  // A folder recalled with a file that is gone (a file system that does not mark folders changed) must not fail every later read too.
  for (const p of parts) if (p.indexFile !== undefined) rmSync(foldersFile(p.indexFile), { force: true });
}
parentPort!.postMessage(reply);
// The indexes are written after the reply: the main thread goes on meanwhile.
for (const r of reads) r.save();
if (unusedIndex !== undefined) for (const f of [unusedIndex, foldersFile(unusedIndex)]) rmSync(f, { force: true });
