import type { Diagnostic } from './diagnostics/diagnostic.js';
import { namespaceOfManifest, type KubeObject, type Manifest } from './manifest/types.js';
import { sha256, type FindingsKind, type RenderCache } from './render/cache.js';
import type { RenderedTenant, RenderResult } from './render/render.js';
import type { AdmissionReplay, TenantAdmission } from './analysis/admission/index.js';
import type { QuotaReplay, TenantQuota } from './analysis/isolation/quota.js';
import type { FlowReplay, TenantFlows } from './analysis/isolation/network.js';
import type { NetworkReplay, TenantNetwork } from './analysis/isolation/world.js';
import type { PolicySurface, ReachSpec } from './analysis/isolation/surface.js';
import type { RbacProof, RbacReplay } from './analysis/isolation/rbac.js';
import { isProtocol, workloadId } from './analysis/netpol/index.js';
import { quotaFromJson, quotaToJson } from './analysis/isolation/quota-json.js';
import type { LocalFindings, RuleRunInput, TenantRead } from './rules/engine.js';
import type { AnyRule } from './rules/types.js';
import { knownNamespaces, knownSoFar, type KnownNamespaces } from './rules/known-namespaces.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { TenantsConfig } from './tenants/types.js';

/**
 * The check stages' cache: what schema validation and the local rules
 * (RuleMeta.local) found about a tenant's objects, replayed when nothing they
 * read has changed. A tenant takes part only when every object in its
 * namespace is one its own templates rendered, unchanged in the committed
 * tree, so its objects are exactly what its render key says. Its key adds to
 * the render key everything else those stages read: the tenant's resolved
 * entry, the platform settings, the allowed kinds, the target Kubernetes
 * version and the tool build. Cross-tenant rules and the proofs always run;
 * of the proofs, what reads only one tenant's objects (its quota report, its
 * own network flows) is replayed under the same key.
 *
 * The same findings of a tenant rendered by a worker thread are computed on
 * this thread as soon as its objects arrive (earlyLocal), while the workers go
 * on rendering, and used for the tenants the plan then finds to be units.
 */

/** Bumped when what an entry holds or how its key is made changes. */
const FINDINGS_FORMAT = 2;

export interface StageFindings {
  schema: Diagnostic[];
  rules: Diagnostic[];
  /** What local rules asked about other tenants (RuleContext.tenantRef) and were told: the entry is replayed only while every answer holds. */
  reads?: TenantRead[];
  /** The tenant's quota report as quotaToJson writes it, when it was made before the entry was stored (the early check). */
  quota?: unknown;
}

export interface LocalPlan {
  /** The tenant whose cache entry an object's findings belong to (a unit; its findings are kept only if it is in `replayed` or `fresh`). */
  unitOf(m: Manifest): string | undefined;
  /** Tenants whose findings come from the cache, and those findings. */
  replayed: Map<string, StageFindings>;
  /** Findings of the tenants to store, collected as the stages run. */
  fresh: Map<string, StageFindings>;
  /** Tenant → findings key, for tenants the cache can hold. */
  keys: Map<string, string>;
  /** Of `replayed`, the tenants checked while rendering (not from the cache): stored like `fresh`. */
  early: Set<string>;
  /**
   * In a shard: the other shards' tenants whose namespaces hold only their own
   * render, unchanged in the committed tree (what makes a tenant a unit), and
   * the tenant of each object there. What reads only such a tenant's objects
   * (its quota report) is what its render says, as for a unit.
   */
  others?: { has(tenant: string): boolean; unitOf(m: Manifest): string | undefined };
}


/**
 * The tenants that are units (see the module comment), and for each where its
 * findings come from: the cache, the check made while rendering, or the stages
 * (collected into `fresh`). Undefined when there is neither a cache nor an early check.
 * `wanted`: the only tenants whose schema and local-rule findings are kept or
 * replayed (a shard's: the stages check no other, so there would be nothing
 * true to store for them). The others are still units for what the proofs
 * keep (quota reports, network flows, admission outcomes), which every shard
 * computes for every tenant.
 */
