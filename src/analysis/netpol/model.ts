import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { headOf, type KubeObject, type Manifest } from '../../manifest/types.js';
import { parseCidr, subtractRanges, type IpRange } from '../../manifest/cidr.js';
import { isProtocol, type Protocol } from './ports.js';
import { NAMESPACE_NAME_LABEL, type Labels } from '../../manifest/selectors.js';
import { listContainers, podTemplateOf } from '../../manifest/pod-template.js';
import { pushTo } from '../../collections.js';

/** Namespaces always carry this label (Kubernetes 1.21+ sets it automatically). */
const DEFAULT_NAMESPACE = 'default';

export interface NamedPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * Anything a policy can select: only namespace labels, pod labels, container
 * ports and (optionally) IPs matter, so equivalence classes of pods can stand in.
 */
export interface Endpoint {
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly NamedPort[];
  readonly ips?: readonly string[];
}

/** An endpoint that is a concrete workload of the input. */
export interface Workload extends Endpoint {
  /** `ns/name[Kind]`: unique. */
  readonly id: string;
  readonly name: string;
  readonly kind: string;
}

export interface PeerModel {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except: readonly string[]; readonly ranges: readonly IpRange[] };
}

export interface PortRule {
  readonly protocol: Protocol;
  /** Undefined = every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface RuleModel {
  /** Undefined = every peer, in the cluster or not. */
  readonly peers?: readonly PeerModel[];
  /** Undefined = every port of every protocol. */
  readonly ports?: readonly PortRule[];
}

export interface PolicyModel {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  readonly ingress: readonly RuleModel[];
  readonly egress: readonly RuleModel[];
}

export interface NetpolModel {
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly workloads: readonly Workload[];
  readonly policies: readonly PolicyModel[];
  /** Input that was skipped or could not be interpreted. */
  readonly warnings: readonly string[];
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController', 'Pod'];

export function policyId(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}

export function buildPolicy(np: NetworkPolicy, warn: (m: string) => void = () => {}): PolicyModel {
  const namespace = np.metadata?.namespace ?? DEFAULT_NAMESPACE;
  const name = np.metadata?.name ?? '';
  const spec: NonNullable<NetworkPolicy['spec']> = np.spec ?? { podSelector: {} };
  const where = `NetworkPolicy ${namespace}/${name}`;
  const rules = (rs: unknown, key: 'from' | 'to'): RuleModel[] =>
    (Array.isArray(rs) ? rs : []).map((r: Record<string, unknown>) => {
      const peersRaw = r?.[key] as NetworkPolicyPeer[] | undefined;
      const portsRaw = r?.ports as NetworkPolicyPort[] | undefined;
      const rule: { peers?: PeerModel[]; ports?: PortRule[] } = {};
      if (Array.isArray(peersRaw) && peersRaw.length > 0) rule.peers = peersRaw.map((p) => buildPeer(p, where, warn));
      if (Array.isArray(portsRaw) && portsRaw.length > 0) rule.ports = portsRaw.map((p) => buildPort(p, where, warn));
      return rule;
    });
  const types = spec.policyTypes;
  const ingress = rules(spec.ingress, 'from');
  const egress = rules(spec.egress, 'to');
  return {
    namespace,
    name,
    podSelector: spec.podSelector ?? {},
    // Defaults documented for policyTypes: Ingress always, Egress only when egress rules exist.
    affectsIngress: types ? types.includes('Ingress') : true,
    affectsEgress: types ? types.includes('Egress') : egress.length > 0,
    ingress,
    egress,
  };
}

function buildPeer(p: NetworkPolicyPeer, where: string, warn: (m: string) => void): PeerModel {
  const out: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: PeerModel['ipBlock'] } = {};
  if (p?.podSelector) out.podSelector = p.podSelector;
  if (p?.namespaceSelector) out.namespaceSelector = p.namespaceSelector;
  if (p?.ipBlock) {
    const base = parseCidr(p.ipBlock.cidr ?? '');
    const except = p.ipBlock.except ?? [];
    const cut = except.map((e) => parseCidr(e)).filter((r): r is IpRange => r !== undefined);
    if (!base) warn(`${where}: ipBlock cidr "${p.ipBlock.cidr}" is not a CIDR; the peer matches nothing`);
    if (cut.length !== except.length) warn(`${where}: ipBlock except has an invalid CIDR; it is ignored`);
    out.ipBlock = { cidr: p.ipBlock.cidr ?? '', except, ranges: base ? subtractRanges([base], cut) : [] };
  }
  if (!out.podSelector && !out.namespaceSelector && !out.ipBlock) warn(`${where}: a peer with no selector matches nothing`);
  return out;
}

