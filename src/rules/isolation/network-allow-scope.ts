import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec } from 'kubernetes-types/networking/v1.js';
import { parseCidr, rangeWithin, subtractRanges, type IpRange } from '../../manifest/cidr.js';
import { externalCidrs } from '../../tenants/egress.js';
import { NAMESPACE_NAME_LABEL } from '../../manifest/selectors.js';
import { selectorKey } from '../../manifest/selectors.js';
import type { Manifest } from '../../manifest/types.js';
import type { Platform } from '../../tenants/types.js';
import type { Rule, RuleContext } from '../types.js';
import { asNetworkPolicy, podTemplateWithContainers, policyRules, selectsAll } from '../util.js';
import { pushTo } from '../../collections.js';
import { API_COMPONENT, API_PORT, API_PORT_PROTOCOL, COMPONENT_LABEL } from '../../platform/index.js';

type Messages = 'everyone' | 'peer' | 'allPorts' | 'port' | 'range' | 'target';

/** A declared destination (or source) and the `PROTO/port` keys tenants.yaml allows for it. */
interface Declared {
  what: string;
  ports: readonly string[];
}

const API_SELECTOR = { [COMPONENT_LABEL]: API_COMPONENT };
const API_PORT_KEY = `${API_PORT_PROTOCOL}/${API_PORT}`;

/** Extra selector terms only narrow a peer, so a superset of the required labels is still within scope. */
const pins = (sel: LabelSelector | undefined, labels: Record<string, string>): boolean =>
  Object.keys(labels).length > 0 && Object.entries(labels).every(([k, v]) => sel?.matchLabels?.[k] === v);

const namespaceOf = (peer: NetworkPolicyPeer): string | undefined => peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL];

function describe(peer: NetworkPolicyPeer): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const pods = selectsAll(peer.podSelector) ? 'every pod' : `pods ${selectorKey(peer.podSelector)}`;
  if (!peer.namespaceSelector) return `${pods} of the tenant's own namespace (intra-namespace traffic is not declared)`;
  if (selectsAll(peer.namespaceSelector)) return `${pods} in every namespace`;
  const ns = namespaceOf(peer);
  return ns ? `${pods} in namespace ${ns}` : `${pods} in namespaces ${selectorKey(peer.namespaceSelector)}`;
}

function overlaps(a: readonly IpRange[], b: IpRange): boolean {
  return a.some((r) => r.family === b.family && !(b.hi < r.lo || b.lo > r.hi));
}

/**
 * The external rule stays inside the declared external ranges (so an IPv6
 * block needs an IPv6 range in externalCidrs) and keeps the denied ranges
 * (metadata, pod and service CIDRs) out.
 */
function external(peer: NetworkPolicyPeer, p: Platform): Declared | string {
  const block = peer.ipBlock!;
  const range = parseCidr(block.cidr);
  if (!range) return `ipBlock ${block.cidr}, which is not a CIDR`;
  const declared = externalCidrs(p.egress);
  if (!declared.flatMap((c) => parseCidr(c) ?? []).some((r) => rangeWithin(range, r))) {
    return `${describe(peer)} beyond platform.egress.externalCidrs (${declared.join(', ')})`;
  }
  const admitted = subtractRanges([range], (block.except ?? []).flatMap((e) => parseCidr(e) ?? []));
  const leak = p.egress.deniedCidrs.find((d) => {
    const r = parseCidr(d);
    return r !== undefined && overlaps(admitted, r);
  });
  if (leak) return `${describe(peer)}, which includes the denied range ${leak}`;
  return { what: `external ${block.cidr}`, ports: p.egress.externalPorts.map((n) => `TCP/${n}`) };
}

function egressPeer(peer: NetworkPolicyPeer, p: Platform): Declared | string {
  if (peer.ipBlock) return external(peer, p);
  const ns = namespaceOf(peer);
  if (ns === p.database.namespace) {
    for (const s of [p.database.postgresql, p.database.redis]) {
      if (pins(peer.podSelector, s.podLabels)) return { what: `${s.service} pods`, ports: [`TCP/${s.port}`] };
    }
  }
  if (ns === p.dns.namespace && pins(peer.podSelector, p.dns.podLabels)) {
    return { what: 'DNS pods', ports: [`UDP/${p.dns.port}`, `TCP/${p.dns.port}`] };
  }
  return describe(peer);
}

function ingressPeer(peer: NetworkPolicyPeer, p: Platform): Declared | string {
  if (!peer.ipBlock && namespaceOf(peer) === p.ingress.namespace) return { what: 'the ingress controller', ports: [API_PORT_KEY] };
  return describe(peer);
}

