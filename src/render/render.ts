import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { toCanonicalYaml } from '../manifest/canonical.js';
import { makeManifest, parseManifests } from '../manifest/parse.js';
import { objectKey, type KubeObject, type Manifest } from '../manifest/types.js';
import type { TenantsConfig } from '../tenants/types.js';
import { diagnostic } from '../diagnostics/catalogue.js';
import { clusterRoot, emptyKustomization, isTenantWorkload, kustomizations, kustomizationFile, pathFor, unsafePath, workloadsPath, type EntryPoint } from '../platform/layout.js';
import type { Cluster, Tenant } from '../tenants/types.js';
import { sha256, CACHE_FORMAT, type CachedObject, type CachedTenant, type RenderCache } from './cache.js';
import { clusterContext, deepFreeze, gitopsContext, tenantContext, type GitOpsContext, type TemplateContext } from './context.js';
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
  /** With a cache: tenants replayed from it and tenants rendered (a tenant that failed to render is neither stored nor counted as a hit). */
  cache?: { hits: number; misses: number; problem?: string };
}

export interface RenderOptions {
  timeLimitMs?: number;
  /** Replays tenants whose inputs are unchanged; used only together with templatesDigest. */
  cache?: RenderCache;
  /** loadTemplates' digest of the templates folder (every file a template can read). */
  templatesDigest?: string;
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

export function renderTree(input: TenantsConfig, templates: readonly Template[], outDir = 'rendered', opts: RenderOptions = {}): RenderResult {
  // Templates see tenants by id, so reordering tenants.yaml changes nothing in the tree.
  const sorted: TenantsConfig = { ...input, tenants: [...input.tenants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  const seen = templateInputs(sorted);
  const config = seen.config;
  const cache = opts.cache && opts.templatesDigest !== undefined ? opts.cache : undefined;
  const stats = { hits: 0, misses: 0 };
  const base = gitopsContext(config, outDir);
  const selected = templates.filter((t) => t.tool === undefined || t.tool === base.tool);
  /** Digest of everything a tenant's templates can read besides the tenant (and the tenant list, checked apart). */
  const sharedDigest = cache
    ? sha256(JSON.stringify([CACHE_FORMAT, cache.toolId, outDir, opts.templatesDigest, selected.filter((t) => t.scope === 'tenant').map((t) => [t.path, t.source]), seen.sharedJson]))
    : '';
  let allTenants: string | undefined;
  const tenantsDigest = () => (allTenants ??= sha256(`[${seen.tenantJson.join(',')}]`));
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
  /** The tenant being rendered for the cache: its objects, and whether it can be stored. */
  let recording: { objects: CachedObject[]; storable: boolean; sawTenants: boolean } | undefined;
  const refuse = (d: Diagnostic): void => {
    diagnostics.push(d);
    if (recording) recording.storable = false;
  };
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
      refuse(diagnostic('render/template', `template threw${where}: ${templateErrorMessage(err)}`, { file: { path: template.path, line: templateErrorLine(err), column: 1 }, origin, ...(tenant ? { tenant } : {}), hint: 'fix the expression on this line of the template' }));
      return;
    }
    const parsed = parseManifests(text, { file: template.path, origin, ruleId: 'render/invalid-yaml' });
    for (const d of parsed.diagnostics) {
      refuse({
        ...d,
        ruleId: 'render/invalid-yaml',
        message: `template produced invalid YAML${where} (line ${d.file?.line ?? '?'} of its output): ${d.message}`,
        detail: excerpt(text, d.file?.line ?? 1),
        hint: 'emit every value through <%- v(value) %> and check the indentation of the template',
      });
    }
    if (parsed.diagnostics.length > 0) return;
    if (parsed.manifests.length > 1) {
      refuse(diagnostic('render/one-object-per-template', `template produced ${parsed.manifests.length} objects${where}; each template renders exactly one`, { file: { path: template.path, line: 1, column: 1 }, origin, hint: 'split the template into one file per object' }));
      return;
    }
    for (const m of parsed.manifests) {
      const workload = at.tenantTemplate === true && isTenantWorkload(m.object);
      if (workload && at.decommissioned) continue;
      const path = pathFor(m.object, at.root, { workload });
      const unsafe = segmentProblem(m.object) ?? unsafePath(path, outDir);
      if (unsafe) {
        refuse({
          ...diagnostic('render/unsafe-path', `${m.object.kind} ${m.object.metadata?.namespace ?? ''}/${m.object.metadata?.name ?? ''}${where} would be written to ${unsafe}`),
          file: { path: template.path, line: 1, column: 1 },
          origin,
        });
        continue;
      }
      const canonical = toCanonicalYaml(m.object);
      const objectKeyOf = objectKey(m.object);
      if (recording) {
        const json = faithfulJson(m.object);
        if (json === undefined) recording.storable = false;
        else recording.objects.push({ template: template.path, path, objectKey: objectKeyOf, platformOwned: at.platformOwned === true, text: canonical, json });
      }
      place(template.path, tenant, origin, path, objectKeyOf, at.root, canonical, m.object);
    }
  };

  /** Puts one object in the tree, unless another template already rendered it (checked across tenants, so also for replayed ones). */
  const place = (template: string, tenant: string | undefined, origin: { template: string; tenant?: string }, path: string, key0: string, root: string, canonical: string, object: KubeObject | (() => KubeObject)): void => {
    const where = tenant ? ` for tenant ${tenant}` : '';
    // The same object may exist once per cluster.
    const key = `${root}\u0000${key0}`;
    const prev = firstOrigin.get(path) ?? firstOrigin.get(key);
    if (prev !== undefined) {
      const o = typeof object === 'function' ? object() : object;
      diagnostics.push(diagnostic('render/duplicate-object', `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}${where} is also rendered by ${prev}`, { file: { path: template, line: 1, column: 1 }, origin, hint: 'object names must be unique per kind and namespace; rename one of them' }));
      return;
    }
    const desc = `${template}${where}`;
    firstOrigin.set(path, desc);
    firstOrigin.set(key, desc);
    files.set(path, canonical);
    if (tenant) owners.set(path, tenant);
    manifests.push(typeof object === 'function' ? lazyManifest(object, path, canonical, origin) : makeManifest(object, path, canonical, 0, origin));
  };

  /** A stored tenant, placed exactly as its render placed it; objects are parsed from JSON only when a stage reads them. */
  const replay = (tenant: string, hit: CachedTenant, root: (o: CachedObject) => string): void => {
    for (const o of hit.objects) {
      const origin = o.platformOwned ? { template: o.template } : { template: o.template, tenant };
      let parsed: KubeObject | undefined;
      place(o.template, tenant, origin, o.path, o.objectKey, root(o), o.text, () => (parsed ??= JSON.parse(o.json) as KubeObject));
    }
  };

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
      if (template.scope === 'global') renderOne(template, deepFreeze(clusterContext(config, base)), { root: outDir });
    }
  });
  if (!globalOk) return { files: new Map(), manifests: [], diagnostics, owners };
  const perCluster = new Map<string, GitOpsContext>();
  const gitopsOf = (cluster: Cluster): GitOpsContext => {
    let g = perCluster.get(cluster.name);
    if (!g) perCluster.set(cluster.name, (g = deepFreeze(gitopsContext(config, outDir, cluster))));
    return g;
  };
  for (const cluster of base.clusters) {
    const ctx = deepFreeze(clusterContext(config, gitopsOf(cluster)));
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
  // Any look at the tenant list (its length, an element, a copy) makes a tenant's files depend on every tenant: its entry then says so.
  const watchedTenants = watch(config.tenants, () => {
    if (recording) recording.sawTenants = true;
  });
  const emptyWorkloads: string[] = [];
  const renderTenant = (tenant: Tenant, index: number) => {
    const cluster = base.clusterOf(tenant);
    const decommissioned = tenant.decommissioned === true;
    if (decommissioned && withdrawByPruning) emptyWorkloads.push(`${workloadsPath(outDir, cluster.dir, tenant.namespace)}/${kustomizationFile}`);
    const rootOf = (tool: boolean) => (tool ? gitopsRoot(cluster.dir) : clusterRoot(outDir, cluster.dir));
    const key = cache ? sha256(`${sharedDigest}\n${seen.tenantJson[index]}`) : '';
    if (cache) {
      const hit = cache.get(tenant.id, key);
      if (hit && (hit.tenantsDigest === undefined || hit.tenantsDigest === tenantsDigest())) {
        stats.hits++;
        replay(tenant.id, hit, (o) => rootOf(o.platformOwned));
        return;
      }
      stats.misses++;
    }
    const ctx = deepFreeze({ ...tenantContext(config, tenant, gitopsOf(cluster)), tenants: watchedTenants });
    if (cache) recording = { objects: [], storable: true, sawTenants: false };
    for (const template of selected) {
      if (template.scope !== 'tenant') continue;
      if (template.tool) {
        if (!decommissioned || withdrawByPruning) renderOne(template, ctx, { root: rootOf(true), tenant: tenant.id, platformOwned: true });
      } else {
        renderOne(template, ctx, { root: rootOf(false), tenant: tenant.id, tenantTemplate: true, decommissioned });
      }
    }
    const done = recording;
    recording = undefined;
    if (cache && done?.storable) cache.put(tenant.id, key, { objects: done.objects, ...(done.sawTenants ? { tenantsDigest: tenantsDigest() } : {}) });
  };
  // Tenants in batches: the limit's watchdog costs about 0.15 ms per bounded call.
  for (let i = 0; i < config.tenants.length; i += TENANTS_PER_BATCH) {
    const ok = batch(() => config.tenants.slice(i, i + TENANTS_PER_BATCH).forEach((t, j) => renderTenant(t, i + j)));
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
  return {
    files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    manifests,
    diagnostics,
    owners,
    ...(bootstrapOwned.length ? { bootstrapOwned } : {}),
    ...(cache ? { cache: { ...stats, ...(cache.problem !== undefined ? { problem: cache.problem } : {}) } } : {}),
  };
}

/**
 * What templates see, as JSON text and as the frozen parse of exactly that
 * text: the cache key is a digest of the text, so two runs whose keys match
 * gave their templates equal inputs by construction.
 */
function templateInputs(config: TenantsConfig): { config: TenantsConfig; sharedJson: string; tenantJson: string[] } {
  const { platform, gitops, admission, clusters } = config;
  const sharedJson = JSON.stringify({ platform, gitops, admission, clusters });
  const shared = JSON.parse(sharedJson) as Pick<TenantsConfig, 'platform' | 'gitops' | 'admission' | 'clusters'>;
  // A tenant's place in tenants.yaml (its pointer) locates findings; it is no input to its objects.
  const tenantJson = config.tenants.map((t) => JSON.stringify({ ...t, pointer: '', waivers: t.waivers.map((w) => ({ ...w, pointer: '' })) }));
  const tenants = tenantJson.map((j) => JSON.parse(j) as Tenant);
  const view: TenantsConfig = { file: config.file, tiers: {}, allowKinds: [], locate: config.locate, platform: shared.platform, tenants };
  if (shared.gitops) view.gitops = shared.gitops;
  if (shared.admission) view.admission = shared.admission;
  if (shared.clusters) view.clusters = shared.clusters;
  return { config: deepFreeze(view), sharedJson, tenantJson };
}

/**
 * The object as JSON, or undefined when JSON would not give it back exactly
 * (a number JSON cannot write, an object that is not a plain one): such a
 * tenant is rendered every time rather than replayed with a different object.
 */
function faithfulJson(object: KubeObject): string | undefined {
  let faithful = true;
  let json: string;
  try {
    json = JSON.stringify(object, (key, v: unknown) => {
      if (key === '__proto__') faithful = false;
      else if (typeof v === 'number') faithful &&= Number.isFinite(v) && !Object.is(v, -0);
      else if (typeof v === 'object' && v !== null) faithful &&= Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype;
      else if (typeof v !== 'string' && typeof v !== 'boolean' && v !== null) faithful = false;
      return v;
    });
  } catch {
    return undefined;
  }
  return faithful ? json : undefined;
}

/** The value behind a proxy that calls `seen` on every operation that could reveal anything about it. */
function watch<T extends object>(target: T, seen: () => void): T {
  const handler: ProxyHandler<T> = {};
  for (const trap of Object.getOwnPropertyNames(Reflect) as (keyof ProxyHandler<T>)[]) {
    const forward = (Reflect as unknown as Record<string, (...args: unknown[]) => unknown>)[trap]!;
    (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
      seen();
      return forward(...args);
    };
  }
  return new Proxy(target, handler);
}

/** A manifest whose object is built on first read (a replayed object is parsed from JSON only if a stage needs it). */
function lazyManifest(object: () => KubeObject, file: string, text: string, origin: { template: string; tenant?: string }): Manifest {
  const { locate, docIndex } = makeManifest(undefined as unknown as KubeObject, file, text, 0);
  let o: KubeObject | undefined;
  return {
    get object() {
      return (o ??= object());
    },
    file,
    docIndex,
    locate,
    origin,
  };
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
