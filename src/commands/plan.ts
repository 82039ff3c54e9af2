import { capacityDelta } from '../analysis/delta/capacity.js';
import { connectivityDelta, groupFlows, tenantWorkloads } from '../analysis/delta/connectivity.js';
import { permissionsDelta } from '../analysis/delta/permissions.js';
import { headSide } from '../lifecycle/index.js';
import { renderBase, runPipeline, shapeProblems } from '../pipeline.js';
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
import type { Manifest } from '../manifest/types.js';
import { formatLocation, objectInFile, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
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
    // Unchanged tenants are placed from their summaries, and the head then shares them: each is read once, if a delta asks.
    const base = await renderBase({ root, ...withCache, summaries: 'read' }, values.base);
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
    const baseObjects = base.render?.manifests ?? [];
    const headObjects = head.render?.manifests ?? [];
    // The deltas read the objects' fields; one whose shape its schema refuses (a number where a list belongs) can stop one.
    const failed: { what: string; error: unknown }[] = [];
    const attempt = <T>(what: string, none: T, run: () => T): T => {
      try {
        return run();
      } catch (error) {
        failed.push({ what, error });
        return none;
      }
    };
    const connectivity = attempt('Connectivity', [], () => connectivityDelta(baseObjects, headObjects, tenantOfNamespace, head.config!));
    const headTenants = new Map(head.config.tenants.map((t) => [t.namespace, t.id]));
    const flowGroups = connectivity.length > 0 ? attempt('Connectivity', [], () => groupFlows(connectivity, tenantWorkloads(headObjects, headTenants))) : [];
    const deletions = (head.deletions ?? []).map((d) => `${d.ruleId}: ${d.message}`);
    const verdict = planVerdict(head.diagnostics, `tenantctl check${values.base !== undefined ? ` --base ${values.base}` : ''}`);
    const permissions = attempt('Permissions', [], () => permissionsDelta(baseObjects, headObjects));
    const capacity = base.config ? attempt('Capacity', [], () => capacityDelta(baseObjects, base.config!, headObjects, head.config!)) : [];
    const notComputed = failed.length > 0 ? await unreadable(failed, baseObjects, headObjects, ref) : [];
    const warnings = base.diagnostics.filter((d) => d.severity === 'warning').map((d) => `warning: ${d.message}\n`);
    const cacheProblem = cacheWarning(base.render, head.render);
    if (cacheProblem) warnings.push(cacheProblem);
    const view = { plan: changes, ref, blocked, connectivity, flowGroups, deletions, permissions, capacity, verdict, ...(notComputed.length ? { notComputed } : {}) };
    const docsBaseUrl = docsBase(ctx.env);
    const stdout = format === 'html' ? planHtml(planDocument(view), checkResult(head), { color: false, toolVersion: version, ...(docsBaseUrl ? { docsBaseUrl } : {}) }) : formats[format](view);
    return { stdout, ...(warnings.length ? { stderr: warnings.join('') } : {}), exitCode: 0 };
  },
};

/**
 * Why sections of the plan are missing: the objects whose shapes their
 * schemas refuse, which the analyses could not read (check reports them as
 * schema/invalid). A failure with every shape valid is a bug, and is thrown.
 */
async function unreadable(failed: readonly { what: string; error: unknown }[], baseObjects: readonly Manifest[], headObjects: readonly Manifest[], ref: string): Promise<string[]> {
  const [inBase, inHead] = await Promise.all([shapeProblems(baseObjects), shapeProblems(headObjects)]);
  const objectsOf = (ds: readonly Diagnostic[]) => new Set(ds.map((d) => objectInFile(d.file?.path, d.object))).size;
  const first = sortDiagnostics(inHead)[0] ?? sortDiagnostics(inBase)[0];
  if (!first) throw failed[0]!.error;
  const count = objectsOf(inHead) + objectsOf(inBase);
  const where = `${formatLocation(first.file)}${inHead.length ? '' : ` (in ${ref})`}`;
  const what = [...new Set(failed.map((f) => f.what))];
  return what.map((w) => `${w} not computed: ${where}${count > 1 ? ` and ${count - 1} more object(s) have shapes their schemas refuse` : ' has a shape its schema refuses'} (schema/invalid), which this analysis cannot read; the plan shows no ${w.toLowerCase()} changes until they are fixed`);
}