export function planLocal(cache: RenderCache | undefined, config: TenantsConfig, render: RenderResult, manifests: readonly Manifest[], differing: Iterable<string>, options: unknown, early?: ReadonlyMap<string, StageFindings>, wanted?: (tenant: string) => boolean): LocalPlan | undefined {
  const renderKeys = cache ? render.keys : undefined;
  if (!renderKeys && !early?.size) return undefined;
  const owners = render.owners;
  const tenantOfNs = new Map(config.tenants.map((t) => [t.namespace, t.id]));
  const excluded = new Set<string>();
  // A committed file that differs from the render is parsed from disk: its tenant's objects are not what the key says.
  for (const p of differing) {
    const t = owners.get(p);
    if (t !== undefined) excluded.add(t);
  }
  // An object in a tenant's namespace that another template (or a file render does not write) put there.
  const owned: [Manifest, string][] = [];
  for (const m of manifests) {
    const t = tenantOfNs.get(namespaceOfManifest(m) ?? '');
    if (t === undefined) continue;
    if (owners.get(m.file) === t) owned.push([m, t]);
    else excluded.add(t);
  }
  // Hashed once: it is part of every tenant's key.
  const shared = sha256(JSON.stringify([FINDINGS_FORMAT, cache?.toolId, config.platform, config.allowKinds ?? [], options]));
  const answers = { id: new Map(config.tenants.map((t) => [t.id, t.id])), namespace: tenantOfNs };
  let known: KnownNamespaces | undefined;
  // Tenants rendered from the same templates ask about the same selectors: each is answered once.
  const matched = new Map<string, boolean | undefined>();
  const matches = (selector: string): boolean | undefined => {
    if (!matched.has(selector)) {
      known ??= knownNamespaces(manifests, config.platform);
      try {
        matched.set(selector, known.matches(JSON.parse(selector) as LabelSelector));
      } catch {
        // A selector no rule could have asked about (the entry was damaged): no answer holds.
        matched.set(selector, undefined);
      }
    }
    return matched.get(selector);
  };
  const holds = (r: TenantRead): boolean => (r[0] === 'selector' ? matches(r[1]) === r[2] : (answers[r[0]].get(r[1]) ?? null) === r[2]);
  const stillTrue = (reads: readonly TenantRead[] | undefined): boolean => (reads ?? []).every(holds);
  const units = new Set<string>();
  const keys = new Map<string, string>();
  const replayed = new Map<string, StageFindings>();
  const fresh = new Map<string, StageFindings>();
  const checkedEarly = new Set<string>();
  for (const t of config.tenants) {
    if (excluded.has(t.id)) continue;
    const renderKey = renderKeys?.get(t.id);
    const key = renderKey === undefined ? undefined : sha256(`${shared}\n${renderKey}\n${JSON.stringify(t)}`);
    if (wanted && !wanted(t.id)) {
      if (key === undefined) continue;
      units.add(t.id);
      keys.set(t.id, key);
      continue;
    }
    const stored = key === undefined ? undefined : cache!.getFindings(t.id, key);
    // An entry whose rules were told something about another tenant that no longer holds (one was added, removed or renamed) is checked again.
    const hit = stored && isStageFindings(stored) && stillTrue(stored.reads) ? stored : undefined;
    // What the early check guessed about the namespaces of tenants not yet rendered is checked against the whole tree too.
    const guessed = hit ? undefined : early?.get(t.id);
    const found = hit ?? (guessed && stillTrue(guessed.reads) ? guessed : undefined);
    if (key === undefined && found === undefined) continue;
    units.add(t.id);
    if (key !== undefined) keys.set(t.id, key);
    if (found === undefined) fresh.set(t.id, { schema: [], rules: [], reads: [] });
    else {
      replayed.set(t.id, found);
      if (found !== hit) checkedEarly.add(t.id);
    }
  }
  // Asked for every object by every local rule: looked up once here.
  const unitByManifest = new Map<Manifest, string>();
  for (const [m, t] of owned) if (units.has(t)) unitByManifest.set(m, t);
  const other = (t: string | undefined): t is string => t !== undefined && wanted !== undefined && !wanted(t) && !excluded.has(t);
  return {
    unitOf: (m) => unitByManifest.get(m),
    replayed,
    fresh,
    keys,
    early: checkedEarly,
    ...(wanted
      ? {
          others: {
            has: other,
            unitOf: (m: Manifest) => {
              const t = tenantOfNs.get(namespaceOfManifest(m) ?? '');
              return other(t) ? t : undefined;
            },
          },
        }
      : {}),
  };
}

