import { lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { byCodeUnits, pushTo, sortedUnion } from './collections.js';
import { diagnostic } from './diagnostics/catalogue.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Section } from './diagnostics/result.js';
import type { EncodingProblem } from './manifest/encoding.js';
import { parseManifests } from './manifest/parse.js';
import { headOf, namespaceOfManifest, objectRef, type Manifest } from './manifest/types.js';
import { OUT_DIR, TEMPLATES_DIR, TENANTS_FILE } from './platform/index.js';
import { isUnder, kustomizationFile } from './platform/layout.js';
import { RenderCache } from './render/cache.js';
import { differingFiles, renderTree, renderTreeInWorkers, treePaths, withStaleTexts, type RenderResult, type WorkerInputs } from './render/render.js';
import { loadTemplates } from './render/templates.js';
import { apiStatus, parseMinorVersion, SCHEMA_VERSION, type MinorVersion } from './schema/api-lifecycle.js';
import type { SchemaSource } from './analysis/admission/index.js';
import type { TenantQuota } from './analysis/isolation/quota.js';
import type { SchemaRegistry, SchemaRegistryOptions } from './schema/validate.js';
import { loadTenantsFile, loadTenantsText } from './tenants/index.js';
import type { BaseSide } from './lifecycle/index.js';
import { inShard, PLATFORM_SHARD, type Shard } from './tenants/shard.js';
import type { Tenant, TenantsConfig } from './tenants/types.js';
import { compareTrees } from './tree/compare.js';
import { admissionReplay, earlyLocal, flowsReplay, networkReplay, planLocal, rbacReplay, quotaReplay, ruleUnits, storeLocal, type EarlyLocal, type LocalPlan, type SchemaCheck, type StageFindings } from './local-findings.js';
import { listFiles, listTree } from './tree/list.js';
import { partIndexFile, READER_THREADS, readTreeInBackground, TREE_PARTS, type BackgroundRead, type TreeDigests } from './tree/background.js';
import { compareWithTree, readTreeAgainst, settleStale, type TreeAgainst, type TreeDiff } from './tree/read.js';
import { LOCK_FILE, LockedError, withRepoLock } from './tree/lock.js';
import { indexHolds, statIndexFile } from './tree/stat-index.js';
import { recoverTree, writeTreeAtomically } from './tree/write.js';

/**
 * The one pipeline: load → render → drift → schema → rules → proofs →
 * lifecycle. Every command runs it with the stages it needs (check: all;
 * verify: schema, rules and proofs over given manifests; plan and the base
 * ref: load and render), so each stage is assembled here and nowhere else.
 * The stages after render load their modules only when they run, which keeps
 * a cold `render` or `--help` fast.
 */

export type Stage = 'drift' | 'schema' | 'rules' | 'proofs' | 'lifecycle';

export const ALL_STAGES: readonly Stage[] = ['drift', 'schema', 'rules', 'proofs', 'lifecycle'];

export interface RepoPaths {
  /** Repository root; every path in findings is relative to it. */
  root: string;
  /** Relative to root. */
  tenantsFile?: string;
  templatesDir?: string;
  outDir?: string;
}

/** The per-tenant render cache (render/cache.ts) to replay unchanged tenants from (none when absent), and the threads that render the others. */
export interface Caching {
  cache?: RenderCache;
  /** Worker threads for tenants the cache does not have (default 1: this thread). */
  workers?: number;
}

export interface PipelineOptions extends RepoPaths, Caching {
  stages?: readonly Stage[];
  /** Called as each phase starts (progress for long runs). */
  onPhase?: (phase: string) => void;
  /**
   * Objects to check instead of a tenants repository (`verify`): load, render
   * and drift are skipped, and rules that need tenants.yaml find no tenants.
   */
  manifests?: readonly Manifest[];
  /** With `manifests`: how many files they came from. */
  files?: number;
  /** With `manifests`: the tenants they belong to, when known (rules and proofs then run as for a repository). */
  config?: TenantsConfig;
  /** tenants.yaml as text instead of the file on disk (the base ref's, read from git). */
  tenantsText?: string;
  /** The templates instead of the folder on disk (the base ref's, read from git): path relative to the folder → source. */
  templatesText?: ReadonlyMap<string, string>;
  schema?: {
    schemaLocation?: readonly string[];
    crdFiles?: readonly string[];
    /** Objects with no schema anywhere are skipped instead of reported (kubeconform's -ignore-missing-schemas). */
    ignoreMissingSchemas?: boolean;
    /** Report API versions the target release no longer serves or deprecates (default: the bundled schemas' release). */
    kubernetesVersion?: MinorVersion;
  };
  /** Lifecycle: the git ref to compare with (default: the upstream merge base). */
  base?: string;
  allowRemoval?: readonly string[];
  /** Lifecycle: the base already rendered (plan renders it for its own comparison), used instead of rendering it again. */
  baseSide?: BaseSide;
  /** Lifecycle in a git work tree with no base to compare with: warn (default), fail (CI), or accept. */
  noBase?: 'warn' | 'error' | 'ignore';
  /**
   * Check only this shard's part (`check --shard I/N`): the findings that belong
   * to its tenants, and for shard 1 also those that belong to no tenant. The
   * cross-tenant proofs still see every tenant, so the shards' findings
   * together are the full run's, each reported by exactly one shard.
   */
  shard?: Shard;
  /**
   * 'read': place unchanged tenants from their summaries even without the
   * drift stage, and keep none (the base side of check --base, see
   * RenderOptions.keepSummaries): their objects are read only where a stage asks.
   */
  summaries?: 'read';
}

export interface Timing {
  phase: string;
  /** Milliseconds since process start. */
  start: number;
  end: number;
}

export interface PipelineResult {
  config?: TenantsConfig;
  render?: RenderResult;
  /** What would be synced: committed files where they exist, the fresh render where they do not. */
  manifests: Manifest[];
  /** Files in the committed tree (or given to verify). */
  files: number;
  diagnostics: Diagnostic[];
  sections: Section[];
  timings: Timing[];
  /** With a shard: what it checked (tenants, and objects that belong to them or, for shard 1, to no tenant). */
  checked?: { tenants: number; objects: number };
  /** Lifecycle: what the GitOps controller would delete when the head syncs over the base (the delivery findings, also in `diagnostics`). */
  deletions?: Diagnostic[];
  /** The lifecycle stage's render of the base ref, when it used the cache. */
  baseCache?: RenderResult['cache'];
  /** With a cache: tenants whose schema and local-rule findings were replayed, and those checked afresh (local-findings.ts). */
  findingsCache?: { hits: number; misses: number };
  /** Tenants whose schema and local-rule findings were found while the render workers ran (local-findings.ts). */
  findingsEarly?: number;
}

const defaults = { tenantsFile: TENANTS_FILE, templatesDir: TEMPLATES_DIR, outDir: OUT_DIR };

function paths(o: RepoPaths): Required<RepoPaths> {
  return { ...defaults, ...o };
}

const failed = (ds: readonly Diagnostic[]) => ds.some((d) => d.kind === 'failure');

/**
 * Objects whose API version the target release removed or deprecates. They are
 * not schema-validated: the bundled schemas are the newest release's, which no
 * longer carry those versions, and "no schema" would only repeat the finding.
 */
function apiVersionFindings(manifests: readonly Manifest[], target: MinorVersion): { diagnostics: Diagnostic[]; unserved: Set<Manifest> } {
  const diagnostics: Diagnostic[] = [];
  const unserved = new Set<Manifest>();
  const release = `${target.major}.${target.minor}`;
  for (const m of manifests) {
    const { apiVersion, kind } = headOf(m);
    const s = apiStatus(apiVersion, kind, target);
    if (s.status === 'served') continue;
    unserved.add(m);
    const r = s.removal;
    const instead = r.replacement ? `use ${r.replacement}` : (r.note ?? 'no replacement API');
    const message =
      s.status === 'removed'
        ? `${apiVersion} ${kind} is not served by Kubernetes ${release}: removed in ${r.removedIn}${r.deprecatedIn ? ` (deprecated since ${r.deprecatedIn})` : ''}; ${instead}`
        : `${apiVersion} ${kind} is deprecated in Kubernetes ${release} (since ${r.deprecatedIn}) and removed in ${r.removedIn}; ${instead}`;
    diagnostics.push(
      diagnostic(s.status === 'removed' ? 'api/removed' : 'api/deprecated', message, {
        object: objectRef(m.object),
        file: { path: m.file, ...m.locate('/apiVersion') },
        field: { pointer: '/apiVersion', actual: apiVersion, ...(r.replacement ? { expected: r.replacement } : {}) },
        ...(m.origin ? { origin: m.origin } : {}),
        ...(r.note ? { hint: r.note } : r.replacement ? { hint: `change apiVersion to ${r.replacement} (see https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v${r.removedIn.replace('.', '-')})` } : {}),
      }),
    );
  }
  return { diagnostics, unserved };
}

function registryOptionsOf(config: TenantsConfig | undefined, schema: PipelineOptions['schema']): SchemaRegistryOptions {
  const o: SchemaRegistryOptions = { allowKinds: config?.allowKinds ?? [] };
  if (schema?.schemaLocation?.length) o.schemaLocation = schema.schemaLocation;
  if (schema?.crdFiles?.length) o.crdFiles = schema.crdFiles;
  return o;
}

/**
 * Validators compile on first use of a kind; a process that runs the pipeline
 * more than once (the base and the head, a test suite) reuses them.
 */
const registries = new Map<string, SchemaRegistry>();

function registryFor(o: SchemaRegistryOptions, load: (o: SchemaRegistryOptions) => SchemaRegistry): SchemaRegistry {
  // Files given on the command line may change between runs; only the bundled schemas are shared.
  if (o.crdFiles || o.schemaLocation) return load(o);
  const key = JSON.stringify(o);
  let r = registries.get(key);
  if (!r) {
    r = load(o);
    registries.set(key, r);
  }
  return r;
}

/** A schema location or CRD that cannot be loaded is an input failure, not a crash. */
async function schemaLoadFailure(e: unknown): Promise<Diagnostic | undefined> {
  const { CrdError, SchemaLoadError } = await import('./schema/validate.js');
  if (!(e instanceof SchemaLoadError || e instanceof CrdError)) return undefined;
  return diagnostic('schema/load', e.message);
}

export interface Rendered {
  config?: TenantsConfig;
  render?: RenderResult;
  diagnostics: Diagnostic[];
}

type Loaded = { config?: TenantsConfig; diagnostics: Diagnostic[] };
type LoadedTemplates = Awaited<ReturnType<typeof loadTemplates>>;

/** What to do with each tenant a worker thread rendered, once tenants.yaml is loaded (earlyLocal). */
type OnRendered = (config: TenantsConfig) => WorkerInputs['onTenants'];

/** The tenant-local stages run while the render workers render, and what they found. */
interface EarlyCheck {
  onRendered: OnRendered;
  found(): ReadonlyMap<string, StageFindings>;
  quotas(): ReadonlyMap<string, TenantQuota>;
}

/** Renders only when both inputs loaded cleanly; otherwise returns why not. */
async function renderLoaded(loaded: Loaded, tpl: LoadedTemplates, o: Required<RepoPaths>, c: Caching & { onRendered?: OnRendered; manifests?: false; summaries?: true; keepSummaries?: false }): Promise<Rendered> {
  const diagnostics = [...loaded.diagnostics, ...tpl.diagnostics];
  if (!loaded.config || tpl.diagnostics.length > 0) return { diagnostics, ...(loaded.config ? { config: loaded.config } : {}) };
  const caching = { ...(c.cache ? { cache: c.cache, templatesDigest: tpl.digest } : {}), ...(c.manifests === false ? { manifests: false } : {}), ...(c.summaries ? { summaries: true } : {}), ...(c.keepSummaries === false ? { keepSummaries: false } : {}) };
  const onTenants = c.onRendered?.(loaded.config);
  const render =
    (c.workers ?? 1) > 1
      ? await renderTreeInWorkers(loaded.config, tpl.templates, o.outDir, { ...caching, workers: c.workers!, templateFiles: tpl.files, templatesDir: o.templatesDir, ...(onTenants ? { onTenants } : {}) })
      : renderTree(loaded.config, tpl.templates, o.outDir, caching);
  return { config: loaded.config, render, diagnostics: [...diagnostics, ...render.diagnostics] };
}

/** load → render, in memory, from tenants.yaml on disk or from its given text. Diagnostics here are input or template failures. */
export async function renderInMemory(opts: RepoPaths & Caching & { tenantsText?: string; templatesText?: ReadonlyMap<string, string>; onRendered?: OnRendered; manifests?: false; summaries?: true; keepSummaries?: false }): Promise<Rendered> {
  const o = paths(opts);
  const [loaded, tpl] = await Promise.all([
    opts.tenantsText === undefined ? loadTenantsFile(path.join(o.root, o.tenantsFile), o.tenantsFile) : loadTenantsText(opts.tenantsText, o.tenantsFile),
    loadTemplates(o.root, o.templatesDir, opts.templatesText),
  ]);
  return renderLoaded(loaded, tpl, o, opts);
}

export interface TreeChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** What render did: whether it wrote, what changed, and how long each phase took (render --timings). */
export type RenderedToDisk = Rendered & { written: boolean; changes?: TreeChanges; timings: Timing[] };

/**
 * Renders and, only if everything rendered cleanly and something differs,
 * swaps the new tree in. An unchanged tree is left alone (timestamps included).
 */
export async function renderToDisk(opts: RepoPaths & Caching & { holdsLock?: boolean }): Promise<RenderedToDisk> {
  const { root } = paths(opts);
  if (opts.holdsLock) return renderToDiskLocked(opts);
  try {
    return await withRepoLock(root, () => renderToDiskLocked(opts));
  } catch (e) {
    // The lock file itself may be what cannot be written (a read-only repository).
    const d = filesystemFailure(e, root);
    if (d) return { diagnostics: [d], written: false, timings: [] };
    if (!(e instanceof LockedError)) throw e;
    return { diagnostics: [diagnostic('render/locked', e.message, { hint: `wait for the other run; if no tenantctl is running, delete ${LOCK_FILE}` })], written: false, timings: [] };
  }
}

const renderToDiskLocked = (opts: RepoPaths & Caching): Promise<RenderedToDisk> => settled(opts.cache, () => writeRendered(opts));

/**
 * Runs `run`, then waits for the cache's writer thread (RenderCache.settle),
 * whatever happened: the run ends with its entries on disk. What the thread
 * could not write is reported as any problem of the cache is.
 */
async function settled<T extends { render?: RenderResult }>(cache: RenderCache | undefined, run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await run();
  } finally {
    await cache?.settle();
  }
  const problem = cache?.problem;
  if (problem !== undefined && result.render?.cache && result.render.cache.problem === undefined) result.render.cache = { ...result.render.cache, problem };
  return result;
}

