import { describe, expect, it } from 'vitest';
import { buildAuthorizer } from '../../../src/analysis/rbac/authorizer.js';
import type { AccessRequest } from '../../../src/analysis/rbac/types.js';
import { userInfo } from '../../../src/analysis/rbac/user.js';
import { manifests } from './helpers.js';

const fixture = manifests(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tenant-edit, labels: {tenantctl.io/aggregate-to-admin: "true"}}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {tenantctl.io/aggregate-to-edit: "true"}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tenant-view, labels: {tenantctl.io/aggregate-to-edit: "true"}}
rules:
  - {apiGroups: [""], resources: [pods, pods/log, configmaps], verbs: [get, list, watch]}
  - {apiGroups: [""], resources: [namespaces], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deploy-writer, labels: {tenantctl.io/aggregate-to-edit: "true"}}
rules:
  - {apiGroups: [apps], resources: [deployments, "*/scale"], verbs: [create, update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tenant-admin}
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions: [{key: tenantctl.io/aggregate-to-admin, operator: In, values: ["true"]}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules:
  - {apiGroups: [""], resources: [nodes], verbs: [get, list]}
  - {nonResourceURLs: [/healthz, "/metrics/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cfg-one, namespace: team-a}
rules:
  - {apiGroups: [""], resources: [configmaps], resourceNames: [app-config], verbs: [update]}
  - {apiGroups: [""], resources: [nodes], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-edit, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-edit}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cfg-one, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cfg-one}
subjects: [{kind: User, name: carol}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-admin, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-admin}
subjects: [{kind: Group, name: team-b-devs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-sa-view, namespace: shared}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-view}
subjects: [{kind: Group, name: system:serviceaccounts}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-a-sas-in-b, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-view}
subjects: [{kind: Group, name: "system:serviceaccounts:team-a"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: Group, name: ops}, {kind: ServiceAccount, name: monitor, namespace: monitoring}, {kind: ServiceAccount, name: no-namespace}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: platform-admins}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
  - {nonResourceURLs: ["*"], verbs: ["*"]}
`);

const authz = buildAuthorizer(fixture);
const APP = 'system:serviceaccount:team-a:app';
const r = (verb: string, resource: string, namespace: string, more: Partial<{ apiGroup: string; subresource: string; name: string }> = {}): AccessRequest => ({
  verb,
  resource,
  namespace,
  apiGroup: more.apiGroup ?? '',
  ...(more.subresource ? { subresource: more.subresource } : {}),
  ...(more.name ? { name: more.name } : {}),
});

type Row = [string, string, string[], AccessRequest, boolean];
const rows: Row[] = [
  // RBAC docs: "A RoleBinding may reference any Role in the same namespace. Alternatively, a RoleBinding can
  // reference a ClusterRole and bind that ClusterRole to the namespace of the RoleBinding."
  ['RoleBinding→ClusterRole grants in its namespace', APP, [], r('get', 'pods', 'team-a'), true],
  ['RoleBinding→ClusterRole grants nothing elsewhere', APP, [], r('get', 'secrets', 'team-c'), false],
  // Aggregation: tenant-edit's own rules ("*") are replaced by the union of the selected roles' rules.
  ['aggregating role ignores its own rules', APP, [], r('delete', 'secrets', 'team-a'), false],
  ['aggregated rule from tenant-view', APP, [], r('get', 'pods', 'team-a', { subresource: 'log' }), true],
  ['aggregated */scale from deploy-writer', APP, [], r('update', 'deployments', 'team-a', { apiGroup: 'apps', subresource: 'scale' }), true],
  // Aggregation chains settle transitively (admin ← edit ← view): tenant-admin gets tenant-view's rules.
  ['transitive aggregation', 'dave', ['team-b-devs'], r('list', 'configmaps', 'team-b'), true],
  ['transitive aggregation, other namespace', 'dave', ['team-b-devs'], r('list', 'configmaps', 'team-a'), false],
  // ServiceAccount subject without namespace in a RoleBinding defaults to the binding's namespace (appliesToUser).
  ['SA subject defaults to binding namespace', 'system:serviceaccount:team-b:app', [], r('get', 'pods', 'team-a'), false],
  // ...but in a ClusterRoleBinding there is no namespace to default to, so it matches nobody.
  ['CRB SA subject without namespace matches nobody', 'system:serviceaccount:default:no-namespace', [], r('list', 'nodes', ''), false],
  // Implicit group system:serviceaccounts reaches every SA; system:serviceaccounts:<ns> only that namespace's.
  ['implicit group system:serviceaccounts', 'system:serviceaccount:team-z:x', [], r('get', 'configmaps', 'shared'), true],
  ['implicit group system:serviceaccounts:<ns>', APP, [], r('get', 'configmaps', 'team-b'), true],
  ['implicit group, other namespace', 'system:serviceaccount:team-z:x', [], r('get', 'configmaps', 'team-b'), false],
  // Explicit groups replace a ServiceAccount's implicit ones (impersonation.go).
  ['explicit group drops SA groups', 'system:serviceaccount:team-z:x', ['ops'], r('get', 'configmaps', 'shared'), false],
  // resourceNames: update on that object only; never list.
  ['resourceName allows named update', 'carol', [], r('update', 'configmaps', 'team-a', { name: 'app-config' }), true],
  ['resourceName denies other name', 'carol', [], r('update', 'configmaps', 'team-a', { name: 'x' }), false],
  ['resourceName denies nameless update', 'carol', [], r('update', 'configmaps', 'team-a'), false],
  // Cluster-scoped resources are requested without a namespace, so a RoleBinding never grants them.
  ['Role naming nodes grants nothing', 'carol', [], r('get', 'nodes', 'team-a'), false],
  // ClusterRoleBinding grants cluster-scoped resources, and namespaced ones in every namespace.
  ['CRB grants nodes', 'erin', ['ops'], r('list', 'nodes', ''), true],
  ['CRB grants nodes with -n', 'erin', ['ops'], r('list', 'nodes', 'team-a'), true],
  ['CRB SA subject with namespace', 'system:serviceaccount:monitoring:monitor', [], r('get', 'nodes', '', { name: 'n1' }), true],
  ['CRB cluster-admin everywhere', 'root', ['platform-admins'], r('delete', 'secrets', 'team-a'), true],
  ['CRB cluster-admin cluster-wide list', 'root', ['platform-admins'], r('list', 'pods', ''), true],
  // A namespaced resource across all namespaces (-A) needs a ClusterRoleBinding.
  ['-A needs a CRB', APP, [], r('list', 'pods', ''), false],
  // /api/v1/namespaces/NAME is a request inside namespace NAME, so a RoleBinding there can grant it.
  ['own Namespace object via RoleBinding', APP, [], r('get', 'namespaces', 'team-a', { name: 'team-a' }), true],
  ['Namespace object where a group binding grants it', APP, [], r('get', 'namespaces', 'team-a', { name: 'team-b' }), true],
  ['other Namespace object', APP, [], r('get', 'namespaces', 'team-a', { name: 'team-c' }), false],
  ['list namespaces is cluster-scoped', APP, [], r('list', 'namespaces', 'team-a'), false],
  // system:masters bypasses RBAC.
  ['system:masters', 'x', ['system:masters'], r('delete', 'nodes', ''), true],
];

describe('authorizer', () => {
  it.each(rows)('%s', (_name, user, groups, req, expected) => {
    expect(authz.allowed(userInfo(user, groups), req).allowed).toBe(expected);
  });

  // Non-resource URLs are requested without a namespace: only ClusterRoleBindings apply.
  it.each([
    ['/healthz', 'erin', ['ops'], true],
    ['/metrics/cadvisor', 'erin', ['ops'], true],
    ['/readyz', 'erin', ['ops'], false],
    ['/healthz', APP, [], false],
    ['/anything', 'root', ['platform-admins'], true],
  ] as const)('GET %s as %s', (url, user, groups, expected) => {
    expect(authz.allowed(userInfo(user, [...groups]), { verb: 'get', nonResourceURL: url }).allowed).toBe(expected);
  });

  it('names the binding and role that allowed a request', () => {
    const d = authz.allowed(userInfo(APP), r('get', 'configmaps', 'team-a'));
    expect(d.via.map((v) => [v.binding, v.role])).toEqual([
      [{ kind: 'RoleBinding', name: 'app-edit', namespace: 'team-a' }, { kind: 'ClusterRole', name: 'tenant-edit' }],
    ]);
  });

  it('lists grants from ClusterRoleBindings first, then the namespace', () => {
    const grants = authz.grantsFor(userInfo('x', ['ops', 'system:serviceaccounts']), 'shared');
    expect(grants.map((g) => g.binding.name)).toEqual(['ops-nodes', 'all-sa-view']);
  });

  it('warns about bindings to roles that do not exist', () => {
    const a = buildAuthorizer(
      manifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: n}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
subjects: [{kind: User, name: u}]
`),
    );
    expect(a.warnings).toEqual([{ object: { kind: 'RoleBinding', name: 'b', namespace: 'n' }, message: 'refers to Role "missing", which is not defined' }]);
    expect(a.grantsFor(userInfo('u'), 'n')[0]?.dangling).toBe(true);
  });
});