function buildPort(p: NetworkPolicyPort, where: string, warn: (m: string) => void): PortRule {
  const protocol = p?.protocol ?? 'TCP';
  if (!isProtocol(protocol)) {
    warn(`${where}: unknown protocol "${protocol}"; treated as TCP`);
  }
  const out: { protocol: Protocol; port?: number | string; endPort?: number } = { protocol: isProtocol(protocol) ? protocol : 'TCP' };
  if (p?.port !== undefined && p.port !== null) out.port = typeof p.port === 'string' && /^\d+$/.test(p.port) ? Number(p.port) : p.port;
  if (typeof p?.endPort === 'number') {
    if (typeof out.port === 'number') out.endPort = p.endPort;
    else warn(`${where}: endPort needs a numeric port; it is ignored`);
  }
  return out;
}

function podSpecOf(o: KubeObject): PodSpec | undefined {
  return podTemplateOf(o)?.spec;
}

function podLabelsOf(o: KubeObject): Record<string, string> {
  return { ...(podTemplateOf(o)?.metadata.labels ?? {}) };
}

/** Ports of the containers that serve traffic: regular and init (sidecar) containers, not ephemeral ones. */
function containerPorts(spec: PodSpec | undefined): NamedPort[] {
  const out: NamedPort[] = [];
  for (const { kind, container } of spec ? listContainers(spec) : []) {
    if (kind === 'ephemeralContainers') continue;
    for (const p of container.ports ?? []) {
      if (typeof p.containerPort !== 'number') continue;
      const protocol = p.protocol ?? 'TCP';
      if (!isProtocol(protocol)) continue;
      out.push(p.name ? { name: p.name, port: p.containerPort, protocol } : { port: p.containerPort, protocol });
    }
  }
  return out;
}

/** Pods owned by a controller are reported under it; other owners (a Node for static pods) are not workloads. */
function ownerOf(o: KubeObject): { kind: string; name: string } | undefined {
  const refs = o.metadata?.ownerReferences ?? [];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref && WORKLOAD_KINDS.includes(ref.kind) && ref.kind !== 'Pod' ? { kind: ref.kind, name: ref.name } : undefined;
}

function podIps(o: KubeObject): string[] {
  if (o.kind !== 'Pod') return [];
  const st = o.status as { podIP?: string; podIPs?: { ip?: string }[] } | undefined;
  const ips = (st?.podIPs ?? []).map((x) => x.ip).filter((x): x is string => !!x);
  return ips.length > 0 ? ips : st?.podIP ? [st.podIP] : [];
}

/** A workload as buildModel records it, before the namespace's labels are attached: what a tenant's unchanged objects give, kept between runs. */
export type WorkloadRecord = Omit<Workload, 'namespaceLabels' | 'ips'> & { readonly ips: readonly string[] };

/**
 * Workloads kept from an earlier run, by unit: a tenant whose namespace holds
 * only objects its own templates rendered, unchanged (local-findings.ts). The
 * workload objects of a unit with a record are not read; its records stand in
 * for them, so the model is the one its objects would give.
 */
export interface ModelReplay {
  unitOf(m: Manifest): string | undefined;
  /** The unit's records, all of `namespace` (where its objects are), or undefined to read its objects. */
  workloads(unit: string, namespace: string): readonly WorkloadRecord[] | undefined;
  /** Whether the unit's NetworkPolicies in `namespace` are left unmodelled (BuiltModel.deferred): a kept record answers for them until one is asked for. */
  defersPolicies?(unit: string, namespace: string): boolean;
}

export interface BuiltModel extends NetpolModel {
  /** With a replay: the workload records of the units whose objects were read, to keep for the next run. */
  readonly records: ReadonlyMap<string, readonly WorkloadRecord[]>;
  /** NetworkPolicies left unmodelled, by namespace, in tree order (their warnings are not in `warnings`); modelPolicies makes what `policies` would have held of them. */
  readonly deferred: ReadonlyMap<string, readonly Manifest[]>;
}

const byPolicyId = (a: PolicyModel, b: PolicyModel): number => (policyId(a) < policyId(b) ? -1 : policyId(a) > policyId(b) ? 1 : 0);