async function writeRendered(opts: RepoPaths & Caching): Promise<RenderedToDisk> {
  const { root, outDir } = paths(opts);
  const timings: Timing[] = [];
  const timed = <T>(phase: string, fn: () => Promise<T>): Promise<T> => timeInto(timings, phase, fn);
  const outAbs = path.join(root, outDir);
  // Recovery that fails is reported below, where the tree is written, after the render's own errors.
  const recovered = await recoverTree(outAbs).then(
    () => true,
    (e: unknown) => {
      if (filesystemFailure(e, root)) return false;
      throw e;
    },
  );
  const reading = recovered ? backgroundRead(outAbs, paths(opts), opts.cache) : undefined;
  // Only the files are written; no stage reads the objects. Unchanged tenants come from their summaries: only texts that differ from disk are needed.
  const withTexts = () => renderInMemory({ ...opts, manifests: false });
  let r = await timed('render', async () => {
    const first = await renderInMemory({ ...opts, manifests: false, summaries: true });
    return first.render?.needsTexts ? await withTexts() : first;
  });
  if (r.diagnostics.length > 0 || !r.render) {
    reading?.cancel();
    return { ...r, written: false, timings };
  }
  try {
    if (!recovered) await recoverTree(outAbs);
    // Render needs only what differs, not the list of every path.
    const fresh = r.render;
    const against = await timed('compare', () => againstTree({ ...r, render: fresh }, outAbs, outDir, reading, opts.cache, withTexts, false));
    r = against.rendered;
    if (!against.disk || !r.render) return { ...r, written: false, timings };
    const { disk } = against;
    const render = r.render;
    const owned = render.bootstrapOwned;
    const rendered = render.files;
    // Files equal to the render are its own strings; only the others were kept from the read.
    const current = (p: string): string => disk.differing.get(p) ?? rendered.get(p)!;
    const links = disk.links;
    // What the controller's bootstrap wrote stays as it is: never removed, never counted.
    const kept: [string, string][] = owned ? disk.unexpected.filter((p) => isUnder(p, owned)).map((p) => [p, current(p)]) : [];
    const files = kept.length ? new Map([...rendered, ...kept]) : rendered;
    // A file on disk differs from the render exactly when the read kept its text.
    const changes: TreeChanges = {
      added: disk.missing,
      changed: [...disk.differing.keys()].filter((p) => rendered.has(p)),
      // Links are never rendered: one in rendered/ is removed like any file render does not produce, and counted with them.
      removed: [...(owned ? disk.unexpected.filter((p) => !isUnder(p, owned)) : disk.unexpected), ...links.map((l) => `${outDir}/${l.path}`)],
    };
    if (changes.added.length + changes.changed.length + changes.removed.length > 0) {
      // What is on disk, but for files placed from summaries: those are as rendered (none was stale), so neither written nor removed.
      const missing = new Set(disk.missing);
      const before = new Map<string, string>();
      for (const p of rendered.keys()) if (!missing.has(p)) before.set(p, current(p));
      for (const p of disk.unexpected) before.set(p, current(p));
      await timed('write', () => writeTreeAtomically(outAbs, outDir, files, { files: before, links }));
    }
    return { ...r, written: true, changes, timings };
  } catch (e) {
    const d = filesystemFailure(e, root);
    if (!d) throw e;
    // Nothing was swapped in unless the staging tree was complete; the next run finishes or discards it.
    await recoverTree(outAbs).catch(() => undefined);
    return { ...r, diagnostics: [d], written: false, timings };
  }
}

