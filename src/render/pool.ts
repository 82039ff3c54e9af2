import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { TenantRender } from './tenant.js';
import type { Timeout } from './render.js';

/** What a worker thread is started with: enough to compile the templates and see what this thread's templates see. */
export interface WorkerData {
  /** Every file of the templates folder: path relative to it, text. */
  templateFiles: [string, string][];
  templatesDir: string;
  sharedJson: string;
  tenantJson: string[];
  outDir: string;
  timeLimitMs: number;
  file: string;
}

/** A batch of tenant indices to render, and the answer: each tenant's events, or the batch's timeout. */
export type WorkerRequest = { indices: number[] } | { done: true };
export type WorkerReply = { rendered: [number, TenantRender][] } | { timeout: Timeout; at: number } | { failed: string };

// Run from the compiled tree; the sources (tests) use the build next to them.
const workerFile = (): string => {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/render/worker.js', import.meta.url)) : fileURLToPath(new URL('./worker.js', import.meta.url));
};

/**
 * Renders the given tenants (indices into the sorted tenant list) on `count`
 * worker threads, a batch at a time, and gives back each tenant's events. A
 * batch that runs out of time ends the work; the earliest such batch is
 * reported, so the outcome does not depend on which thread was faster.
 * `onBatch` sees each batch as it arrives (in no set order), while the
 * workers go on rendering.
 */
export async function renderInWorkers(data: WorkerData, indices: readonly number[], count: number, batchSize: number, onBatch?: (rendered: readonly [number, TenantRender][]) => void): Promise<{ rendered: Map<number, TenantRender>; timeout?: Timeout & { at: number } }> {
  const batches: number[][] = [];
  for (let i = 0; i < indices.length; i += batchSize) batches.push(indices.slice(i, i + batchSize));
  const rendered = new Map<number, TenantRender>();
  let timeout: (Timeout & { at: number }) | undefined;
  let next = 0;
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerFile(), { workerData: data });
      const feed = () => {
        if (next >= batches.length || timeout) {
          worker.postMessage({ done: true } satisfies WorkerRequest);
          return;
        }
        worker.postMessage({ indices: batches[next++]! } satisfies WorkerRequest);
      };
      worker.on('message', (reply: WorkerReply) => {
        if ('failed' in reply) {
          reject(new Error(`render worker failed: ${reply.failed}`));
          void worker.terminate();
          return;
        }
        if ('timeout' in reply) {
          if (!timeout || reply.at < timeout.at) timeout = { ...reply.timeout, at: reply.at };
          feed();
        } else {
          for (const [i, r] of reply.rendered) rendered.set(i, r);
          // The worker gets its next batch before this thread works on the one it sent.
          feed();
          if (!timeout) onBatch?.(reply.rendered);
        }
      });
      worker.on('error', reject);
      worker.on('exit', () => resolve());
      feed();
    });
  await Promise.all(Array.from({ length: count }, run));
  return { rendered, ...(timeout ? { timeout } : {}) };
}
