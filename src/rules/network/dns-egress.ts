import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1.js';
import { NAMESPACE_NAME_LABEL, selectorMatches } from '../../manifest/selectors.js';
import type { Platform } from '../../tenants/types.js';
import { headOf, namespaceOfManifest, type Manifest } from '../../manifest/types.js';
import type { Rule } from '../types.js';
import { asNetworkPolicy, effectivePolicyTypes, policyRules, selectsAll } from '../util.js';

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

/** The policies of a namespace, picked once per run from its objects (the engine hands every rule the same list): a namespace with thousands of them is not scanned once per policy. */
const policiesOf = new WeakMap<readonly Manifest[], Manifest[]>();
function policiesIn(objects: readonly Manifest[]): Manifest[] {
  let policies = policiesOf.get(objects);
  if (!policies) policiesOf.set(objects, (policies = objects.filter((o) => headOf(o).kind === 'NetworkPolicy')));
  return policies;
}

const isolatesAll = (np: NetworkPolicy) => selectsAll(np.spec?.podSelector) && effectivePolicyTypes(np).has('Egress');

/**
 * Denying egress denies name resolution too, and resolvers retry over TCP when
 * a UDP answer is truncated, so a UDP-only allow works until a large answer.
 * Judged per namespace, from its own policies: checked once, at its first
 * policy, so a tenant's findings are its own and kept with them.
 */
export const dnsEgress: Rule<Messages> = {
  meta: {
    id: 'network/dns-egress',
    appliesTo: ['NetworkPolicy'],
    local: true,
    messages: {
      missing: 'egress is denied for every pod in {namespace} but DNS over {protocol} port {port} to {dns} is not allowed',
    },
  },
  checkManifest(m, ctx) {
    const dns = ctx.platform?.dns;
    if (!dns) return;
    const ns = namespaceOfManifest(m);
    const policies = policiesIn(ctx.inNamespace(ns));
    if (policies[0] !== m) return;
    const namespace = ns ?? '';
    const port = dns.port ?? 53;
    const isolating = policies.filter((p) => isolatesAll(asNetworkPolicy(p)));
    if (isolating.length === 0) return;
    const rules = isolating.flatMap((manifest) => policyRules(asNetworkPolicy(manifest)).filter((r) => r.direction === 'egress').map((r) => ({ manifest, r })));
    const toDns = rules.filter(({ r }) => reachesDns(r.peers, dns));
    const deny = isolating.find((p) => (asNetworkPolicy(p).spec?.egress ?? []).length === 0) ?? isolating[0]!;
    for (const protocol of ['UDP', 'TCP'] as const) {
      if (toDns.some(({ r }) => allowsPort(r.ports, protocol, port))) continue;
      const near = toDns[0];
      const at = near ? { manifest: near.manifest, pointer: `${near.r.pointer}/ports` } : { manifest: deny, pointer: '/spec/policyTypes' };
      ctx.report({ ...at, messageId: 'missing', data: { namespace, protocol, port, dns: dns.namespace } });
    }
  },
};