const ERRNO_HINTS: Record<string, string> = {
  ENOTDIR: 'a path the tree needs is a file: move it away (rendered/ must be a folder)',
  EISDIR: 'a path the tree needs is a folder where a file belongs: remove it',
  EACCES: 'give the user running tenantctl write access to the repository folder and rendered/',
  EPERM: 'give the user running tenantctl write access to the repository folder and rendered/',
  EROFS: 'the file system is read-only: run tenantctl where the repository can be written',
  ENOSPC: 'the disk is full: free space and run again (the next run cleans up what this one left)',
  EDQUOT: 'the disk quota is exhausted: free space and run again',
  EMFILE: 'too many open files: raise the limit (ulimit -n) and run again',
};

/** A file system error with a known cause, as a failure naming the path (repo-relative) and what to do. */
export function filesystemFailure(e: unknown, root: string): Diagnostic | undefined {
  const err = e as NodeJS.ErrnoException & { hint?: string };
  const hint = err?.hint ?? (err?.code ? ERRNO_HINTS[err.code] : undefined);
  if (!hint) return undefined;
  const where = err.path ? path.relative(root, err.path).split(path.sep).join('/') || '.' : undefined;
  return diagnostic('input/filesystem', `${err.code}: cannot ${err.syscall ?? 'use'} ${where ?? 'a file'}`, { hint, ...(where ? { file: { path: where, line: 1, column: 1 } } : {}) });
}

function encodingFailure(file: string, bad: EncodingProblem): Diagnostic {
  return diagnostic('input/encoding', `${file} ${bad.what}`, {
    file: { path: file, line: bad.line, column: bad.column },
    hint: 'the file was edited or damaged outside render: run `npm run render` (or `tenantctl render`), which rewrites it, and commit the result',
  });
}

