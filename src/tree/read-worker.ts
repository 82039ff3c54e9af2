import { parentPort, workerData } from 'node:worker_threads';
import type { Part } from './list.js';
import { digestTree, saveStatIndex, type DigestRead } from './stat-index.js';

/**
 * Reads every file of the output folder (or of one part of it) on its own
 * thread while the main thread renders, and sends back only each file's
 * digest: the main thread then reads again just the files whose digest is
 * not the render's.
 */
const { outAbs, indexFile, part } = workerData as { outAbs: string; indexFile?: string; part?: Part };

export type ReaderReply = { failed: string } | (DigestRead['digests'] & { lines?: string; changed: boolean });

/** What the first reader of several is told once all have replied: the other parts' lines of the index, when it is to be written. */
export interface SaveIndex {
  others?: string[];
}

let read: DigestRead | undefined;
let reply: ReaderReply;
try {
  read = digestTree(outAbs, indexFile, Date.now(), part);
  // The first part's reader writes the index: only the other parts' lines travel.
  reply = { ...read.digests, changed: read.changed, ...(part && part.index > 0 ? { lines: read.lines } : {}) };
} catch (e) {
  reply = { failed: (e as Error).message };
}
parentPort!.postMessage(reply);
// The index is written after the reply: the main thread goes on meanwhile.
if (!part || part.count === 1) read?.save();
else if (read && indexFile !== undefined && part.index === 0) {
  const { lines } = read;
  parentPort!.once('message', (m: SaveIndex) => {
    if (m.others) saveStatIndex(indexFile, lines + m.others.join(''));
    parentPort!.close();
  });
}
