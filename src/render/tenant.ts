import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/catalogue.js';
import { toCanonicalYaml } from '../manifest/canonical.js';
import { parseManifests } from '../manifest/parse.js';
import { headOfObject, objectKey, type KubeObject } from '../manifest/types.js';
import { clusterRoot, isTenantWorkload, pathFor, unsafePath } from '../platform/layout.js';
import type { Cluster, Tenant, TenantsConfig } from '../tenants/types.js';
import type { CachedObject } from './cache.js';
import { deepFreeze, freezeParsed, gitopsContext, lazyList, tenantContext, watch, type GitOpsContext, type TemplateContext } from './context.js';
import { OutputMemo } from './output-memo.js';
import { templateErrorLine, templateErrorMessage, type Template } from './templates.js';

/**
 * One template call's outcome, in the order the calls ran: a failure, or an
 * object with its canonical text. The tree is assembled from these in tenant
 * order whether they were rendered here, in a worker thread or replayed from
 * the cache, so the three give the same tree and the same diagnostics.
 */
export type RenderEvent = { diagnostic: Diagnostic } | { object: CachedObject; value?: KubeObject };

export interface TenantRender {
  events: RenderEvent[];
  /** Every object has a faithful JSON form and no template failed: the render can be stored. */
  storable: boolean;
  /** A template read the tenant list. */
  sawTenants: boolean;
}

/** What templates see: JSON text (hashed for the cache key) and the frozen parse of exactly that text. */
export interface TemplateInputs extends TemplateView {
  sharedJson: string;
  tenantJson: string[];
}

/** The frozen configuration templates see; its tenant list is made when something reads it. */
export interface TemplateView {
  config: TenantsConfig;
  /** Tenant `i` of the list, parsed on first use: a tenant whose templates do not run here is never parsed. */
  tenantAt(i: number): Tenant;
}

/**
 * What templates see, as JSON text and as the frozen parse of exactly that
 * text: the cache key is a digest of the text, so two runs whose keys match
 * gave their templates equal inputs by construction. `config.tenants` must be
 * sorted by id.
 */
export function templateInputs(config: TenantsConfig): TemplateInputs {
  const { platform, gitops, admission, clusters } = config;
  const sharedJson = JSON.stringify({ platform, gitops, admission, clusters });
  // A tenant's place in tenants.yaml (its pointer) locates findings; it is no input to its objects.
  const tenantJson = config.tenants.map((t) => JSON.stringify({ ...t, pointer: '', waivers: t.waivers.map((w) => ({ ...w, pointer: '' })) }));
  return { ...viewOf(config, sharedJson, tenantJson), sharedJson, tenantJson };
}

/** The frozen configuration templates see, from the JSON texts (a worker thread builds the same view from them). */
export function viewOf(config: Pick<TenantsConfig, 'file' | 'locate'>, sharedJson: string, tenantJson: readonly string[]): TemplateView {
  const shared = JSON.parse(sharedJson) as Pick<TenantsConfig, 'platform' | 'gitops' | 'admission' | 'clusters'>;
  const parsed: Tenant[] = [];
  // One object per tenant, whether reached through tenantAt or the list.
  const tenantAt = (i: number): Tenant => (parsed[i] ??= freezeParsed(JSON.parse(tenantJson[i]!) as Tenant));
  const tenants = lazyList(() => tenantJson.map((_, i) => tenantAt(i))) as Tenant[];
  const view: TenantsConfig = { file: config.file, tiers: {}, allowKinds: [], locate: config.locate, platform: shared.platform, tenants };
  if (shared.gitops) view.gitops = shared.gitops;
  if (shared.admission) view.admission = shared.admission;
  if (shared.clusters) view.clusters = shared.clusters;
  return { config: deepFreeze(view), tenantAt };
}

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

export interface Renderer {
  /** Runs one template and reports what it produced. */
  renderOne(template: Template, ctx: TemplateContext, at: Placement, emit: (e: RenderEvent) => void, json: boolean): void;
  /** Runs a tenant's templates. With `json`, objects carry their JSON (for the cache or another thread). */
  renderTenant(tenant: Tenant, json: boolean): TenantRender;
  /** The template running now, so a batch that times out names it. */
  running(): { template: Template; tenant?: string } | undefined;
  gitopsOf(cluster: Cluster): GitOpsContext;
  /** Where a tenant's objects go: its cluster's folder, or the GitOps folder for delivery objects. */
  rootOf(tenant: Tenant, platformOwned: boolean): string;
}

/**
 * The template calls of a render, shared by the main thread and worker threads.
 * `memo: false` parses every template text on its own (OutputMemo): the reference the memo is tested against.
 */
