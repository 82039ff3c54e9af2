import { rangesContain, parseIp, type IpFamily } from '../../manifest/cidr.js';
import type { Endpoint, NamedPort, PeerModel, PolicyModel, RuleModel } from './model.js';
import { policyId } from './model.js';
import {
  allPorts,
  formatPorts,
  intersectPorts,
  isEmptyPorts,
  portsContain,
  portsOf,
  unionOf,
  type PortSet,
  type Protocol,
} from './ports.js';
import { selectorMatches } from '../../manifest/selectors.js';

export type Direction = 'ingress' | 'egress';

export interface EvalOptions {
  /**
   * Whether an ipBlock also matches in-cluster pods by their IPs. The
   * documentation's intent is cluster-external addresses, so off by default.
   */
  readonly ipBlockMatchesPods?: boolean;
}

/** The other end of a connection: an endpoint, or one external address. */
export type Remote =
  | { readonly kind: 'pod'; readonly endpoint: Endpoint }
  | { readonly kind: 'ip'; readonly family: IpFamily; readonly value: bigint };

/** "podSelector … selects the grouping of pods to which the policy applies" — only in the policy's own namespace. */
export function policySelects(p: PolicyModel, ep: Endpoint): boolean {
  return p.namespace === ep.namespace && selectorMatches(p.podSelector, ep.labels);
}

export function policyAffects(p: PolicyModel, dir: Direction): boolean {
  return dir === 'ingress' ? p.affectsIngress : p.affectsEgress;
}

/** Policies that isolate `ep` in `dir`; none means the direction is unrestricted. */
export function isolatingPolicies(policies: readonly PolicyModel[], ep: Endpoint, dir: Direction): PolicyModel[] {
  return policies.filter((p) => policyAffects(p, dir) && policySelects(p, ep));
}

function ipInBlock(peer: PeerModel, family: IpFamily, value: bigint): boolean {
  return !!peer.ipBlock && rangesContain(peer.ipBlock.ranges, family, value);
}

export function peerMatches(peer: PeerModel, policyNamespace: string, remote: Remote, opts: EvalOptions = {}): boolean {
  if (remote.kind === 'ip') return ipInBlock(peer, remote.family, remote.value);
  const ep = remote.endpoint;
  if (peer.ipBlock) {
    if (!opts.ipBlockMatchesPods) return false;
    return (ep.ips ?? []).some((s) => {
      const ip = parseIp(s);
      return !!ip && ipInBlock(peer, ip.family, ip.value);
    });
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  // Both selectors in one peer are ANDed; a podSelector alone means the policy's own namespace.
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, ep.namespaceLabels) : ep.namespace === policyNamespace;
  return nsOk && (!peer.podSelector || selectorMatches(peer.podSelector, ep.labels));
}

/** Ports a rule opens towards a destination whose container ports resolve named ports. */
export function rulePorts(rule: RuleModel, dstPorts: readonly NamedPort[]): PortSet {
  if (!rule.ports) return allPorts();
  const sets = rule.ports.map((p) => {
    if (p.port === undefined) return portsOf(p.protocol, 1, 65535);
    if (typeof p.port === 'number') return portsOf(p.protocol, p.port, p.endPort ?? p.port);
    // A named port matches a container port with the same name AND protocol.
    const hits = dstPorts.filter((c) => c.name === p.port && c.protocol === p.protocol);
    return unionOf(hits.map((c) => portsOf(c.protocol, c.port)));
  });
  return unionOf(sets);
}

export interface DirectionVerdict {
  readonly isolated: boolean;
  /** Every policy isolating the endpoint in this direction. */
  readonly policies: readonly string[];
  /** Ports this direction lets through (all when not isolated). */
  readonly ports: PortSet;
  /** Policies with a matching rule, and the ports each opened. */
  readonly allowedBy: readonly { policy: string; ports: PortSet }[];
}

