import { formatIp, fullRange, normalizeRanges, subtractRanges, type IpRange } from '../../manifest/cidr.js';
import type { Manifest } from '../../manifest/types.js';
import { changedNamespaces } from './fingerprint.js';
import { allDeclared, declaredIntent, type FlowEnd } from '../isolation/intent.js';
import { namespaceIndex, witnessLabels } from '../isolation/namespaces.js';
import { policySurface } from '../isolation/surface.js';
import { buildWorld, UNRELATED_NAMESPACE } from '../isolation/world.js';
import type { TenantsConfig } from '../../tenants/types.js';
import {
  buildModel,
  connectionIn,
  equalPorts,
  externalAtoms,
  formatPorts,
  ipRemote,
  isEmptyPorts,
  NAMESPACE_NAME_LABEL,
  type Direction,
  type Endpoint,
  type Labels,
  type NetpolModel,
  type PolicyModel,
  type PortSet,
  intersectPorts,
  subtractPorts,
  unionPorts,
} from '../netpol/index.js';

/**
 * What a change opens and closes on the network, computed by the same
 * NetworkPolicy engine as the proofs, for a reviewer: per flow, the ports
 * before and after. Only workloads whose namespace changed (a policy, a
 * Namespace's labels or a workload's labels) are evaluated: a connection
 * depends on nothing else, so the rest cannot have changed.
 *
 * rendered/ holds only the tenants' workloads; the pods a policy admits
 * elsewhere (the database, the ingress controller, "any pod labelled
 * app=x in any namespace") are stood in for by one witness per policy peer,
 * so widening a peer's selector shows as the pods it now reaches.
 */
export interface FlowChange {
  from: string;
  to: string;
  before: string;
  after: string;
  /** Ports allowed after and not before ('' when none). */
  opens: string;
  /** Ports allowed before and not after ('' when none). */
  closes: string;
  /** The tenant on the side whose exposure changed (source for egress, destination otherwise). */
  tenant?: string;
  /**
   * With the head's tenants.yaml: the flow is one tenants.yaml declares
   * (src/analysis/isolation/intent.ts): every port it opens, or, when it only
   * closes, every port it closes.
   */
  declared?: boolean;
  /** The declared flows its ports belong to (`external services (TCP 80)`). */
  intent?: string[];
  /** A reviewer must look: it opens a port tenants.yaml does not declare, or closes one it does. */
  review?: boolean;
}

/** Flows that changed alike for many tenant workloads, as one sentence's worth of data. */
export interface FlowGroup {
  /** `every tenant`, `every tenant's api`, `tenant a, b` or the workloads by name. */
  who: string;
  /** `to`: the tenant workloads reach `peer`; `from`: `peer` reaches them. */
  direction: 'to' | 'from';
  peer: string;
  before: string;
  after: string;
  opens: string;
  closes: string;
  flows: number;
  declared?: boolean;
  intent?: string[];
  review?: boolean;
}

const NETWORK_KINDS = new Set(['NetworkPolicy', 'Namespace', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);

interface Party {
  /** As shown: `ns/name` for a workload; `database/pod{app=x}` or `pods labelled app=x in any namespace` for a witness. */
  name: string;
  endpoint: Endpoint;
}

const labelText = (l: Labels) =>
  Object.entries(l)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/**
 * One witness pod per distinct policy peer that selects pods outside tenant
 * namespaces: labelled to match the peer's podSelector, in the namespace its
 * namespaceSelector names or in an unrelated namespace carrying the labels it asks for.
 */
function witnesses(policies: readonly PolicyModel[], model: NetpolModel, tenantNamespaces: ReadonlySet<string>): Party[] {
  const out = new Map<string, Party>();
  for (const p of policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock) continue;
        const pod = witnessLabels(peer.podSelector);
        const nsWanted = peer.namespaceSelector ? witnessLabels(peer.namespaceSelector) : { [NAMESPACE_NAME_LABEL]: p.namespace };
        if (!pod || !nsWanted) continue;
        const pinned = nsWanted[NAMESPACE_NAME_LABEL];
        if (pinned !== undefined && tenantNamespaces.has(pinned)) continue;
        const namespace = pinned ?? UNRELATED_NAMESPACE;
        const nsLabels = { ...(model.namespaces.get(namespace) ?? {}), ...nsWanted, [NAMESPACE_NAME_LABEL]: namespace };
        const pods = Object.keys(pod).length === 0 ? 'any pod' : `pods labelled ${labelText(pod)}`;
        const name = pinned !== undefined ? `${pinned}/${Object.keys(pod).length === 0 ? 'any pod' : `pod{${labelText(pod)}}`}` : `${pods} in ${Object.keys(nsWanted).length === 0 ? 'any namespace' : `namespaces labelled ${labelText(nsWanted)}`}`;
        if (!out.has(name)) out.set(name, { name, endpoint: { namespace, namespaceLabels: nsLabels, labels: pod, ports: [] } });
      }
    }
  }
  return [...out.values()];
}