/** Container port names of one namespace's objects: `name` → `PROTO/port` of every container declaring it. */
function namedPorts(objects: readonly Manifest[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const m of objects) {
    for (const c of podTemplateWithContainers(m)?.containers ?? []) {
      for (const port of c.container.ports ?? []) {
        // An empty protocol is defaulted to TCP by the API server, like an absent one.
        if (port.name) pushTo(names, port.name, `${port.protocol || 'TCP'}/${port.containerPort}`);
      }
    }
  }
  return names;
}

/** Per namespace listing (inNamespace returns the same array for a namespace throughout a run): its policies share one index. */
const namedPortsOf = new WeakMap<readonly Manifest[], Map<string, string[]>>();

interface PortCheck {
  m: Manifest;
  at: string;
  direction: string;
  declared: readonly Declared[];
  named: Map<string, string[]>;
}

/** Ports apply to every peer of the rule, so each port must be declared for each of them. */
function checkPorts(ports: readonly NetworkPolicyPort[], { m, at, direction, declared, named }: PortCheck, ctx: RuleContext<Messages>): void {
  ports.forEach((port, k) => {
    const pointer = `${at}/ports/${k}`;
    const proto = port.protocol ?? 'TCP';
    if (port.endPort !== undefined) {
      return ctx.report({ manifest: m, messageId: 'range', pointer: `${pointer}/endPort`, data: { from: String(port.port), to: port.endPort } });
    }
    if (port.port === undefined) return ctx.report({ manifest: m, messageId: 'allPorts', pointer, data: { direction, what: `every ${proto} port` } });
    const keys = typeof port.port === 'string' ? (named.get(port.port) ?? [`${proto}/${port.port}`]) : [`${proto}/${port.port}`];
    for (const d of declared) {
      const bad = keys.find((key) => !d.ports.includes(key));
      if (bad) {
        return ctx.report({ manifest: m, messageId: 'port', pointer, data: { port: bad, what: d.what, allowed: d.ports.join(', ') }, actual: bad });
      }
    }
  });
}

/**
 * Every allow rule in a tenant namespace stays within what tenants.yaml declares.
 * The default deny removes everything else, so each wider peer or port here is
 * a path nobody reviewed.
 */
export const networkAllowScope: Rule<Messages> = {
  meta: {
    id: 'isolation/network-allow-scope',
    appliesTo: ['NetworkPolicy'],
    // Named ports resolve through the policy's own namespace only, so a tenant's findings replay with its objects.
    local: true,
    messages: {
      everyone: '{direction} rule has no `{field}`: it admits {what}',
      peer: 'peer admits {what}, which tenants.yaml does not declare',
      allPorts: '{direction} rule admits {what} to its peers',
      port: 'port {port} is not declared for {what} (declared: {allowed})',
      range: 'port range {from}-{to} admits more than the declared ports',
      target: `ingress is allowed to pods {selector}; only the api component receives traffic (${API_PORT_PROTOCOL} ${API_PORT})`,
    },
  },
  checkManifest(m, ctx) {
    const p = ctx.platform;
    if (!p || !ctx.tenantOfNamespace(m.object.metadata?.namespace)) return;
    const spec: Partial<NetworkPolicySpec> = asNetworkPolicy(m).spec ?? {};
    if ((spec.ingress ?? []).length > 0 && !pins(spec.podSelector, API_SELECTOR)) {
      ctx.report({ manifest: m, messageId: 'target', pointer: '/spec/podSelector', data: { selector: selectorKey(spec.podSelector) } });
    }
    for (const r of policyRules(asNetworkPolicy(m))) {
      const { direction, pointer: at } = r;
      const field = direction === 'ingress' ? 'from' : 'to';
      if (r.peers.length === 0) {
        const what = `every ${direction === 'ingress' ? 'source' : 'destination'}`;
        ctx.report({ manifest: m, messageId: 'everyone', pointer: at, data: { direction, field, what } });
      }
      if (!r.ports || r.ports.length === 0) ctx.report({ manifest: m, messageId: 'allPorts', pointer: at, data: { direction, what: 'every port and protocol' } });
      const declared: Declared[] = [];
      r.peers.forEach((peer, j) => {
        const c = direction === 'ingress' ? ingressPeer(peer, p) : egressPeer(peer, p);
        if (typeof c === 'string') ctx.report({ manifest: m, messageId: 'peer', pointer: `${r.peersPointer}/${j}`, data: { what: c } });
        else declared.push(c);
      });
      // Ingress named ports are the selected pods' own, in the policy's namespace; egress ones belong to pods of other namespaces, which the tree cannot resolve.
      let named: Map<string, string[]> | undefined;
      if (direction === 'ingress') {
        const own = ctx.inNamespace(m.object.metadata?.namespace);
        named = namedPortsOf.get(own);
        if (!named) namedPortsOf.set(own, (named = namedPorts(own)));
      }
      if (declared.length > 0) checkPorts(r.ports ?? [], { m, at, direction, declared, named: named ?? new Map() }, ctx);
    }
  },
};
