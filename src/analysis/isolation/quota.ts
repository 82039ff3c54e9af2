/**
 * The quota report: per tenant, how much of each quota the declared pods use
 * at steady state, at HPA maximum and mid-rollout. Findings for pods that do
 * not fit come from the quota/fit rule; this only reports the numbers.
 */
import { formatQuantity, minQuantity, quantityNumber } from '../../manifest/quantity.js';
import { namespaceOfManifest, type KubeObject, type Manifest } from '../../manifest/types.js';
import type { QuotaHeadroomJson, Section } from '../../diagnostics/result.js';
import type { TenantsConfig } from '../../tenants/types.js';
import { analyzeQuota, scenarios, type Scenario } from '../quota/index.js';
import { MATRIX_MAX_TENANTS } from './matrix.js';

export interface QuotaRow {
  quota: string;
  resource: string;
  /** Exact milli-units, as everywhere in the quota analysis. */
  hard: bigint;
  used: Record<Scenario, bigint>;
  /** Headroom in the worst scenario (negative = over). */
  headroom: bigint;
}

export interface TenantQuota {
  tenant: string;
  fits: boolean;
  rejections: number;
  rows: QuotaRow[];
}

/**
 * A tenant's quota report kept from an earlier run. Only a tenant whose
 * namespace holds nothing but its own unchanged render (`unitOf`) takes part:
 * its objects, and so its report, are then what its key says.
 */
export interface QuotaReplay {
  unitOf(m: Manifest): string | undefined;
  recorded(tenant: string): TenantQuota | undefined;
  record(tenant: string, quota: TenantQuota): void;
}

export function tenantQuotas(manifests: readonly Manifest[], config: TenantsConfig, replay?: QuotaReplay): TenantQuota[] {
  const tenantOfNs = new Map(config.tenants.map((t) => [t.namespace, t.id]));
  // Manifests, not objects: a replayed report needs none of its tenant's objects parsed.
  const byNs = new Map<string, Manifest[]>();
  /** Namespaces holding an object that is not their tenant's own render: computed, never replayed. */
  const mixed = new Set<string>();
  for (const m of manifests) {
    // A tenant's objects as the rules and the cache see them (its Namespace, which no quota charges, included).
    const ns = namespaceOfManifest(m);
    if (!ns) continue;
    if (replay && replay.unitOf(m) !== tenantOfNs.get(ns)) mixed.add(ns);
    const list = byNs.get(ns);
    if (list) list.push(m);
    else byNs.set(ns, [m]);
  }
  return config.tenants.map((t) => {
    const replayable = replay !== undefined && !mixed.has(t.namespace) && byNs.has(t.namespace);
    const kept = replayable ? replay.recorded(t.id) : undefined;
    if (kept) return kept;
    const q = quotaOf(t.id, (byNs.get(t.namespace) ?? []).map((m) => m.object));
    if (replayable) replay.record(t.id, q);
    return q;
  });
}

/** One tenant's report from the objects in its namespace. */
export function quotaOf(tenant: string, objects: readonly KubeObject[]): TenantQuota {
  const a = analyzeQuota(objects);
  // Rows in the order first seen; by quota, then resource (no key strings: this runs for every tenant).
  const rows: QuotaRow[] = [];
  const byQuota = new Map<string, Map<string, QuotaRow>>();
  for (const s of a.scenarios) {
    for (const q of s.quotas) {
      let ofQuota = byQuota.get(q.quota);
      if (!ofQuota) byQuota.set(q.quota, (ofQuota = new Map()));
      for (const r of q.resources) {
        let row = ofQuota.get(r.resource);
        if (!row) {
          row = { quota: q.quota, resource: r.resource, hard: r.hard, used: { steady: 0n, hpaMax: 0n, rollout: 0n, rolloutAtHpaMax: 0n }, headroom: r.headroom };
          ofQuota.set(r.resource, row);
          rows.push(row);
        }
        row.used[s.scenario] = r.used;
        row.headroom = minQuantity(row.headroom, r.headroom);
      }
    }
  }
  return { tenant, fits: a.scenarios.every((s) => s.fits) && a.rejections.length === 0, rejections: a.rejections.length, rows };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

export function quotaSection(quotas: readonly TenantQuota[]): Section {
  const lines: string[] = [];
  if (quotas.length <= MATRIX_MAX_TENANTS) {
    const rows = [['tenant', 'resource', 'hard', ...scenarios, 'headroom']];
    for (const t of quotas) {
      for (const r of t.rows) rows.push([t.tenant, r.resource, formatQuantity(r.hard, r.resource), ...scenarios.map((s) => formatQuantity(r.used[s], r.resource)), formatQuantity(r.headroom, r.resource)]);
    }
    if (rows.length > 1) lines.push(...table(rows));
  }
  const over = quotas.filter((t) => !t.fits);
  lines.push(over.length === 0 ? `all ${quotas.length} tenants fit their quotas in every scenario` : `${over.length} of ${quotas.length} tenants do not fit: ${over.slice(0, 10).map((t) => t.tenant).join(', ')}${over.length > 10 ? ` and ${over.length - 10} more` : ''}`);
  return {
    title: 'Quota headroom',
    kind: 'quota-headroom',
    text: `${lines.join('\n')}\n`,
    // Keys in the order the JSON output sorts them, so the formatter serialises these
    // objects (one a tenant and one a quota resource) as they are instead of copying them.
    json: quotas.map((t) => ({
      fits: t.fits,
      rejections: t.rejections,
      // JSON numbers in base units, each converted once from the exact sum: 0.7, never 0.7000000000000001.
      resources: t.rows.map((r) => ({
        hard: quantityNumber(r.hard),
        headroom: quantityNumber(r.headroom),
        hpaMax: quantityNumber(r.used.hpaMax),
        quota: r.quota,
        resource: r.resource,
        rollout: quantityNumber(r.used.rollout),
        rolloutAtHpaMax: quantityNumber(r.used.rolloutAtHpaMax),
        steady: quantityNumber(r.used.steady),
      })),
      tenant: t.tenant,
    })) satisfies QuotaHeadroomJson,
  };
}
