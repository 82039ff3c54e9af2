import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { CommandContext } from '../../src/commands/types.js';

let dir: string;
let ctx: CommandContext;

const files: Record<string, string> = {
  'rendered/cluster/clusterroles.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tenant-edit}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to-tenant-edit: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tenant-edit-core, labels: {aggregate-to-tenant-edit: "true"}}
rules:
  - {apiGroups: [""], resources: [pods, pods/log, configmaps], verbs: [get, list, watch, create]}
  - {apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: platform-admin}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
  - {nonResourceURLs: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: platform-admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: platform-admin}
subjects: [{kind: Group, name: platform-admins}]
`,
  'rendered/team-a/rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tenant-edit, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant-edit}
subjects: [{kind: ServiceAccount, name: deployer}, {kind: Group, name: team-a-devs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-secret, namespace: team-a}
rules: [{apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: one-secret, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-secret}
subjects: [{kind: ServiceAccount, name: deployer, namespace: team-a}]
`,
  'other/broken.yaml': 'kind: [unclosed\n',
};

const SA = 'system:serviceaccount:team-a:deployer';
// Through the CLI, as a user runs it: usage errors are formatted there.
const run = (...argv: string[]) => runCli(['can-i', ...argv], ctx);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-can-i-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  ctx = { cwd: dir, env: {}, isTTY: false };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tenantctl can-i', () => {
  it.each([
    // [argv, stdout, exit code]
    [['get', 'pods', '-n', 'team-a', '--as', SA], 'yes\n', 0],
    [['get', 'po', '--namespace=team-a', '--as', SA], 'yes\n', 0],
    [['get', 'pods/log', '-n', 'team-a', '--as', SA], 'yes\n', 0],
    [['get', 'pods', '--subresource', 'exec', '-n', 'team-a', '--as', SA], 'no\n', 1],
    [['update', 'deployments.apps/scale', '-n', 'team-a', '--as', SA], 'yes\n', 0],
    [['update', 'deploy', '-n', 'team-a', '--as', SA], 'yes\n', 0],
    [['delete', 'deploy', '-n', 'team-a', '--as', SA], 'no\n', 1],
    [['get', 'pods', '-n', 'team-b', '--as', SA], 'no\n', 1],
    // default namespace is "default", as kubectl with no context namespace
    [['get', 'pods', '--as', SA], 'no\n', 1],
    [['get', 'secrets', 'db', '-n', 'team-a', '--as', SA], 'yes\n', 0],
    [['get', 'secrets', 'other', '-n', 'team-a', '--as', SA], 'no\n', 1],
    [['list', 'secrets', '-n', 'team-a', '--as', SA], 'no\n', 1],
    // a group given with --as-group
    [['create', 'configmaps', '-n', 'team-a', '--as', 'bob', '--as-group', 'team-a-devs'], 'yes\n', 0],
    [['create', 'configmaps', '-n', 'team-a', '--as', 'bob'], 'no\n', 1],
    [['delete', 'nodes', '--as', 'root', '--as-group', 'platform-admins'], 'yes\n', 0],
    [['list', 'pods', '-A', '--as', 'root', '--as-group', 'platform-admins'], 'yes\n', 0],
    [['list', 'pods', '-A', '--as', SA], 'no\n', 1],
    [['get', '/healthz', '--as', 'root', '--as-group', 'platform-admins'], 'yes\n', 0],
    [['get', '/healthz', '--as', SA], 'no\n', 1],
    [['get', 'pods', '-n', 'team-a', '--as', SA, '-q'], '', 0],
  ])('%j', async (argv, stdout, code) => {
    const r = await run(...argv, '--manifests', 'rendered');
    expect([r.stdout, r.exitCode]).toEqual([stdout, code]);
  });

  it('reads a single manifest file as well as a directory', async () => {
    // A ClusterRole and its binding in one stream, as `kubectl get -o yaml` would dump them.
    const file = path.join(dir, 'dump.yaml');
    await writeFile(
      file,
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: reader}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\nsubjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]\n',
    );
    expect(await run('get', 'pods', '--as', 'alice', '--manifests', 'dump.yaml')).toMatchObject({ stdout: 'yes\n', exitCode: 0 });
    expect(await run('delete', 'pods', '--as', 'alice', '--manifests', 'dump.yaml')).toMatchObject({ stdout: 'no\n', exitCode: 1 });
  });

  it('explains which binding and role allowed it', async () => {
    const r = await run('get', 'pods', '-n', 'team-a', '--as', SA, '--explain');
    expect(r.stdout).toBe(
      'yes\n' +
        '  as system:serviceaccount:team-a:deployer (groups: system:serviceaccounts, system:serviceaccounts:team-a, system:authenticated) in namespace team-a\n' +
        '  allowed by RoleBinding team-a/tenant-edit -> ClusterRole tenant-edit\n',
    );
  });

  it('lists effective rules like kubectl auth can-i --list', async () => {
    const r = await run('--list', '-n', 'team-a', '--as', SA);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'Resources                Non-Resource URLs   Resource Names   Verbs',
        'configmaps               []                  []               [get list watch create]',
        'pods/log                 []                  []               [get list watch create]',
        'pods                     []                  []               [get list watch create]',
        'deployments.apps/scale   []                  []               [get update]',
        'deployments.apps         []                  []               [get update]',
        'secrets                  []                  [db]             [get]',
        '',
      ].join('\n'),
    );
  });

  it('warns about cluster-scoped resources with -n and unknown resource types', async () => {
    const nodes = await run('get', 'nodes', '-n', 'team-a', '--as', SA);
    expect(nodes.stderr).toBe("Warning: resource 'nodes' is not namespace scoped\n");
    const unknown = await run('get', 'widgets.example.com', '-n', 'team-a', '--as', SA);
    expect(unknown.stderr).toContain("resource type 'widgets' in group 'example.com' is not known");
  });

  it.each([
    [['get', 'pods'], '--as USER is required'],
    [['get', '--as', 'x'], 'you must specify two or three arguments'],
    [['get', 'pods', 'a', 'b', '--as', 'x'], 'you must specify two or three arguments'],
    [['get', 'pods', '--list', '--as', 'x'], 'list option must be specified with no arguments'],
    [['get', '/healthz', 'name', '--as', 'x'], 'NonResourceURL and ResourceName can not specified together'],
    [['get', '/healthz', '--subresource', 'log', '--as', 'x'], '--subresource can not be used with NonResourceURL'],
    [['get', 'pods', '--as'], '--as needs a value'],
    [['get', 'pods', '--as', 'x', '--bogus'], 'unknown option --bogus'],
    [['get', 'pods', '--as', 'x', '--manifests', 'missing'], '--manifests missing does not exist'],
    [['get', 'pods', '--as', 'x', '--manifests', 'other'], 'cannot evaluate RBAC over unreadable manifests'],
  ])('usage error %j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
