import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { toCanonicalYaml } from '../manifest/canonical.js';
import { makeManifest, parseManifests } from '../manifest/parse.js';
import { objectKey, type KubeObject, type Manifest } from '../manifest/types.js';
import type { TenantsConfig } from '../tenants/types.js';
import { diagnostic } from '../diagnostics/catalogue.js';
import { clusterRoot, emptyKustomization, isTenantWorkload, kustomizations, kustomizationFile, pathFor, unsafePath, workloadsPath, type EntryPoint } from '../platform/layout.js';
import { clusterContext, gitopsContext, tenantContext, type TemplateContext } from './context.js';
import { templateErrorLine, templateErrorMessage, type Template } from './templates.js';
import { bounded, TEMPLATE_TIME_LIMIT_MS, TemplateTimeout } from './bounded.js';

export interface RenderResult {
  /** Every file of the tree, path → canonical text, including kustomization.yaml files. */
  files: Map<string, string>;
  manifests: Manifest[];
  diagnostics: Diagnostic[];
  /** Path → id of the tenant a file was rendered for (its delivery objects included). */
  owners: Map<string, string>;
  /**
   * Folders inside the tree that the GitOps controller's own bootstrap writes
   * (`flux bootstrap --path=<gitops folder>` puts its components in
   * `<gitops folder>/<namespace>/`): render keeps them as they are, check does
   * not compare them.
   */
  bootstrapOwned?: string[];
}

/**
 * Renders every template for every tenant, cluster templates once per cluster and
 * the selected GitOps tool's templates, into canonical files. A decommissioned
 * tenant keeps its Namespace and guardrails; its workloads are dropped. Under
 * Flux its Kustomization goes too (deleting it garbage-collects the workloads).
 * Under Argo CD deleting a generated Application never deletes workloads (the
 * ApplicationSet preserves them), so the tenant keeps its project and an empty
 * workloads folder: its Application stays and prunes the workloads.
 */
const TENANTS_PER_BATCH = 64;

