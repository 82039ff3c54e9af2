/**
 * Which namespaces a selector can match, without scanning every namespace for
 * every tenant. A selector pinned by a matchLabels or `In` term is answered
 * from a label index (its candidates are the namespaces carrying one of the
 * pinned values); a broad one ({} or only Exists/NotIn/DoesNotExist) has to
 * look at every namespace, so its answer is computed once per distinct
 * selector and shared by every policy that spells it the same way.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { selectorKey, selectorMatches, type Labels } from '../netpol/index.js';

export interface SelectorAnswer {
  namespaces: readonly string[];
  list: readonly string[];
  set: ReadonlySet<string>;
  /** No matchLabels or `In` term pins it, so every namespace had to be looked at. */
  broad: boolean;
}

export interface NamespaceIndex {
  /** Namespaces `sel` matches, sorted; `broad` when the selector pins no value. */
  match(sel: LabelSelector): SelectorAnswer;
  readonly all: readonly string[];
  labels(ns: string): Labels | undefined;
}

function pinnedCandidates(sel: LabelSelector, byValue: ReadonlyMap<string, readonly string[]>): readonly string[] | undefined {
  let best: readonly string[] | undefined;
  const consider = (list: readonly string[]) => {
    if (!best || list.length < best.length) best = list;
  };
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) consider(byValue.get(`${k}=${v}`) ?? []);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator !== 'In') continue;
    consider([...new Set((e.values ?? []).flatMap((v) => byValue.get(`${e.key}=${v}`) ?? []))]);
  }
  return best;
}

export function namespaceIndex(namespaces: ReadonlyMap<string, Labels>): NamespaceIndex {
  const all = [...namespaces.keys()].sort();
  const byValue = new Map<string, string[]>();
  for (const ns of all) {
    for (const [k, v] of Object.entries(namespaces.get(ns)!)) {
      const key = `${k}=${v}`;
      const list = byValue.get(key) ?? [];
      list.push(ns);
      byValue.set(key, list);
    }
  }
  const cache = new Map<string, SelectorAnswer>();
  return {
    all,
    labels: (ns) => namespaces.get(ns),
    match(sel) {
      const key = selectorKey(sel);
      const hit = cache.get(key);
      if (hit) return hit;
      const pinned = pinnedCandidates(sel, byValue);
      const pool = pinned ?? all;
      const list = pool.filter((ns) => selectorMatches(sel, namespaces.get(ns)!));
      const out: SelectorAnswer = { namespaces: list, list, set: new Set(list), broad: pinned === undefined };
      cache.set(key, out);
      return out;
    },
  };
}

/**
 * Labels of a pod that satisfies `sel`, as a tenant could create one: pinned
 * values as written, `Exists` with any value, NotIn/DoesNotExist by leaving
 * the key out. Undefined when no label set satisfies it.
 */
export function witnessLabels(sel: LabelSelector | undefined): Labels | undefined {
  if (!sel) return {};
  const out: Record<string, string> = { ...(sel.matchLabels ?? {}) };
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In' && out[e.key] === undefined && e.values?.[0] !== undefined) out[e.key] = e.values[0];
    else if (e.operator === 'Exists' && out[e.key] === undefined) out[e.key] = 'x';
  }
  return selectorMatches(sel, out) ? out : undefined;
}
