import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { NAMESPACE_NAME_LABEL, selectorMatches, type Labels } from '../../manifest/selectors.js';
import { toPointer } from '../../manifest/locate.js';
import { headOf, type Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext } from '../types.js';
import { asNetworkPolicy, policyRules, selectsAll } from '../util.js';

type Messages = 'matchesNothing';


/**
 * Labels of every namespace the tree can vouch for: rendered Namespace objects
 * as written, and namespaces that exist outside the tree (the platform's
 * ingress, database and DNS namespaces, kube-system, any namespace objects are
 * rendered into) with only the label the API server sets on every namespace.
 */
function knownNamespaces(ctx: RuleContext<Messages>): Labels[] {
  return ctx.shared('network/namespace-selector:known', () => collectKnown(ctx));
}

function collectKnown(ctx: RuleContext<Messages>): Labels[] {
  const out = new Map<string, Labels>();
  const p = ctx.platform;
  const external = ['kube-system', ...(p ? [p.ingress.namespace, p.database.namespace, p.dns.namespace] : [])];
  // Through the heads: only the Namespaces are parsed.
  for (const m of ctx.all) {
    const ns = headOf(m).namespace;
    if (ns) external.push(ns);
  }
  for (const name of external) out.set(name, { [NAMESPACE_NAME_LABEL]: name });
  for (const m of ctx.all) {
    const { kind, name } = headOf(m);
    if (kind === 'Namespace' && name) out.set(name, { ...m.object.metadata.labels, [NAMESPACE_NAME_LABEL]: name });
  }
  return [...out.values()];
}

/** Namespaces by `key=value`, so a matchLabels selector only looks at namespaces carrying its first pair. */
function labelIndex(known: readonly Labels[]): Map<string, Labels[]> {
  const index = new Map<string, Labels[]>();
  for (const l of known) {
    for (const [k, v] of Object.entries(l)) {
      const key = `${k}=${v}`;
      const list = index.get(key);
      if (list) list.push(l);
      else index.set(key, [l]);
    }
  }
  return index;
}

function candidates(sel: LabelSelector, known: readonly Labels[], index: ReadonlyMap<string, Labels[]>): readonly Labels[] {
  const first = Object.entries(sel.matchLabels ?? {})[0];
  return first ? (index.get(`${first[0]}=${first[1]}`) ?? []) : known;
}

/** The first term of the selector no known namespace satisfies on its own, to point the reader at it. */
function culprit(sel: LabelSelector, known: readonly Labels[], at: string): string {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!known.some((l) => l[k] === v)) return `${at}${toPointer(['matchLabels', k])}`;
  }
  const i = (sel.matchExpressions ?? []).findIndex((e) => !known.some((l) => selectorMatches({ matchExpressions: [e] }, l)));
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
 */
export const namespaceSelector: Rule<Messages> = {
  meta: {
    id: 'network/namespace-selector',
    needsTenantsFile: true,
    appliesTo: ['NetworkPolicy'],
    messages: {
      matchesNothing: 'namespaceSelector {selector} matches no known namespace; no rendered Namespace carries it and kubernetes.io/metadata.name is not used',
    },
  },
  checkManifest(m: Manifest, ctx) {
    const known = knownNamespaces(ctx);
    const index = ctx.shared('network/namespace-selector:index', () => labelIndex(known));
    for (const rule of policyRules(asNetworkPolicy(m))) {
      rule.peers.forEach((peer, j) => {
        const sel = peer.namespaceSelector;
        if (!sel || selectsAll(sel) || candidates(sel, known, index).some((l) => selectorMatches(sel, l))) return;
        const at = `${rule.peersPointer}/${j}/namespaceSelector`;
        ctx.report({ manifest: m, messageId: 'matchesNothing', pointer: culprit(sel, known, at), data: { selector: describe(sel) } });
      });
    }
  },
};