/** Findings as found, before waivers marked any: what is stored and replayed (the run's waivers are applied afterwards). */
const unwaived = (ds: readonly Diagnostic[]): Diagnostic[] => ds.map(({ waived: _waived, ...d }) => d);

/** What schema validation found about some objects. */
export type SchemaCheck = (manifests: readonly Manifest[]) => Diagnostic[];

export interface EarlyLocal {
  /** Give to the render (RenderOptions.onTenants). */
  onTenants(rendered: readonly RenderedTenant[]): void;
  /** Tenant → the findings of its objects in its namespace, as the stages would find them if it is a unit. */
  found: Map<string, StageFindings>;
  /** Tenant → its quota report, as the proofs would make it if its namespace holds only its render. */
  quotas: Map<string, TenantQuota>;
}

/** One tenant's quota report from the objects in its namespace (isolation/quota.ts, loaded by the caller). */
export type QuotaOf = (tenant: string, objects: readonly KubeObject[]) => TenantQuota;

/**
 * Schema and local-rule findings of tenants as render workers hand them over,
 * before the committed tree is compared: the tenant-local stages then run
 * while the workers render instead of after them. Only what the stages would
 * find for a unit is computed (its objects in its own namespace, every local
 * rule seeing exactly what it sees there), so using them for the tenants
 * planLocal finds to be units changes nothing in the output. Anything that
 * throws here stops the early check; the stages then run as usual.
 */
export function earlyLocal(config: TenantsConfig, schema: SchemaCheck, rules: Readonly<Record<string, AnyRule>>, runRules: (input: RuleRunInput) => Diagnostic[], quotaOf: QuotaOf, wanted?: (tenant: string) => boolean): EarlyLocal {
  const local = Object.fromEntries(Object.entries(rules).filter(([, r]) => r.meta.local));
  const found = new Map<string, StageFindings>();
  const quotas = new Map<string, TenantQuota>();
  // The render hands over the tenants templates see; rules see tenants.yaml's own.
  const byId = new Map(config.tenants.map((t) => [t.id, t]));
  let failed = false;
  return {
    found,
    quotas,
    onTenants(all) {
      if (failed) return;
      if (all.length === 0) return;
      // planLocal takes no other tenant as a unit: checking them here would be work thrown away. Their quota reports are not: every shard reports every tenant's.
      const rendered = wanted ? all.filter((r) => wanted(r.tenant.id)) : all;
      try {
        const tenants = rendered.map((r) => byId.get(r.tenant.id)!);
        const tenantOfNs = new Map(tenants.map((t) => [t.namespace, t.id]));
        const unitOf = (m: Manifest) => tenantOfNs.get(namespaceOfManifest(m) ?? '');
        const batch = new Map<string, StageFindings>();
        const units: Manifest[] = [];
        const reports = new Map<string, TenantQuota>();
        for (const r of all) {
          const checked = rendered === all || wanted!(r.tenant.id);
          const namespace = byId.get(r.tenant.id)!.namespace;
          const own = r.manifests.filter((m) => namespaceOfManifest(m) === namespace);
          if (checked) {
            units.push(...own);
            batch.set(r.tenant.id, { schema: schema(own), rules: [], reads: [] });
          }
          // The objects the quota/fit rule reads, in its order, so both share one analysis (analyzeQuota).
          reports.set(r.tenant.id, quotaOf(r.tenant.id, own.map((m) => m.object)));
        }
        // Only these tenants: the engine then looks at no other (waivers are stripped, as when stored).
        if (rendered.length > 0) {
          runRules({
            manifests: units,
            rules: local,
            config: { ...config, tenants },
            tenantIndex: config.tenants,
            namespaces: knownSoFar(units, config.platform, config.tenants),
            local: { unitOf, replayed: new Set(), findings: [], store: (unit, d) => batch.get(unit)?.rules.push(d), read: (unit, r) => batch.get(unit)?.reads!.push(r) },
          });
        }
        for (const [t, f] of batch) found.set(t, { schema: f.schema, rules: unwaived(f.rules), reads: f.reads! });
        for (const [t, q] of reports) quotas.set(t, q);
      } catch {
        failed = true;
        found.clear();
        quotas.clear();
      }
    },
  };
}