/**
 * The render compared with the committed tree: with a background read, as its
 * lines arrive (the reader threads are still reading when the render is done),
 * else, or when a reader thread failed, by reading the tree here.
 */
async function compared(outAbs: string, outDir: string, render: RenderResult, reading: BackgroundRead | undefined, listPaths: boolean): Promise<{ seen?: TreeDigests; disk: TreeDiff & { paths?: string[] } }> {
  if (reading) {
    const c = compareWithTree(outAbs, outDir, render.files, reading.prefix, render.unread, render.digestOf, listPaths);
    const seen = await reading.stream((part, text) => c.add(part, text));
    if (seen) return { seen, disk: c.finish(seen.links) };
  }
  return { disk: readTreeAgainst(outAbs, outDir, render.files, undefined, render.unread, render.digestOf) };
}

/**
 * The render read against the committed tree (compared). A file placed
 * from a summary that the tree does not match (edited or removed by hand)
 * needs its tenant's texts after all: from the tenant's cache entry or,
 * failing that, from `again`, a render without summaries. No `disk` when
 * that render failed (its diagnostics say why). With `listPaths` false the
 * comparison keeps no list of every path on disk (TreeDiff), unless it has
 * to read the tree again here.
 */
async function againstTree(r: Rendered & { render: RenderResult }, outAbs: string, outDir: string, reading: BackgroundRead | undefined, cache: RenderCache | undefined, again: () => Promise<Rendered>): Promise<{ rendered: Rendered; disk?: TreeAgainst }>;
async function againstTree(r: Rendered & { render: RenderResult }, outAbs: string, outDir: string, reading: BackgroundRead | undefined, cache: RenderCache | undefined, again: () => Promise<Rendered>, listPaths: false): Promise<{ rendered: Rendered; disk?: TreeDiff }>;
async function againstTree(r: Rendered & { render: RenderResult }, outAbs: string, outDir: string, reading: BackgroundRead | undefined, cache: RenderCache | undefined, again: () => Promise<Rendered>, listPaths = true): Promise<{ rendered: Rendered; disk?: TreeDiff & { paths?: string[] } }> {
  const render = r.render;
  const { seen, disk } = await compared(outAbs, outDir, render, reading, listPaths);
  if (!disk.stale?.length) return { rendered: r, disk };
  const filled = cache && withStaleTexts(render, cache, disk.stale);
  // Every other file compared as before: only the stale ones are compared again, now with their texts.
  if (filled) return { rendered: { ...r, render: filled }, disk: settleStale(disk, outAbs, outDir, filled.files) };
  const whole = await again();
  if (whole.diagnostics.length > 0 || !whole.render) return { rendered: whole };
  return { rendered: whole, disk: readTreeAgainst(outAbs, outDir, whole.render.files, seen, undefined, whole.render.digestOf) };
}

/**
 * drift: compare the fresh render with the committed tree, and take the
 * objects to check from disk where the file exists (that is what Argo CD or
 * Flux applies, hand edits included) and from the render where it does not.
 */
async function driftStage(r: RenderResult, disk: TreeAgainst | undefined, root: string): Promise<{ manifests: Manifest[]; diagnostics: Diagnostic[] }> {
  if (!disk) return { manifests: [...r.manifests], diagnostics: [] };
  const differs = disk.differing.size > 0 || disk.missing.length > 0;
  // The committed tree is the render: its objects in path order, a file's in the order rendered (sort is stable), with no walk of every path.
  if (!differs) return { manifests: [...r.manifests].sort((a, b) => byCodeUnits(a.file, b.file)), diagnostics: [] };
  // Only the missing files are looked at again, one that is a folder being reported as one. A
  // missing folder's files are not (a tree not rendered yet misses every file).
  const isFolder = (p: string) => lstatSync(path.join(root, p), { throwIfNoEntry: false })?.isDirectory() === true;
  const parents = new Map<string, boolean>();
  const parentIsFolder = (p: string) => {
    const parent = p.slice(0, p.lastIndexOf('/'));
    let is = parents.get(parent);
    if (is === undefined) parents.set(parent, (is = isFolder(parent)));
    return is;
  };
  const folders = new Set(disk.missing.filter((p) => parentIsFolder(p) && isFolder(p)));
  const diagnostics = compareTrees(r.files, disk.differing, disk.missing, (await import('diff')).createTwoFilesPatch, folders);
  const rendered = new Map<string, Manifest[]>();
  for (const m of r.manifests) pushTo(rendered, m.file, m);
  const manifests: Manifest[] = [];
  // Every file the render made (a superset of the objects' files) and every file on disk, in path order.
  for (const p of sortedUnion([...r.files.keys()], disk.paths)) {
    if (p.endsWith(`/${kustomizationFile}`)) continue;
    const text = disk.differing.get(p);
    const fresh = rendered.get(p);
    // Unchanged files are the rendered objects already parsed: no second parse.
    if (text === undefined) {
      manifests.push(...(fresh ?? []));
      continue;
    }
    const bad = disk.encoding.get(p);
    if (bad) {
      // Said at the byte that is wrong, instead of as YAML errors somewhere after it.
      diagnostics.push(encodingFailure(p, bad));
      continue;
    }
    if (!/\.(ya?ml|json)$/.test(p)) continue;
    const origin = fresh?.[0]?.origin;
    const parsed = parseManifests(text, { file: p, ...(origin ? { origin } : {}), ruleId: 'manifest/yaml-syntax' });
    manifests.push(...parsed.manifests);
    // A committed file that does not parse is drift to fix, not an input the run cannot process.
    diagnostics.push(...parsed.diagnostics.map((d) => ({ ...d, kind: 'finding' as const })));
  }
  return { manifests, diagnostics };
}

/**
 * A tenants.yaml this small lists a few hundred tenants at most, whose
 * committed tree is read in less time than a thread takes to start.
 */
const BACKGROUND_READ_MIN_BYTES = 32 * 1024;

/**
 * Reader threads while check loads. Mostly one: check keeps its own thread
 * busy for longer than one reader takes, and a second reader would only take
 * its core. But when the render will mostly be placed from summaries and the
 * stat index does not hold (a fresh checkout: CI restores the cache folder
 * onto a new clone), every file is read, and the reading is the longer of the
 * two: then two threads read. At 10,000 tenants, by hand (medians of 4): such
 * a check took 10.6 s with two readers against 11.8 s with one; with an index
 * that holds, 9.5 s against 9.4 s.
 */
export function checkReaderThreads(outAbs: string, cache: RenderCache | undefined): number {
  if (!cache?.holdsSummaries()) return 1;
  return indexHolds(partIndexFile(statIndexFile(cache.dir, outAbs), 0, TREE_PARTS), outAbs) ? 1 : READER_THREADS;
}