/** Ports allowed on one side only. */
const movedPorts = (before: PortSet, after: PortSet) => unionPorts(subtractPorts(after, before), subtractPorts(before, after));
const show = (p: PortSet) => (isEmptyPorts(p) ? 'denied' : formatPorts(p));
const diff = (a: PortSet, b: PortSet) => {
  const d = subtractPorts(a, b);
  return isEmptyPorts(d) ? '' : formatPorts(d);
};

/** The fewest CIDR blocks that cover a range exactly. */
function cidrs(r: IpRange): string[] {
  const bits = r.family === 4 ? 32 : 128;
  const out: string[] = [];
  let lo = r.lo;
  while (lo <= r.hi) {
    let size = 0;
    while (size < bits && (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n && lo + (1n << BigInt(size + 1)) - 1n <= r.hi) size++;
    out.push(`${formatIp(r.family, lo)}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

/**
 * `0.0.0.0/0 except 10.96.0.0/12, 169.254.0.0/16`, or the CIDRs themselves
 * when that is shorter; IPv4 and IPv6 are labelled apart (`…; ::/0`), so a
 * dual-stack change does not read as one long list of blocks.
 */
function rangesLabel(ranges: readonly IpRange[]): string {
  const merged = normalizeRanges(ranges);
  return ([4, 6] as const)
    .map((family) => merged.filter((r) => r.family === family))
    .filter((rs) => rs.length > 0)
    .map((rs) => familyLabel(rs))
    .join('; ');
}

function familyLabel(merged: readonly IpRange[]): string {
  const family = merged[0]!.family;
  const gaps = subtractRanges([fullRange(family)], merged);
  if (gaps.length === 0) return family === 4 ? '0.0.0.0/0' : '::/0';
  const listed = merged.flatMap(cidrs);
  const except = gaps.flatMap(cidrs);
  if (except.length < listed.length) return `${family === 4 ? '0.0.0.0/0' : '::/0'} except ${except.join(', ')}`;
  return listed.join(', ');
}

/** A model's policies by namespace, in model order: only a policy of an endpoint's own namespace can isolate it (connectionIn). */
function policiesByNamespace(m: NetpolModel): Map<string, PolicyModel[]> {
  const out = new Map<string, PolicyModel[]>();
  for (const p of m.policies) {
    const list = out.get(p.namespace);
    if (list) list.push(p);
    else out.set(p.namespace, [p]);
  }
  return out;
}

/**
 * Per namespace of a model's workloads, the namespaces of its workloads that
 * its pods could open a connection towards (egress) or accept one from
 * (ingress), or 'all'. Every pod of a namespace whose surface is not open
 * (policySurface: isolated by a policy selecting every pod, no rule without
 * peers) reaches another namespace only through a peer's namespaceSelector
 * matching that namespace's labels: a podSelector alone stays in the policy's
 * namespace, and an ipBlock matches no pod (EvalOptions.ipBlockMatchesPods is
 * off). So a pair outside these sets is denied, whatever the pods' labels.
 */
function reachOf(m: NetpolModel, policies: ReadonlyMap<string, readonly PolicyModel[]>): (ns: string, dir: Direction) => ReadonlySet<string> | 'all' {
  const workloads = new Map<string, Endpoint[]>();
  const labels = new Map<string, Labels>();
  const mixed = new Set<string>();
  for (const w of m.workloads) {
    const list = workloads.get(w.namespace);
    if (list) list.push(w);
    else workloads.set(w.namespace, [w]);
    const seen = labels.get(w.namespace);
    if (!seen) labels.set(w.namespace, w.namespaceLabels);
    else if (labelText(seen) !== labelText(w.namespaceLabels)) mixed.add(w.namespace);
  }
  const idx = namespaceIndex(labels);
  const memo = new Map<string, ReadonlySet<string> | 'all'>();
  return (ns, dir) => {
    const key = `${dir}\u0000${ns}`;
    let out = memo.get(key);
    if (out === undefined) {
      const spec = policySurface(policies.get(ns) ?? [], workloads.get(ns) ?? [])[dir];
      // Labels are matched per namespace: should its workloads ever disagree on them, every pair is evaluated.
      out = spec.all || mixed.size > 0 ? 'all' : new Set(spec.selectors.flatMap((sel) => idx.match(sel).list));
      memo.set(key, out);
    }
    return out;
  };
}

/**
 * `declaredBy`, the head's tenants.yaml, marks each flow declared or not: judged
 * against what the head declares, so opening a port the same change adds to
 * externalPorts is declared, and closing one it removes is not a loss.
 */
export function connectivityDelta(base: readonly Manifest[], head: readonly Manifest[], tenantOfNamespace: ReadonlyMap<string, string>, declaredBy?: TenantsConfig): FlowChange[] {
  const changed = changedNamespaces(base, head, NETWORK_KINDS);
  if (changed.size === 0) return [];
  const a = buildModel(base);
  const b = buildModel(head);
  const intent = declaredBy ? declaredIntent(buildWorld(head, declaredBy, b), declaredBy.platform) : undefined;
  const tenantNamespaces = new Set(tenantOfNamespace.keys());
  const parties = (m: NetpolModel, extra: readonly PolicyModel[]) =>
    new Map<string, Party>([...m.workloads.map((w) => ({ name: `${w.namespace}/${w.name}`, endpoint: w })), ...witnesses(extra, m, tenantNamespaces)].map((p) => [p.name, p]));
  const allPolicies = [...a.policies, ...b.policies];
  const pa = parties(a, allPolicies);
  const pb = parties(b, allPolicies);
  // A flow is reported only between parties that exist on both sides (record): the others are added or removed objects.
  const names = [...pa.keys()].filter((n) => pb.has(n)).sort();
  const nsOf = (n: string) => pb.get(n)!.endpoint.namespace;
  const touched = names.filter((n) => changed.has(nsOf(n)) && nsOf(n) !== UNRELATED_NAMESPACE);
  const out: FlowChange[] = [];
  const record = (from: string, to: string, before: PortSet | undefined, after: PortSet | undefined, tenantNs: string, ends: () => [FlowEnd, FlowEnd]) => {
    // A workload that exists on one side only is an added or removed object, listed as such;
    // the delta is about what changes for workloads that stay.
    if (!before || !after) return;
    if (equalPorts(before, after)) return;
    const tenant = tenantOfNamespace.get(tenantNs);
    const f: FlowChange = { from, to, before: show(before), after: show(after), opens: diff(after, before), closes: diff(before, after), ...(tenant ? { tenant } : {}) };
    if (intent) {
      const opened = subtractPorts(after, before);
      const closed = subtractPorts(before, after);
      const m = intent(...ends(), movedPorts(before, after));
      const opensUndeclared = !isEmptyPorts(subtractPorts(opened, m.declared));
      f.declared = isEmptyPorts(opened) ? allDeclared(closed, m) : !opensUndeclared;
      if (m.flows.length > 0) f.intent = m.flows;
      f.review = opensUndeclared || !isEmptyPorts(intersectPorts(closed, m.declared));
    }
    out.push(f);
  };
  // Each side's policies by namespace: a connection reads only its two ends' namespaces' policies, not every policy.
  const [byNsA, byNsB] = [policiesByNamespace(a), policiesByNamespace(b)];
  const none: readonly PolicyModel[] = [];
  const inA = (ns: string) => byNsA.get(ns) ?? none;
  const inB = (ns: string) => byNsB.get(ns) ?? none;
  const policiesOf = (m: NetpolModel) => (m === a ? inA : inB);
  const ports = (m: NetpolModel, side: Map<string, Party>, src: string, dst: string) => {
    const s = side.get(src);
    const d = side.get(dst);
    return s && d ? connectionIn(policiesOf(m), { kind: 'pod', endpoint: s.endpoint }, { kind: 'pod', endpoint: d.endpoint }).ports : undefined;
  };
  // Workloads by namespace, and the parties every workload is paired with (witnesses): a workload in another
  // namespace is paired only where either side's policies could open the way (reachOf); all others are denied before and after.
  const workloadsIn = new Map<string, string[]>();
  const always: string[] = [];
  const endpoints = new Set<Endpoint>([...a.workloads, ...b.workloads]);
  for (const n of names) {
    if (!endpoints.has(pa.get(n)!.endpoint) || !endpoints.has(pb.get(n)!.endpoint)) always.push(n);
    else {
      const list = workloadsIn.get(nsOf(n));
      if (list) list.push(n);
      else workloadsIn.set(nsOf(n), [n]);
    }
  }
  const [reachA, reachB] = [reachOf(a, byNsA), reachOf(b, byNsB)];
  const partners = (t: string, dir: Direction): string[] => {
    const ns = nsOf(t);
    const [ra, rb] = [reachA(ns, dir), reachB(ns, dir)];
    if (ra === 'all' || rb === 'all') return names;
    const out = [...always, ...(workloadsIn.get(ns) ?? [])];
    for (const other of new Set([...ra, ...rb])) if (other !== ns) out.push(...(workloadsIn.get(other) ?? []));
    return out;
  };
  const seen = new Set<string>();
  for (const t of touched) {
    for (const [dir, pair] of [
      ['egress', (other: string) => [t, other]],
      ['ingress', (other: string) => [other, t]],
    ] as const) {
      for (const other of partners(t, dir)) {
        if (t === other) continue;
        const [src, dst] = pair(other) as [string, string];
        const key = `${src}\u0000${dst}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const tenantNs = tenantNamespaces.has(nsOf(src)) ? nsOf(src) : nsOf(dst);
        record(src, dst, ports(a, pa, src, dst), ports(b, pb, src, dst), tenantNs, () => [{ endpoint: pb.get(src)!.endpoint }, { endpoint: pb.get(dst)!.endpoint }]);
      }
    }
  }
  // External ranges, cut where either side's policies draw a boundary; neighbouring
  // atoms that changed alike read better as one range.
  const atoms = externalAtoms(allPolicies);
  const externalEnds = (t: string, ranges: IpRange[], direction: 'egress' | 'ingress'): [FlowEnd, FlowEnd] => {
    const pod: FlowEnd = { endpoint: pb.get(t)!.endpoint };
    return direction === 'egress' ? [pod, { ranges }] : [{ ranges }, pod];
  };
  const external = (m: NetpolModel, p: Party | undefined, range: IpRange, direction: 'egress' | 'ingress') => {
    if (!p) return undefined;
    const pod = { kind: 'pod' as const, endpoint: p.endpoint };
    return direction === 'egress' ? connectionIn(policiesOf(m), pod, ipRemote(range)).ports : connectionIn(policiesOf(m), ipRemote(range), pod).ports;
  };
  for (const t of touched) {
    for (const direction of ['egress', 'ingress'] as const) {
      const groups = new Map<string, { before: PortSet; after: PortSet; ranges: IpRange[] }>();
      for (const range of atoms) {
        const before = external(a, pa.get(t), range, direction);
        const after = external(b, pb.get(t), range, direction);
        if (!before || !after || equalPorts(before, after)) continue;
        // Declared and undeclared addresses never share a line (the metadata address next to the internet).
        const moved = intent ? movedPorts(before, after) : undefined;
        const declared = intent && moved ? JSON.stringify(intent(...externalEnds(t, [range], direction), moved)) : '';
        const key = `${show(before)}\u0000${show(after)}\u0000${declared}`;
        const g = groups.get(key) ?? { before, after, ranges: [] };
        g.ranges.push(range);
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        const label = rangesLabel(g.ranges);
        record(direction === 'egress' ? t : label, direction === 'egress' ? label : t, g.before, g.after, nsOf(t), () => externalEnds(t, g.ranges, direction));
      }
    }
  }
  return out.sort((x, y) => reviewRank(x) - reviewRank(y) || (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0));
}

