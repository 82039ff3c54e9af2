import { formatQuantity, maxQuantity } from '../../manifest/quantity.js';
import type { Manifest } from '../../manifest/types.js';
import type { TenantsConfig } from '../../tenants/types.js';
import { tenantQuotas, type QuotaRow } from '../isolation/quota.js';
import { changedNamespaces } from './fingerprint.js';

/**
 * What a change does to each tenant's quota: the hard limit, the peak use
 * (mid-rollout at the HPA maximum, the worst scenario) and the headroom, before
 * and after, from the same quota analysis as `check`. Only tenants whose quota,
 * limit range or workloads changed are analysed.
 */
export interface CapacityChange {
  tenant: string;
  resource: string;
  hard: [string, string];
  peak: [string, string];
  headroom: [string, string];
  /** The tenant no longer fits (or fits again) in some scenario. */
  fits: [boolean, boolean];
  /** This resource's peak use exceeds its hard limit, before and after. */
  over: [boolean, boolean];
}

const CAPACITY_KINDS = new Set(['ResourceQuota', 'LimitRange', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'HorizontalPodAutoscaler']);

const fmt = (v: bigint | undefined, resource: string) => (v === undefined ? '-' : formatQuantity(v, resource));

export function capacityDelta(base: readonly Manifest[], baseConfig: TenantsConfig, head: readonly Manifest[], headConfig: TenantsConfig): CapacityChange[] {
  const differ = changedNamespaces(base, head, CAPACITY_KINDS);
  const inBase = new Map(baseConfig.tenants.map((t) => [t.id, t]));
  const changed = headConfig.tenants.filter((t) => inBase.has(t.id) && inBase.get(t.id)!.namespace === t.namespace && differ.has(t.namespace));
  if (changed.length === 0) return [];
  const only = (c: TenantsConfig) => ({ ...c, tenants: c.tenants.filter((t) => changed.some((x) => x.id === t.id)) });
  const before = new Map(tenantQuotas(base, only(baseConfig)).map((q) => [q.tenant, q]));
  const after = new Map(tenantQuotas(head, only(headConfig)).map((q) => [q.tenant, q]));
  const out: CapacityChange[] = [];
  for (const t of changed) {
    const a = before.get(t.id);
    const b = after.get(t.id);
    if (!a || !b) continue;
    const rows = (q: typeof a) => new Map(q.rows.map((r) => [r.resource, r]));
    const [ra, rb] = [rows(a), rows(b)];
    const peak = (r: QuotaRow | undefined) => (r ? Object.values(r.used).reduce(maxQuantity) : undefined);
    for (const resource of [...new Set([...ra.keys(), ...rb.keys()])].sort()) {
      const x = ra.get(resource);
      const y = rb.get(resource);
      if (x && y && x.hard === y.hard && peak(x) === peak(y) && x.headroom === y.headroom) continue;
      out.push({
        tenant: t.id,
        resource,
        hard: [fmt(x?.hard, resource), fmt(y?.hard, resource)],
        peak: [fmt(peak(x), resource), fmt(peak(y), resource)],
        headroom: [fmt(x?.headroom, resource), fmt(y?.headroom, resource)],
        fits: [a.fits, b.fits],
        over: [(x?.headroom ?? 0) < 0, (y?.headroom ?? 0) < 0],
      });
    }
  }
  return out;
}
