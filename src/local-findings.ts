import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Manifest } from './manifest/types.js';
import { sha256, type RenderCache } from './render/cache.js';
import type { RenderResult } from './render/render.js';
import type { AdmissionReplay, TenantAdmission } from './analysis/admission/index.js';
import type { LocalFindings } from './rules/engine.js';
import type { TenantsConfig } from './tenants/types.js';

/**
 * The check stages' cache: what schema validation and the local rules
 * (RuleMeta.local) found about a tenant's objects, replayed when nothing they
 * read has changed. A tenant takes part only when every object in its
 * namespace is one its own templates rendered, unchanged in the committed
 * tree, so its objects are exactly what its render key says. Its key adds to
 * the render key everything else those stages read: the tenant's resolved
 * entry, the platform settings, the allowed kinds, the target Kubernetes
 * version and the tool build. Cross-tenant rules and the proofs always run.
 */

/** Bumped when what an entry holds or how its key is made changes. */
const FINDINGS_FORMAT = 1;

export interface StageFindings {
  schema: Diagnostic[];
  rules: Diagnostic[];
}

export interface LocalPlan {
  /** The tenant whose cache entry an object's findings belong to. */
  unitOf(m: Manifest): string | undefined;
  /** Tenants whose findings come from the cache, and those findings. */
  replayed: Map<string, StageFindings>;
  /** Findings of the tenants to store, collected as the stages run. */
  fresh: Map<string, StageFindings>;
  keys: Map<string, string>;
}

const namespaceOf = (m: Manifest): string | undefined => (m.object.kind === 'Namespace' ? m.object.metadata?.name : m.object.metadata?.namespace);

export function planLocal(cache: RenderCache, config: TenantsConfig, render: RenderResult, manifests: readonly Manifest[], differing: Iterable<string>, options: unknown): LocalPlan | undefined {
  const renderKeys = render.keys;
  if (!renderKeys) return undefined;
  const owners = render.owners;
  const tenantOfNs = new Map(config.tenants.map((t) => [t.namespace, t.id]));
  const excluded = new Set<string>();
  // A committed file that differs from the render is parsed from disk: its tenant's objects are not what the key says.
  for (const p of differing) {
    const t = owners.get(p);
    if (t !== undefined) excluded.add(t);
  }
  // An object in a tenant's namespace that another template (or a file render does not write) put there.
  for (const m of manifests) {
    const t = tenantOfNs.get(namespaceOf(m) ?? '');
    if (t !== undefined && owners.get(m.file) !== t) excluded.add(t);
  }
  const shared = JSON.stringify([FINDINGS_FORMAT, cache.toolId, config.platform, config.allowKinds ?? [], options]);
  const keys = new Map<string, string>();
  const replayed = new Map<string, StageFindings>();
  for (const t of config.tenants) {
    const renderKey = renderKeys.get(t.id);
    if (renderKey === undefined || excluded.has(t.id)) continue;
    const key = sha256(`${shared}\n${renderKey}\n${JSON.stringify(t)}`);
    keys.set(t.id, key);
    const hit = cache.getFindings(t.id, key);
    if (hit && isStageFindings(hit)) replayed.set(t.id, hit);
  }
  return {
    unitOf(m) {
      const t = tenantOfNs.get(namespaceOf(m) ?? '');
      return t !== undefined && keys.has(t) && owners.get(m.file) === t ? t : undefined;
    },
    replayed,
    fresh: new Map([...keys.keys()].filter((t) => !replayed.has(t)).map((t) => [t, { schema: [], rules: [] }])),
    keys,
  };
}

function isStageFindings(v: unknown): v is StageFindings {
  const o = v as Partial<StageFindings> | null;
  return typeof o === 'object' && o !== null && Array.isArray(o.schema) && Array.isArray(o.rules);
}

/** What the rule engine needs of the plan. */
export function ruleUnits(plan: LocalPlan): LocalFindings {
  return {
    unitOf: plan.unitOf,
    replayed: new Set(plan.replayed.keys()),
    findings: [...plan.replayed.values()].flatMap((f) => f.rules),
    store: (unit, d) => plan.fresh.get(unit)?.rules.push(d),
  };
}

/** Stores what was found about each tenant that was not replayed, as found (before waivers mark any of it). */
export function storeLocal(cache: RenderCache, plan: LocalPlan): void {
  const unwaived = (ds: readonly Diagnostic[]) => ds.map(({ waived: _waived, ...d }) => d);
  for (const [tenant, found] of plan.fresh) {
    cache.putFindings(tenant, plan.keys.get(tenant)!, { schema: unwaived(found.schema), rules: unwaived(found.rules) });
  }
}

/**
 * What the admission stage replays: the outcome of a tenant's requests, kept
 * under its findings key, the digest of its cluster's policies and bindings,
 * and the admission and GitOps settings (who applies, who is impersonated).
 */
export function admissionReplay(cache: RenderCache, plan: LocalPlan, config: TenantsConfig): AdmissionReplay {
  const settings = JSON.stringify([config.admission ?? null, config.gitops ?? null]);
  const keyOf = (tenant: string, policies: string): string | undefined => {
    const k = plan.keys.get(tenant);
    return k === undefined ? undefined : sha256(`${k}\nadmission\n${settings}\n${policies}`);
  };
  return {
    unitOf: plan.unitOf,
    recorded(tenant, policies) {
      const key = keyOf(tenant, policies);
      const v = key === undefined ? undefined : cache.getFindings(tenant, key, 'admission');
      return isTenantAdmission(v) ? v : undefined;
    },
    record(tenant, policies, outcome) {
      const key = keyOf(tenant, policies);
      if (key !== undefined) cache.putFindings(tenant, key, outcome, 'admission');
    },
  };
}

function isTenantAdmission(v: unknown): v is TenantAdmission {
  const o = v as Partial<TenantAdmission> | null;
  return typeof o === 'object' && o !== null && Array.isArray(o.labels) && Array.isArray(o.guardrails) && typeof o.objects === 'object' && o.objects !== null && Object.values(o.objects).every(Array.isArray);
}