/**
 * The flows grouped by what changed, for the one-line summary a reviewer reads
 * first: flows of tenant workloads to (or from) the same peer with the same
 * before and after become one group, named after whom they cover.
 * `tenantWorkloads` is every tenant's workload names in the head.
 */
export function groupFlows(flows: readonly FlowChange[], tenantWorkloads: ReadonlyMap<string, readonly string[]>): FlowGroup[] {
  const tenantOf = new Map<string, string>();
  for (const [tenant, ws] of tenantWorkloads) for (const w of ws) tenantOf.set(w, tenant);
  const groups = new Map<string, { direction: 'to' | 'from'; peer: string; f: FlowChange; members: string[] }>();
  for (const f of flows) {
    const direction = tenantOf.has(f.from) ? 'to' : tenantOf.has(f.to) ? 'from' : 'to';
    const [member, peer] = direction === 'to' ? [f.from, f.to] : [f.to, f.from];
    const key = `${direction}\u0000${peer}\u0000${f.before}\u0000${f.after}\u0000${f.declared}\u0000${f.review}\u0000${f.intent?.join(',') ?? ''}`;
    const g = groups.get(key) ?? { direction, peer, f, members: [] };
    g.members.push(member);
    groups.set(key, g);
  }
  const out = [...groups.values()].map(
    (g): FlowGroup => ({
      who: whoLabel(g.members, tenantOf, tenantWorkloads),
      direction: g.direction,
      peer: g.peer,
      before: g.f.before,
      after: g.f.after,
      opens: g.f.opens,
      closes: g.f.closes,
      flows: g.members.length,
      ...(g.f.declared !== undefined ? { declared: g.f.declared } : {}),
      ...(g.f.intent ? { intent: g.f.intent } : {}),
      ...(g.f.review !== undefined ? { review: g.f.review } : {}),
    }),
  );
  return out.sort((x, y) => reviewRank(x) - reviewRank(y));
}

