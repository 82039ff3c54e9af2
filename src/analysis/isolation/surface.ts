/**
 * What the cross-tenant search and the matrix read of a namespace's
 * NetworkPolicies, short of the policies themselves: which namespaces their
 * peers can select, whether a pod there is left open, and the policies' names
 * and types. It is a function of the namespace's policies and workloads only,
 * so a tenant whose objects did not change keeps it between runs, and its
 * policies are modelled only if a path to or from it must be evaluated.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { isolatingPolicies, selectsAll, type Direction, type Endpoint, type PolicyModel } from '../netpol/index.js';

export interface ReachSpec {
  /** A pod the tenant can create is open in this direction to every namespace. */
  readonly all: boolean;
  /** The namespace selectors of the peers of every rule in this direction, in policy, rule and peer order. */
  readonly selectors: readonly LabelSelector[];
}

export interface PolicySurface {
  readonly ingress: ReachSpec;
  readonly egress: ReachSpec;
  /** Each policy's name and whether it affects ingress and egress, in the model's order. */
  readonly policies: readonly (readonly [name: string, ingress: boolean, egress: boolean])[];
}

function reachSpec(all: readonly PolicyModel[], workloads: readonly Endpoint[], dir: Direction): ReachSpec {
  const policies = all.filter((p) => (dir === 'ingress' ? p.affectsIngress : p.affectsEgress));
  let open = !policies.some((p) => selectsAll(p.podSelector)) || workloads.some((w) => isolatingPolicies(policies, w, dir).length === 0);
  const selectors: LabelSelector[] = [];
  for (const p of policies) {
    for (const rule of dir === 'ingress' ? p.ingress : p.egress) {
      if (!rule.peers) open = true;
      for (const peer of rule.peers ?? []) if (peer.namespaceSelector) selectors.push(peer.namespaceSelector);
    }
  }
  return { all: open, selectors };
}

/** The surface of a namespace's policies (in the model's order) over its workloads. */
export function policySurface(policies: readonly PolicyModel[], workloads: readonly Endpoint[]): PolicySurface {
  return {
    ingress: reachSpec(policies, workloads, 'ingress'),
    egress: reachSpec(policies, workloads, 'egress'),
    policies: policies.map((p) => [p.name, p.affectsIngress, p.affectsEgress] as const),
  };
}
