import { findingDescriptors } from '../diagnostics/catalogue.js';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exitCodeFor, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { CheckResult, Section } from '../output/types.js';
import { loadTreeForCheck } from '../pipeline.js';
import type { Validation } from '../validate.js';
import { parseOptions, resolveRoot } from './options.js';
import { checkSpec } from './specs.js';
import type { Command } from './types.js';
import { version } from '../version.js';

function formatTimings(timings: Validation['timings']): string {
  const lines = timings.map((t) => `${t.phase.padEnd(8)} ${t.start.toFixed(0).padStart(6)} ms → ${t.end.toFixed(0).padStart(6)} ms  (${(t.end - t.start).toFixed(0)} ms)`);
  return `${lines.join('\n')}\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`;
}

export const check: Command = {
  spec: checkSpec,
  async run(argv, ctx) {
    // --format is checked here, before any work; the formatters themselves load once there is a result.
    const { values } = parseOptions(checkSpec, argv);
    const root = resolveRoot(ctx.cwd, values.root);
    const loadStart = performance.now();
    const tree = await loadTreeForCheck({ root });
    const timings: Validation['timings'] = [{ phase: 'load', start: loadStart, end: performance.now() }];
    const diagnostics: Diagnostic[] = [...tree.diagnostics];
    const sections: Section[] = [];
    let CrdError: (new (...args: never[]) => Error) | undefined;
    let SchemaLoadError: (new (...args: never[]) => Error) | undefined;
    // Input that could not be processed makes every later finding unreliable: stop there.
    if (!diagnostics.some((d) => d.kind === 'failure')) {
      try {
        // Loaded only now, so a cold check starts validating as early as possible.
        const { validateTree } = await import('../validate.js');
        ({ CrdError, SchemaLoadError } = await import('../schema/validate.js'));
        const v = await validateTree(tree.manifests, tree.config, {
          schemaLocation: values['schema-location'].map((d) => (d === 'default' ? d : path.resolve(ctx.cwd, d))),
          crdFiles: values.crd.map((f) => path.resolve(ctx.cwd, f)),
        });
        diagnostics.push(...v.diagnostics);
        sections.push(...v.sections);
        timings.push(...v.timings);
      } catch (e) {
        if (!((SchemaLoadError && e instanceof SchemaLoadError) || (CrdError && e instanceof CrdError))) throw e;
        diagnostics.push({ ruleId: 'schema/load', severity: 'error', kind: 'failure', message: e.message, hint: 'check --schema-location and --crd paths' });
      }
    }
    if (!diagnostics.some((d) => d.kind === 'failure')) {
      const { removalCheck } = await import('../lifecycle/index.js');
      diagnostics.push(...(await removalCheck(root, tree, { ...(values.base !== undefined ? { base: values.base } : {}), allowRemoval: values['allow-removal'] })));
    }
    const result: CheckResult = {
      diagnostics,
      summary: { files: tree.filesOnDisk, objects: tree.manifests.length, tenants: tree.config?.tenants.length ?? 0 },
      rules: findingDescriptors(),
      sections,
    };
    const color = ctx.isTTY && !ctx.env.NO_COLOR && values.format === 'text';
    const { formatters } = await import('../output/index.js');
    return {
      stdout: formatters[values.format](result, { color, toolVersion: version }),
      ...(values.timings ? { stderr: formatTimings(timings) } : {}),
      exitCode: exitCodeFor(diagnostics),
    };
  },
};