/**
 * What a reviewer reads first: an undeclared flow the change opens, then a
 * declared flow it closes (both need a look), then declared opens, then the rest.
 * Without the head's tenants.yaml every flow ranks alike and keeps its order.
 */
export function reviewRank(f: Pick<FlowChange, 'opens' | 'declared' | 'review'>): number {
  if (f.declared === undefined) return 0;
  if (f.review) return f.opens ? 0 : 1;
  return f.opens && f.declared ? 2 : 3;
}

/** The flow needs a reviewer's look: it opens what tenants.yaml does not declare, or closes what it does. */
export const needsReview = (f: Pick<FlowChange, 'review'>): boolean => f.review === true;

function whoLabel(members: readonly string[], tenantOf: ReadonlyMap<string, string>, tenantWorkloads: ReadonlyMap<string, readonly string[]>): string {
  const set = new Set(members);
  const byTenant = new Map<string, string[]>();
  for (const m of members) {
    const t = tenantOf.get(m);
    if (t === undefined) return list(members);
    byTenant.set(t, [...(byTenant.get(t) ?? []), m]);
  }
  const complete = [...byTenant.keys()].filter((t) => tenantWorkloads.get(t)!.every((w) => set.has(w)));
  const withWorkloads = [...tenantWorkloads.entries()].filter(([, ws]) => ws.length > 0).map(([t]) => t);
  if (complete.length === byTenant.size) {
    if (complete.length === withWorkloads.length && complete.length > 1) return 'every tenant';
    const ts = complete.sort();
    return `tenant${ts.length > 1 ? 's' : ''} ${ts.length > 5 ? `${ts.slice(0, 5).join(', ')} and ${ts.length - 5} more` : ts.join(', ')}`;
  }
  // The same workload in every tenant: `every tenant's worker`.
  const local = new Set(members.map((m) => m.slice(m.indexOf('/') + 1)));
  if (local.size === 1 && byTenant.size === withWorkloads.length && byTenant.size > 1 && [...byTenant.values()].every((ws) => ws.length === 1)) return `every tenant's ${[...local][0]}`;
  return list(members);
}

function list(members: readonly string[]): string {
  const sorted = [...members].sort();
  return sorted.length > 3 ? `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more` : sorted.join(', ');
}

/** Every tenant's workloads as the delta names them (`ns/name`), for groupFlows. */
export function tenantWorkloads(manifests: readonly Manifest[], tenantOfNamespace: ReadonlyMap<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>([...new Set(tenantOfNamespace.values())].map((t) => [t, []]));
  for (const w of buildModel(manifests).workloads) {
    const t = tenantOfNamespace.get(w.namespace);
    if (t !== undefined) out.get(t)!.push(`${w.namespace}/${w.name}`);
  }
  return out;
}
