/**
 * Which policy, and which line of it, a finding should point at: the peer
 * that let a connection through, or the rule that came closest to allowing a
 * flow that was meant to be open.
 */
import {
  isEmptyPorts,
  peerMatches,
  portsContain,
  rulePorts,
  type Direction,
  type NamedPort,
  type PolicyModel,
  type Protocol,
  type Remote,
} from '../netpol/index.js';

export interface Blame {
  policy: PolicyModel;
  pointer: string;
}

const peersKey = (dir: Direction) => (dir === 'ingress' ? 'from' : 'to');

/** The first rule (and peer) of `policy` that opens something to `remote`. */
export function allowingPeer(policy: PolicyModel, dir: Direction, remote: Remote, dstPorts: readonly NamedPort[]): Blame {
  const rules = dir === 'ingress' ? policy.ingress : policy.egress;
  for (let ri = 0; ri < rules.length; ri++) {
    const rule = rules[ri]!;
    if (isEmptyPorts(rulePorts(rule, dstPorts))) continue;
    if (!rule.peers) return { policy, pointer: `/spec/${dir}/${ri}` };
    const pi = rule.peers.findIndex((p) => peerMatches(p, policy.namespace, remote));
    if (pi >= 0) return { policy, pointer: `/spec/${dir}/${ri}/${peersKey(dir)}/${pi}` };
  }
  return { policy, pointer: '/spec' };
}

/**
 * The policy that should have allowed a blocked flow: one whose rule reaches
 * the peer but not the port (a dropped UDP 53), else one that opens the port
 * to the wrong peer (a mistyped label), else the default deny itself.
 */
export function blockingPolicy(
  isolating: readonly PolicyModel[],
  dir: Direction,
  remote: Remote,
  protocol: Protocol,
  port: number,
  dstPorts: readonly NamedPort[],
): Blame | undefined {
  let portMatch: Blame | undefined;
  let empty: Blame | undefined;
  for (const policy of isolating) {
    const rules = dir === 'ingress' ? policy.ingress : policy.egress;
    if (rules.length === 0) empty ??= { policy, pointer: '/spec/podSelector' };
    for (let ri = 0; ri < rules.length; ri++) {
      const rule = rules[ri]!;
      const peerOk = !rule.peers || rule.peers.some((p) => peerMatches(p, policy.namespace, remote));
      const portOk = portsContain(rulePorts(rule, dstPorts), protocol, port);
      if (peerOk && !portOk) return { policy, pointer: rule.ports ? `/spec/${dir}/${ri}/ports` : `/spec/${dir}/${ri}` };
      if (!peerOk && portOk) portMatch ??= { policy, pointer: `/spec/${dir}/${ri}/${peersKey(dir)}` };
    }
  }
  return portMatch ?? empty ?? (isolating[0] ? { policy: isolating[0], pointer: '/spec' } : undefined);
}
