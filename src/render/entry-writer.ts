import { Worker } from 'node:worker_threads';
import { workerFile } from '../worker-file.js';
import type { EntryTexts } from './cache-files.js';

/** What the entry writer thread is started with: the entries' magic, and the count of entries it has handled, shared. */
export interface WriterData {
  magic: string;
  written: SharedArrayBuffer;
}
export type WriterRequest = { folder: string; name: string; texts: EntryTexts } | { done: true };
export type WriterReply = { done: true; failure?: string };

/**
 * Entries this far ahead of the writer are written by the caller itself: the
 * queue holds at most this many (about 30 KB each at 10,000 tenants), and
 * both threads write while the writer is behind.
 */
const MAX_QUEUED = 256;

/**
 * A thread that writes render entries while the run goes on. A render whose
 * tenants all miss stores each of them as it places it, at the end of the
 * load, when the render workers are done and one core is idle; the run
 * then goes on to its stages without waiting (RenderCache.settle waits at
 * its end).
 */
export class EntryWriter {
  private readonly worker: Worker;
  private readonly written: Int32Array;
  private posted = 0;
  private readonly ended: Promise<string | undefined>;

  private constructor(magic: string) {
    const shared = new SharedArrayBuffer(4);
    this.written = new Int32Array(shared);
    const data: WriterData = { magic, written: shared };
    this.worker = new Worker(workerFile('render/cache-writer.js'), { workerData: data });
    this.ended = new Promise((resolve) => {
      this.worker.once('message', (m: WriterReply) => resolve(m.failure));
      // A thread that could not start or died: what it held is not stored (the next run renders those tenants again).
      this.worker.once('error', (e) => resolve(e.message));
      this.worker.once('exit', () => resolve('the cache writer thread stopped'));
    });
  }

  /** A writer, or none when no thread can be started (the caller writes every entry itself). */
  static start(magic: string): EntryWriter | undefined {
    try {
      return new EntryWriter(magic);
    } catch {
      return undefined;
    }
  }

  /** Queues an entry; false when the writer is too far behind, and the caller writes it itself. */
  offer(folder: string, name: string, texts: EntryTexts): boolean {
    if (this.posted - Atomics.load(this.written, 0) >= MAX_QUEUED) return false;
    const request: WriterRequest = { folder, name, texts };
    this.worker.postMessage(request);
    this.posted++;
    return true;
  }

  /** Waits until every queued entry is written; what went wrong, if anything. */
  async finish(): Promise<string | undefined> {
    const done: WriterRequest = { done: true };
    this.worker.postMessage(done);
    const failure = await this.ended;
    await this.worker.terminate();
    return failure;
  }
}
