import { formatRange, fullRange, normalizeRanges, subtractRanges, type IpRange } from '../../manifest/cidr.js';
import type { Manifest } from '../../manifest/types.js';
import { namespaceFingerprints } from './fingerprint.js';
import { buildModel, connection, equalPorts, externalAtoms, formatPorts, ipRemote, isEmptyPorts, type NetpolModel, type PortSet, type Workload } from '../netpol/index.js';

/**
 * What a change opens and closes on the network, computed by the same
 * NetworkPolicy engine as the proofs, for a reviewer: per flow, the ports
 * before and after. Only workloads whose namespace changed (a policy, a
 * Namespace's labels or a workload's labels) are evaluated: a connection
 * depends on nothing else, so the rest cannot have changed.
 */
export interface FlowChange {
  from: string;
  to: string;
  before: string;
  after: string;
  /** The tenant on the side whose exposure changed (source for egress, destination otherwise). */
  tenant?: string;
}

const NETWORK_KINDS = new Set(['NetworkPolicy', 'Namespace', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);

function changedNamespaces(base: readonly Manifest[], head: readonly Manifest[]): Set<string> {
  const a = namespaceFingerprints(base, NETWORK_KINDS);
  const b = namespaceFingerprints(head, NETWORK_KINDS);
  return new Set([...new Set([...a.keys(), ...b.keys()])].filter((ns) => a.get(ns) !== b.get(ns)));
}

const name = (w: Workload) => `${w.namespace}/${w.name}`;

function pairPorts(model: NetpolModel, src: Workload | undefined, dst: Workload | undefined): PortSet | undefined {
  if (!src || !dst) return undefined;
  return connection(model.policies, { kind: 'pod', endpoint: src }, { kind: 'pod', endpoint: dst }).ports;
}

function externalPorts(model: NetpolModel, w: Workload | undefined, range: IpRange, direction: 'egress' | 'ingress'): PortSet | undefined {
  if (!w) return undefined;
  const pod = { kind: 'pod' as const, endpoint: w };
  return direction === 'egress' ? connection(model.policies, pod, ipRemote(range)).ports : connection(model.policies, ipRemote(range), pod).ports;
}

const show = (p: PortSet | undefined) => (p === undefined ? 'no such workload' : isEmptyPorts(p) ? 'denied' : formatPorts(p));

/** `10.0.0.0-10.255.255.255`, or `all IPv4 except …` when the gaps are fewer than the pieces. */
function rangesLabel(ranges: readonly IpRange[]): string {
  const merged = normalizeRanges(ranges);
  const family = merged[0]!.family;
  if (merged.every((r) => r.family === family)) {
    const gaps = subtractRanges([fullRange(family)], merged);
    if (gaps.length === 0) return `all IPv${family}`;
    if (gaps.length < merged.length) return `all IPv${family} except ${gaps.map(formatRange).join(', ')}`;
  }
  return merged.map(formatRange).join(', ');
}

export function connectivityDelta(base: readonly Manifest[], head: readonly Manifest[], tenantOfNamespace: ReadonlyMap<string, string>): FlowChange[] {
  const changed = changedNamespaces(base, head);
  if (changed.size === 0) return [];
  const a = buildModel(base);
  const b = buildModel(head);
  const byName = (m: NetpolModel) => new Map(m.workloads.map((w) => [name(w), w]));
  const wa = byName(a);
  const wb = byName(b);
  const names = [...new Set([...wa.keys(), ...wb.keys()])].sort();
  const touched = names.filter((n) => changed.has(n.split('/')[0]!));
  const out: FlowChange[] = [];
  const record = (from: string, to: string, before: PortSet | undefined, after: PortSet | undefined, tenantNs: string) => {
    // A workload that exists on one side only is an added or removed object, listed as such;
    // the delta is about what changes for workloads that stay.
    if (!before || !after) return;
    if (equalPorts(before, after)) return;
    if ((!before || isEmptyPorts(before)) && (!after || isEmptyPorts(after))) return;
    const tenant = tenantOfNamespace.get(tenantNs);
    out.push({ from, to, before: show(before), after: show(after), ...(tenant ? { tenant } : {}) });
  };
  const seen = new Set<string>();
  for (const t of touched) {
    for (const other of names) {
      if (t === other) continue;
      for (const [src, dst] of [
        [t, other],
        [other, t],
      ] as const) {
        const key = `${src}\u0000${dst}`;
        if (seen.has(key)) continue;
        seen.add(key);
        record(src, dst, pairPorts(a, wa.get(src), wa.get(dst)), pairPorts(b, wb.get(src), wb.get(dst)), src.split('/')[0]!);
      }
    }
  }
  // External ranges, cut where either side's policies draw a boundary; neighbouring
  // atoms that changed alike read better as one range.
  const atoms = externalAtoms([...a.policies, ...b.policies]);
  for (const t of touched) {
    for (const direction of ['egress', 'ingress'] as const) {
      // Group the changed atoms by their before and after; one line per group names the
      // ranges, or the address family minus what is left out when that is shorter.
      const groups = new Map<string, { before: PortSet | undefined; after: PortSet | undefined; ranges: IpRange[] }>();
      for (const range of atoms) {
        const before = externalPorts(a, wa.get(t), range, direction);
        const after = externalPorts(b, wb.get(t), range, direction);
        if (!before || !after || equalPorts(before, after)) continue;
        if ((!before || isEmptyPorts(before)) && (!after || isEmptyPorts(after))) continue;
        const key = `${show(before)}\u0000${show(after)}`;
        const g = groups.get(key) ?? { before, after, ranges: [] };
        g.ranges.push(range);
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        const label = rangesLabel(g.ranges);
        record(direction === 'egress' ? t : label, direction === 'egress' ? label : t, g.before, g.after, t.split('/')[0]!);
      }
    }
  }
  return out.sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0));
}
