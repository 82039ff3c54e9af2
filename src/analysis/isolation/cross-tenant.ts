/**
 * Can any pod of tenant U reach any pod of tenant T? Evaluating every tenant
 * pair would be quadratic, so only pairs that some policy peer could connect
 * are evaluated: U is a candidate source for T when one of T's ingress peers
 * can select U's namespace, or one of U's egress peers can select T's. Each
 * side is proven on its own (a tenant's isolation must not rest on its
 * neighbour's policies), and pods a tenant could create with any labels are
 * stood in for by witnesses built from the peers' pod selectors.
 */
import {
  isEmptyPorts,
  selectorMatches,
  type ConnectionVerdict,
  type Direction,
  type Endpoint,
  type Labels,
  type PolicyModel,
  type PortSet,
} from '../netpol/index.js';
import { allowingPeer, type Blame } from './blame.js';
import { pod, type Evaluator } from './evaluator.js';
import { witnessLabels, type NamespaceIndex } from './namespaces.js';
import { surfaceOf, type TenantNet, type World } from './world.js';
import type { ReachSpec } from './surface.js';

/** Which side's policies admit the connection: both (a real path) or only one. */
export type OpenSide = 'both' | 'ingress' | 'egress';

export interface CrossTenantPath {
  from: string;
  to: string;
  src: string;
  dst: string;
  ports: PortSet;
  open: OpenSide;
  egressPolicies: string[];
  ingressPolicies: string[];
  blame?: Blame;
}

export interface CrossTenantResult {
  paths: CrossTenantPath[];
  /** Per destination tenant: candidate sources left unevaluated once enough paths were found. */
  skipped: Map<string, number>;
}

/** Paths reported per destination tenant before the rest are only counted. */
export const MAX_PATHS_PER_TENANT = 20;

/** Above this many namespaces a selector's answer is kept shared rather than copied per tenant. */
const SHARED_ANSWER = 32;

interface Reach {
  all: boolean;
  /** Namespaces matched by pinned selectors (small, from the label index). */
  narrow: string[];
  /** Answers of broad selectors: shared between every policy that spells the selector alike. */
  broad: { list: readonly string[]; set: ReadonlySet<string> }[];
}

/** Namespaces a tenant's rules in `dir` could open towards; `all` when a pod it can create is not isolated. */
function reachOf(idx: NamespaceIndex, spec: ReachSpec): Reach {
  const out: Reach = { all: spec.all, narrow: [], broad: [] };
  for (const sel of spec.selectors) {
    const m = idx.match(sel);
    // A long answer is kept shared rather than copied per tenant, whether or not it was pinned.
    if (m.broad || m.list.length > SHARED_ANSWER) out.broad.push(m);
    else out.narrow.push(...m.namespaces);
  }
  return out;
}

/** Pod selectors of `owner`'s peers in `dir` that can select pods in a namespace labelled `nsLabels`. */
function peerWitnesses(world: World, owner: TenantNet, dir: Direction, nsLabels: Labels): Labels[] {
  const out: Labels[] = [];
  for (const p of world.policiesByNs.get(owner.namespace) ?? []) {
    for (const rule of dir === 'ingress' ? p.ingress : p.egress) {
      for (const peer of rule.peers ?? [{ namespaceSelector: {} }]) {
        if (!peer.namespaceSelector || !selectorMatches(peer.namespaceSelector, nsLabels)) continue;
        const w = witnessLabels(peer.podSelector);
        if (w) out.push(w);
      }
    }
  }
  return out;
}

type Pod = { name: string; endpoint: Endpoint };

/** Declared workloads, an unlabelled pod, and pods labelled to satisfy each witness (alone and on top of each workload). */
function podsOf(t: TenantNet, nsLabels: Labels, witnesses: readonly Labels[]): Pod[] {
  const out: Pod[] = [];
  const seen = new Set<string>();
  const add = (name: string, endpoint: Endpoint) => {
    const key = JSON.stringify(Object.entries(endpoint.labels).sort());
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, endpoint });
  };
  for (const w of t.workloads) add(`${w.namespace}/${w.name}`, w);
  const fmt = (l: Labels) => `${t.namespace}/pod{${Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',')}}`;
  const bare = (labels: Labels): Endpoint => ({ namespace: t.namespace, namespaceLabels: nsLabels, labels, ports: [] });
  add(fmt({}), bare({}));
  for (const w of witnesses) {
    add(fmt(w), bare(w));
    for (const d of t.workloads) add(fmt({ ...d.labels, ...w }), { ...d, labels: { ...d.labels, ...w } });
  }
  return out;
}

const rank: Record<OpenSide, number> = { both: 3, ingress: 2, egress: 1 };

