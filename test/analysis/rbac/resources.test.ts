import { describe, expect, it } from 'vitest';
import { buildResourceTable, parseResourceArg } from '../../../src/analysis/rbac/resources.js';
import { manifests } from './helpers.js';

// Rows encode kubectl auth can-i's resourceFor(): schema.ParseResourceArg on the
// lower-cased RESOURCE[.GROUP] part, RESTMapper resolution of singular/short names,
// and the text after the first "/" taken as the subresource.
describe('parseResourceArg', () => {
  it.each([
    ['pods', { resource: 'pods', apiGroup: '', known: true }],
    ['pod', { resource: 'pods', apiGroup: '', known: true }],
    ['po', { resource: 'pods', apiGroup: '', known: true }],
    ['Pods', { resource: 'pods', apiGroup: '', known: true }],
    ['pods/log', { resource: 'pods', apiGroup: '', subresource: 'log', known: true }],
    ['deploy', { resource: 'deployments', apiGroup: 'apps', known: true }],
    ['deployments.apps', { resource: 'deployments', apiGroup: 'apps', known: true }],
    ['deployments.apps/scale', { resource: 'deployments', apiGroup: 'apps', subresource: 'scale', known: true }],
    ['deployments.v1.apps', { resource: 'deployments', apiGroup: 'apps', known: true }],
    ['netpol', { resource: 'networkpolicies', apiGroup: 'networking.k8s.io', known: true }],
    ['quota', { resource: 'resourcequotas', apiGroup: '', known: true }],
    ['limits', { resource: 'limitranges', apiGroup: '', known: true }],
    ['rolebinding', { resource: 'rolebindings', apiGroup: 'rbac.authorization.k8s.io', known: true }],
    ['hpa', { resource: 'horizontalpodautoscalers', apiGroup: 'autoscaling', known: true }],
    ['cj', { resource: 'cronjobs', apiGroup: 'batch', known: true }],
    ['pdb', { resource: 'poddisruptionbudgets', apiGroup: 'policy', known: true }],
    // Unknown plural names pass through in the core group; an explicit group is kept.
    ['widgets', { resource: 'widgets', apiGroup: '', known: false }],
    ['widgets.example.com', { resource: 'widgets', apiGroup: 'example.com', known: false }],
    // kubectl special-cases "*" and passes it through unresolved.
    ['*', { resource: '*', apiGroup: '', known: false }],
  ])('%s', (arg, expected) => {
    expect(parseResourceArg(arg)).toEqual(expected);
  });

  it('learns plural, singular and short names and scope from CustomResourceDefinitions', () => {
    const table = buildResourceTable(
      manifests(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
`),
    );
    expect(parseResourceArg('wd', table)).toEqual({ resource: 'widgets', apiGroup: 'example.com', known: true });
    expect(table.isNamespaced('widgets', 'example.com')).toBe(false);
    expect(table.isNamespaced('pods', '')).toBe(true);
    expect(table.isNamespaced('nodes', '')).toBe(false);
    expect(table.isNamespaced('unknown', '')).toBeUndefined();
  });
});