export function renderer(config: TenantsConfig, selected: readonly Template[], outDir: string, opts: { memo?: boolean } = {}): Renderer {
  const base = gitopsContext(config, outDir);
  // Argo CD runs once and reaches every cluster; Flux runs in (or for) each cluster.
  const gitopsRoot = (clusterDir: string) => (base.tool === 'argocd' ? outDir : clusterRoot(outDir, clusterDir));
  const withdrawByPruning = base.tool === 'argocd';
  let running: { template: Template; tenant?: string } | undefined;
  let current: TenantRender | undefined;
  // Any look at the tenant list (its length, an element, a copy) makes a tenant's files depend on every tenant.
  const watchedTenants = watch(config.tenants, () => {
    if (current) current.sawTenants = true;
  });
  const perCluster = new Map<string, GitOpsContext>();
  const memo = opts.memo === false ? undefined : new OutputMemo(faithfulJson);
  const gitopsOf = (cluster: Cluster): GitOpsContext => {
    let g = perCluster.get(cluster.name);
    if (!g) perCluster.set(cluster.name, (g = deepFreeze(gitopsContext(config, outDir, cluster))));
    return g;
  };

  const renderOne = (template: Template, ctx: TemplateContext, at: Placement, emit: (e: RenderEvent) => void, json: boolean): void => {
    const tenant = at.tenant;
    running = { template, ...(tenant ? { tenant } : {}) };
    const origin = tenant && !at.platformOwned ? { template: template.path, tenant } : { template: template.path };
    const where = tenant ? ` for tenant ${tenant}` : '';
    const refuse = (d: Diagnostic) => emit({ diagnostic: d });
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
    // Reads only the object's placementHead (output-memo.ts): the memo gives just that, and the texts and value when asked.
    const place = (o: KubeObject, canonical: () => string, faithful: () => string | undefined, value: KubeObject | undefined): void => {
      const workload = at.tenantTemplate === true && isTenantWorkload(o);
      if (workload && at.decommissioned) return;
      const path = pathFor(o, at.root, { workload });
      const unsafe = segmentProblem(o) ?? unsafePath(path, outDir);
      if (unsafe) {
        refuse({
          ...diagnostic('render/unsafe-path', `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}${where} would be written to ${unsafe}`),
          file: { path: template.path, line: 1, column: 1 },
          origin,
        });
        return;
      }
      const head = headOfObject(o);
      const object: CachedObject = { template: template.path, path, objectKey: objectKey(o), platformOwned: at.platformOwned === true, text: canonical(), json: '', ...(head ? { head } : {}) };
      if (json) {
        const j = faithful();
        // Without a faithful JSON form the object travels as itself and is not stored.
        if (j === undefined) {
          if (current) current.storable = false;
        } else object.json = j;
      }
      emit(value ? { object, value } : { object });
    };
    const memoised = tenant ? memo?.objects(template.path, text, tenant) : undefined;
    if (memoised) {
      for (const m of memoised) place(m.head, m.text, m.json, json ? undefined : m.value());
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
    for (const m of parsed.manifests) place(m.object, () => toCanonicalYaml(m.object), () => faithfulJson(m.object), m.object);
  };

  const rootOf = (tenant: Tenant, platformOwned: boolean): string => {
    const cluster = base.clusterOf(tenant);
    return platformOwned ? gitopsRoot(cluster.dir) : clusterRoot(outDir, cluster.dir);
  };

  const renderTenant = (tenant: Tenant, json: boolean): TenantRender => {
    const cluster = base.clusterOf(tenant);
    const decommissioned = tenant.decommissioned === true;
    // The tenant list is frozen already; freezing it again through the watching proxy would visit every
    // tenant for each tenant rendered (quadratic) and count as a look at the list.
    const ctx = Object.freeze({ ...deepFreeze(tenantContext(config, tenant, gitopsOf(cluster))), tenants: watchedTenants });
    const out: TenantRender = { events: [], storable: true, sawTenants: false };
    current = out;
    const emit = (e: RenderEvent) => {
      if ('diagnostic' in e) out.storable = false;
      out.events.push(e);
    };
    try {
      for (const template of selected) {
        if (template.scope !== 'tenant') continue;
        if (template.tool) {
          if (!decommissioned || withdrawByPruning) renderOne(template, ctx, { root: rootOf(tenant, true), tenant: tenant.id, platformOwned: true }, emit, json);
        } else {
          renderOne(template, ctx, { root: rootOf(tenant, false), tenant: tenant.id, tenantTemplate: true, decommissioned }, emit, json);
        }
      }
    } finally {
      current = undefined;
    }
    return out;
  };

  return { renderOne, renderTenant, running: () => running, gitopsOf, rootOf };
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
/**
 * The object as JSON, or undefined when JSON would not give it back exactly
 * (a number JSON cannot write, an object that is not a plain one): such a
 * tenant is rendered every time rather than replayed with a different object.
 * JSON.stringify runs without a replacer (a call per value cost as much as the
 * stringify itself) and a walk checks the values afterwards; a cycle or a
 * BigInt makes the stringify throw first, so the walk always ends.
 */
export function faithfulJson(object: KubeObject): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(object);
  } catch {
    return undefined;
  }
  return json !== undefined && faithful(object) ? json : undefined;
}

function faithful(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || !faithful(v[i])) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const k of Object.keys(v)) if (k === '__proto__' || !faithful((v as Record<string, unknown>)[k])) return false;
      return true;
    }
    default:
      return false;
  }
}
