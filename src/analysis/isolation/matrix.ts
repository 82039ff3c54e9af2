import type { Section, TenantMatrixJson } from '../../diagnostics/result.js';
import { toPortJson } from '../netpol/index.js';
import type { CrossTenantPath } from './cross-tenant.js';
import type { ProofStats } from './evaluator.js';

/** A grid wider than this would wrap on a terminal and help nobody: above it, a summary. */
export const MATRIX_MAX_TENANTS = 30;

const MARK = { none: '·', both: '✗', ingress: '!', egress: '!' } as const;

/** A numbered from × to grid, the diagonal marked `-`; `cell` gives every other mark. */
export function grid(tenants: readonly string[], cell: (from: string, to: string) => string): string[] {
  const width = String(tenants.length).length;
  const label = (i: number) => String(i + 1).padStart(width);
  const names = tenants.map((t, i) => `${label(i)} ${t}`);
  const left = Math.max('from \\ to'.length, ...names.map((n) => n.length));
  const head = `${'from \\ to'.padEnd(left)}  ${tenants.map((_, i) => label(i)).join(' ')}`;
  const rows = tenants.map((from, i) => `${names[i]!.padEnd(left)}  ${tenants.map((to) => (from === to ? '-' : cell(from, to)).padStart(width)).join(' ')}`);
  return [head, ...rows];
}

export function matrixSection(
  tenants: readonly string[],
  paths: readonly CrossTenantPath[],
  declared: { checked: number; blocked: number },
  stats: ProofStats,
  policies: TenantMatrixJson['policies'] = {},
): Section {
  const byPair = new Map(paths.map((p) => [`${p.from}\u0000${p.to}`, p]));
  const full = paths.filter((p) => p.open === 'both').length;
  const oneSided = paths.length - full;
  const lines: string[] = [];
  if (tenants.length <= MATRIX_MAX_TENANTS && tenants.length > 0) {
    lines.push(...grid(tenants, (f, t) => MARK[byPair.get(`${f}\u0000${t}`)?.open ?? 'none']));
    lines.push(`· no path   ✗ path   ! one side's policies admit it (only the other side's block it)   - same tenant`);
  }
  lines.push(
    paths.length === 0
      ? `no cross-tenant path among ${tenants.length} tenants`
      : `${full} cross-tenant path(s) and ${oneSided} one-sided exposure(s) among ${tenants.length} tenants`,
  );
  lines.push(`declared flows: ${declared.checked - declared.blocked}/${declared.checked} open${declared.blocked ? `, ${declared.blocked} blocked` : ''}`);
  lines.push(`evaluated ${stats.evaluations} connections over ${stats.candidatePairs} candidate tenant pairs`);
  return {
    title: 'Tenant isolation matrix',
    kind: 'tenant-matrix',
    text: `${lines.join('\n')}\n`,
    json: {
      tenants: [...tenants],
      paths: paths.map((p) => ({
        from: p.from,
        to: p.to,
        open: p.open,
        source: p.src,
        destination: p.dst,
        ports: toPortJson(p.ports),
        egressPolicies: p.egressPolicies,
        ingressPolicies: p.ingressPolicies,
      })),
      policies,
      declaredFlows: declared,
      stats: { ...stats },
    } satisfies TenantMatrixJson,
  };
}
