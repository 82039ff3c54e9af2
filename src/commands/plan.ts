import { capacityDelta } from '../analysis/delta/capacity.js';
import { connectivityDelta, groupFlows, tenantWorkloads } from '../analysis/delta/connectivity.js';
import { permissionsDelta } from '../analysis/delta/permissions.js';
import { headSide } from '../lifecycle/index.js';
import { renderBase, runPipeline } from '../pipeline.js';
import { planVerdict } from '../lifecycle/verdict.js';
import { comparePlans } from '../lifecycle/changes.js';
import { planDocument, planJson, planMarkdown, planText } from '../lifecycle/plan-format.js';
import { removalDiagnostics } from '../lifecycle/removal.js';
import { formatters } from '../output/index.js';
import { planHtml } from '../output/html/index.js';
import { version } from '../version.js';
import { checkResult, docsBase } from './check.js';
import { parseOptions, resolveRoot } from './options.js';
import { planSpec } from './specs.js';
import { cacheWarning, renderCache, workerCount } from './cache.js';
import type { Command } from './types.js';
import { wantsColor } from './types.js';
import { TENANTS_FILE } from '../platform/index.js';

const formats = { text: planText, markdown: planMarkdown, json: planJson } as const;

export const plan: Command = {
  spec: planSpec,
  async run(argv, ctx) {
    const { values } = parseOptions(planSpec, argv);
    const format = values.format;
    const root = resolveRoot(ctx.cwd, values.root);
    const cache = renderCache(values, root, ctx.cwd);
    const withCache = { ...(cache ? { cache } : {}), workers: workerCount(values.workers) };
    const base = await renderBase({ root, ...withCache }, values.base);
    const failures = base.diagnostics.filter((d) => d.kind === 'failure');
    if (failures.length > 0 || base.ref === undefined) {
      const diags = failures.length > 0 ? failures : base.diagnostics;
      const text = formatters.text({ diagnostics: diags, summary: { files: 0, objects: 0, tenants: 0 }, rules: [] }, { color: wantsColor(ctx), toolVersion: '' });
      const note = failures.length > 0 ? `nothing to compare with: ${values.base !== undefined ? `the base "${values.base}"` : 'the upstream merge base'} could not be read (see above)` : 'nothing to compare with: pass --base REF';
      return { stdout: '', stderr: `${text}\n${note}\n`, exitCode: 2 };
    }
    // The head goes through every stage of check, against the base already rendered: the verdict is check's result.
    const head = await runPipeline({ root, ...withCache, ...(values.base !== undefined ? { base: values.base } : {}), baseSide: base });
    if (!head.config) return { stdout: '', stderr: `${TENANTS_FILE} does not validate; run \`tenantctl check\` for the details\n`, exitCode: 2 };
    const changes = comparePlans(base, headSide(head.config, head.render));
    const ref = values.base ?? `merge base ${base.ref.slice(0, 12)}`;
    const blocked = new Set(removalDiagnostics(changes, base, [], ref).filter((d) => d.severity === 'error').map((d) => d.tenant!));
    const tenantOfNamespace = new Map([...(base.config?.tenants ?? []), ...head.config.tenants].map((t) => [t.namespace, t.id]));
    const connectivity = connectivityDelta(base.render?.manifests ?? [], head.render?.manifests ?? [], tenantOfNamespace, head.config);
    const headTenants = new Map(head.config.tenants.map((t) => [t.namespace, t.id]));
    const flowGroups = connectivity.length > 0 ? groupFlows(connectivity, tenantWorkloads(head.render?.manifests ?? [], headTenants)) : [];
    const deletions = (head.deletions ?? []).map((d) => `${d.ruleId}: ${d.message}`);
    const verdict = planVerdict(head.diagnostics, `tenantctl check${values.base !== undefined ? ` --base ${values.base}` : ''}`);
    const permissions = permissionsDelta(base.render?.manifests ?? [], head.render?.manifests ?? []);
    const capacity = base.config ? capacityDelta(base.render?.manifests ?? [], base.config, head.render?.manifests ?? [], head.config) : [];
    const warnings = base.diagnostics.filter((d) => d.severity === 'warning').map((d) => `warning: ${d.message}\n`);
    const cacheProblem = cacheWarning(base.render, head.render);
    if (cacheProblem) warnings.push(cacheProblem);
    const view = { plan: changes, ref, blocked, connectivity, flowGroups, deletions, permissions, capacity, verdict };
    const docsBaseUrl = docsBase(ctx.env);
    const stdout = format === 'html' ? planHtml(planDocument(view), checkResult(head), { color: false, toolVersion: version, ...(docsBaseUrl ? { docsBaseUrl } : {}) }) : formats[format](view);
    return { stdout, ...(warnings.length ? { stderr: warnings.join('') } : {}), exitCode: 0 };
  },
};