/** The models of deferred policies (BuiltModel.deferred), in the order buildModel gives them. */
export function modelPolicies(manifests: readonly Manifest[]): PolicyModel[] {
  return manifests.map((m) => buildPolicy(m.object as unknown as NetworkPolicy)).sort(byPolicyId);
}

/** `ns/name[Kind]`: how a workload is identified (replicas of one controller share it). */
export const workloadId = (namespace: string, name: string, kind: string): string => `${namespace}/${name}[${kind}]`;

/** Builds the policy model of any manifest set; unrelated kinds are ignored. */
export function buildModel(manifests: readonly Manifest[], replay?: ModelReplay): BuiltModel {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const nsLabels = new Map<string, Record<string, string>>();
  const policies: PolicyModel[] = [];
  const byId = new Map<string, { namespace: string; name: string; kind: string; labels: Labels; ports: NamedPort[]; ips: string[] }>();
  // Per unit met: its kept records, or (null) the ids its objects gave.
  const units = new Map<string, readonly WorkloadRecord[] | null>();
  const unitIds = new Map<string, Set<string>>();
  const deferred = new Map<string, Manifest[]>();
  /** The namespace of every policy, deferred or not, in tree order (the namespaces they reference). */
  const policyNamespaces: string[] = [];
  for (const m of manifests) {
    // The head first: only the kinds this model reads are parsed.
    const head = headOf(m);
    const kind = head.kind;
    if (kind !== 'Namespace' && kind !== 'NetworkPolicy' && !WORKLOAD_KINDS.includes(kind)) continue;
    if (kind === 'NetworkPolicy') {
      const ns = head.namespace ?? DEFAULT_NAMESPACE;
      policyNamespaces.push(ns);
      const unit = replay?.defersPolicies ? replay.unitOf(m) : undefined;
      if (unit !== undefined && replay!.defersPolicies!(unit, ns)) pushTo(deferred, ns, m);
      else policies.push(buildPolicy(m.object as unknown as NetworkPolicy, warn));
      continue;
    }
    const unit = replay && kind !== 'Namespace' ? replay.unitOf(m) : undefined;
    if (unit !== undefined) {
      let kept = units.get(unit);
      if (kept === undefined) {
        kept = replay!.workloads(unit, head.namespace ?? DEFAULT_NAMESPACE) ?? null;
        units.set(unit, kept);
        for (const w of kept ?? []) byId.set(w.id, { ...w, ports: [...w.ports], ips: [...w.ips] });
      }
      if (kept) continue;
    }
    const o = m.object;
    if (o.kind === 'Namespace' && o.metadata?.name) {
      nsLabels.set(o.metadata.name, { ...(o.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: o.metadata.name });
    } else if (WORKLOAD_KINDS.includes(o.kind)) {
      const ns = o.metadata?.namespace ?? DEFAULT_NAMESPACE;
      const owner = ownerOf(o);
      const kind = owner?.kind ?? o.kind;
      const name = owner?.name ?? o.metadata?.name ?? '';
      const id = workloadId(ns, name, kind);
      if (unit !== undefined) pushToSet(unitIds, unit, id);
      const ports = containerPorts(podSpecOf(o));
      const prev = byId.get(id);
      if (prev) {
        // Replicas of one controller share a template; merging keeps every port and IP seen.
        prev.ports.push(...ports.filter((p) => !prev.ports.some((q) => q.name === p.name && q.port === p.port && q.protocol === p.protocol)));
        prev.ips.push(...podIps(o));
      } else byId.set(id, { namespace: ns, name, kind, labels: podLabelsOf(o), ports, ips: podIps(o) });
    }
  }
  const referenced = [...byId.values()].map((w) => w.namespace).concat(policyNamespaces);
  for (const ns of referenced) {
    if (!nsLabels.has(ns)) nsLabels.set(ns, { [NAMESPACE_NAME_LABEL]: ns });
  }
  const workloads: Workload[] = [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, w]) => ({
      id,
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      labels: w.labels,
      namespaceLabels: nsLabels.get(w.namespace)!,
      ports: w.ports,
      ips: w.ips,
    }));
  policies.sort(byPolicyId);
  const records = new Map<string, WorkloadRecord[]>();
  for (const [unit, ids] of unitIds) {
    records.set(
      unit,
      [...ids].sort().map((id) => {
        const { namespace, name, kind, labels, ports, ips } = byId.get(id)!;
        return { id, namespace, name, kind, labels, ports, ips };
      }),
    );
  }
  return { namespaces: nsLabels, workloads, policies, warnings, records, deferred };
}

function pushToSet<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}
