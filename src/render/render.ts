import { sortedByKey } from '../collections.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/catalogue.js';
import { locateInText } from '../manifest/locate.js';
import { makeManifest } from '../manifest/parse.js';
import type { KubeObject, Manifest, ObjectHead, Position } from '../manifest/types.js';
import { clusterRoot, emptyKustomization, kustomizations, kustomizationFile, workloadsPath, type EntryPoint } from '../platform/layout.js';
import type { Tenant, TenantsConfig } from '../tenants/types.js';
import { contentDigest, treeDigest } from '../tree/digest.js';
import type { KnownFiles } from '../tree/read.js';
import { sha256, textDigest, CACHE_FORMAT, type CachedObject, type CachedTenant, type RenderCache } from './cache.js';
import { identityTaken, objectsOf, type KeptObject, type PlacedObject, type ShapedSummary, type TenantSummary } from './summaries.js';
import { clusterContext, deepFreeze, gitopsContext } from './context.js';
import { renderer, templateInputs, type RenderEvent, type TemplateInputs, type TenantRender } from './tenant.js';
import type { Template } from './templates.js';
import { bounded, TEMPLATE_TIME_LIMIT_MS, TemplateTimeout } from './bounded.js';

export interface RenderResult {
  /** Every file of the tree, path → canonical text, including kustomization.yaml files. */
  files: Map<string, string>;
  /** The objects to check (none when RenderOptions.manifests is false). */
  manifests: Manifest[];
  /** How many objects the tree holds. */
  objects: number;
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
  /**
   * With a cache: tenant id → a digest of everything its objects were rendered
   * from (the cache key, and the tenant list's digest when a template read it).
   * Equal digests mean equal objects; later stages key their own caches on it.
   */
  keys?: Map<string, string>;
  /** Worker threads that rendered tenants (none when all rendered in this thread). */
  workers?: number;
  /**
   * The contentDigest of an object's file in `files`: an object replayed from
   * the cache brings it, so its file is compared with the committed one without
   * being hashed again. Undefined for a path that holds no object.
   */
  digestOf?(path: string): string | undefined;
  /**
   * With RenderOptions.summaries: files of the tree placed from tenants'
   * summaries and left out of `files` (their texts are not at hand), each
   * with the number of its tenant's summary in `digests`, the treeDigest of
   * that tenant's files. Together with `files` they are the whole tree.
   */
  unread?: KnownFiles & {
    /** For each of the digests: the tenant whose summary it is, and the key of its cache entry. */
    owners: (readonly [tenant: string, key: string])[];
  };
  /**
   * With RenderOptions.summaries: the render found something it can only
   * report with the texts (an object rendered twice); render again without
   * summaries for the whole result.
   */
  needsTexts?: true;
}

export interface RenderOptions {
  timeLimitMs?: number;
  /** Replays tenants whose inputs are unchanged; used only together with templatesDigest. */
  cache?: RenderCache;
  /** loadTemplates' digest of the templates folder's files that are not templates. */
  templatesDigest?: string;
  /** false: only the files are wanted (render writes them; nothing checks the objects), so no manifest is made. */
  manifests?: boolean;
  /**
   * With a cache: a tenant whose summary (RenderCache.summary) is at its key
   * is placed from the summary, its files listed in RenderResult.unread by
   * digest, and its entry is not decoded. For a caller that compares files by
   * digest and needs only the texts that differ. With manifests, only a tenant
   * whose kept objects (RenderCache.keptObjects) are at its key too: its
   * manifests are made from both (SummarisedManifest).
   */
  summaries?: boolean;
  /**
   * false: summaries are placed from, never kept (the base side of a
   * comparison). A tenant keeps one summary, and the next run's head should
   * find its own there, not the base's version of a tenant the change touches.
   */
  keepSummaries?: boolean;
}

/** Tenants per bounded call: the limit's watchdog costs about 0.15 ms per call. */
export const TENANTS_PER_BATCH = 64;

/** A template that did not finish within the limit, and where. */
export interface Timeout {
  message: string;
  template?: string;
  tenant?: string;
}

/** Everything both ways of rendering (in this thread, or with workers) compute before any template runs. */
interface Prepared {
  inputs: TemplateInputs;
  config: TenantsConfig;
  /** The tenants in the order they are rendered: what a render needs of one it does not run templates for (id, namespace, cluster). */
  tenants: readonly Tenant[];
  /** What a tenant's templates see (TemplateView.tenantAt). */
  tenantAt(i: number): Tenant;
  selected: Template[];
  outDir: string;
  cache?: RenderCache;
  keyOf(index: number): string;
  tenantsDigest(): string;
  limit: number;
  manifests: boolean;
  summaries: boolean;
  /** With summaries: tenants not placed from one have theirs kept for the next run. */
  keeps: boolean;
}

