import { atomize, compareRanges, formatRange, fullRange, type IpFamily, type IpRange } from '../../manifest/cidr.js';
import { connection, type EvalOptions, type Remote } from './evaluate.js';
import type { NetpolModel, PolicyModel, Workload } from './model.js';
import { equalPorts, isEmptyPorts, type PortSet } from './ports.js';

export interface PairConnection {
  readonly src: Workload;
  readonly dst: Workload;
  readonly ports: PortSet;
}

export interface ExternalConnection {
  /** ingress: from the range to the workload; egress: from the workload to the range. */
  readonly direction: 'ingress' | 'egress';
  readonly range: IpRange;
  readonly workload: Workload;
  readonly ports: PortSet;
}

export interface ConnectionList {
  readonly pairs: readonly PairConnection[];
  readonly external: readonly ExternalConnection[];
}

/** Every ipBlock boundary (cidr and except) any policy mentions. */
export function policyCuts(policies: readonly PolicyModel[]): IpRange[] {
  const out: IpRange[] = [];
  for (const p of policies) {
    for (const r of [...p.ingress, ...p.egress]) {
      for (const peer of r.peers ?? []) if (peer.ipBlock) out.push(...peer.ipBlock.ranges);
    }
  }
  return out;
}

/**
 * The external address space cut into atoms that every ipBlock treats alike.
 * IPv6 is listed only when some policy mentions it, to keep IPv4-only output short.
 */
export function externalAtoms(policies: readonly PolicyModel[], within?: readonly IpRange[]): IpRange[] {
  const cuts = policyCuts(policies);
  const families: IpFamily[] = cuts.some((c) => c.family === 6) ? [4, 6] : [4];
  const space = within ?? families.map(fullRange);
  return atomize(space, cuts);
}

export function ipRemote(r: IpRange): Remote {
  return { kind: 'ip', family: r.family, value: r.lo };
}

/**
 * Pairs of distinct workloads with any allowed port, and every workload's
 * traffic to/from external ranges (adjacent atoms with equal ports merged).
 */
export function listConnections(model: NetpolModel, opts: EvalOptions = {}): ConnectionList {
  const pairs: PairConnection[] = [];
  for (const src of model.workloads) {
    for (const dst of model.workloads) {
      if (src === dst) continue;
      const c = connection(model.policies, { kind: 'pod', endpoint: src }, { kind: 'pod', endpoint: dst }, opts);
      if (!isEmptyPorts(c.ports)) pairs.push({ src, dst, ports: c.ports });
    }
  }
  const external: ExternalConnection[] = [];
  const atoms = externalAtoms(model.policies);
  for (const direction of ['ingress', 'egress'] as const) {
    for (const w of model.workloads) {
      const pod: Remote = { kind: 'pod', endpoint: w };
      let open: ExternalConnection | undefined;
      for (const range of atoms) {
        const c = direction === 'ingress' ? connection(model.policies, ipRemote(range), pod, opts) : connection(model.policies, pod, ipRemote(range), opts);
        // Neighbouring atoms with the same ports read better as one range.
        if (open && open.range.family === range.family && open.range.hi + 1n === range.lo && equalPorts(open.ports, c.ports)) {
          open = { ...open, range: { ...open.range, hi: range.hi } };
          external[external.length - 1] = open;
        } else if (!isEmptyPorts(c.ports)) {
          open = { direction, range, workload: w, ports: c.ports };
          external.push(open);
        } else open = undefined;
      }
    }
  }
  external.sort((a, b) => (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0) || compareRanges(a.range, b.range) || (a.workload.id < b.workload.id ? -1 : a.workload.id > b.workload.id ? 1 : 0));
  return { pairs, external };
}

/**
 * Display names: `ns/name`, with `[Kind]` only when two workloads of one
 * namespace share a name, so the common case stays short and nothing is ambiguous.
 */
export function displayNames(workloads: readonly Workload[]): Map<Workload, string> {
  const count = new Map<string, number>();
  for (const w of workloads) count.set(`${w.namespace}/${w.name}`, (count.get(`${w.namespace}/${w.name}`) ?? 0) + 1);
  return new Map(workloads.map((w) => [w, count.get(`${w.namespace}/${w.name}`)! > 1 ? w.id : `${w.namespace}/${w.name}`]));
}

export { formatRange };