export function renderTree(input: TenantsConfig, templates: readonly Template[], outDir = 'rendered', opts: { timeLimitMs?: number } = {}): RenderResult {
  // Templates see tenants by id, so reordering tenants.yaml changes nothing in the tree.
  const config: TenantsConfig = { ...input, tenants: [...input.tenants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  const files = new Map<string, string>();
  const manifests: Manifest[] = [];
  const diagnostics: Diagnostic[] = [];
  const firstOrigin = new Map<string, string>();
  const owners = new Map<string, string>();

  interface Placement {
    /** rendered/ or rendered/<cluster>/: where the object's namespace folder goes. */
    root: string;
    tenant?: string;
    /** A tenant template: its non-platform objects go to workloads/ (or nowhere). */
    tenantTemplate?: boolean;
    decommissioned?: boolean;
    /**
     * GitOps objects rendered per tenant (an AppProject, a Flux Kustomization)
     * are the platform's delivery machinery, not objects the tenant owns.
     */
    platformOwned?: boolean;
  }
  // The template running now, so a batch that times out names it.
  let running: { template: Template; tenant?: string } | undefined;
  const renderOne = (template: Template, ctx: TemplateContext, at: Placement): void => {
    const tenant = at.tenant;
    running = { template, ...(tenant ? { tenant } : {}) };
    const origin = tenant && !at.platformOwned ? { template: template.path, tenant } : { template: template.path };
    const where = tenant ? ` for tenant ${tenant}` : '';
    let text: string;
    try {
      text = template.render(ctx);
      running = undefined;
    } catch (cause) {
      running = undefined;
      const err = cause as Error;
      diagnostics.push(diagnostic('render/template', `template threw${where}: ${templateErrorMessage(err)}`, { file: { path: template.path, line: templateErrorLine(err), column: 1 }, origin, ...(tenant ? { tenant } : {}), hint: 'fix the expression on this line of the template' }));
      return;
    }
    const parsed = parseManifests(text, { file: template.path, origin, ruleId: 'render/invalid-yaml' });
    for (const d of parsed.diagnostics) {
      diagnostics.push({
        ...d,
        ruleId: 'render/invalid-yaml',
        message: `template produced invalid YAML${where} (line ${d.file?.line ?? '?'} of its output): ${d.message}`,
        detail: excerpt(text, d.file?.line ?? 1),
        hint: 'emit every value through <%- v(value) %> and check the indentation of the template',
      });
    }
    if (parsed.diagnostics.length > 0) return;
    if (parsed.manifests.length > 1) {
      diagnostics.push(diagnostic('render/one-object-per-template', `template produced ${parsed.manifests.length} objects${where}; each template renders exactly one`, { file: { path: template.path, line: 1, column: 1 }, origin, hint: 'split the template into one file per object' }));
      return;
    }
    for (const m of parsed.manifests) {
      const workload = at.tenantTemplate === true && isTenantWorkload(m.object);
      if (workload && at.decommissioned) continue;
      const path = pathFor(m.object, at.root, { workload });
      const unsafe = segmentProblem(m.object) ?? unsafePath(path, outDir);
      if (unsafe) {
        diagnostics.push({
          ...diagnostic('render/unsafe-path', `${m.object.kind} ${m.object.metadata?.namespace ?? ''}/${m.object.metadata?.name ?? ''}${where} would be written to ${unsafe}`),
          file: { path: template.path, line: 1, column: 1 },
          origin,
        });
        continue;
      }
      // The same object may exist once per cluster.
      const key = `${at.root}\u0000${objectKey(m.object)}`;
      const prev = firstOrigin.get(path) ?? firstOrigin.get(key);
      if (prev !== undefined) {
        diagnostics.push(diagnostic('render/duplicate-object', `${m.object.kind} ${m.object.metadata?.namespace ?? ''}/${m.object.metadata?.name ?? ''}${where} is also rendered by ${prev}`, { file: { path: template.path, line: 1, column: 1 }, origin, hint: 'object names must be unique per kind and namespace; rename one of them' }));
        continue;
      }
      const desc = `${template.path}${where}`;
      firstOrigin.set(path, desc);
      firstOrigin.set(key, desc);
      const canonical = toCanonicalYaml(m.object);
      files.set(path, canonical);
      if (tenant) owners.set(path, tenant);
      manifests.push(makeManifest(m.object, path, canonical, 0, origin));
    }
  };

  const base = gitopsContext(config, outDir);
  const selected = templates.filter((t) => t.tool === undefined || t.tool === base.tool);
  // Argo CD runs once and reaches every cluster; Flux runs in (or for) each cluster.
  const gitopsRoot = (clusterDir: string) => (base.tool === 'argocd' ? outDir : clusterRoot(outDir, clusterDir));
  const limit = opts.timeLimitMs ?? TEMPLATE_TIME_LIMIT_MS;
  /** Runs a batch of template calls under the time limit; a timeout is a template failure naming the template. */
  const batch = (fn: () => void): boolean => {
    try {
      bounded(limit, fn);
      return true;
    } catch (e) {
      if (!(e instanceof TemplateTimeout)) throw e;
      const at = running;
      running = undefined;
      diagnostics.push(
        diagnostic('render/template', `template ${e.message}${at?.tenant ? ` for tenant ${at.tenant}` : ''}: an endless loop or a runaway computation`, {
          file: { path: at?.template.path ?? 'templates/', line: 1, column: 1 },
          ...(at ? { origin: { template: at.template.path, ...(at.tenant ? { tenant: at.tenant } : {}) } } : {}),
          ...(at?.tenant ? { tenant: at.tenant } : {}),
          hint: 'look for a loop whose condition never changes, or recursion without an end, in this template',
        }),
      );
      return false;
    }
  };
  const globalOk = batch(() => {
    for (const template of selected) {
      if (template.scope === 'global') renderOne(template, clusterContext(config, base), { root: outDir });
    }
  });
  if (!globalOk) return { files: new Map(), manifests: [], diagnostics, owners };
  for (const cluster of base.clusters) {
    const ctx = clusterContext(config, gitopsContext(config, outDir, cluster));
    if (
      !batch(() => {
        for (const template of selected) {
          if (template.scope !== 'cluster') continue;
          renderOne(template, ctx, { root: template.tool ? gitopsRoot(cluster.dir) : clusterRoot(outDir, cluster.dir) });
        }
      })
    )
      return { files: new Map(), manifests: [], diagnostics, owners };
  }
  const withdrawByPruning = base.tool === 'argocd';
  const emptyWorkloads: string[] = [];
  const renderTenant = (tenant: TenantsConfig['tenants'][number]) => {
    const cluster = base.clusterOf(tenant);
    const ctx = tenantContext(config, tenant, gitopsContext(config, outDir, cluster));
    const decommissioned = tenant.decommissioned === true;
    if (decommissioned && withdrawByPruning) emptyWorkloads.push(`${workloadsPath(outDir, cluster.dir, tenant.namespace)}/${kustomizationFile}`);
    for (const template of selected) {
      if (template.scope !== 'tenant') continue;
      if (template.tool) {
        if (!decommissioned || withdrawByPruning) renderOne(template, ctx, { root: gitopsRoot(cluster.dir), tenant: tenant.id, platformOwned: true });
      } else {
        renderOne(template, ctx, { root: clusterRoot(outDir, cluster.dir), tenant: tenant.id, tenantTemplate: true, decommissioned });
      }
    }
  };
  // Tenants in batches: the limit's watchdog costs about 0.15 ms per bounded call.
  for (let i = 0; i < config.tenants.length; i += TENANTS_PER_BATCH) {
    const ok = batch(() => config.tenants.slice(i, i + TENANTS_PER_BATCH).forEach(renderTenant));
    // A template that loops for one tenant loops for the others: one report, not one per tenant.
    if (!ok) return { files: new Map(), manifests: [], diagnostics, owners };
  }
  const entries: EntryPoint[] = base.multiCluster
    ? base.clusters.map((c) => ({ root: clusterRoot(outDir, c.dir), exclude: base.tool === 'flux' ? [base.namespace] : [] }))
    : [{ root: outDir, exclude: [base.namespace] }];
  // Flux: the GitOps folder is the bootstrap path. It has no kustomization.yaml, so Flux generates one
  // holding every manifest in it and the bootstrap's own <namespace>/ folder (Flux then manages itself).
  const fluxFolders = base.tool === 'flux' ? base.clusters.map((c) => `${gitopsRoot(c.dir)}/${base.namespace}`) : [];
  for (const [p, text] of kustomizations(files.keys(), entries, fluxFolders)) files.set(p, text);
  for (const p of emptyWorkloads) files.set(p, emptyKustomization);
  const bootstrapOwned = fluxFolders.map((f) => `${f}/${base.namespace}`);
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), manifests, diagnostics, owners, ...(bootstrapOwned.length ? { bootstrapOwned } : {}) };
}

function excerpt(text: string, line: number): string {
  const lines = text.split('\n');
  const from = Math.max(0, line - 3);
  return lines
    .slice(from, line + 2)
    .map((l, i) => `${from + i + 1 === line ? '>' : ' '} ${String(from + i + 1).padStart(4)} | ${l}`)
    .join('\n');
}

/**
 * Kind, namespace and name become one path segment each. Kubernetes itself
 * refuses "/" and "%" in every object name ("may not contain '/'", path segment
 * names) and requires a DNS-1123 label as namespace, so such a value is an
 * error here before any path is built from it.
 */
function segmentProblem(o: KubeObject): string | undefined {
  const name = o.metadata?.name;
  const ns = o.metadata?.namespace;
  if (typeof o.kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(o.kind)) return `a path from kind ${JSON.stringify(o.kind)}, which is not a Kubernetes kind name`;
  if (typeof name === 'string' && (/[/%\\]/.test(name) || name === '.' || name === '..')) return `a path from metadata.name ${JSON.stringify(name)}; Kubernetes refuses "/" and "%" in object names`;
  if (ns !== undefined && (typeof ns !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns))) return `a path from metadata.namespace ${JSON.stringify(ns)}, which is not a DNS-1123 label`;
  return undefined;
}
