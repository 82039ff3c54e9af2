import { describe, expect, it } from 'vitest';
import { formatRuleTable } from '../../../src/analysis/rbac/list.js';
import { toPolicyRule } from '../../../src/analysis/rbac/match.js';

// Mirrors kubectl auth can-i --list: BreakdownRule, CompactRules, SortableRuleSlice
// (Go String() of the rule, which starts with the verbs) and a tabwriter(10, 4, 3).
describe('formatRuleTable', () => {
  it('prints rules like kubectl', () => {
    const rules = [
      toPolicyRule({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'] }),
      toPolicyRule({ verbs: ['watch'], apiGroups: [''], resources: ['pods'] }),
      toPolicyRule({ verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] }),
      toPolicyRule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/api/*'] }),
      toPolicyRule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }),
    ];
    expect(formatRuleTable(rules)).toBe(
      [
        'Resources                Non-Resource URLs   Resource Names   Verbs',
        '*.*                      []                  []               [*]',
        'pods                     []                  []               [get list watch]',
        'deployments/scale        []                  []               [get list]',
        'deployments.apps/scale   []                  []               [get list]',
        'pods.apps                []                  []               [get list]',
        '                         [/api/*]            []               [get]',
        '                         [/healthz]          []               [get]',
        'configmaps               []                  [a b]            [update]',
        '',
      ].join('\n'),
    );
  });

  it('omits headers on request', () => {
    expect(formatRuleTable([toPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })], { headers: false })).toBe(
      'pods      []        []        [get]\n',
    );
  });
});