/**
 * Starts reading the committed tree on other threads, when it is large enough to be worth one. Call once a swap a killed run left is finished: the files read must be the ones compared.
 */
function backgroundRead(outAbs: string, o: Required<RepoPaths>, cache: RenderCache | undefined, tenantsText?: string, threads?: number): BackgroundRead | undefined {
  const size = tenantsText !== undefined ? tenantsText.length : (statSync(path.join(o.root, o.tenantsFile), { throwIfNoEntry: false })?.size ?? 0);
  // The stat index lives with the cache: --no-cache means every file is read.
  return size >= BACKGROUND_READ_MIN_BYTES ? readTreeInBackground(outAbs, cache?.persistent ? statIndexFile(cache.dir, outAbs) : undefined, threads, TREE_PARTS, `${o.outDir}/`) : undefined;
}

/** load → render → read the committed tree against it; the committed tree is never held whole. */
async function loadStage(o: Required<RepoPaths>, opts: PipelineOptions, drift: boolean, onRendered?: OnRendered): Promise<{ rendered: Rendered; disk?: TreeAgainst; files: number }> {
  const outAbs = path.join(o.root, o.outDir);
  if (drift) await recoverTree(outAbs);
  const reading = drift ? backgroundRead(outAbs, o, opts.cache, opts.tenantsText, checkReaderThreads(outAbs, opts.cache)) : undefined;
  const renderOpts = { ...o, ...(opts.cache ? { cache: opts.cache } : {}), ...(opts.workers ? { workers: opts.workers } : {}), ...(opts.tenantsText === undefined ? {} : { tenantsText: opts.tenantsText }), ...(opts.templatesText === undefined ? {} : { templatesText: opts.templatesText }), ...(onRendered ? { onRendered } : {}) };
  const whole = () => renderInMemory(renderOpts);
  // Compared with the committed tree, unchanged tenants are placed from their summaries: their cache entries are read only if a stage needs them.
  const first = drift || opts.summaries ? await renderInMemory({ ...renderOpts, summaries: true, ...(opts.summaries === 'read' ? { keepSummaries: false as const } : {}) }) : await whole();
  let rendered = first.render?.needsTexts ? await whole() : first;
  if (!drift) return { rendered, files: 0 };
  if (!rendered.render) {
    reading?.cancel();
    return { rendered, files: listTree(outAbs).files.length };
  }
  const against = await againstTree({ ...rendered, render: rendered.render }, outAbs, o.outDir, reading, opts.cache, whole);
  rendered = against.rendered;
  if (!against.disk || !rendered.render) return { rendered, files: listTree(outAbs).files.length };
  const read = against.disk;
  // Files the controller's bootstrap owns are not the render's: neither drift nor objects to check.
  const owned = rendered.render.bootstrapOwned;
  // A rendered file there is missing from the tree the render owns, though the bootstrap's is on disk.
  const disk = owned
    ? {
        ...read,
        paths: read.paths.filter((p) => !isUnder(p, owned)),
        differing: new Map([...read.differing].filter(([p]) => !isUnder(p, owned))),
        missing: [...read.missing, ...read.paths.filter((p) => isUnder(p, owned) && rendered.render!.files.has(p))].sort(),
      }
    : read;
  return { rendered, disk, files: disk.paths.length };
}

/** Runs one phase of the pipeline, timed. */
type Phase = <T>(name: string, fn: () => T | Promise<T>) => Promise<T>;

/**
 * Resolves on a later turn of the event loop. A promise settled from a
 * native callback (a worker thread's message) runs what awaits it inside that
 * callback, whose handles keep the message alive until the chain of awaits
 * returns to the event loop: a check that went on from the tree reader's reply
 * held the reader's listing and digests (about 30 MB at 10,000 tenants) to its
 * end. Each phase starts on a turn of its own.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs one phase and adds how long it took to `timings` (what --timings prints), also when it throws. */
async function timeInto<T>(timings: Timing[], phase: string, fn: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings.push({ phase, start, end: performance.now() });
  }
}

/**
 * The load and drift phases: the render, the committed tree compared with it,
 * and the objects to check in `result`, with the early check (`startEarly`)
 * filling the main thread while workers render. Returns the committed files
 * that differ from the render and that check, or undefined when the run stops here. A function of
 * its own so that what the comparison held (every path of the committed tree)
 * is released when it returns, not kept by the pipeline to its end.
 */
async function loadAndCompare(o: Required<RepoPaths>, opts: PipelineOptions, stages: ReadonlySet<Stage>, phase: Phase, result: PipelineResult, sharing: RenderCache | undefined, startEarly: () => Promise<EarlyCheck> | undefined): Promise<{ differing: string[]; early: EarlyCheck | undefined } | undefined> {
  let loaded: Awaited<ReturnType<typeof loadStage>>;
  let early: EarlyCheck | undefined;
  try {
    early = await startEarly();
    loaded = await phase('load', () => loadStage(o, sharing ? { ...opts, cache: sharing } : opts, stages.has('drift'), early?.onRendered));
  } catch (e) {
    const d = filesystemFailure(e, o.root);
    if (!d) throw e;
    result.diagnostics.push(d);
    return undefined;
  }
  const { rendered: r, disk } = loaded;
  const links = disk?.links ?? [];
  if (r.config) result.config = r.config;
  if (r.render) result.render = sharing ? withoutCacheStats(r.render) : r.render;
  result.files = loaded.files;
  result.diagnostics.push(...r.diagnostics);
  if (!r.render) return undefined;
  const drift = await phase('drift', () => driftStage(r.render!, disk, o.root));
  result.manifests = drift.manifests;
  result.diagnostics.push(...drift.diagnostics);
  if (stages.has('drift')) {
    for (const link of links) {
      result.diagnostics.push(
        diagnostic('drift/extra', `${o.outDir}/${link.path} is a symbolic link (to ${link.target}); rendered/ holds only files the renderer writes, and check does not follow links`, {
          file: { path: `${o.outDir}/${link.path}`, line: 1, column: 1 },
          hint: 'remove the link (render replaces the tree without it) and commit the regular file render writes, if any',
        }),
      );
    }
  }
  return { differing: disk ? [...disk.differing.keys()] : [], early };
}

/** The one pipeline; see the module comment. */
export const runPipeline = (opts: PipelineOptions): Promise<PipelineResult> => settled(opts.cache, () => runStages(opts));