function prepare(input: TenantsConfig, templates: readonly Template[], outDir: string, opts: RenderOptions): Prepared {
  // Templates see tenants by id, so reordering tenants.yaml changes nothing in the tree.
  const sorted: TenantsConfig = { ...input, tenants: [...input.tenants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  const inputs = templateInputs(sorted);
  const config = inputs.config;
  const tool = gitopsContext(config, outDir).tool;
  const selected = templates.filter((t) => t.tool === undefined || t.tool === tool);
  const cache = opts.cache && opts.templatesDigest !== undefined ? opts.cache : undefined;
  /** Digest of everything a tenant's templates can read besides the tenant (and the tenant list, checked apart). */
  const shared = cache ? sha256(JSON.stringify([CACHE_FORMAT, cache.toolId, outDir, opts.templatesDigest, selected.filter((t) => t.scope === 'tenant').map((t) => [t.path, t.source]), inputs.sharedJson])) : '';
  let all: string | undefined;
  const keys: string[] = [];
  return {
    inputs,
    config,
    tenants: sorted.tenants,
    tenantAt: inputs.tenantAt,
    selected,
    outDir,
    ...(cache ? { cache } : {}),
    keyOf: (i) => (keys[i] ??= sha256(`${shared}\n${inputs.tenantJson[i]}`)),
    tenantsDigest: () => (all ??= sha256(`[${inputs.tenantJson.join(',')}]`)),
    limit: opts.timeLimitMs ?? TEMPLATE_TIME_LIMIT_MS,
    manifests: opts.manifests !== false,
    summaries: cache?.persistent === true && opts.summaries === true,
    keeps: cache?.persistent === true && opts.summaries === true && opts.keepSummaries !== false,
  };
}

/**
 * Per cache, the tenants a render of this run placed from their summaries with
 * manifests, at the key they were placed with. The base and the head of a
 * comparison share most tenants: the second render places them from the
 * first's summaries and manifests (placedManifests), not reading them again.
 */
const placedSummaries = new WeakMap<RenderCache, Map<string, { key: string; summary: ShapedSummary }>>();
/** The manifests made for a summary placed with manifests: one per object, however often the summary is placed in the run. */
const placedManifests = new WeakMap<ShapedSummary, readonly Manifest[]>();

/** The stored summary of tenant `i` (with manifests wanted, and its kept objects), if summaries are wanted and its inputs are those it was stored with. */
function summaryOf(p: Prepared, tenant: Tenant, i: number): ShapedSummary | undefined {
  if (!p.summaries) return undefined;
  const key = p.keyOf(i);
  if (!p.manifests) return p.cache!.summary(tenant.id, key, p.tenantsDigest);
  let placed = placedSummaries.get(p.cache!);
  if (!placed) placedSummaries.set(p.cache!, (placed = new Map()));
  const before = placed.get(tenant.id);
  if (before && before.key === key && (before.summary.tenantsDigest === undefined || before.summary.tenantsDigest === p.tenantsDigest())) return before.summary;
  const summary = p.cache!.summary(tenant.id, key, p.tenantsDigest);
  const kept = summary && p.cache!.keptObjects(tenant.id, key, summary.shape.length);
  if (!summary || !kept) return undefined;
  const shaped = { ...summary, kept };
  placed.set(tenant.id, { key, summary: shaped });
  return shaped;
}

/** The stored entry of tenant `i`, if its inputs are those it was stored with. */
function lookup(p: Prepared, tenant: Tenant, i: number): CachedTenant | undefined {
  const hit = p.cache?.get(tenant.id, p.keyOf(i));
  return hit && (hit.tenantsDigest === undefined || hit.tenantsDigest === p.tenantsDigest()) ? hit : undefined;
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
export function renderTree(input: TenantsConfig, templates: readonly Template[], outDir = 'rendered', opts: RenderOptions = {}): RenderResult {
  return assemble(prepare(input, templates, outDir, opts));
}

/** What worker threads need to render tenants exactly as this thread would. */
export interface WorkerInputs {
  /** Every file of the templates folder, path relative to it → text. */
  templateFiles: ReadonlyMap<string, string>;
  templatesDir: string;
  workers: number;
  /**
   * Sees each tenant the workers rendered, with the manifests the tree will
   * hold for its objects, as batches arrive: work on them then fills this
   * thread while the workers render. Not called for replayed tenants.
   */
  onTenants?: (rendered: readonly RenderedTenant[]) => void;
}

export interface RenderedTenant {
  tenant: Tenant;
  manifests: Manifest[];
}

/**
 * renderTree with the tenants the cache does not have rendered by worker
 * threads. The tree is assembled in tenant order here, from the same events
 * a render in this thread produces, so the result is the same.
 */
export async function renderTreeInWorkers(input: TenantsConfig, templates: readonly Template[], outDir: string, opts: RenderOptions & WorkerInputs): Promise<RenderResult> {
  const p = prepare(input, templates, outDir, opts);
  const hits = new Map<number, CachedTenant>();
  const summaries = new Map<number, ShapedSummary>();
  const misses: number[] = [];
  p.tenants.forEach((t, i) => {
    const summary = summaryOf(p, t, i);
    if (summary) summaries.set(i, summary);
  });
  p.cache?.prefetch(p.tenants.flatMap((t, i) => (summaries.has(i) ? [] : [[t.id, p.keyOf(i)] as const])));
  p.tenants.forEach((t, i) => {
    if (summaries.has(i)) return;
    const hit = lookup(p, t, i);
    if (hit) hits.set(i, hit);
    else misses.push(i);
  });
  p.cache?.expectPuts(misses.length);
  // A worker costs a start-up and its own template compilation: not worth it for a few tenants.
  if (opts.workers <= 1 || misses.length < 2 * TENANTS_PER_BATCH) return assemble(p, { hits, summaries });
  const { renderInWorkers } = await import('./pool.js');
  const data = { templateFiles: [...opts.templateFiles], templatesDir: opts.templatesDir, sharedJson: p.inputs.sharedJson, tenantJson: p.inputs.tenantJson, outDir, timeLimitMs: p.limit, file: input.file };
  const count = Math.min(opts.workers, Math.ceil(misses.length / TENANTS_PER_BATCH));
  let done: Awaited<ReturnType<typeof renderInWorkers>>;
  try {
    const onBatch =
      opts.onTenants &&
      ((batch: readonly [number, TenantRender][]) => {
        opts.onTenants!(batch.map(([i, r]) => renderedTenant(p.tenantAt(i), r)));
        // A cache on disk stores every object's JSON when the render is done; nothing else needs it now.
        if (!p.cache?.persistent) for (const [, r] of batch) detachJson(r);
      });
    done = await renderInWorkers(data, misses, count, TENANTS_PER_BATCH, onBatch);
  } catch {
    // Threads only add speed: without them (no worker file, no memory for one) this thread renders everything.
    return assemble(p, { hits, summaries });
  }
  return { ...assemble(p, { hits, summaries, rendered: done.rendered, ...(done.timeout ? { timeout: done.timeout } : {}) }), workers: count };
}

interface Resolved {
  hits?: ReadonlyMap<number, CachedTenant>;
  /** Given together with hits: the tenants placed from their summaries. */
  summaries?: ReadonlyMap<number, ShapedSummary>;
  rendered?: ReadonlyMap<number, TenantRender>;
  /** A worker's batch ran out of time; its first tenant is where this thread's render would have stopped. */
  timeout?: Timeout & { at: number };
}

/** Renders the global and cluster templates, then each tenant in order: replayed, taken from a worker, or rendered here. */
function assemble(p: Prepared, resolved: Resolved = {}): RenderResult {
  const { config, selected, outDir, cache } = p;
  // Entries are read together (RenderCache.prefetch); with summaries most tenants need none, and renderTreeInWorkers has read them already.
  if (cache && !resolved.hits && !p.summaries) cache.prefetch(p.tenants.map((t, i) => [t.id, p.keyOf(i)] as const));
  const files = new Map<string, string>();
  const unread = { paths: new Map<string, number>(), digests: [] as string[], owners: [] as (readonly [string, string])[] };
  let needsTexts = false;
  const manifests: Manifest[] = [];
  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const stats = { hits: 0, misses: 0 };
  const keys = new Map<string, string>();
  const r = renderer(config, selected, outDir);
  const base = gitopsContext(config, outDir);
  const failed = (): RenderResult => ({ files: new Map(), manifests: [], objects: 0, diagnostics, owners });

  /** Per output root, object identity → the object placed with it (two maps, so no key joining the two is made per object). */
  const byKey = new Map<string, Map<string, PlacedObject>>();
  /** Path → the object placed there: for a second object at that path, and for digestOf. */
  const byPath = new Map<string, CachedObject>();
  /** The template (and tenant) that rendered a placed object, for the duplicate message. */
  const renderedBy = (o: PlacedObject): string => {
    const tenant = owners.get(o.path);
    return `${o.template}${tenant ? ` for tenant ${tenant}` : ''}`;
  };
  /** Puts one object in the tree, unless another template already rendered it (checked across tenants, so also for replayed ones). */
  const place = (e: Extract<RenderEvent, { object: unknown }>, tenant: string | undefined, root: string): void => {
    const o = e.object;
    const origin = originOf(o, tenant);
    // The same object may exist once per cluster.
    let inRoot = byKey.get(root);
    const prev = byPath.get(o.path) ?? inRoot?.get(o.objectKey);
    if (prev !== undefined && p.summaries) {
      // The message names both objects from their JSON, which a summary does not hold. (Clashes with summarised objects are found by clashes().)
      needsTexts = true;
      return;
    }
    if (prev !== undefined) {
      // A replayed object's manifest, shared with the render it came from (in a cache in memory it has no JSON).
      const v = e.value ?? replayedManifest(o, origin).object;
      const where = tenant ? ` for tenant ${tenant}` : '';
      diagnostics.push(diagnostic('render/duplicate-object', `${v.kind} ${v.metadata?.namespace ?? ''}/${v.metadata?.name ?? ''}${where} is also rendered by ${renderedBy(prev)}`, { file: { path: o.template, line: 1, column: 1 }, origin, hint: 'object names must be unique per kind and namespace; rename one of them' }));
      return;
    }
    if (!inRoot) byKey.set(root, (inRoot = new Map()));
    inRoot.set(o.objectKey, o);
    byPath.set(o.path, o);
    files.set(o.path, o.text);
    if (tenant) owners.set(o.path, tenant);
    // A replayed object is one manifest however often it is placed (the base and the head of a run): parsed once, held once.
    if (p.manifests) manifests.push(manifestOf(e, origin));
  };
  /**
   * Places a tenant's objects from its summary: into `unread`, not `files`.
   * With manifests wanted, its manifests (SummarisedManifest) and `owners`
   * too; without, not into `owners` (only a duplicate's message reads it, and
   * any duplicate sends the render back to the texts). Summaries are saved only
   * by a render without duplicates, of objects that were all placed in it,
   * so summarised objects never clash with each other: only with the
   * others, which clashes() looks for once they are all placed.
   */
  const summarised: [roots: readonly [string, string], summary: ShapedSummary][] = [];
  let summarisedObjects = 0;
  const placeSummarised = (tenant: Tenant, summary: ShapedSummary, i: number): void => {
    const key = p.keyOf(i);
    const n = unread.digests.push(summary.digest) - 1;
    unread.owners.push([tenant.id, key]);
    for (const path of summary.paths) unread.paths.set(path, n);
    summarised.push([[r.rootOf(tenant, false), r.rootOf(tenant, true)], summary]);
    summarisedObjects += summary.paths.length;
    if (!p.manifests) return;
    let made = placedManifests.get(summary);
    if (!made) {
      const stored = storedObjects(p, r, tenant, i, summary);
      made = objectsOf(tenant.id, summary.shape, summary.paths).map((o, k) => new SummarisedManifest(o, originOf(o, tenant.id), summary.kept?.get(k), stored, k));
      placedManifests.set(summary, made);
    }
    for (const m of made) {
      owners.set(m.file, tenant.id);
      manifests.push(m);
    }
  };
  /** Whether a summarised object shares a path or an identity with another object. */
  const clashes = (): boolean => {
    if (unread.paths.size !== summarisedObjects) return true;
    for (const p of files.keys()) if (unread.paths.has(p)) return true;
    const others = new Set<string>();
    for (const inRoot of byKey.values()) for (const k of inRoot.keys()) others.add(k);
    return identityTaken(summarised, others, (root, identity) => byKey.get(root)?.has(identity) === true);
  };
  const apply = (e: RenderEvent, tenant: string | undefined, root: string): void => {
    if ('diagnostic' in e) diagnostics.push(e.diagnostic);
    else place(e, tenant, root);
  };

  /** Runs a batch of template calls under the time limit; a timeout is a template failure naming the template. */
  const timedOut = (t: Timeout): void => {
    diagnostics.push(
      diagnostic('render/template', `template ${t.message}${t.tenant ? ` for tenant ${t.tenant}` : ''}: an endless loop or a runaway computation`, {
        file: { path: t.template ?? 'templates/', line: 1, column: 1 },
        ...(t.template ? { origin: { template: t.template, ...(t.tenant ? { tenant: t.tenant } : {}) } } : {}),
        ...(t.tenant ? { tenant: t.tenant } : {}),
        hint: 'look for a loop whose condition never changes, or recursion without an end, in this template',
      }),
    );
  };
  const batch = (fn: () => void): boolean => {
    const t = runBounded(p.limit, fn, r.running);
    if (t) timedOut(t);
    return t === undefined;
  };

  const globalOk = batch(() => {
    const ctx = deepFreeze(clusterContext(config, base));
    for (const template of selected) {
      if (template.scope === 'global') r.renderOne(template, ctx, { root: outDir }, (e) => apply(e, undefined, outDir), false);
    }
  });
  if (!globalOk) return failed();
  for (const cluster of base.clusters) {
    const ctx = deepFreeze(clusterContext(config, r.gitopsOf(cluster)));
    const gitopsRoot = base.tool === 'argocd' ? outDir : clusterRoot(outDir, cluster.dir);
    const ok = batch(() => {
      for (const template of selected) {
        if (template.scope !== 'cluster') continue;
        const root = template.tool ? gitopsRoot : clusterRoot(outDir, cluster.dir);
        r.renderOne(template, ctx, { root }, (e) => apply(e, undefined, root), false);
      }
    });
    if (!ok) return failed();
  }

  const withdrawByPruning = base.tool === 'argocd';
  const emptyWorkloads: string[] = [];
  const tenantEvents = (tenant: Tenant, rendered: TenantRender) => {
    for (const e of rendered.events) apply(e, tenant.id, 'object' in e ? r.rootOf(tenant, e.object.platformOwned) : '');
  };
  const oneTenant = (tenant: Tenant, i: number): void => {
    if (tenant.decommissioned === true && withdrawByPruning) emptyWorkloads.push(`${workloadsPath(outDir, base.clusterOf(tenant).dir, tenant.namespace)}/${kustomizationFile}`);
    const summary = resolved.hits ? resolved.summaries?.get(i) : summaryOf(p, tenant, i);
    if (summary) {
      stats.hits++;
      keys.set(tenant.id, summary.tenantsDigest === undefined ? p.keyOf(i) : `${p.keyOf(i)}+${summary.tenantsDigest}`);
      placeSummarised(tenant, summary, i);
      return;
    }
    const hit = resolved.hits ? resolved.hits.get(i) : cache ? lookup(p, tenant, i) : undefined;
    if (hit) {
      stats.hits++;
      keys.set(tenant.id, hit.tenantsDigest === undefined ? p.keyOf(i) : `${p.keyOf(i)}+${hit.tenantsDigest}`);
      for (const object of hit.objects) place({ object }, tenant.id, r.rootOf(tenant, object.platformOwned));
      if (p.keeps) keepSummary(p, tenant, i, hit);
      releaseJson(hit.objects);
      return;
    }
    if (cache) stats.misses++;
    // Only a cache on disk needs each object's JSON; one in memory keeps the objects themselves.
    const rendered = resolved.rendered?.get(i) ?? r.renderTenant(p.tenantAt(i), cache?.persistent === true);
    tenantEvents(tenant, rendered);
    if (cache && rendered.storable) {
      keys.set(tenant.id, rendered.sawTenants ? `${p.keyOf(i)}+${p.tenantsDigest()}` : p.keyOf(i));
      const objects = rendered.events.flatMap((e) => ('object' in e ? [e.object] : []));
      const entry = { objects, ...(rendered.sawTenants ? { tenantsDigest: p.tenantsDigest() } : {}) };
      cache.put(tenant.id, p.keyOf(i), entry);
      if (p.keeps) keepSummary(p, tenant, i, entry);
      releaseJson(objects);
    }
  };
  /** Whether tenant `i` is rendered here: the others are placed from a summary, an entry or a worker, which runs no template code. */
  const rendersHere = (i: number): boolean => !(resolved.summaries?.has(i) || resolved.hits?.has(i) || resolved.rendered?.has(i));
  for (let i = 0; i < p.tenants.length; i += TENANTS_PER_BATCH) {
    if (resolved.timeout && resolved.timeout.at < i + TENANTS_PER_BATCH) {
      timedOut(resolved.timeout);
      return failed();
    }
    const end = Math.min(i + TENANTS_PER_BATCH, p.tenants.length);
    const placeBatch = () => {
      for (let k = i; k < end; k++) oneTenant(p.tenants[k]!, k);
    };
    // Only template code needs the time limit, whose watchdog thread each call starts and joins.
    let renders = false;
    for (let k = i; k < end && !renders; k++) renders = rendersHere(k);
    if (resolved.hits && !renders) {
      placeBatch();
      continue;
    }
    const ok = batch(placeBatch);
    // A template that loops for one tenant loops for the others: one report, not one per tenant.
    if (!ok) return failed();
  }
  const entries: EntryPoint[] = base.multiCluster
    ? base.clusters.map((c) => ({ root: clusterRoot(outDir, c.dir), exclude: base.tool === 'flux' ? [base.namespace] : [] }))
    : [{ root: outDir, exclude: [base.namespace] }];
  // Flux: the GitOps folder is the bootstrap path. It has no kustomization.yaml, so Flux generates one
  // holding every manifest in it and the bootstrap's own <namespace>/ folder (Flux then manages itself).
  const fluxFolders = base.tool === 'flux' ? base.clusters.map((c) => `${clusterRoot(outDir, c.dir)}/${base.namespace}`) : [];
  if (needsTexts || (summarised.length > 0 && clashes())) return { ...failed(), diagnostics: [], needsTexts: true };
  if (p.keeps) cache!.saveSummaries();
  const placed = unread.paths.size > 0 ? [...files.keys(), ...unread.paths.keys()] : files.keys();
  for (const [path, text] of kustomizations(placed, entries, fluxFolders)) files.set(path, text);
  for (const path of emptyWorkloads) files.set(path, emptyKustomization);
  const bootstrapOwned = fluxFolders.map((f) => `${f}/${base.namespace}`);
  const tree = sortedByKey(files);
  return {
    files: tree,
    manifests,
    objects: byPath.size + summarisedObjects,
    diagnostics,
    owners,
    ...(bootstrapOwned.length ? { bootstrapOwned } : {}),
    ...(cache ? { cache: { ...stats, ...(cache.problem !== undefined ? { problem: cache.problem } : {}) }, keys } : {}),
    ...(p.summaries ? { unread } : {}),
    digestOf: digestsOf(byPath, tree),
  };
}

/**
 * RenderResult.digestOf, made outside assemble: a closure made there would
 * keep everything assemble's closures share, the worker threads' renders
 * of every tenant among them, for as long as the result lives.
 */
function digestsOf(byPath: ReadonlyMap<string, CachedObject>, tree: ReadonlyMap<string, string>): (path: string) => string | undefined {
  return (path) => {
    const o = byPath.get(path);
    // A kustomization file written over an object's path is the file, not the object.
    return o && tree.get(path) === o.text ? textDigest(o) : undefined;
  };
}

/**
 * The render with the texts of the summarised tenants that own the `stale`
 * paths (RenderResult.unread), taken from their cache entries: a file edited
 * or removed by hand costs its own tenant's entry, not a second render of
 * every tenant. Undefined when an entry is gone or does not give the digest
 * its summary recorded.
 */
export function withStaleTexts(r: RenderResult, cache: RenderCache, stale: readonly string[]): RenderResult | undefined {
  const unread = r.unread;
  if (!unread) return undefined;
  const groups = new Set(stale.flatMap((p) => unread.paths.get(p) ?? []));
  const files = new Map(r.files);
  const owners = new Map(r.owners);
  const paths = new Map(unread.paths);
  for (const g of groups) {
    const [tenant, key] = unread.owners[g]!;
    const entry = cache.get(tenant, key);
    if (!entry || filesDigest(entry.objects) !== unread.digests[g]) return undefined;
    for (const o of entry.objects) {
      files.set(o.path, o.text);
      owners.set(o.path, tenant);
      paths.delete(o.path);
    }
  }
  return { ...r, files: sortedByKey(files), owners, unread: { ...unread, paths } };
}

/** Every path of the tree a render makes: its files, and those placed from summaries. */
export const treePaths = (r: RenderResult): string[] => [...r.files.keys(), ...(r.unread?.paths.keys() ?? [])];

/** Where a path's file is, of two renders. */
export type FileSides = 'both' | 'first' | 'second';

/**
 * The paths whose files differ between two renders (in one only, or with
 * other texts), sorted, and which render has each. Files placed from
 * summaries (RenderResult.unread) are compared by digest: a tenant's files at
 * once where the other render has them with known digests (an unchanged
 * tenant replayed from its entry) or from a summary of the same digest, else
 * one by one through their manifests, which reads the tenant's cache entry.
 * Computed once per pair of renders.
 */
export function differingFiles(first: RenderResult | undefined, second: RenderResult | undefined): ReadonlyMap<string, FileSides> {
  const memo = first && second ? comparedWith.get(first) : undefined;
  const before = second && memo?.get(second);
  if (before) return before;
  const out = compareFiles(first, second);
  if (first && second) {
    if (memo) memo.set(second, out);
    else comparedWith.set(first, new WeakMap([[second, out]]));
  }
  return out;
}

/** differingFiles by pair of renders: the lifecycle checks of one run each ask for the same comparison. */
const comparedWith = new WeakMap<RenderResult, WeakMap<RenderResult, ReadonlyMap<string, FileSides>>>();

function compareFiles(first: RenderResult | undefined, second: RenderResult | undefined): Map<string, FileSides> {
  const settled = new Map<RenderResult, boolean[]>();
  if (first && second) settled.set(first, settledGroups(first, second)).set(second, settledGroups(second, first));
  /** Whether the path is in a summarised tenant's files that the other render holds the same. */
  const equal = (p: string): boolean => [first, second].some((r) => r?.unread?.paths.has(p) === true && settled.get(r)?.[r.unread.paths.get(p)!] === true);
  const has = (r: RenderResult | undefined, p: string): boolean => r !== undefined && (r.files.has(p) || r.unread?.paths.has(p) === true);
  // A settled path is in both with the same text: only the others are compared, and sorted.
  const open = new Set<string>();
  for (const r of [first, second]) {
    if (!r) continue;
    for (const p of r.files.keys()) if (!equal(p)) open.add(p);
    // Settling is symmetric where both placed the files from summaries, and a summarised file settled from the other's texts is this render's group's.
    const flags = settled.get(r);
    for (const [p, g] of r.unread?.paths ?? []) if (flags?.[g] !== true) open.add(p);
  }
  const byFile = new Map<RenderResult, Map<string, Manifest>>();
  /** The contentDigest of a render's file: known, computed from its text, or its object's (a file placed from a summary holds one object). */
  const digest = (r: RenderResult, p: string): string | undefined => {
    const text = r.files.get(p);
    if (text !== undefined) return r.digestOf?.(p) ?? contentDigest(text);
    let manifests = byFile.get(r);
    if (!manifests) {
      manifests = new Map();
      for (const m of r.manifests) if (open.has(m.file)) manifests.set(m.file, m);
      byFile.set(r, manifests);
    }
    return manifests.get(p)?.digest?.();
  };
  const same = (a: RenderResult, b: RenderResult, p: string): boolean => {
    const [ta, tb] = [a.files.get(p), b.files.get(p)];
    return ta !== undefined && tb !== undefined ? ta === tb : digest(a, p) === digest(b, p);
  };
  const out = new Map<string, FileSides>();
  for (const p of [...open].sort()) {
    const [inFirst, inSecond] = [has(first, p), has(second, p)];
    if (!inFirst || !inSecond) out.set(p, inFirst ? 'first' : 'second');
    else if (!same(first!, second!, p)) out.set(p, 'both');
  }
  return out;
}

/** Per summarised tenant of `r` (by its number in unread.digests): whether `other` holds its files with known digests, or placed from a summary, that give its summary's digest, without reading any entry. */
function settledGroups(r: RenderResult | undefined, other: RenderResult | undefined): boolean[] {
  const unread = r?.unread;
  if (!unread || !other) return [];
  const groups: string[][] = unread.digests.map(() => []);
  for (const [p, g] of unread.paths) groups[g]!.push(p);
  return groups.map((paths, g) => {
    // The other render placed these files from a summary of the same digest: the same paths with the same texts.
    const theirs = paths.length > 0 ? other.unread?.paths.get(paths[0]!) : undefined;
    if (theirs !== undefined) return other.unread!.digests[theirs] === unread.digests[g];
    const known: [string, string][] = [];
    for (const p of paths) {
      const d = other.files.has(p) ? other.digestOf?.(p) : undefined;
      if (d === undefined) return false;
      known.push([p, d]);
    }
    return treeDigest(known) === unread.digests[g];
  });
}

/** The treeDigest of a tenant's objects' files: what its summary records, and what withStaleTexts and storedObjects check an entry against. */
const filesDigest = (objects: readonly CachedObject[]): string => treeDigest(objects.map((o) => [o.path, textDigest(o)]));

/** Keeps tenant `i`'s summary and, where manifests are made, its kept objects: what a later run places it from. */
function keepSummary(p: Prepared, tenant: Tenant, i: number, entry: CachedTenant): void {
  p.cache!.keepSummary(tenant.id, p.keyOf(i), summarise(entry));
  if (p.manifests) p.cache!.keepObjects(tenant.id, p.keyOf(i), entry.objects, tenant.namespace);
}

/**
 * A summarised tenant's objects as a stage that reads beyond its kept objects
 * needs them: from its cache entry, read when first asked for, or, with the
 * entry gone, rendered again. Either must give the files its summary records.
 */
function storedObjects(p: Prepared, r: ReturnType<typeof renderer>, tenant: Tenant, i: number, summary: ShapedSummary): () => readonly CachedObject[] {
  let objects: readonly CachedObject[] | undefined;
  return () => {
    if (objects) return objects;
    const entry = p.cache!.get(tenant.id, p.keyOf(i));
    if (entry && filesDigest(entry.objects) === summary.digest) return (objects = entry.objects);
    const found = r.renderTenant(p.tenantAt(i), true).events.flatMap((e) => ('object' in e ? [e.object] : []));
    if (filesDigest(found) !== summary.digest) throw new Error(`tenant ${tenant.id}: its render cache entry is gone and rendering it again gave other files than its summary records; run again with --no-cache`);
    return (objects = found);
  };
}

/** A tenant's entry as its summary: the texts replaced by their digests. */
function summarise(entry: CachedTenant): TenantSummary {
  return {
    objects: entry.objects.map((o) => ({ template: o.template, path: o.path, objectKey: o.objectKey, platformOwned: o.platformOwned, ...(o.head ? { head: o.head } : {}) })),
    digest: filesDigest(entry.objects),
    ...(entry.tenantsDigest !== undefined ? { tenantsDigest: entry.tenantsDigest } : {}),
  };
}

/** Runs template calls under the time limit; a timeout is returned with the template that was running. */
export function runBounded(limit: number, fn: () => void, running: () => { template: Template; tenant?: string } | undefined): Timeout | undefined {
  try {
    bounded(limit, fn);
    return undefined;
  } catch (e) {
    if (!(e instanceof TemplateTimeout)) throw e;
    const at = running();
    return { message: e.message, ...(at ? { template: at.template.path } : {}), ...(at?.tenant ? { tenant: at.tenant } : {}) };
  }
}

const originOf = (o: PlacedObject, tenant: string | undefined) => (tenant && !o.platformOwned ? { template: o.template, tenant } : { template: o.template });

/**
 * The manifest of a rendered object: its parse when it crossed no thread, else
 * the shared one of its JSON (replayedManifest). Either is what a later replay
 * of the same object in this run shares.
 */
const manifestOf = (e: Extract<RenderEvent, { object: unknown }>, origin: { template: string; tenant?: string }): Manifest => {
  if (!e.value) return replayedManifest(e.object, origin);
  const m: Manifest = { ...makeManifest(e.value, e.object.path, e.object.text, 0, origin), digest: () => textDigest(e.object) };
  e.object.manifest = m;
  return m;
};

/** A worker-rendered tenant's manifests, the same ones (for objects that crossed as JSON, the same objects) the tree will hold. */
function renderedTenant(tenant: Tenant, r: TenantRender): RenderedTenant {
  const manifests: Manifest[] = [];
  for (const e of r.events) {
    if (!('object' in e)) continue;
    manifests.push(manifestOf(e, originOf(e.object, tenant.id)));
  }
  return { tenant, manifests };
}

/**
 * Drops a worker-rendered tenant's JSON texts, once the stages that run as
 * tenants arrive have parsed what they read. Each is a slice of its batch's
 * JSON (Packed), and one slice keeps the whole batch: an object nobody parsed
 * yet (a tenant's AppProject, outside its namespace) kept about 800 KB per 64
 * tenants to the end of the check. Its JSON is copied out of the batch instead.
 */
function detachJson(r: TenantRender): void {
  const objects: CachedObject[] = [];
  for (const e of r.events) {
    if (!('object' in e)) continue;
    const m = e.object.manifest;
    if (m instanceof ReplayedManifest) m.detachJson();
    objects.push(e.object);
  }
  releaseJson(objects);
}

/**
 * Drops an object's JSON from its cache entry once its manifest holds it and
 * nothing will store the entry again: the run's cache keeps its entries (for
 * the base side), and would otherwise keep every object's JSON after it was
 * parsed. A later replay of the object shares the manifest, which needs no entry.
 */
function releaseJson(objects: readonly CachedObject[]): void {
  for (const o of objects) if (o.manifest) o.json = '';
}

/**
 * The manifest of a replayed object. Its file, text and origin are the entry's
 * own (a tenant's objects always go to the same place), so every placing of
 * one entry's object can share it. Stages only read manifests.
 */
function replayedManifest(o: CachedObject, origin: { template: string; tenant?: string }): Manifest {
  return (o.manifest ??= new ReplayedManifest(o, origin));
}

/**
 * The manifest of an object placed from its tenant's summary: its file,
 * origin and head from the summary, its object and digest from the kept
 * objects (KeptObject) where it is one of them, and anything else from the
 * manifest of the tenant's stored object (storedObjects), made only if a
 * stage asks, and shared with any other placing of that object in the run.
 */
class SummarisedManifest implements Manifest {
  readonly file: string;
  readonly docIndex = 0;
  readonly origin: { template: string; tenant?: string };
  readonly head: ObjectHead | undefined;
  private readonly kept: KeptObject | undefined;
  /** The tenant's stored objects (storedObjects), shared by its manifests, and this one's place among them: one closure per tenant, not one per object. */
  private readonly stored: () => readonly CachedObject[];
  private readonly index: number;

  constructor(o: PlacedObject, origin: { template: string; tenant?: string }, kept: KeptObject | undefined, stored: () => readonly CachedObject[], index: number) {
    this.file = o.path;
    this.origin = origin;
    this.head = o.head;
    this.kept = kept;
    this.stored = stored;
    this.index = index;
  }

  private get replayed(): Manifest {
    return replayedManifest(this.stored()[this.index]!, this.origin);
  }

  get jsonLength(): number | undefined {
    return this.kept?.jsonLength;
  }

  get object(): KubeObject {
    return this.kept?.object ?? this.replayed.object;
  }

  locate(pointer: string): Position {
    return this.replayed.locate(pointer);
  }

  digest(): string {
    return this.kept?.digest ?? this.replayed.digest!();
  }
}

/**
 * A manifest whose object is parsed from its JSON on first read (only if a
 * stage needs it). One object each, with no closures: a large tree holds
 * hundreds of thousands of them.
 */
class ReplayedManifest implements Manifest {
  readonly file: string;
  readonly docIndex = 0;
  readonly origin: { template: string; tenant?: string };
  readonly jsonLength: number | undefined;
  readonly head: ObjectHead | undefined;
  private readonly text: string;
  /** contentDigest of `text`, once known (stored with the entry, or computed when first asked). */
  private knownDigest: string | undefined;
  /** Dropped once parsed, so nothing here holds on to the JSON text (releaseJson lets the entry drop it too). */
  private json: string | undefined;
  private parsed: KubeObject | undefined;

  constructor(o: CachedObject, origin: { template: string; tenant?: string }) {
    this.file = o.path;
    this.text = o.text;
    this.knownDigest = o.digest;
    this.origin = origin;
    this.json = o.json;
    // The stored JSON is JSON.stringify of the object (faithfulJson): its length is the serialised length.
    this.jsonLength = o.json === '' ? undefined : o.json.length;
    this.head = o.head;
  }

  get object(): KubeObject {
    if (this.parsed === undefined) {
      this.parsed = JSON.parse(this.json!) as KubeObject;
      this.json = undefined;
    }
    return this.parsed;
  }

  /** Keeps a JSON text not parsed yet as a string of its own, not as a slice of a larger one (see detachJson). */
  detachJson(): void {
    // Concatenating makes a new string; slicing it copies the characters out of the old one.
    if (this.json !== undefined) this.json = ` ${this.json}`.slice(1);
  }

  locate(pointer: string): Position {
    return locateInText(this.text, 0, pointer);
  }

  digest(): string {
    return (this.knownDigest ??= contentDigest(this.text));
  }
}
