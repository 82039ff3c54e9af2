/**
 * ClusterRole aggregation as the clusterrole-aggregation controller settles it
 * (pkg/controller/clusterroleaggregation): an aggregating role's rules are
 * REPLACED by the de-duplicated union of the rules of every other ClusterRole
 * matched by any of its selectors. The controller re-syncs aggregating roles
 * whenever a ClusterRole changes, so chains (admin ← edit ← view) settle to the
 * transitive union; we compute that fixed point directly.
 */
import type { PolicyRule } from './types.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { selectorMatches } from '../../manifest/selectors.js';
import { ruleKey } from './match.js';

export interface ClusterRoleInput {
  name: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  /** Present when the role has an aggregationRule (even with no selectors). */
  selectors?: LabelSelector[];
}

/** Effective rules per ClusterRole name. */
export function aggregateClusterRoles(roles: readonly ClusterRoleInput[]): Map<string, PolicyRule[]> {
  const sorted = [...roles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const effective = new Map<string, PolicyRule[]>();
  const sources = new Map<string, string[]>();
  for (const r of sorted) {
    if (!r.selectors) {
      effective.set(r.name, r.rules);
      continue;
    }
    // A selector that matches everything ({}) is legal; a role never aggregates itself.
    const matched = new Set<string>();
    for (const sel of r.selectors) {
      for (const other of sorted) if (other.name !== r.name && selectorMatches(sel, other.labels)) matched.add(other.name);
    }
    sources.set(r.name, sorted.filter((o) => matched.has(o.name)).map((o) => o.name));
    effective.set(r.name, []);
  }
  // Each pass can only add rules, and rules come from a finite set, so this terminates.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, from] of sources) {
      const current = effective.get(name) ?? [];
      const seen = new Set(current.map(ruleKey));
      const next = [...current];
      for (const src of from) {
        for (const rule of effective.get(src) ?? []) {
          const k = ruleKey(rule);
          if (!seen.has(k)) {
            seen.add(k);
            next.push(rule);
          }
        }
      }
      if (next.length !== current.length) {
        effective.set(name, next);
        changed = true;
      }
    }
  }
  return effective;
}