function isStageFindings(v: unknown): v is StageFindings {
  const o = v as Partial<StageFindings> | null;
  const isRead = (r: unknown) =>
    Array.isArray(r) && r.length === 3 && typeof r[1] === 'string' && (r[0] === 'selector' ? typeof r[2] === 'boolean' && isSelectorJson(r[1]) : (r[0] === 'id' || r[0] === 'namespace') && (r[2] === null || typeof r[2] === 'string'));
  return typeof o === 'object' && o !== null && Array.isArray(o.schema) && Array.isArray(o.rules) && (o.reads === undefined || (Array.isArray(o.reads) && o.reads.every(isRead)));
}

/** A selector as namespacesMatch records it: an object whose matchLabels and matchExpressions, if any, are a map and a list. */
function isSelectorJson(text: string): boolean {
  try {
    return isSelector(JSON.parse(text));
  } catch {
    return false;
  }
}

function isSelector(v: unknown): v is LabelSelector {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { matchLabels, matchExpressions } = v as LabelSelector;
  return (matchLabels === undefined || (typeof matchLabels === 'object' && matchLabels !== null && !Array.isArray(matchLabels))) && (matchExpressions === undefined || Array.isArray(matchExpressions));
}

/** Each question once, in a stable order: the entry is the same whichever rule asked first. */
function distinctReads(reads: readonly TenantRead[] | undefined): TenantRead[] {
  const byText = new Map((reads ?? []).map((r) => [JSON.stringify(r), r]));
  return [...byText.keys()].sort().map((k) => byText.get(k)!);
}

/** What the rule engine needs of the plan. */
export function ruleUnits(plan: LocalPlan): LocalFindings {
  return {
    unitOf: plan.unitOf,
    replayed: new Set(plan.replayed.keys()),
    findings: [...plan.replayed.values()].flatMap((f) => f.rules),
    store: (unit, d) => plan.fresh.get(unit)?.rules.push(d),
    read: (unit, r) => plan.fresh.get(unit)?.reads?.push(r),
  };
}

/**
 * Stores what was found about each tenant that was not replayed from the
 * cache, as found (before waivers mark any of it), with the quota report
 * when the early check made it: one entry per tenant, read back in one go.
 */
export function storeLocal(cache: RenderCache, plan: LocalPlan, quotas?: ReadonlyMap<string, TenantQuota>): void {
  const put = (tenant: string, found: StageFindings, quota?: TenantQuota) => {
    const key = plan.keys.get(tenant);
    const reads = distinctReads(found.reads);
    if (key !== undefined) cache.putFindings(tenant, key, { schema: unwaived(found.schema), rules: unwaived(found.rules), ...(reads.length ? { reads } : {}), ...(quota ? { quota: quotaToJson(quota) } : {}) });
  };
  for (const [tenant, found] of plan.fresh) put(tenant, found);
  for (const tenant of plan.early) put(tenant, plan.replayed.get(tenant)!, quotas?.get(tenant));
}

/**
 * What the admission stage replays: the outcome of a tenant's requests, kept
 * under its findings key, the digest of its cluster's policies and bindings,
 * and the admission and GitOps settings (who applies, who is impersonated).
 */
export function admissionReplay(cache: RenderCache, plan: LocalPlan, config: TenantsConfig): AdmissionReplay {
  const settings = JSON.stringify([config.admission ?? null, config.gitops ?? null]);
  // The policies of a cluster are hashed once, not once per tenant.
  const digests = new Map<string, string>();
  const keyOf = (tenant: string, policies: string): string | undefined => {
    const k = plan.keys.get(tenant);
    if (k === undefined) return undefined;
    let d = digests.get(policies);
    if (d === undefined) digests.set(policies, (d = sha256(`${settings}\n${policies}`)));
    return sha256(`${k}\nadmission\n${d}`);
  };
  return { unitOf: plan.unitOf, ...kept(cache, 'admission', keyOf, isTenantAdmission) };
}

