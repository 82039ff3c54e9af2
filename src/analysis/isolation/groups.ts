import { diagnostic } from '../../diagnostics/catalogue.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Section } from '../../diagnostics/result.js';
import type { Manifest } from '../../manifest/types.js';
import { grid, MATRIX_MAX_TENANTS } from './matrix.js';
import { buildModel, connection, formatPorts, isEmptyPorts, type Workload } from '../netpol/index.js';

/**
 * Isolation over manifests that come without a tenants.yaml (`verify`): the
 * same NetworkPolicy engine, grouped by tenant when the command line says how
 * to recognise one (a namespace label or name prefix), else by namespace.
 */
export type Grouping = { by: 'label'; key: string } | { by: 'prefix'; prefix: string } | { by: 'namespace' };

export interface GroupPath {
  from: string;
  to: string;
  /** One example connection: the workloads and the ports open between them. */
  src: string;
  dst: string;
  ports: string;
  policies: string[];
}

export interface GroupProof {
  groups: string[];
  paths: GroupPath[];
  diagnostics: Diagnostic[];
  sections: Section[];
}

function groupOf(g: Grouping, namespace: string, labels: Readonly<Record<string, string>> | undefined): string | undefined {
  if (g.by === 'namespace') return namespace;
  if (g.by === 'label') return labels?.[g.key];
  return namespace.startsWith(g.prefix) && namespace.length > g.prefix.length ? namespace.slice(g.prefix.length) : undefined;
}


/** Every pair of groups between which some pod can open a connection to another's pod. */
export function proveGroups(manifests: readonly Manifest[], grouping: Grouping): GroupProof {
  const model = buildModel(manifests);
  const groupOfWorkload = new Map<Workload, string>();
  for (const w of model.workloads) {
    const g = groupOf(grouping, w.namespace, model.namespaces.get(w.namespace));
    if (g !== undefined) groupOfWorkload.set(w, g);
  }
  const groups = [...new Set(groupOfWorkload.values())].sort();
  const byPair = new Map<string, GroupPath>();
  for (const [src, from] of groupOfWorkload) {
    for (const [dst, to] of groupOfWorkload) {
      if (from === to || byPair.has(`${from}\u0000${to}`)) continue;
      const c = connection(model.policies, { kind: 'pod', endpoint: src }, { kind: 'pod', endpoint: dst });
      if (isEmptyPorts(c.ports)) continue;
      const policies = [...(c.egress?.allowedBy ?? []), ...(c.ingress?.allowedBy ?? [])].map((a) => a.policy);
      byPair.set(`${from}\u0000${to}`, { from, to, src: src.id, dst: dst.id, ports: formatPorts(c.ports), policies: [...new Set(policies)].sort() });
    }
  }
  const paths = [...byPair.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  const noun = grouping.by === 'namespace' ? 'namespace' : 'tenant';
  const how = grouping.by === 'label' ? ` (namespaces labelled ${grouping.key})` : grouping.by === 'prefix' ? ` (namespaces named ${grouping.prefix}*)` : '';
  const lines: string[] = [];
  if (groups.length > 0 && groups.length <= MATRIX_MAX_TENANTS) {
    lines.push(...grid(groups, (a, b) => (byPair.has(`${a}\u0000${b}`) ? '✗' : '·')), `· no path   ✗ path   - same ${noun}`);
  }
  lines.push(paths.length === 0 ? `no cross-${noun} path among ${groups.length} ${noun}s` : `${paths.length} cross-${noun} path(s) among ${groups.length} ${noun}s`);
  const sections: Section[] = [
    {
      title: `${noun === 'tenant' ? 'Tenant' : 'Namespace'} isolation matrix${how}`,
      text: lines.join('\n'),
      json: { grouping, groups, paths },
    },
  ];
  // Between namespaces a path may be intended; between recognised tenants it never is.
  const diagnostics =
    grouping.by === 'namespace'
      ? []
      : paths.map((p) =>
          diagnostic('isolation/cross-tenant-path', `tenant ${p.from} can reach tenant ${p.to}: ${p.src} -> ${p.dst} on ${p.ports}${p.policies.length ? ` (allowed by ${p.policies.join(', ')})` : ' (no policy isolates either side)'}`, {
            tenant: p.from,
          }),
        );
  return { groups, paths, diagnostics, sections };
}
