import type { CheckResult, QuotaHeadroomJson, TenantFacts, TenantMatrixJson } from '../../diagnostics/result.js';
import { formatQuantity, parseQuantity } from '../../manifest/quantity.js';

/**
 * What the report's script draws the matrix and the headroom bars from. At
 * 10,000 tenants the page cannot hold a cell per pair, so the data is sparse
 * and interned: tenants as rows of a table, the pairs that are not isolated as
 * a list, policy names and per-tier quota tables once each. The script builds
 * only the cells on screen from it.
 */
export interface ReportData {
  /** [id, display name, tier, cluster ('' if none), namespace], in tenants.yaml order. */
  tenants: [string, string, string, string, string][];
  /** Interned NetworkPolicy names. */
  policyNames: string[];
  /** Per tenant (same order): indexes into policyNames of its ingress and egress policies. */
  tenantPolicies: [number[], number[]][];
  /** Pairs that are not isolated: [from index, to index, open side, source pod, destination pod, ports, egress policies, ingress policies]. */
  paths: [number, number, 'both' | 'ingress' | 'egress', string, string, string, string[], string[]][];
  declaredFlows?: { checked: number; blocked: number };
  /** Interned quota tables; each row: [resource, hard, used per scenario, labels of hard, each scenario and the headroom]. */
  quotaSets: QuotaRowData[][];
  /** Per tenant (same order): [index into quotaSets or -1, fits, rejected pods]. */
  quota: [number, boolean, number][];
  scenarios: { key: string; label: string }[];
}

export type QuotaRowData = [string, number, number[], string[]];

/** The quota analysis's scenarios, in the order the bars show them. */
export const SCENARIOS = [
  { key: 'steady', label: 'steady' },
  { key: 'hpaMax', label: 'HPA max' },
  { key: 'rollout', label: 'mid-rollout' },
  { key: 'rolloutAtHpaMax', label: 'rollout at HPA max' },
] as const;

/** `TCP 80,443 · UDP 53`, or `all ports`. */
export function portsLabel(ports: TenantMatrixJson['paths'][number]['ports']): string {
  if (ports === 'all') return 'all ports';
  return Object.entries(ports)
    .map(([proto, ranges]) => `${proto} ${ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',')}`)
    .join(' · ');
}

/** Labels from the section's base-unit numbers, read back as exact quantities. */
function quantity(n: number, resource: string): string {
  return formatQuantity(parseQuantity(n) ?? 0n, resource);
}

export function sectionJson<T>(result: CheckResult, kind: 'tenant-matrix' | 'quota-headroom'): T | undefined {
  return result.sections?.find((s) => s.kind === kind)?.json as T | undefined;
}

/** The tenants to show: those the run knew of, else the ids the matrix and quota sections name. */
function tenantsOf(result: CheckResult, matrix: TenantMatrixJson | undefined, quota: QuotaHeadroomJson | undefined): TenantFacts[] {
  if (result.tenants) return result.tenants;
  const ids = matrix?.tenants ?? quota?.map((q) => q.tenant) ?? [];
  return ids.map((id) => ({ id, name: id, namespace: '', tier: '' }));
}

export function reportData(result: CheckResult): ReportData {
  const matrix = sectionJson<TenantMatrixJson>(result, 'tenant-matrix');
  const quotaJson = sectionJson<QuotaHeadroomJson>(result, 'quota-headroom');
  const facts = tenantsOf(result, matrix, quotaJson);
  const index = new Map(facts.map((t, i) => [t.id, i]));

  const policyNames: string[] = [];
  const policyIndex = new Map<string, number>();
  const intern = (name: string): number => {
    let i = policyIndex.get(name);
    if (i === undefined) {
      i = policyNames.push(name) - 1;
      policyIndex.set(name, i);
    }
    return i;
  };
  const tenantPolicies = facts.map((t): [number[], number[]] => {
    const p = matrix?.policies?.[t.id];
    return [(p?.ingress ?? []).map(intern), (p?.egress ?? []).map(intern)];
  });

  const paths: ReportData['paths'] = [];
  for (const p of matrix?.paths ?? []) {
    const from = index.get(p.from);
    const to = index.get(p.to);
    if (from === undefined || to === undefined) continue;
    paths.push([from, to, p.open, p.source, p.destination, portsLabel(p.ports), p.egressPolicies, p.ingressPolicies]);
  }

  // Tenants of one tier mostly share a quota table; one copy each keeps a 10,000-tenant page small.
  const quotaSets: QuotaRowData[][] = [];
  const setIndex = new Map<string, number>();
  const byTenant = new Map((quotaJson ?? []).map((q) => [q.tenant, q]));
  const quota = facts.map((t): [number, boolean, number] => {
    const q = byTenant.get(t.id);
    if (!q) return [-1, true, 0];
    const rows = q.resources.map((r): QuotaRowData => {
      const used = SCENARIOS.map((s) => r[s.key]);
      return [r.resource, r.hard, used, [quantity(r.hard, r.resource), ...used.map((u) => quantity(u, r.resource)), quantity(r.headroom, r.resource)]];
    });
    const key = JSON.stringify(rows);
    let i = setIndex.get(key);
    if (i === undefined) {
      i = quotaSets.push(rows) - 1;
      setIndex.set(key, i);
    }
    return [i, q.fits, q.rejections];
  });

  return {
    tenants: facts.map((t) => [t.id, t.name, t.tier, t.cluster ?? '', t.namespace]),
    policyNames,
    tenantPolicies,
    paths,
    ...(matrix ? { declaredFlows: matrix.declaredFlows } : {}),
    quotaSets,
    quota,
    scenarios: SCENARIOS.map((s) => ({ key: s.key, label: s.label })),
  };
}