/** A tenant's entries of one kind, under the key `keyOf` makes of the tenant and what else the stage read; an entry of another shape is a miss. */
function kept<T>(cache: RenderCache, kind: FindingsKind, keyOf: (tenant: string, context: string) => string | undefined, isValue: (v: unknown) => v is T) {
  return {
    recorded(tenant: string, context: string): T | undefined {
      const key = keyOf(tenant, context);
      const v = key === undefined ? undefined : cache.getFindings(tenant, key, kind);
      return isValue(v) ? v : undefined;
    },
    record(tenant: string, context: string, value: T): void {
      const key = keyOf(tenant, context);
      if (key !== undefined) cache.putFindings(tenant, key, value, kind);
    },
  };
}

function isTenantAdmission(v: unknown): v is TenantAdmission {
  const o = v as Partial<TenantAdmission> | null;
  return typeof o === 'object' && o !== null && Array.isArray(o.labels) && Array.isArray(o.guardrails) && typeof o.objects === 'object' && o.objects !== null && Object.values(o.objects).every(Array.isArray);
}

/**
 * What the network proof replays: a tenant's flows, kept under its findings
 * key and the digest of what else they read (the shared services' endpoints
 * and the policies of their namespaces).
 */
export function flowsReplay(cache: RenderCache, plan: LocalPlan): FlowReplay {
  const digests = new Map<string, string>();
  const keyOf = (tenant: string, context: string): string | undefined => {
    const k = plan.keys.get(tenant);
    if (k === undefined) return undefined;
    let d = digests.get(context);
    if (d === undefined) digests.set(context, (d = sha256(context)));
    return sha256(`${k}\nflows\n${d}`);
  };
  return kept(cache, 'flows', keyOf, isTenantFlows);
}

/** What the network model replays: what a tenant's objects give it (its workloads and Services), kept under its findings key, which covers those objects. */
export function networkReplay(cache: RenderCache, plan: LocalPlan): NetworkReplay {
  const keyOf = (tenant: string): string | undefined => {
    const k = plan.keys.get(tenant);
    return k === undefined ? undefined : sha256(`${k}\nnetwork`);
  };
  const { recorded, record } = kept(cache, 'network', keyOf, isTenantNetwork);
  return { unitOf: plan.unitOf, recorded: (unit) => recorded(unit, ''), record: (unit, network) => record(unit, '', network) };
}

/** The pack entry the RBAC proof is kept under: no tenant id can be this (ids are DNS labels). */
const RBAC_ENTRY = '(rbac proof)';

/**
 * What the RBAC proof replays: the whole proof, kept under a digest of
 * everything it reads (rbacInputs) and of the build. It walks bindings across
 * namespaces, so it has no per-tenant part; a pull request that leaves every
 * RBAC object, guardrail name and tenant as they were (a tier change, say)
 * replays it.
 */
export function rbacReplay(cache: RenderCache): RbacReplay {
  // A proof that is not replayed is recorded under the inputs it was looked up with: hashed once, not twice (about 0.12 s each at 10,000 tenants).
  let last: { inputs: string; key: string } | undefined;
  const keyOf = (inputs: string): string => {
    if (last?.inputs !== inputs) last = { inputs, key: sha256(`${FINDINGS_FORMAT}\n${cache.toolId}\nrbac\n${inputs}`) };
    return last.key;
  };
  return {
    recorded(inputs) {
      const v = cache.getFindings(RBAC_ENTRY, keyOf(inputs), 'rbac');
      return isRbacProof(v) ? v : undefined;
    },
    record(inputs, proof) {
      cache.putFindings(RBAC_ENTRY, keyOf(inputs), proof, 'rbac');
    },
  };
}

function isRbacProof(v: unknown): v is RbacProof {
  const o = v as Partial<RbacProof> | null;
  const s = o?.section as Partial<RbacProof['section']> | undefined;
  return (
    typeof o === 'object' &&
    o !== null &&
    Array.isArray(o.diagnostics) &&
    o.diagnostics.every((d: Partial<Diagnostic> | null) => typeof d === 'object' && d !== null && isString(d.ruleId) && isString(d.message) && isString(d.severity)) &&
    typeof s === 'object' &&
    s !== null &&
    isString(s.title) &&
    isString(s.text)
  );
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isLabels = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString);

