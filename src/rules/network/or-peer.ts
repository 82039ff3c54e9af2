import type { NetworkPolicyPeer } from 'kubernetes-types/networking/v1.js';
import type { Rule } from '../types.js';
import { asNetworkPolicy, policyRules } from '../util.js';

type Messages = 'ored';

const only = (p: NetworkPolicyPeer, key: 'namespaceSelector' | 'podSelector') =>
  p[key] !== undefined && !p.ipBlock && (key === 'namespaceSelector' ? p.podSelector === undefined : p.namespaceSelector === undefined);

/**
 * `- namespaceSelector` and `- podSelector` as two list items is the classic
 * widening: one stray dash turns "these pods in that namespace" into "every pod
 * in that namespace, plus these pods here". Written as OR on purpose, the two
 * belong in separate rules, which states the intent.
 */
export const orPeer: Rule<Messages> = {
  meta: {
    local: true,
    id: 'network/or-peer',
    appliesTo: ['NetworkPolicy'],
    messages: {
      ored: 'these two peers are OR-ed ({list}/{pod} is podSelector-only): pods matching the podSelector in the policy\'s own namespace OR every pod in the selected namespaces; to mean \'these pods in that namespace\' put both selectors in ONE item',
    },
  },
  checkManifest(m, ctx) {
    for (const rule of policyRules(asNetworkPolicy(m))) {
      const pod = rule.peers.findIndex((p) => only(p, 'podSelector'));
      if (pod < 0) continue;
      rule.peers.forEach((p, j) => {
        if (!only(p, 'namespaceSelector')) return;
        ctx.report({ manifest: m, messageId: 'ored', pointer: `${rule.peersPointer}/${j}`, data: { list: rule.peersPointer, pod } });
      });
    }
  },
};