async function runStages(opts: PipelineOptions): Promise<PipelineResult> {
  const o = paths(opts);
  const stages = new Set(opts.stages ?? ALL_STAGES);
  const timings: Timing[] = [];
  const phase: Phase = async (name, fn) => {
    await nextTurn();
    opts.onPhase?.(name);
    return timeInto(timings, name, fn);
  };
  const result: PipelineResult = { manifests: [], files: opts.files ?? 0, diagnostics: [], sections: [], timings };
  const target = opts.schema?.kubernetesVersion ?? parseMinorVersion(SCHEMA_VERSION)!;
  // Findings kept per tenant (local-findings.ts): only where the schemas are the bundled ones.
  const localStages = stages.has('schema') && stages.has('rules') && !opts.schema?.schemaLocation?.length && !opts.schema?.crdFiles?.length;
  // A shard keeps and replays the findings of its own tenants only: it does not check the others, so it has nothing to store for them.
  const sharded = opts.shard && opts.shard.count > 1 ? opts.shard : undefined;
  const wanted = sharded ? inShard(sharded) : undefined;
  let early: EarlyCheck | undefined;
  /** Committed files that differ from the render. */
  let differing: Iterable<string> = [];
  // Without a cache the base still takes the head's render of its unchanged tenants, from this run's memory.
  const sharing = !opts.cache && stages.has('lifecycle') && !opts.baseSide && !opts.manifests ? RenderCache.inMemory() : undefined;

  if (opts.manifests) {
    result.manifests = [...opts.manifests];
    if (opts.config) result.config = opts.config;
  } else {
    const compared = await loadAndCompare(o, opts, stages, phase, result, sharing, () => (localStages && (opts.workers ?? 1) > 1 ? earlyCheck(target, opts.schema, wanted) : undefined));
    if (compared === undefined) return result;
    ({ differing, early } = compared);
  }
  // Input that could not be processed makes every later finding unreliable: stop there.
  if (failed(result.diagnostics)) return result;

  const { manifests, config } = result;
  const scope = sharded ? shardScope(sharded, result) : undefined;
  const local = localStages && config && result.render && (opts.cache || early) ? await phase('replay', () => planLocal(opts.cache, config, result.render!, manifests, differing, { target, ignoreMissingSchemas: opts.schema?.ignoreMissingSchemas ?? false }, early?.found(), wanted)) : undefined;
  if (local) {
    const fromCache = local.replayed.size - local.early.size;
    if (opts.cache) result.findingsCache = { hits: fromCache, misses: local.fresh.size + local.early.size };
    if (local.early.size) result.findingsEarly = local.early.size;
  }
  /** Whether the object's shape is one its schema refuses: asked only when a rule or proof fails on the tree (see contained). */
  let unreadable: ((m: Manifest) => boolean) | undefined;
  if (stages.has('schema')) {
    try {
      const { loadSchemaRegistry, validateManifests } = await import('./schema/validate.js');
      const registry = registryFor(registryOptionsOf(config, opts.schema), loadSchemaRegistry);
      const found = await phase('schema', () => {
        const validate = schemaCheck(registry, validateManifests, target);
        unreadable = refusedShape(validate);
        const own = scope ? manifests.filter(scope.checksManifest) : manifests;
        const schema = local ? validateByTenant(own, local, validate) : validate(own);
        return opts.schema?.ignoreMissingSchemas ? schema.filter((d) => d.ruleId !== 'schema/unknown-kind') : schema;
      });
      result.diagnostics.push(...found);
    } catch (e) {
      const d = await schemaLoadFailure(e);
      if (!d) throw e;
      result.diagnostics.push(d);
      return result;
    }
  }
  if (stages.has('rules')) {
    const found = await phase('rules', async () => {
      const [{ runRules }, { rules }] = await Promise.all([import('./rules/engine.js'), import('./rules/registry.js')]);
      return runRules({ manifests, rules, ...(config ? { config } : {}), ...(scope ? { only: { manifest: scope.checksManifest, tenant: scope.checksTenant } } : {}), ...(local ? { local: ruleUnits(local) } : {}), ...(unreadable ? { unreadable } : {}) });
    });
    result.diagnostics.push(...found);
    if (local && opts.cache) storeLocal(opts.cache, local, early?.quotas());
    if (!config) {
      // Without tenants.yaml there is no tenant to probe, but admission policies can still be compiled and checked for bindings.
      const [{ policyFindings, policiesOf }, { rawSchemas }] = await Promise.all([import('./analysis/admission/index.js'), import('./schema/raw.js')]);
      const set = policiesOf(manifests);
      if (set.policies.length || set.bindings.length) result.diagnostics.push(...policyFindings(set, rawSchemas() as SchemaSource));
    }
  }
  if (stages.has('proofs') && config) {
    const proofs = await phase('proofs', async () => {
      const { proveIsolation } = await import('./analysis/proofs.js');
      const kept = local && opts.cache ? { flows: flowsReplay(opts.cache, local), network: networkReplay(opts.cache, local), rbac: rbacReplay(opts.cache) } : {};
      const replay = local ? { quotas: quotaReplay(opts.cache, local, early?.quotas()), ...kept } : {};
      return contained('the isolation proofs', manifests, unreadable, () => proveIsolation(manifests, config, replay));
    });
    result.diagnostics.push(...proofs.diagnostics);
    result.sections.push(...proofs.sections);
    const admission = await phase('admission', async () => {
      const [{ admissionFindings }, { rawSchemas }] = await Promise.all([import('./analysis/admission/index.js'), import('./schema/raw.js')]);
      const found = contained('the admission evaluation', manifests, unreadable, () => ({ diagnostics: admissionFindings(manifests, config, rawSchemas() as SchemaSource, local && opts.cache ? admissionReplay(opts.cache, local, config) : undefined), sections: [] }));
      return found.diagnostics;
    });
    result.diagnostics.push(...admission);
  }
  // The stages above stored what they found per tenant; written once, for every tenant.
  opts.cache?.saveFindings();
  if (stages.has('lifecycle') && config && !opts.manifests) {
    const found = await phase('lifecycle', () => lifecycleStage(o, result, opts, sharing));
    result.diagnostics.push(...found);
  }
  // Input that stops the run is reported by every shard (above, unfiltered): each job must fail.
  if (scope) {
    result.diagnostics = result.diagnostics.filter(scope.owns);
    result.checked = { tenants: (config?.tenants ?? []).filter((t) => scope.checksTenant(t.id)).length, objects: manifests.filter(scope.checksManifest).length };
  }
  return result;
}

/** The schema/invalid findings of these objects against the bundled schemas: shapes the analyses cannot read. */
export async function shapeProblems(manifests: readonly Manifest[]): Promise<Diagnostic[]> {
  const { loadSchemaRegistry, validateManifests } = await import('./schema/validate.js');
  return validateManifests(manifests, registryFor(registryOptionsOf(undefined, undefined), loadSchemaRegistry)).filter((d) => d.ruleId === 'schema/invalid');
}

