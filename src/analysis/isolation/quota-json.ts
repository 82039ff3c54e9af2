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

/** The report quotaToJson wrote, or undefined for anything else (an entry of another shape is a miss). */
export function quotaFromJson(v: unknown, tenant: string): TenantQuota | undefined {
  const o = v as { tenant?: unknown; fits?: unknown; rejections?: unknown; rows?: unknown } | null;
  if (typeof o !== 'object' || o === null || o.tenant !== tenant || typeof o.fits !== 'boolean' || typeof o.rejections !== 'number' || !Array.isArray(o.rows)) return undefined;
  const rows: QuotaRow[] = [];
  for (const r of o.rows as { quota?: unknown; resource?: unknown; hard?: unknown; headroom?: unknown; used?: Record<string, unknown> }[]) {
    const amounts = [r?.hard, r?.headroom, ...scenarios.map((s) => r?.used?.[s])];
    if (typeof r?.quota !== 'string' || typeof r.resource !== 'string' || !amounts.every((x) => typeof x === 'string' && INTEGER.test(x))) return undefined;
    const used = Object.fromEntries(scenarios.map((s) => [s, BigInt(r.used![s] as string)])) as Record<Scenario, bigint>;
    rows.push({ quota: r.quota, resource: r.resource, hard: BigInt(r.hard as string), used, headroom: BigInt(r.headroom as string) });
  }
  return { tenant, fits: o.fits, rejections: o.rejections, rows };
}
