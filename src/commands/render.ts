import { exitCodeFor } from '../diagnostics/diagnostic.js';
import { renderToDisk } from '../pipeline.js';
import { parseOptions, resolveRoot } from './options.js';
import { renderSpec } from './specs.js';
import { cacheLine, cacheWarning, renderCache, workerCount } from './cache.js';
import { formatTimings, watchGc } from './timings.js';
import type { Command } from './types.js';
import { wantsColor } from './types.js';

export const render: Command = {
  spec: renderSpec,
  async run(argv, ctx) {
    const { values } = parseOptions(renderSpec, argv);
    const root = resolveRoot(ctx.cwd, values.root);
    const cache = renderCache(values, root, ctx.cwd);
    const gc = values.timings ? watchGc() : undefined;
    const r = await renderToDisk({ root, ...(cache ? { cache } : {}), workers: workerCount(values.workers) });
    const pauses = await gc?.();
    const warning = cacheWarning(r.render);
    const timings = values.timings ? formatTimings(r.timings, pauses) + cacheLine('cache', r.render?.cache) : '';
    if (!r.written) {
      // Loaded only here: the formatters (the HTML report's among them) are most of what a render would load besides the pipeline.
      const { formatters } = await import('../output/index.js');
      const text = formatters.text(
        { diagnostics: r.diagnostics, summary: { files: 0, objects: 0, tenants: r.config?.tenants.length ?? 0 }, rules: [] },
        { color: wantsColor(ctx), toolVersion: '' },
      );
      const code = exitCodeFor(r.diagnostics);
      return { stdout: '', stderr: `${warning}${text}\nnothing was written: rendered/ is unchanged\n${timings}`, exitCode: code === 0 ? 2 : code };
    }
    const files = (r.render?.files.size ?? 0) + (r.render?.unread?.paths.size ?? 0);
    const tenants = r.config?.tenants.length ?? 0;
    const c = r.changes ?? { added: [], changed: [], removed: [] };
    const what =
      c.added.length + c.changed.length + c.removed.length === 0
        ? 'rendered/ was already up to date'
        : `rendered/ updated: ${c.added.length} added, ${c.changed.length} changed, ${c.removed.length} removed`;
    return { stdout: `rendered ${r.render?.objects ?? 0} objects (${files} files) for ${tenants} tenants; ${what}\n`, ...(warning || timings ? { stderr: warning + timings } : {}), exitCode: 0 };
  },
};