/** Per object, whether schema validation refuses its shape (schema/invalid), each object validated once. */
function refusedShape(validate: SchemaCheck): (m: Manifest) => boolean {
  const seen = new WeakMap<Manifest, boolean>();
  return (m) => {
    let refused = seen.get(m);
    if (refused === undefined) seen.set(m, (refused = validate([m]).some((d) => d.ruleId === 'schema/invalid')));
    return refused;
  };
}

/**
 * Runs an analysis of the whole tree. If it fails and some objects have
 * shapes their schemas refuse (their schema/invalid findings are reported),
 * the analysis is reported as not run, at the first such object, instead
 * of stopping the run; with every shape valid the failure is a bug, and is thrown.
 */
export function contained(what: string, manifests: readonly Manifest[], unreadable: ((m: Manifest) => boolean) | undefined, run: () => { diagnostics: Diagnostic[]; sections: Section[] }): { diagnostics: Diagnostic[]; sections: Section[] } {
  try {
    return run();
  } catch (e) {
    const bad = unreadable ? manifests.filter(unreadable) : [];
    const first = bad[0];
    if (!first) throw e;
    const shapes = bad.length > 1 ? ` and ${bad.length - 1} more have shapes their schemas refuse` : ' has a shape its schema refuses';
    const d = diagnostic('schema/not-checked', `${what} did not run: this object${shapes}, which ${what} cannot read`, {
      object: objectRef(first.object),
      file: { path: first.file, ...first.locate('') },
      ...(first.origin ? { origin: first.origin } : {}),
    });
    return { diagnostics: [d], sections: [] };
  }
}

/** The bundled schemas are one release's; a version it no longer serves is reported as removed, not as unknown. */
function schemaCheck(registry: SchemaRegistry, validateManifests: (ms: readonly Manifest[], r: SchemaRegistry) => Diagnostic[], target: MinorVersion): SchemaCheck {
  return (own) => {
    const versions = apiVersionFindings(own, target);
    const validated = versions.unserved.size ? own.filter((m) => !versions.unserved.has(m)) : own;
    return [...versions.diagnostics, ...validateManifests(validated, registry)];
  };
}

/**
 * The tenant-local stages run as render workers hand over tenants (earlyLocal),
 * filling this thread while they render. Its modules load before the render;
 * they are the check's own and load anyway.
 */
async function earlyCheck(target: MinorVersion, schema: PipelineOptions['schema'], wanted?: (tenant: string) => boolean): Promise<EarlyCheck> {
  const [{ loadSchemaRegistry, validateManifests }, { runRules }, { rules }, { quotaOf }] = await Promise.all([import('./schema/validate.js'), import('./rules/engine.js'), import('./rules/registry.js'), import('./analysis/isolation/quota.js')]);
  let early: EarlyLocal | undefined;
  return {
    onRendered(config) {
      let registry: SchemaRegistry;
      try {
        // The same options as the schema stage's, so both use one compiled registry.
        registry = registryFor(registryOptionsOf(config, schema), loadSchemaRegistry);
      } catch {
        // The schema stage loads it again and reports why it cannot.
        return undefined;
      }
      early = earlyLocal(config, schemaCheck(registry, validateManifests, target), rules, runRules, quotaOf, wanted);
      return early.onTenants;
    },
    found: () => early?.found ?? new Map(),
    quotas: () => early?.quotas ?? new Map(),
  };
}

/** Schema findings per cached tenant (stored for the next run), the replayed tenants' from the cache, and the rest as usual. */
function validateByTenant(own: readonly Manifest[], local: LocalPlan, validate: (ms: readonly Manifest[]) => Diagnostic[]): Diagnostic[] {
  const rest: Manifest[] = [];
  const byTenant = new Map<string, Manifest[]>();
  for (const m of own) {
    const t = local.unitOf(m);
    // A unit whose findings are not kept (another shard's tenant) is validated like any other object.
    if (t === undefined || !(local.replayed.has(t) || local.fresh.has(t))) rest.push(m);
    else if (!local.replayed.has(t)) pushTo(byTenant, t, m);
  }
  const found = validate(rest);
  for (const [t, ms] of byTenant) {
    const f = validate(ms);
    local.fresh.get(t)!.schema.push(...f);
    found.push(...f);
  }
  for (const r of local.replayed.values()) found.push(...r.schema);
  return found;
}

interface ShardScope {
  /** The finding is this shard's to report. */
  owns(d: Diagnostic): boolean;
  /** Checking the object can produce a finding this shard reports. */
  checksManifest(m: Manifest): boolean;
  checksTenant(id: string): boolean;
}

/**
 * Who reports a finding: the tenant it names, else the tenant whose template
 * produced the object, else the tenant whose folder holds the file; a finding
 * of no tenant belongs to the platform shard. Per-object work is skipped only
 * where none of the ways a finding about that object could be attributed
 * lands in this shard; everything else is computed and then filtered.
 */
function shardScope(shard: Shard, result: PipelineResult): ShardScope {
  const owners = result.render?.owners ?? new Map<string, string>();
  const tenantOfNs = new Map((result.config?.tenants ?? []).map((t) => [t.namespace, t.id]));
  const ours = inShard(shard);
  const mine = (tenant: string | undefined) => (tenant === undefined ? shard.index === PLATFORM_SHARD : ours(tenant));
  return {
    owns: (d) => mine(d.tenant ?? d.origin?.tenant ?? (d.file ? owners.get(d.file.path) : undefined)),
    checksManifest: (m) => {
      const byFile = m.origin?.tenant ?? owners.get(m.file);
      const ns = namespaceOfManifest(m);
      const byNs = ns === undefined ? undefined : tenantOfNs.get(ns);
      return mine(byFile) || mine(byNs ?? byFile);
    },
    checksTenant: (id) => mine(id),
  };
}

/**
 * tenants.yaml at the base ref, rendered with today's templates through the
 * same load and render stages, so a comparison shows only what the tenants change.
 */
