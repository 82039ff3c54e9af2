import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1.js';
import { NAMESPACE_NAME_LABEL, selectorMatches } from '../../manifest/selectors.js';
import type { Platform } from '../../tenants/types.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule } from '../types.js';
import { asNetworkPolicy, effectivePolicyTypes, manifestsOfKind, policyRules, selectsAll } from '../util.js';
import { pushTo } from '../../collections.js';

type Messages = 'missing';

type Protocol = 'UDP' | 'TCP';

/** Named ports are left out: the DNS pods' port names are not in the tree, so they cannot be verified. */
function allowsPort(ports: NetworkPolicyPort[] | undefined, protocol: Protocol, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port !== 'number') return false;
    return p.endPort === undefined ? p.port === port : p.port <= port && port <= p.endPort;
  });
}

function reachesDns(peers: NetworkPolicyPeer[], dns: Platform['dns']): boolean {
  if (peers.length === 0) return true;
  return peers.some(
    (p) =>
      !p.ipBlock &&
      p.namespaceSelector !== undefined &&
      selectorMatches(p.namespaceSelector, { [NAMESPACE_NAME_LABEL]: dns.namespace }) &&
      (p.podSelector === undefined || selectorMatches(p.podSelector, dns.podLabels)),
  );
}

const isolatesAll = (np: NetworkPolicy) => selectsAll(np.spec?.podSelector) && effectivePolicyTypes(np).has('Egress');

/**
 * Denying egress denies name resolution too, and resolvers retry over TCP when
 * a UDP answer is truncated, so a UDP-only allow works until a large answer.
 */
export const dnsEgress: Rule<Messages> = {
  meta: {
    id: 'network/dns-egress',
    appliesTo: ['NetworkPolicy'],
    messages: {
      missing: 'egress is denied for every pod in {namespace} but DNS over {protocol} port {port} to {dns} is not allowed',
    },
  },
  checkAll(manifests, ctx) {
    const dns = ctx.platform?.dns;
    if (!dns) return;
    const port = dns.port ?? 53;
    const byNamespace = new Map<string, Manifest[]>();
    for (const m of manifestsOfKind(manifests, 'NetworkPolicy')) {
      const ns = m.object.metadata.namespace ?? '';
      pushTo(byNamespace, ns, m);
    }
    for (const [namespace, policies] of byNamespace) {
      const isolating = policies.filter((m) => isolatesAll(asNetworkPolicy(m)));
      if (isolating.length === 0) continue;
      const rules = isolating.flatMap((manifest) => policyRules(asNetworkPolicy(manifest)).filter((r) => r.direction === 'egress').map((r) => ({ manifest, r })));
      const toDns = rules.filter(({ r }) => reachesDns(r.peers, dns));
      const deny = isolating.find((m) => (asNetworkPolicy(m).spec?.egress ?? []).length === 0) ?? isolating[0]!;
      for (const protocol of ['UDP', 'TCP'] as const) {
        if (toDns.some(({ r }) => allowsPort(r.ports, protocol, port))) continue;
        const near = toDns[0];
        const at = near ? { manifest: near.manifest, pointer: `${near.r.pointer}/ports` } : { manifest: deny, pointer: '/spec/policyTypes' };
        ctx.report({ ...at, messageId: 'missing', data: { namespace, protocol, port, dns: dns.namespace } });
      }
    }
  },
};
