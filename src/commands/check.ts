import path from 'node:path';
import { findingDescriptors } from '../diagnostics/catalogue.js';
import { exitCodeFor } from '../diagnostics/diagnostic.js';
import type { CheckResult } from '../diagnostics/result.js';
import { runPipeline, type PipelineResult } from '../pipeline.js';
import { version } from '../version.js';
import { parseShard, type Shard } from '../tenants/shard.js';
import { parseOptions, resolveRoot, UsageError } from './options.js';
import { checkSpec } from './specs.js';
import { cacheLine, cacheWarning, findingsLine, renderCache, workerCount } from './cache.js';
import { formatTimings, watchGc } from './timings.js';
import type { Command } from './types.js';
import { PHASE_STEP, wantsColor } from './types.js';

/**
 * Where the docs of this repository are on the web, from the variables GitHub
 * Actions sets ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"), so
 * code scanning can link each rule to its page at the commit checked.
 */
export function docsBase(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  return `${server.replace(/\/+$/, '')}/${repo}/blob/${sha && /^[0-9a-f]{7,40}$/.test(sha) ? sha : 'HEAD'}/`;
}

/** What the formatters get from a pipeline run (of one shard, when given). */
export function checkResult(r: PipelineResult, shard?: Shard): CheckResult {
  return {
    diagnostics: r.diagnostics,
    summary: { files: r.files, objects: r.checked?.objects ?? r.manifests.length, tenants: r.checked?.tenants ?? r.config?.tenants.length ?? 0, ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}) },
    rules: findingDescriptors(),
    sections: r.sections,
    ...(r.config ? { tenants: r.config.tenants.map((t) => ({ id: t.id, name: t.name, namespace: t.namespace, tier: t.tierName, ...(t.cluster ? { cluster: t.cluster } : {}) })) } : {}),
  };
}

export const check: Command = {
  spec: checkSpec,
  async run(argv, ctx) {
    // --format is checked here, before any work; the formatters themselves load once there is a result.
    const { values } = parseOptions(checkSpec, argv);
    const root = resolveRoot(ctx.cwd, values.root);
    const shard = values.shard === undefined ? undefined : parseShard(values.shard);
    if (typeof shard === 'string') throw new UsageError(shard);
    const cache = renderCache(values, root, ctx.cwd);
    const gc = values.timings ? watchGc() : undefined;
    const r = await runPipeline({
      ...(shard ? { shard } : {}),
      ...(cache ? { cache } : {}),
      workers: workerCount(values.workers),
      ...(ctx.progress && !values.quiet ? { onPhase: (phase: string) => ctx.progress!(PHASE_STEP[phase] ?? phase) } : {}),
      root,
      schema: {
        schemaLocation: values['schema-location'].map((d) => (d === 'default' ? d : path.resolve(ctx.cwd, d))),
        crdFiles: values.crd.map((f) => path.resolve(ctx.cwd, f)),
      },
      ...(values.base !== undefined ? { base: values.base } : {}),
      allowRemoval: values['allow-removal'],
      noBase: values['allow-no-base'] ? 'ignore' : ctx.env.CI === 'true' || ctx.env.CI === '1' ? 'error' : 'warn',
    });
    const pauses = await gc?.();
    const result = checkResult(r, shard);
    const color = wantsColor(ctx) && values.format === 'text';
    const { formatters } = await import('../output/index.js');
    const docsBaseUrl = docsBase(ctx.env);
    const stderr = cacheWarning(r.render) + (values.timings ? formatTimings(r.timings, pauses) + cacheLine('cache', r.render?.cache) + findingsLine(r.findingsCache, r.findingsEarly) + cacheLine('base cache', r.baseCache) : '');
    return {
      stdout: formatters[values.format](result, { color, toolVersion: version, ...(docsBaseUrl ? { docsBaseUrl } : {}) }),
      ...(stderr ? { stderr } : {}),
      exitCode: exitCodeFor(r.diagnostics),
    };
  },
};
