import type { LabelSelector } from 'kubernetes-types/meta/v1.js';

export type Labels = Readonly<Record<string, string>>;

/** The label the API server sets on every namespace (its own name); the only namespace label nobody can forge. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A selector that matches everything: absent, `{}`, or with no terms. */
export function selectsAll(sel: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined | null): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

/**
 * Kubernetes label selector semantics: matchLabels and every matchExpression
 * must hold (AND); an empty selector matches everything. An unknown operator
 * matches nothing, as the API server would have rejected the object.
 */
export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        // A pod without the key satisfies NotIn (documented label-selector behaviour).
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Canonical text of a selector, usable as an equivalence-class key. */
export function selectorKey(sel: LabelSelector | undefined): string {
  if (!sel) return '-';
  const ml = Object.entries(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const me = (sel.matchExpressions ?? [])
    .map((e) => `${e.key} ${e.operator} (${[...(e.values ?? [])].sort().join(',')})`)
    .sort();
  return `{${[...ml, ...me].join(';')}}`;
}
