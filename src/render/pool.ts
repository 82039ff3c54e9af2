import { Worker } from 'node:worker_threads';
import { workerFile } from '../worker-file.js';
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
export type WorkerReply = { rendered: [number, TenantRender][]; packed: Packed } | { timeout: Timeout; at: number } | { failed: string };

/**
 * A batch's object texts and JSON texts, each joined into one string, with
 * every piece's length in event order. Received as a few large strings (which
 * V8 keeps out of the young generation) and cut into slices that share them,
 * instead of thousands of small strings that every minor collection on this
 * thread would copy: at 10,000 tenants those copies were seconds.
 */
export interface Packed {
  texts: string;
  jsons: string;
  lengths: number[];
}

/** Moves the objects' texts out of a batch (the worker's side of Packed). */
export function pack(rendered: readonly [number, TenantRender][]): Packed {
  const texts: string[] = [];
  const jsons: string[] = [];
  const lengths: number[] = [];
  for (const [, r] of rendered) {
    for (const e of r.events) {
      if (!('object' in e)) continue;
      texts.push(e.object.text);
      jsons.push(e.object.json);
      lengths.push(e.object.text.length, e.object.json.length);
      e.object.text = '';
      e.object.json = '';
    }
  }
  return { texts: texts.join(''), jsons: jsons.join(''), lengths };
}

/**
 * Puts the texts back (this thread's side of Packed), and makes the strings
 * that many objects repeat (template paths, API versions, kinds, a tenant's
 * namespace, names like `api`) one string each in `shared`: a message comes
 * with a copy of each string per object, and the objects' heads and origins
 * are held to the end of a check (at 1,000 tenants about 4 MB of copies).
 */
function unpack(rendered: readonly [number, TenantRender][], packed: Packed, shared: Map<string, string>): void {
  const one = (s: string): string => {
    const seen = shared.get(s);
    if (seen !== undefined) return seen;
    shared.set(s, s);
    return s;
  };
  let t = 0;
  let j = 0;
  let k = 0;
  for (const [, r] of rendered) {
    for (const e of r.events) {
      if (!('object' in e)) continue;
      const o = e.object;
      const tl = packed.lengths[k++]!;
      const jl = packed.lengths[k++]!;
      o.text = packed.texts.slice(t, (t += tl));
      o.json = packed.jsons.slice(j, (j += jl));
      o.template = one(o.template);
      const h = o.head;
      if (h) o.head = { apiVersion: one(h.apiVersion), kind: one(h.kind), name: h.name === undefined ? undefined : one(h.name), namespace: h.namespace === undefined ? undefined : one(h.namespace) };
    }
  }
}

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
  const shared = new Map<string, string>();
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerFile('render/worker.js'), { workerData: data });
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
          unpack(reply.rendered, reply.packed, shared);
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
