import { describe, expect, it } from 'vitest';
import { buildAuthorizer } from '../../../src/analysis/rbac/authorizer.js';
import {
  canModifyGuardrails,
  clusterGrants,
  crossNamespaceGrants,
  guardrailTargets,
  type ProofSubject,
} from '../../../src/analysis/rbac/proofs.js';
import { serviceAccountUser, userInfo } from '../../../src/analysis/rbac/user.js';
import { manifests } from './helpers.js';

const sa = (ns: string, name = 'default'): ProofSubject => ({ user: userInfo(serviceAccountUser(ns, name)), namespace: ns });

function tenant(ns: string): string {
  return `
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota, namespace: ${ns}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: ${ns}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tenant-edit, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-edit}
subjects: [{kind: ServiceAccount, name: default}]
---`;
}

const base = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tenant-edit}
rules:
  - {apiGroups: ["", apps], resources: [pods, configmaps, deployments], verbs: ["*"]}
  - {apiGroups: [""], resources: [resourcequotas], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
---`;

/** A RoleBinding in b that gives a's ServiceAccount b's tenant role. */
const leak = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: leak, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-edit}
subjects: [{kind: ServiceAccount, name: default, namespace: a}]
---`;

describe('crossNamespaceGrants', () => {
  it('finds nothing when every RoleBinding binds its own ServiceAccounts', () => {
    const authz = buildAuthorizer(manifests(base + tenant('a') + tenant('b')));
    expect(crossNamespaceGrants(authz, [sa('a'), sa('b')])).toEqual([]);
  });

  it('reports a RoleBinding in another namespace, a shared-group binding and a ClusterRoleBinding', () => {
    const authz = buildAuthorizer(
      manifests(
        base +
          tenant('a') +
          tenant('b') +
          leak +
          `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: everyone, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-edit}
subjects: [{kind: Group, name: system:serviceaccounts}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: wide}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-edit}
subjects: [{kind: ServiceAccount, name: default, namespace: a}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nodes-only}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects: [{kind: Group, name: system:serviceaccounts}]
`,
      ),
    );
    const subjects = [sa('a'), sa('b'), sa('c')];
    const found = crossNamespaceGrants(authz, subjects).map((f) => [f.namespace ?? '*', f.binding.name, f.subject.name, f.affected, f.sample]);
    expect(found).toEqual([
      // A ClusterRoleBinding reaches every namespace; a rule on cluster-scoped nodes alone does not count.
      ['*', 'wide', 'default', 1, ['system:serviceaccount:a:default']],
      ['b', 'leak', 'default', 1, ['system:serviceaccount:a:default']],
      // b's own ServiceAccount is not counted: it is at home there.
      ['b', 'everyone', 'system:serviceaccounts', 2, ['system:serviceaccount:a:default', 'system:serviceaccount:c:default']],
    ]);
    const nodes = clusterGrants(authz, subjects).find((f) => f.binding.name === 'nodes-only');
    expect(nodes?.affected).toBe(3);
  });

  it('answers for the identities it is given, also after being asked about others', () => {
    const authz = buildAuthorizer(manifests(base + tenant('a') + tenant('b') + leak));
    const onlyB = [sa('b')];
    const both = [sa('a'), sa('b')];
    // The identities are indexed once per list: a second list is indexed on its own, never answered from the first.
    expect(crossNamespaceGrants(authz, onlyB)).toEqual([]);
    expect(crossNamespaceGrants(authz, both).map((f) => f.binding.name)).toEqual(['leak']);
    expect(clusterGrants(authz, onlyB)).toEqual([]);
    expect(crossNamespaceGrants(authz, onlyB)).toEqual([]);
  });

  // Speed is measured by npm run bench; this checks the proofs stay correct at scale.
  it('finds nothing across 2,000 isolated tenants', () => {
    const n = 2_000;
    let yaml = base;
    for (let i = 0; i < n; i++) yaml += tenant(`t${i}`);
    const ms = manifests(yaml);
    const subjects = Array.from({ length: n }, (_, i) => sa(`t${i}`));
    const authz = buildAuthorizer(ms);
    expect(crossNamespaceGrants(authz, subjects)).toEqual([]);
    expect(canModifyGuardrails(authz, subjects, guardrailTargets(ms))).toEqual([]);
  }, 120_000);
});

describe('guardrailTargets', () => {
  it('takes a guardrail kind only in its own API group, and no kind named like a member of every object', () => {
    const ms = manifests(`
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota, namespace: a}
---
apiVersion: example.com/v1
kind: ResourceQuota
metadata: {name: look-alike, namespace: a}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: a}
---
apiVersion: v1
kind: NetworkPolicy
metadata: {name: core-look-alike, namespace: a}
---
apiVersion: example.com/v1
kind: constructor
metadata: {name: odd, namespace: a}
---
apiVersion: v1
kind: __proto__
metadata: {name: odder, namespace: a}
---
apiVersion: v1
kind: LimitRange
metadata: {name: cluster-wide-by-mistake}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: a}
`);
    expect(guardrailTargets(ms)).toEqual([
      { namespace: 'a', apiGroup: '', resource: 'resourcequotas', name: 'quota' },
      { namespace: 'a', apiGroup: 'networking.k8s.io', resource: 'networkpolicies', name: 'deny' },
    ]);
  });
});

describe('canModifyGuardrails', () => {
  it('finds nothing for a tenant role that only reads its quota', () => {
    const ms = manifests(base + tenant('a'));
    expect(canModifyGuardrails(buildAuthorizer(ms), [sa('a')], guardrailTargets(ms))).toEqual([]);
  });

  it('reports creating, changing and deleting guardrails and patching the Namespace', () => {
    const ms = manifests(
      base +
        tenant('a') +
        `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: too-much, namespace: a}
rules:
  - {apiGroups: [networking.k8s.io], resources: [networkpolicies], resourceNames: [default-deny], verbs: [delete]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}
  - {apiGroups: [""], resources: [namespaces], verbs: [patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: too-much, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: too-much}
subjects: [{kind: ServiceAccount, name: default}]
`,
    );
    const found = canModifyGuardrails(buildAuthorizer(ms), [sa('a')], guardrailTargets(ms)).map((f) => [
      f.resource,
      f.name ?? '',
      f.verbs,
      f.via.map((v) => v.binding.name),
    ]);
    expect(found).toEqual([
      ['rolebindings', '', ['create'], ['too-much']],
      ['networkpolicies', 'default-deny', ['delete'], ['too-much']],
      ['namespaces', 'a', ['patch'], ['too-much']],
    ]);
  });

  it('reports every guardrail for a wildcard rule, and a superuser whose roles name no guardrail', () => {
    const ms = manifests(
      base +
        tenant('a') +
        tenant('b') +
        `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: everything, namespace: a}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: everything, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything}
subjects: [{kind: ServiceAccount, name: default}]
`,
    );
    const admin: ProofSubject = { user: userInfo(serviceAccountUser('b', 'default'), ['system:masters']), namespace: 'b' };
    const found = canModifyGuardrails(buildAuthorizer(ms), [sa('a'), admin], guardrailTargets(ms)).map((f) => `${f.namespace} ${f.resource} ${f.name ?? ''} ${f.verbs.join(',')} ${f.via.map((v) => v.binding.name).join(',')}`);
    // tenant-edit (pods, configmaps, deployments and reading the quota) grants no guardrail: only "everything" is named.
    const each = (ns: string, via: string) => [
      `${ns} resourcequotas  create,deletecollection ${via}`,
      `${ns} limitranges  create,deletecollection ${via}`,
      `${ns} networkpolicies  create,deletecollection ${via}`,
      `${ns} roles  create,deletecollection ${via}`,
      `${ns} rolebindings  create,deletecollection ${via}`,
      `${ns} resourcequotas quota update,patch,delete ${via}`,
      `${ns} networkpolicies default-deny update,patch,delete ${via}`,
      `${ns} rolebindings tenant-edit update,patch,delete ${via}`,
      ...(ns === 'a' ? [`${ns} roles everything update,patch,delete ${via}`, `${ns} rolebindings everything update,patch,delete ${via}`] : []),
      `${ns} namespaces ${ns} update,patch,delete ${via}`,
    ];
    expect(found).toEqual([...each('a', 'everything'), ...each('b', '')]);
  });
});
