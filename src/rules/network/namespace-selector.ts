import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { toPointer } from '../../manifest/locate.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext } from '../types.js';
import { asNetworkPolicy, policyRules, selectsAll } from '../util.js';

type Messages = 'matchesNothing';

/** The first term of the selector no known namespace satisfies on its own, to point the reader at it. */
function culprit(sel: LabelSelector, ctx: RuleContext<Messages>, at: string): string {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!ctx.namespacesMatch({ matchLabels: { [k]: v } })) return `${at}${toPointer(['matchLabels', k])}`;
  }
  const i = (sel.matchExpressions ?? []).findIndex((e) => !ctx.namespacesMatch({ matchExpressions: [e] }));
  return i >= 0 ? `${at}/matchExpressions/${i}` : at;
}

function describe(sel: LabelSelector): string {
  const parts = [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} (${(e.values ?? []).join(',')})`),
  ];
  return parts.join(', ');
}

/**
 * A namespaceSelector on a label nobody sets matches no namespace: the allow
 * rule is dead, and whoever later adds that label to any namespace silently
 * opens the path. The automatic metadata.name label cannot be forged that way.
 * Which namespaces the tree knows (known-namespaces.ts) is asked through the
 * context, which records each answer: the rule is local, and a tenant's
 * findings are replayed while the answers hold.
 */
export const namespaceSelector: Rule<Messages> = {
  meta: {
    id: 'network/namespace-selector',
    needsTenantsFile: true,
    appliesTo: ['NetworkPolicy'],
    local: true,
    messages: {
      matchesNothing: 'namespaceSelector {selector} matches no known namespace; no rendered Namespace carries it and kubernetes.io/metadata.name is not used',
    },
  },
  checkManifest(m: Manifest, ctx) {
    for (const rule of policyRules(asNetworkPolicy(m))) {
      rule.peers.forEach((peer, j) => {
        const sel = peer.namespaceSelector;
        if (!sel || selectsAll(sel) || ctx.namespacesMatch(sel)) return;
        const at = `${rule.peersPointer}/${j}/namespaceSelector`;
        ctx.report({ manifest: m, messageId: 'matchesNothing', pointer: culprit(sel, ctx, at), data: { selector: describe(sel) } });
      });
    }
  },
};
