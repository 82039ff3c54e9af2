import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1.js';
import { listContainers, podTemplateOf, type ContainerRef, type PodTemplateRef } from '../analysis/podsecurity/index.js';
import { headOf, type Manifest } from '../manifest/types.js';

export { listContainers, podTemplateOf, podTemplateKinds } from '../analysis/podsecurity/index.js';
export { selectsAll } from '../manifest/selectors.js';

/** The pod template of a workload manifest with its containers; pointers are absolute within the object. */
export function podTemplateWithContainers(m: Manifest): (PodTemplateRef & { containers: ContainerRef[] }) | undefined {
  const t = podTemplateOf(m.object);
  if (!t) return undefined;
  return { ...t, containers: listContainers(t.spec).map((c) => ({ ...c, pointer: t.pointer + c.pointer })) };
}

export function asNetworkPolicy(m: Manifest): NetworkPolicy {
  return m.object as unknown as NetworkPolicy;
}

/** policyTypes as Kubernetes defaults them: Ingress always, Egress when there are egress rules. */
export function effectivePolicyTypes(np: NetworkPolicy): Set<'Ingress' | 'Egress'> {
  const declared = np.spec?.policyTypes;
  if (declared && declared.length > 0) return new Set(declared as ('Ingress' | 'Egress')[]);
  const types = new Set<'Ingress' | 'Egress'>(['Ingress']);
  if (np.spec?.egress && np.spec.egress.length > 0) types.add('Egress');
  return types;
}


export function manifestsOfKind(ms: readonly Manifest[], kind: string): Manifest[] {
  return ms.filter((m) => headOf(m).kind === kind);
}

/** One ingress or egress rule of a NetworkPolicy with its peer list (`from` or `to`) and pointers. */
export interface PolicyRuleRef {
  direction: 'ingress' | 'egress';
  /** Pointer of the rule, e.g. `/spec/egress/0`. */
  pointer: string;
  /** Pointer of its peer list, e.g. `/spec/egress/0/to`. */
  peersPointer: string;
  peers: NetworkPolicyPeer[];
  ports: NetworkPolicyPort[] | undefined;
}

/** Every ingress and egress rule of a policy, in document order. */
export function policyRules(np: NetworkPolicy): PolicyRuleRef[] {
  const ingress = (np.spec?.ingress ?? []).map((r, i) => ({ direction: 'ingress' as const, pointer: `/spec/ingress/${i}`, peersPointer: `/spec/ingress/${i}/from`, peers: r.from ?? [], ports: r.ports }));
  const egress = (np.spec?.egress ?? []).map((r, i) => ({ direction: 'egress' as const, pointer: `/spec/egress/${i}`, peersPointer: `/spec/egress/${i}/to`, peers: r.to ?? [], ports: r.ports }));
  return [...ingress, ...egress];
}
