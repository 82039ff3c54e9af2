import { parentPort, workerData } from 'node:worker_threads';
import { entryFile, writeCacheFile, writeFailure } from './cache-files.js';
import type { WriterData, WriterReply, WriterRequest } from './entry-writer.js';

/**
 * Writes render entries on a thread of its own (see EntryWriter): encoding
 * an entry and the file system's work for it (a folder, a file, a rename)
 * are about 0.4 ms each, seconds for a run whose every tenant misses.
 */
const { magic, written } = workerData as WriterData;
const count = new Int32Array(written);
let failure: string | undefined;

parentPort!.on('message', (m: WriterRequest) => {
  if ('done' in m) {
    const reply: WriterReply = failure === undefined ? { done: true } : { done: true, failure };
    parentPort!.postMessage(reply);
    return;
  }
  // After a failure the rest is dropped, as the run's own thread stops storing after its first.
  if (failure === undefined) {
    try {
      writeCacheFile(m.folder, m.name, entryFile(magic, m.texts));
    } catch (e) {
      failure = writeFailure(e);
    }
  }
  Atomics.add(count, 0, 1);
});
