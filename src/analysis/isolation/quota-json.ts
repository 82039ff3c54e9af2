/**
 * A tenant's quota report as the cache stores it. Kept apart from the
 * analysis so that reading the cache loads no quota code.
 */
import { scenarios, type Scenario } from '../quota/types.js';
import type { QuotaRow, TenantQuota } from './quota.js';

/** A report as JSON can hold it: the exact milli-unit amounts as decimal strings. */
export function quotaToJson(q: TenantQuota): unknown {
  return { ...q, rows: q.rows.map((r) => ({ ...r, hard: String(r.hard), headroom: String(r.headroom), used: Object.fromEntries(scenarios.map((s) => [s, String(r.used[s])])) })) };
}

const INTEGER = /^-?\d+$/;

/** An exact amount as quotaToJson wrote it, or undefined. */
const amount = (x: unknown): bigint | undefined => (typeof x === 'string' && INTEGER.test(x) ? BigInt(x) : undefined);

/**
 * The report quotaToJson wrote, or undefined for anything else (an entry of another shape is a miss).
 * A warm check reads one per tenant (600,000 amounts at 10,000 tenants): each
 * row is read field by field, without building lists and maps on the way.
 */
export function quotaFromJson(v: unknown, tenant: string): TenantQuota | undefined {
  const o = v as { tenant?: unknown; fits?: unknown; rejections?: unknown; rows?: unknown } | null;
  if (typeof o !== 'object' || o === null || o.tenant !== tenant || typeof o.fits !== 'boolean' || typeof o.rejections !== 'number' || !Array.isArray(o.rows)) return undefined;
  const rows: QuotaRow[] = [];
  for (const r of o.rows as ({ quota?: unknown; resource?: unknown; hard?: unknown; headroom?: unknown; used?: Partial<Record<Scenario, unknown>> | null } | null)[]) {
    if (typeof r !== 'object' || r === null || typeof r.quota !== 'string' || typeof r.resource !== 'string' || typeof r.used !== 'object' || r.used === null) return undefined;
    const hard = amount(r.hard);
    const headroom = amount(r.headroom);
    const used = { steady: amount(r.used.steady), hpaMax: amount(r.used.hpaMax), rollout: amount(r.used.rollout), rolloutAtHpaMax: amount(r.used.rolloutAtHpaMax) } satisfies Record<Scenario, bigint | undefined>;
    if (hard === undefined || headroom === undefined || scenarios.some((s) => used[s] === undefined)) return undefined;
    rows.push({ quota: r.quota, resource: r.resource, hard, used: used as Record<Scenario, bigint>, headroom });
  }
  return { tenant, fits: o.fits, rejections: o.rejections, rows };
}