/** Only the shapes the model itself makes: anything else is a miss, and the tenant's objects are read. */
function isTenantNetwork(v: unknown): v is TenantNetwork {
  const o = v as Partial<TenantNetwork> | null;
  if (typeof o !== 'object' || o === null || !isString(o.namespace) || !Array.isArray(o.workloads) || !Array.isArray(o.services)) return false;
  const port = (p: unknown) => {
    const q = p as { name?: unknown; port?: unknown; protocol?: unknown } | null;
    return typeof q === 'object' && q !== null && (q.name === undefined || isString(q.name)) && Number.isInteger(q.port) && isProtocol(q.protocol as string);
  };
  const workloadOk = (w: unknown) => {
    const x = w as Record<string, unknown> | null;
    return (
      typeof x === 'object' && x !== null && isString(x.id) && isString(x.namespace) && isString(x.name) && isString(x.kind) && x.id === workloadId(x.namespace, x.name, x.kind) && isLabels(x.labels) && Array.isArray(x.ports) && x.ports.every(port) && Array.isArray(x.ips) && x.ips.every(isString)
    );
  };
  const serviceOk = (sv: unknown) => {
    const x = sv as Record<string, unknown> | null;
    return typeof x === 'object' && x !== null && (x.name === undefined || isString(x.name)) && (x.selector === undefined || isLabels(x.selector)) && (x.target === undefined || isString(x.target) || typeof x.target === 'number');
  };
  const reachOk = (r: unknown) => {
    const x = r as Partial<ReachSpec> | null;
    return typeof x === 'object' && x !== null && typeof x.all === 'boolean' && Array.isArray(x.selectors) && x.selectors.every(isSelector);
  };
  const policiesOk = (p: PolicySurface | undefined) =>
    typeof p === 'object' && p !== null && reachOk(p.ingress) && reachOk(p.egress) && Array.isArray(p.policies) && p.policies.every((x) => Array.isArray(x) && x.length === 3 && isString(x[0]) && typeof x[1] === 'boolean' && typeof x[2] === 'boolean');
  return o.workloads.every(workloadOk) && o.services.every(serviceOk) && policiesOk(o.policies);
}

const FLOW_RULES: readonly unknown[] = ['isolation/declared-flow-blocked', 'isolation/undeclared-flow'] satisfies TenantFlows['findings'][number]['ruleId'][];

function isTenantFlows(v: unknown): v is TenantFlows {
  const o = v as Partial<TenantFlows> | null;
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  return (
    typeof o === 'object' &&
    o !== null &&
    count(o.checked) &&
    count(o.blocked) &&
    count(o.evaluations) &&
    Array.isArray(o.findings) &&
    o.findings.every((f) => {
      const b = f?.blame;
      return FLOW_RULES.includes(f?.ruleId) && typeof f.message === 'string' && (f.tenant === undefined || typeof f.tenant === 'string') && (b === undefined || (typeof b.namespace === 'string' && typeof b.name === 'string' && typeof b.pointer === 'string'));
    })
  );
}

/**
 * What the quota report replays: the report made while rendering, the one in
 * the tenant's findings entry, or one stored on its own under the findings key
 * by an earlier run that made it in the proofs (it reads only the tenant's objects).
 * In a shard, another shard's tenant rendered in this run (LocalPlan.others)
 * takes the report made while rendering too, and it is stored on its own.
 */
export function quotaReplay(cache: RenderCache | undefined, plan: LocalPlan, early?: ReadonlyMap<string, TenantQuota>): QuotaReplay {
  const others = early?.size ? plan.others : undefined;
  return {
    unitOf: others ? (m) => plan.unitOf(m) ?? others.unitOf(m) : plan.unitOf,
    recorded(tenant) {
      if (plan.early.has(tenant)) return early?.get(tenant);
      const entry = plan.replayed.get(tenant)?.quota;
      if (entry !== undefined) return quotaFromJson(entry, tenant);
      const key = plan.keys.get(tenant);
      const stored = cache && key !== undefined ? quotaFromJson(cache.getFindings(tenant, key, 'quota'), tenant) : undefined;
      if (stored !== undefined || !others?.has(tenant)) return stored;
      // Another shard's tenant, rendered in this run: its report was made while the workers rendered, as a full run makes every tenant's.
      const made = early?.get(tenant);
      if (made && cache && key !== undefined) cache.putFindings(tenant, key, quotaToJson(made), 'quota');
      return made;
    },
    record(tenant, quota) {
      const key = plan.keys.get(tenant);
      if (cache && key !== undefined) cache.putFindings(tenant, key, quotaToJson(quota), 'quota');
    },
  };
}
