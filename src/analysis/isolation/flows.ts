/**
 * The intended connectivity of one tenant, derived from tenants.yaml, checked
 * against the rendered policies: every declared flow must be open, and the
 * nearby flows nobody declared (the ones a widened policy would open first)
 * must stay closed.
 */
import {
  formatIp,
  formatPorts,
  fullRange,
  isEmptyPorts,
  isolatingPolicies,
  parseCidr,
  parseIp,
  portsContain,
  rangesContain,
  selectorMatches,
  subtractRanges,
  type ConnectionVerdict,
  type DirectionVerdict,
  type Endpoint,
  type IpFamily,
  type IpRange,
  type Protocol,
  type Remote,
} from '../netpol/index.js';
import type { Platform } from '../../tenants/types.js';
import { externalCidrs } from '../../tenants/egress.js';
import { allowingPeer, blockingPolicy, type Blame } from './blame.js';
import { pod, type Evaluator } from './evaluator.js';
import { declaredFlows, externalExceptions, type IntentEnd } from './intent.js';
import { witnessLabels } from './namespaces.js';
import type { TenantNet, World } from './world.js';

export interface FlowFinding {
  ruleId: 'isolation/declared-flow-blocked' | 'isolation/undeclared-flow';
  tenant?: string;
  message: string;
  blame?: Blame;
}

export interface FlowTally {
  checked: number;
  blocked: number;
  findings: FlowFinding[];
}

/** Documentation addresses (RFC 5737 TEST-NET-3, RFC 3849): external to every cluster. */
const EXTERNAL_ADDRESS: Record<IpFamily, string> = { 4: '203.0.113.10', 6: '2001:db8::10' };

type Named = { name: string; remote: Remote; ports: Endpoint['ports'] };

const named = (ep: Endpoint): Named => ({ name: 'id' in ep && typeof ep.id === 'string' ? ep.id.replace(/\[[^\]]*\]$/, '') : `${ep.namespace}/pod`, remote: pod(ep), ports: ep.ports });

/** An address inside a CIDR (not its network address, which nothing would dial; a /32 is its one address). */
function probeInside(cidr: string, name: string): Named[] {
  const r = parseCidr(cidr);
  if (!r) return [];
  const value = r.lo + 1n <= r.hi ? r.lo + 1n : r.lo;
  return [{ name, remote: { kind: 'ip', family: r.family, value }, ports: [] }];
}

/**
 * An address of `within` that no denied range holds: the documentation address
 * of its family when that qualifies, else the second address of the first
 * gap (the first of a range is rarely dialled), else none.
 */
function witness(within: readonly IpRange[], denied: readonly IpRange[], family: IpFamily): bigint | undefined {
  const open = subtractRanges(within.filter((r) => r.family === family), denied);
  const preferred = parseIp(EXTERNAL_ADDRESS[family])!.value;
  if (rangesContain(open, family, preferred)) return preferred;
  const first = open[0];
  return first && (first.lo + 1n <= first.hi ? first.lo + 1n : first.lo);
}

/**
 * Addresses the external rule must admit (one per external range, outside the
 * denied ones) and, per IP family, one it must not (outside every external
 * range), e.g. an IPv6 address when external egress is IPv4 only.
 */
function externalTargets(platform: Platform): { inside: Named[]; outside: Named[] } {
  const ranges = externalCidrs(platform.egress).flatMap((c) => parseCidr(c) ?? []);
  const denied = platform.egress.deniedCidrs.flatMap((c) => parseCidr(c) ?? []);
  const target = (family: IpFamily, value: bigint, label: string): Named => ({ name: `${label} ${formatIp(family, value)}`, remote: { kind: 'ip', family, value }, ports: [] });
  const inside: Named[] = [];
  for (const r of ranges) {
    const v = witness([r], denied, r.family);
    if (v !== undefined) inside.push(target(r.family, v, 'external'));
  }
  const outside: Named[] = [];
  for (const family of [4, 6] as const) {
    const v = witness(subtractRanges([fullRange(family)], ranges), denied, family);
    if (v !== undefined) outside.push(target(family, v, 'external (outside platform.egress.externalCidrs)'));
  }
  return { inside, outside };
}

function sideNames(v: DirectionVerdict): string {
  return v.policies.join(', ');
}