function classify(c: ConnectionVerdict): { open: OpenSide; ports: PortSet } | undefined {
  if (!isEmptyPorts(c.ports)) return { open: 'both', ports: c.ports };
  if (c.ingress && !isEmptyPorts(c.ingress.ports)) return { open: 'ingress', ports: c.ingress.ports };
  if (c.egress && !isEmptyPorts(c.egress.ports)) return { open: 'egress', ports: c.egress.ports };
  return undefined;
}

function policyById(world: World, id: string): PolicyModel | undefined {
  const at = id.indexOf('/');
  return world.policiesByNs.get(id.slice(0, at))?.find((p) => p.name === id.slice(at + 1));
}

function evaluatePair(world: World, ev: Evaluator, u: TenantNet, t: TenantNet): CrossTenantPath | undefined {
  const uLabels = world.namespaces.get(u.namespace)!;
  const tLabels = world.namespaces.get(t.namespace)!;
  const srcs = podsOf(u, uLabels, peerWitnesses(world, t, 'ingress', uLabels));
  const dsts = podsOf(t, tLabels, peerWitnesses(world, u, 'egress', tLabels));
  let best: { src: Pod; dst: Pod; c: ConnectionVerdict; open: OpenSide; ports: PortSet } | undefined;
  for (const src of srcs) {
    for (const dst of dsts) {
      const c = ev.connect(pod(src.endpoint), pod(dst.endpoint));
      const k = classify(c);
      if (k && (!best || rank[k.open] > rank[best.open])) best = { src, dst, c, ...k };
      if (best?.open === 'both') break;
    }
    if (best?.open === 'both') break;
  }
  if (!best) return undefined;
  const { src, dst, c, open, ports } = best;
  const path: CrossTenantPath = {
    from: u.tenant.id,
    to: t.tenant.id,
    src: src.name,
    dst: dst.name,
    ports,
    open,
    egressPolicies: (c.egress?.allowedBy ?? []).map((a) => a.policy),
    ingressPolicies: (c.ingress?.allowedBy ?? []).map((a) => a.policy),
  };
  const side = open === 'egress' ? c.egress : c.ingress;
  const policy = side?.allowedBy[0] ? policyById(world, side.allowedBy[0].policy) : undefined;
  if (policy) {
    path.blame =
      open === 'egress' ? allowingPeer(policy, 'egress', pod(dst.endpoint), dst.endpoint.ports) : allowingPeer(policy, 'ingress', pod(src.endpoint), dst.endpoint.ports);
  }
  return path;
}

export function crossTenantPaths(world: World, ev: Evaluator, idx: NamespaceIndex): CrossTenantResult {
  const byNs = new Map(world.tenants.map((t) => [t.namespace, t]));
  const ingress = new Map<TenantNet, Reach>();
  const egressTo = new Map<string, TenantNet[]>();
  const egressAll: TenantNet[] = [];
  const egressBroad: { u: TenantNet; set: ReadonlySet<string> }[] = [];
  for (const t of world.tenants) {
    const surface = surfaceOf(world, t);
    ingress.set(t, reachOf(idx, surface.ingress));
    const e = reachOf(idx, surface.egress);
    if (e.all) {
      egressAll.push(t);
      continue;
    }
    for (const ns of e.narrow) {
      if (!byNs.has(ns)) continue;
      const list = egressTo.get(ns);
      if (list) list.push(t);
      else egressTo.set(ns, [t]);
    }
    for (const b of e.broad) egressBroad.push({ u: t, set: b.set });
  }
  function* candidates(t: TenantNet): Generator<TenantNet> {
    const seen = new Set<TenantNet>([t]);
    const reach = ingress.get(t)!;
    const fresh = (u: TenantNet | undefined): u is TenantNet => !!u && !seen.has(u) && !!seen.add(u);
    if (reach.all) for (const u of world.tenants) if (fresh(u)) yield u;
    for (const ns of reach.narrow) if (fresh(byNs.get(ns))) yield byNs.get(ns)!;
    for (const b of reach.broad) for (const ns of b.list) if (fresh(byNs.get(ns))) yield byNs.get(ns)!;
    for (const u of egressTo.get(t.namespace) ?? []) if (fresh(u)) yield u;
    for (const u of egressAll) if (fresh(u)) yield u;
    for (const { u, set } of egressBroad) if (set.has(t.namespace) && fresh(u)) yield u;
  }
  const paths: CrossTenantPath[] = [];
  const skipped = new Map<string, number>();
  for (const t of world.tenants) {
    let found = 0;
    for (const u of candidates(t)) {
      if (found >= MAX_PATHS_PER_TENANT) {
        ev.stats.skippedPairs++;
        skipped.set(t.tenant.id, (skipped.get(t.tenant.id) ?? 0) + 1);
        continue;
      }
      ev.stats.candidatePairs++;
      const p = evaluatePair(world, ev, u, t);
      if (p) {
        paths.push(p);
        found++;
      }
    }
  }
  return { paths, skipped };
}
