import path from 'node:path';
import { exitCodeFor, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatNames, resolveFormat, type CheckResult } from '../output/index.js';
import { removalCheck } from '../lifecycle/index.js';
import { loadTreeForCheck } from '../pipeline.js';
import { CrdError, SchemaLoadError } from '../schema/validate.js';
import { ruleDescriptors, validateTree } from '../validate.js';
import { parse, resolveRoot, rootOption, UsageError } from './options.js';
import type { Command } from './types.js';

export const check: Command = {
  summary: 're-render in memory, fail on drift, validate schemas and isolation rules',
  usage: `tenantctl check [--root DIR] [--format ${formatNames.join('|')}] [--schema-location DIR]... [--crd FILE]... [--base REF] [--allow-removal ID]...`,
  async run(argv, ctx) {
    const { values } = parse(argv, {
      ...rootOption,
      format: { type: 'string', default: 'text' },
      'schema-location': { type: 'string', multiple: true },
      crd: { type: 'string', multiple: true },
      base: { type: 'string' },
      'allow-removal': { type: 'string', multiple: true },
    });
    let formatter;
    try {
      formatter = resolveFormat(values.format);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const root = resolveRoot(ctx.cwd, values.root);
    const tree = await loadTreeForCheck({ root });
    const diagnostics: Diagnostic[] = [...tree.diagnostics];
    // Input that could not be processed makes every later finding unreliable: stop there.
    if (!diagnostics.some((d) => d.kind === 'failure')) {
      try {
        diagnostics.push(
          ...validateTree(tree.manifests, tree.config, {
            schemaLocation: (values['schema-location'] ?? []).map((d) => (d === 'default' ? d : path.resolve(ctx.cwd, d))),
            crdFiles: (values.crd ?? []).map((f) => path.resolve(ctx.cwd, f)),
          }),
        );
      } catch (e) {
        if (!(e instanceof SchemaLoadError || e instanceof CrdError)) throw e;
        diagnostics.push({ ruleId: 'schema/load', severity: 'error', kind: 'failure', message: e.message, hint: 'check --schema-location and --crd paths' });
      }
    }
    if (!diagnostics.some((d) => d.kind === 'failure')) {
      diagnostics.push(...(await removalCheck(root, tree, { ...(values.base !== undefined ? { base: values.base } : {}), allowRemoval: values['allow-removal'] ?? [] })));
    }
    const result: CheckResult = {
      diagnostics,
      summary: { files: tree.onDisk.size, objects: tree.manifests.length, tenants: tree.config?.tenants.length ?? 0 },
      rules: ruleDescriptors(),
    };
    const color = ctx.isTTY && !ctx.env.NO_COLOR && values.format === 'text';
    return { stdout: formatter(result, { color, toolVersion: '0.1.0' }), exitCode: exitCodeFor(diagnostics) };
  },
};
