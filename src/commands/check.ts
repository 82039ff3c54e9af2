import { exitCodeFor, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatNames, resolveFormat, type CheckResult } from '../output/index.js';
import { loadTreeForCheck } from '../pipeline.js';
import { parse, resolveRoot, rootOption, UsageError } from './options.js';
import type { Command } from './types.js';

export const check: Command = {
  summary: 're-render in memory, fail on drift, validate schemas and isolation rules',
  usage: `tenantctl check [--root DIR] [--format ${formatNames.join('|')}]`,
  async run(argv, ctx) {
    const { values } = parse(argv, { ...rootOption, format: { type: 'string', default: 'text' } });
    let formatter;
    try {
      formatter = resolveFormat(values.format);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const root = resolveRoot(ctx.cwd, values.root);
    const tree = await loadTreeForCheck({ root });
    const diagnostics: Diagnostic[] = [...tree.diagnostics];
    const result: CheckResult = {
      diagnostics,
      summary: { files: tree.onDisk.size, objects: tree.manifests.length, tenants: tree.config?.tenants.length ?? 0 },
      rules: [],
    };
    const color = ctx.isTTY && !ctx.env.NO_COLOR && values.format === 'text';
    return { stdout: formatter(result, { color, toolVersion: '0.1.0' }), exitCode: exitCodeFor(diagnostics) };
  },
};