export class FlowChecker {
  readonly tally: FlowTally = { checked: 0, blocked: 0, findings: [] };
  constructor(
    private readonly world: World,
    private readonly ev: Evaluator,
  ) {}

  declared(tenant: string | undefined, flow: string, src: Named, dst: Named, protocol: Protocol, port: number): void {
    this.tally.checked++;
    const c = this.ev.connect(src.remote, dst.remote);
    if (portsContain(c.ports, protocol, port)) return;
    this.tally.blocked++;
    const side = c.egress && !portsContain(c.egress.ports, protocol, port) ? 'egress' : 'ingress';
    const local = side === 'egress' ? src.remote : dst.remote;
    const remote = side === 'egress' ? dst.remote : src.remote;
    const v = side === 'egress' ? c.egress! : c.ingress!;
    const iso = local.kind === 'pod' ? isolatingPolicies(this.world.policiesByNs.get(local.endpoint.namespace) ?? [], local.endpoint, side) : [];
    const blame = blockingPolicy(iso, side, remote, protocol, port, dst.ports);
    const who = side === 'egress' ? 'egress of the source' : 'ingress of the destination';
    const f: FlowFinding = {
      ruleId: 'isolation/declared-flow-blocked',
      message: `declared flow blocked: ${flow}: ${src.name} → ${dst.name} on ${protocol} ${port} is denied by the ${who} (isolated by ${sideNames(v)}; no rule allows ${protocol} ${port} to this peer)`,
    };
    if (tenant) f.tenant = tenant;
    if (blame) f.blame = blame;
    this.tally.findings.push(f);
  }

  /** An undeclared flow must be closed: on `only` when given, else on every port. */
  undeclared(tenant: string | undefined, flow: string, src: Named, dst: Named, only?: { protocol: Protocol; port: number }): void {
    const c = this.ev.connect(src.remote, dst.remote);
    const open = only ? portsContain(c.ports, only.protocol, only.port) : !isEmptyPorts(c.ports);
    if (!open) return;
    const f: FlowFinding = {
      ruleId: 'isolation/undeclared-flow',
      message: `undeclared flow allowed: ${flow}: ${src.name} → ${dst.name} on ${only ? `${only.protocol} ${only.port}` : formatPorts(c.ports)} (${explain(c)})`,
    };
    if (tenant) f.tenant = tenant;
    const blame = openingBlame(this.world, c, src, dst);
    if (blame) f.blame = blame;
    this.tally.findings.push(f);
  }
}

function explain(c: ConnectionVerdict): string {
  const side = (v: DirectionVerdict | undefined, what: string) =>
    !v ? `${what} external` : !v.isolated ? `no policy isolates the ${what}` : `${what} allowed by ${v.allowedBy.map((a) => a.policy).join(', ')}`;
  return `${side(c.egress, 'source egress')}; ${side(c.ingress, 'destination ingress')}`;
}