export async function renderBase(opts: RepoPaths & Caching & Pick<PipelineOptions, 'summaries'>, ref: string | undefined, head?: { config: TenantsConfig; render: RenderResult }): Promise<BaseSide> {
  const o = paths(opts);
  // The base goes through the same cache: a tenant whose inputs did not change since the base is replayed, not rendered twice.
  const cache = { ...(opts.cache ? { cache: opts.cache } : {}), ...(opts.workers ? { workers: opts.workers } : {}), ...(opts.summaries ? { summaries: opts.summaries } : {}) };
  const { baseTenantsText, listedIds } = await import('./lifecycle/index.js');
  const base = await baseTenantsText(o.root, ref, o.tenantsFile, o.templatesDir);
  if (base.ref === undefined) return { ids: [], diagnostics: base.diagnostics };
  // A base without tenants.yaml had no tenants: everything is added.
  if (base.text === undefined) return { ref: base.ref, ids: [], diagnostics: base.diagnostics };
  // A run on the commit it compares with (CI on the main branch): the head's render is the base's.
  if (head && sameInputsOnDisk(o, base.text, base.templates)) return { ref: base.ref, ids: head.config.tenants.map((t) => t.id), diagnostics: base.diagnostics, config: head.config, render: head.render };
  // The base is rendered with its own templates, so a template edit (a wider selector, a
  // granted verb) is part of the comparison. Templates this version can no longer render
  // fall back to the head's, and the comparison then covers tenants.yaml only: said as a warning.
  let r = await runPipeline({ ...o, ...cache, tenantsText: base.text, ...(base.templates ? { templatesText: base.templates } : {}), stages: [] });
  const notes: Diagnostic[] = [];
  const why = r.diagnostics.find((d) => d.ruleId === 'render/template');
  if (base.templates && why) {
    const own = await runPipeline({ ...o, ...cache, tenantsText: base.text, stages: [] });
    if (!own.diagnostics.some((d) => d.ruleId === 'render/template')) {
      notes.push(
        diagnostic('lifecycle/base', `the templates at "${ref ?? base.ref}" do not render with this version of tenantctl (${why.file?.path ?? 'templates'}: ${why.message}): the base was rendered with the current templates, so template changes are not compared`, {
          severity: 'warning',
          hint: 'compare with a more recent base, or review the template changes by hand',
        }),
      );
      r = own;
    }
  }
  const side: BaseSide = { ref: base.ref, ids: r.config ? r.config.tenants.map((t) => t.id) : listedIds(base.text), diagnostics: [...base.diagnostics, ...notes] };
  if (r.config) side.config = r.config;
  if (r.render) side.render = r.render;
  return side;
}

/**
 * Whether tenants.yaml and the templates folder on disk (what the head was
 * rendered from) hold exactly these bytes. A base without a templates folder is
 * rendered with the one on disk. Any file more or less counts as a difference.
 */
function sameInputsOnDisk(o: Required<RepoPaths>, tenantsText: string, templates: ReadonlyMap<string, string> | undefined): boolean {
  const same = (file: string, text: string): boolean => {
    try {
      return readFileSync(file).equals(Buffer.from(text, 'utf8'));
    } catch {
      return false;
    }
  };
  if (!same(path.join(o.root, o.tenantsFile), tenantsText)) return false;
  if (templates === undefined) return true;
  const dir = path.join(o.root, o.templatesDir);
  let files: string[];
  try {
    files = listFiles(dir);
  } catch {
    return false;
  }
  return files.length === templates.size && files.every((rel) => templates.has(rel) && same(path.join(dir, rel), templates.get(rel)!));
}

/** A render through the run's own memory (RenderCache.inMemory) reports no cache: the user asked for none. */
function withoutCacheStats(r: RenderResult): RenderResult {
  const { cache: _stats, keys: _keys, ...rest } = r;
  return rest;
}

async function lifecycleStage(o: Required<RepoPaths>, head: PipelineResult, opts: PipelineOptions, sharing: RenderCache | undefined): Promise<Diagnostic[]> {
  const cache = opts.cache ?? sharing;
  // The lifecycle checks read the base's heads and files, and the objects of what changed: unchanged tenants are placed from their summaries.
  const base = opts.baseSide ?? (await renderBase({ ...o, ...(cache ? { cache } : {}), ...(opts.workers ? { workers: opts.workers } : {}), summaries: 'read' }, opts.base, head.config && head.render ? { config: head.config, render: head.render } : undefined));
  // A base that is the head's own render was not rendered: there is no cache of its to report.
  if (base.render?.cache && opts.cache && base.render !== head.render) head.baseCache = base.render.cache;
  if (sharing && base.render) base.render = withoutCacheStats(base.render);
  const { removalCheck } = await import('./lifecycle/index.js');
  const allow = opts.allowRemoval ?? [];
  // A tenant placed on another cluster, or in another namespace (a new namespacePrefix), leaves its
  // old namespace behind: guarded, and acknowledged, like a removal.
  const before = new Map((base.config?.tenants ?? []).map((t) => [t.id, t]));
  const left = (t: Tenant): boolean => {
    const was = before.get(t.id);
    return was !== undefined && (was.cluster !== t.cluster || was.namespace !== t.namespace);
  };
  const moved = head.config!.tenants.filter(left).map((t) => t.id);
  const delivery = base.render && head.render && base.config ? await deliveryStage(base.config, base.render, head.config!, head.render, allow) : [];
  head.deletions = delivery;
  const current = { config: head.config!, ...(head.render ? { render: head.render } : {}) };
  const baseNotes = base.ref !== undefined ? base.diagnostics.filter((d) => d.severity === 'warning') : [];
  return [...baseNotes, ...removalCheck(base, current, { ...(opts.base !== undefined ? { base: opts.base } : {}), allowRemoval: allow, moved, noBase: opts.noBase ?? 'warn' }), ...delivery];
}

/** The folders a Flux bootstrap reconciles: the parents of the folders it owns. */
export const bootstrapPaths = (r: RenderResult): string[] => (r.bootstrapOwned ?? []).map((f) => f.slice(0, f.lastIndexOf('/')));

/** What the GitOps controller would delete when the head is synced over the base, for tenants that stay. */
export async function deliveryStage(baseConfig: TenantsConfig, base: RenderResult, headConfig: TenantsConfig, head: RenderResult, allow: readonly string[]): Promise<Diagnostic[]> {
  const { deliveryFindings } = await import('./analysis/delivery/index.js');
  const ns = (c: TenantsConfig) => new Map(c.tenants.map((t) => [t.namespace, t.id]));
  const inBase = new Set(baseConfig.tenants.map((t) => t.id));
  const staying = new Set(headConfig.tenants.filter((t) => !t.decommissioned && inBase.has(t.id) && !allow.includes(t.id)).map((t) => t.id));
  const headNamespaces = new Set<string>();
  for (const m of head.manifests) {
    const h = headOf(m);
    if (h.kind === 'Namespace') headNamespaces.add(h.name ?? '');
  }
  const differing = differingFiles(base, head);
  return deliveryFindings(
    { manifests: base.manifests, files: treePaths(base), tenantOfNamespace: ns(baseConfig), bootstrapPaths: bootstrapPaths(base) },
    { manifests: head.manifests, files: treePaths(head), tenantOfNamespace: ns(headConfig), bootstrapPaths: bootstrapPaths(head), namespacesNamedAt: { path: headConfig.file, ...headConfig.locate('/platform/namespacePrefix') } },
    staying,
    headNamespaces,
    (file) => !differing.has(file),
  );
}
