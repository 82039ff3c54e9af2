import { describe, expect, it } from 'vitest';
import { aggregateClusterRoles, type ClusterRoleInput } from '../../../src/analysis/rbac/aggregate.js';
import { selectorMatches } from '../../../src/manifest/selectors.js';
import { toPolicyRule } from '../../../src/analysis/rbac/match.js';

const rule = (verb: string) => toPolicyRule({ verbs: [verb], apiGroups: [''], resources: ['pods'] });

describe('selectorMatches (metav1.LabelSelectorAsSelector)', () => {
  const labels = { a: '1', b: '2' };
  it.each([
    [{}, true], // an empty selector matches everything
    [{ matchLabels: { a: '1' } }, true],
    [{ matchLabels: { a: '2' } }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, true],
    [{ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['1'] }] }, true], // NotIn holds for an absent key
    [{ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['9'] }] }, false], // ANDed
  ])('%j', (sel, expected) => {
    expect(selectorMatches(sel, labels)).toBe(expected);
  });
});

// The clusterrole-aggregation controller replaces an aggregating role's rules with the
// de-duplicated union of the matched roles' rules, skipping the role itself.
describe('aggregateClusterRoles', () => {
  it('replaces own rules, de-duplicates, skips itself, settles chains and cycles', () => {
    const roles: ClusterRoleInput[] = [
      { name: 'admin', labels: {}, rules: [rule('own')], selectors: [{ matchLabels: { to: 'admin' } }] },
      { name: 'edit', labels: { to: 'admin' }, rules: [], selectors: [{ matchLabels: { to: 'edit' } }] },
      { name: 'view', labels: { to: 'edit' }, rules: [rule('get'), rule('get')] },
      { name: 'extra', labels: { to: 'edit' }, rules: [rule('get'), rule('list')] },
      { name: 'loop-a', labels: { loop: 'x' }, rules: [], selectors: [{ matchLabels: { loop: 'x' } }] },
      { name: 'loop-b', labels: { loop: 'x' }, rules: [rule('watch')], selectors: [{ matchLabels: { loop: 'x' } }] },
      { name: 'empty-agg', labels: {}, rules: [rule('own')], selectors: [] },
    ];
    const eff = aggregateClusterRoles(roles);
    const verbs = (n: string) => (eff.get(n) ?? []).map((r) => r.verbs[0]);
    expect(verbs('edit')).toEqual(['get', 'list']);
    expect(verbs('admin')).toEqual(['get', 'list']);
    expect(verbs('view')).toEqual(['get', 'get']); // non-aggregating roles keep their rules as written
    // loop-b's own rules are replaced too, so a pure cycle with no plain role aggregates nothing.
    expect(verbs('loop-a')).toEqual([]);
    expect(verbs('loop-b')).toEqual([]);
    expect(verbs('empty-agg')).toEqual([]);
  });
});
