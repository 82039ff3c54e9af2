import { rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { digestRecord, type ReaderData, type ReaderMessage } from './background.js';
import { digestTree, foldersFile } from './stat-index.js';

/**
 * Reads its parts of the output folder on its own thread while the main
 * thread renders, and sends back only each file's digest, as lines, a few
 * hundred files at a time (LINES_PER_MESSAGE): the main thread compares them with the render
 * as they come, and then reads again just the files whose digest is not the render's.
 */
const { outAbs, prefix, parts, linesPerMessage, unusedIndex } = workerData as ReaderData;
const send = (m: ReaderMessage): void => parentPort!.postMessage(m);

let reads: ReturnType<typeof digestTree>[] = [];
try {
  for (const { part, indexFile } of parts) {
    let text = '';
    let lines = 0;
    const read = digestTree(outAbs, indexFile, Date.now(), part, (file, digest) => {
      text += digestRecord(`${prefix}${file}`, digest);
      if (++lines < linesPerMessage) return;
      send({ part: part.index, text });
      text = '';
      lines = 0;
    });
    if (text !== '') send({ part: part.index, text });
    send({ part: part.index, links: read.digests.links });
    reads.push(read);
  }
} catch (e) {
  reads = [];
  // A folder recalled with a file that is gone (a file system that does not mark folders changed) must not fail every later read too: dropped before the reply, so no later read finds it.
  for (const p of parts) if (p.indexFile !== undefined) rmSync(foldersFile(p.indexFile), { force: true });
  send({ failed: (e as Error).message });
}
// The indexes are written after the reply: the main thread goes on meanwhile.
for (const r of reads) r.save();
if (unusedIndex !== undefined) for (const f of [unusedIndex, foldersFile(unusedIndex)]) rmSync(f, { force: true });