export function directionVerdict(
  policies: readonly PolicyModel[],
  local: Endpoint,
  dir: Direction,
  remote: Remote,
  dstPorts: readonly NamedPort[],
  opts: EvalOptions = {},
): DirectionVerdict {
  const iso = isolatingPolicies(policies, local, dir);
  if (iso.length === 0) return { isolated: false, policies: [], ports: allPorts(), allowedBy: [] };
  const allowedBy: { policy: string; ports: PortSet }[] = [];
  const opening: PortSet[] = [];
  for (const p of iso) {
    const rules = dir === 'ingress' ? p.ingress : p.egress;
    opening.length = 0;
    for (const r of rules) if (!r.peers || r.peers.some((peer) => peerMatches(peer, p.namespace, remote, opts))) opening.push(rulePorts(r, dstPorts));
    const opened = unionOf(opening);
    if (!isEmptyPorts(opened)) allowedBy.push({ policy: policyId(p), ports: opened });
  }
  return { isolated: true, policies: iso.map(policyId), ports: unionOf(allowedBy.map((a) => a.ports)), allowedBy };
}

export interface ConnectionVerdict {
  readonly ports: PortSet;
  /** Undefined when the source is external (its egress is not governed by policies). */
  readonly egress?: DirectionVerdict;
  /** Undefined when the destination is external. */
  readonly ingress?: DirectionVerdict;
}

/** Allowed only if the source's egress AND the destination's ingress allow it. */
export function connection(policies: readonly PolicyModel[], src: Remote, dst: Remote, opts: EvalOptions = {}): ConnectionVerdict {
  return connectionIn(() => policies, src, dst, opts);
}

/**
 * connection(), given each namespace's policies instead of one list: only a
 * policy of the endpoint's own namespace can isolate it, so each side needs
 * only its own namespace's, and no list of both is made per connection.
 */
export function connectionIn(policiesOf: (namespace: string) => readonly PolicyModel[], src: Remote, dst: Remote, opts: EvalOptions = {}): ConnectionVerdict {
  const dstPorts = dst.kind === 'pod' ? dst.endpoint.ports : [];
  const egress = src.kind === 'pod' ? directionVerdict(policiesOf(src.endpoint.namespace), src.endpoint, 'egress', dst, dstPorts, opts) : undefined;
  const ingress = dst.kind === 'pod' ? directionVerdict(policiesOf(dst.endpoint.namespace), dst.endpoint, 'ingress', src, dstPorts, opts) : undefined;
  const ports = intersectPorts(egress?.ports ?? allPorts(), ingress?.ports ?? allPorts());
  const out: { ports: PortSet; egress?: DirectionVerdict; ingress?: DirectionVerdict } = { ports };
  if (egress) out.egress = egress;
  if (ingress) out.ingress = ingress;
  return out;
}

export interface AllowedAnswer {
  readonly allowed: boolean;
  /** Policies that decided the egress side: those allowing it, or all isolating ones when denied. */
  readonly egressPolicies: readonly string[];
  readonly ingressPolicies: readonly string[];
  readonly reason: string;
}

function sideAnswer(v: DirectionVerdict | undefined, protocol: Protocol, port: number, side: string): { ok: boolean; policies: string[]; text: string } {
  if (!v) return { ok: true, policies: [], text: `${side}: external, not governed by NetworkPolicy` };
  if (!v.isolated) return { ok: true, policies: [], text: `${side}: no policy selects it, so it is unrestricted` };
  const by = v.allowedBy.filter((a) => portsContain(a.ports, protocol, port)).map((a) => a.policy);
  if (by.length > 0) return { ok: true, policies: by, text: `${side}: allowed by ${by.join(', ')}` };
  const opened = formatPorts(v.ports);
  const extra = opened === 'No Connections' ? '' : ` (they open only ${opened} to this peer)`;
  return { ok: false, policies: [...v.policies], text: `${side}: isolated by ${v.policies.join(', ')} and no rule allows ${protocol} ${port}${extra}` };
}

export function allowed(
  policies: readonly PolicyModel[],
  src: Remote,
  dst: Remote,
  port: number,
  protocol: Protocol,
  opts: EvalOptions = {},
): AllowedAnswer {
  const c = connection(policies, src, dst, opts);
  const e = sideAnswer(c.egress, protocol, port, 'source egress');
  const i = sideAnswer(c.ingress, protocol, port, 'destination ingress');
  return { allowed: e.ok && i.ok, egressPolicies: e.policies, ingressPolicies: i.policies, reason: `${e.text}; ${i.text}` };
}
