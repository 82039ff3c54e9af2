import { parentPort, workerData } from 'node:worker_threads';
import { loadTemplates } from './templates.js';
import { renderer, viewOf, type TenantRender } from './tenant.js';
import { runBounded } from './render.js';
import { pack, type WorkerData, type WorkerReply, type WorkerRequest } from './pool.js';
import { gitopsContext } from './context.js';

/**
 * A render worker thread: compiles the templates from the same files, builds
 * the same frozen view from the same JSON texts, and renders the tenants it is
 * sent, a batch under one time limit as in the main thread.
 */
const data = workerData as WorkerData;
const port = parentPort!;
const tpl = await loadTemplates('', data.templatesDir, new Map(data.templateFiles));
const { config, tenantAt } = viewOf({ file: data.file, locate: () => ({ line: 1, column: 1 }) }, data.sharedJson, data.tenantJson);
const tool = gitopsContext(config, data.outDir).tool;
const r = renderer(config, tpl.templates.filter((t) => t.tool === undefined || t.tool === tool), data.outDir);

port.on('message', (req: WorkerRequest) => {
  if ('done' in req) {
    port.close();
    return;
  }
  try {
    const rendered: [number, TenantRender][] = [];
    const timeout = runBounded(data.timeLimitMs, () => {
      for (const i of req.indices) {
        const out = r.renderTenant(tenantAt(i), true);
        // Objects cross as JSON (parsed again only if a stage reads them); only one without a faithful JSON form crosses as itself.
        for (const e of out.events) if ('object' in e && e.object.json !== '') delete e.value;
        rendered.push([i, out]);
      }
    }, r.running);
    port.postMessage((timeout ? { timeout, at: req.indices[0]! } : { rendered, packed: pack(rendered) }) satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ failed: (e as Error).stack ?? String(e) } satisfies WorkerReply);
  }
});