/** The destination's allowing ingress peer when there is one, else the source's egress peer. */
function openingBlame(world: World, c: ConnectionVerdict, src: Named, dst: Named): Blame | undefined {
  const find = (v: DirectionVerdict | undefined, dir: 'ingress' | 'egress', remote: Remote): Blame | undefined => {
    const id = v?.allowedBy[0]?.policy;
    if (!id) return undefined;
    const [ns, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
    const policy = world.policiesByNs.get(ns)?.find((p) => p.name === name);
    return policy ? allowingPeer(policy, dir, remote, dst.ports) : undefined;
  };
  return find(c.ingress, 'ingress', src.remote) ?? find(c.egress, 'egress', dst.remote);
}

/** Pods of the unrelated namespace the tenant's ingress rules could admit, as anyone there could label them. */
function unrelatedSources(world: World, t: TenantNet): Named[] {
  const other = world.shared.other;
  const out: Named[] = [named(other)];
  const seen = new Set<string>([JSON.stringify(other.labels)]);
  for (const p of world.policiesByNs.get(t.namespace) ?? []) {
    for (const rule of p.ingress) {
      for (const peer of rule.peers ?? [{ namespaceSelector: {} }]) {
        if (!peer.namespaceSelector || !selectorMatches(peer.namespaceSelector, other.namespaceLabels)) continue;
        const w = witnessLabels(peer.podSelector);
        if (!w || seen.has(JSON.stringify(w))) continue;
        seen.add(JSON.stringify(w));
        out.push({ ...named({ ...other, labels: w }), name: `${other.namespace}/pod{${Object.entries(w).map(([k, v]) => `${k}=${v}`).join(',')}}` });
      }
    }
  }
  return out;
}

/** What checkTenantFlows probes that depends on the platform settings alone. */
interface PlatformTargets {
  ext: { inside: Named[]; outside: Named[] };
  exceptions: { flow: string; target: Named }[];
}

/** Worked out once per run, not once per tenant. */
const platformTargets = new WeakMap<Platform, PlatformTargets>();

function targetsOf(platform: Platform): PlatformTargets {
  let t = platformTargets.get(platform);
  if (!t) {
    t = { ext: externalTargets(platform), exceptions: externalExceptions(platform).flatMap((x) => probeInside(x.cidr, x.probe).map((target) => ({ flow: x.flow, target }))) };
    platformTargets.set(platform, t);
  }
  return t;
}

export function checkTenantFlows(world: World, fc: FlowChecker, t: TenantNet, platform: Platform): void {
  const id = t.tenant.id;
  const { ext, exceptions } = targetsOf(platform);
  const undeclaredPort = [80, 8080, 22].find((p) => !platform.egress.externalPorts.includes(p)) ?? 1;
  const intent = declaredFlows(platform, t);
  // Each end of a declared flow as the pods (or the addresses) that stand for it here.
  const ends = (end: IntentEnd): Named[] => {
    switch (end.kind) {
      case 'shared':
        return world.shared[end.service].map(named);
      case 'external':
        return ext.inside;
      case 'api':
        return t.api ? [named(t.api)] : [];
      case 'tenant':
        return t.workloads.map(named);
    }
  };
  for (const w of t.workloads) {
    const src = named(w);
    for (const f of intent) if (f.from.kind === 'tenant') for (const dst of ends(f.to)) fc.declared(id, f.flow, src, dst, f.protocol, f.port);
    for (const dst of ext.inside) fc.undeclared(id, `external traffic on undeclared port ${undeclaredPort}`, src, dst, { protocol: 'TCP', port: undeclaredPort });
    for (const dst of ext.outside) fc.undeclared(id, 'external address outside the declared external ranges', src, dst);
    for (const x of exceptions) fc.undeclared(id, x.flow, src, x.target);
    for (const other of t.workloads) if (other !== w) fc.undeclared(id, 'between workloads of one tenant', src, named(other));
  }
  const bystander = world.shared.ingress[0] && { ...world.shared.ingress[0], labels: { app: 'not-the-ingress-controller' }, ports: [] };
  if (bystander) for (const w of t.workloads) fc.undeclared(id, 'another pod of the ingress namespace', { ...named(bystander), name: `${bystander.namespace}/other-pod` }, named(w));
  for (const ing of world.shared.ingress) {
    for (const f of intent) if (f.from.kind === 'shared' && f.from.service === 'ingress') for (const dst of ends(f.to)) fc.declared(id, f.flow, named(ing), dst, f.protocol, f.port);
    for (const w of t.workloads) if (w !== t.api) fc.undeclared(id, 'ingress controller to a non-api workload', named(ing), named(w));
  }
  for (const src of unrelatedSources(world, t)) for (const w of t.workloads) fc.undeclared(id, 'from a namespace that is not a tenant', src, named(w));
}

/** The database admits tenant namespaces only: not the ingress controller, not an unrelated namespace. */
export function checkDatabaseFlows(world: World, fc: FlowChecker): void {
  const dbs = [...world.shared.postgresql, ...world.shared.redis];
  for (const ing of world.shared.ingress) for (const db of dbs) fc.undeclared(undefined, 'database from the ingress namespace', named(ing), named(db));
  const other = world.shared.other;
  for (const db of dbs) {
    const sources: Named[] = [named(other)];
    for (const p of world.policiesByNs.get(db.namespace) ?? []) {
      for (const rule of p.ingress) {
        for (const peer of rule.peers ?? [{}]) {
          const w = witnessLabels(peer.podSelector);
          if (w && Object.keys(w).length > 0) sources.push({ ...named({ ...other, labels: w }), name: `${other.namespace}/pod{${Object.entries(w).map(([k, v]) => `${k}=${v}`).join(',')}}` });
        }
      }
    }
    for (const s of sources) fc.undeclared(undefined, 'database from a namespace that is not a tenant', s, named(db));
  }
}
