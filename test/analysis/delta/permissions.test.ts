import { afterAll, describe, expect, it } from 'vitest';
import { permissionsDelta } from '../../../src/analysis/delta/permissions.js';
import { parseManifests } from '../../../src/manifest/parse.js';
import { renderInMemory } from '../../../src/pipeline.js';
import { bundledTenants, cleanupTempRepos, tempRepo } from '../../helpers.js';

afterAll(cleanupTempRepos);

const tree = (text: string) => parseManifests(text, { file: 'rbac.yaml' }).manifests;
const role = (resources: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: team-a}
rules: [{apiGroups: [""], resources: [${resources}], verbs: [get, create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app}
subjects: [{kind: ServiceAccount, name: deployer, namespace: team-a}]
`;

describe('permissions delta', () => {
  it('is empty when no RBAC object changed', () => {
    expect(permissionsDelta(tree(role('pods')), tree(role('pods')))).toEqual([]);
  });

  it('names what a ServiceAccount gains and loses, verb by resource', () => {
    expect(permissionsDelta(tree(role('pods')), tree(role('secrets')))).toEqual([
      { subject: 'ServiceAccount team-a/deployer', namespace: 'team-a', gained: ['create secrets', 'get secrets'], lost: ['create pods', 'get pods'] },
    ]);
  });

  it('shows a platform admins group handed to another group, per tenant namespace', async () => {
    const bundled = await bundledTenants();
    const base = await renderInMemory({ root: await tempRepo({ tenants: bundled }) });
    const head = await renderInMemory({ root: await tempRepo({ tenants: bundled.replace('group: platform-admins', 'group: sre') }) });
    const delta = permissionsDelta(base.render!.manifests, head.render!.manifests);
    expect(delta.map((d) => `${d.subject} ${d.namespace} +${d.gained.join(',')} -${d.lost.join(',')}`)).toEqual([
      'Group platform-admins ai-agents-test-tenant-a + -everything (* on *.*)',
      'Group platform-admins ai-agents-test-tenant-b + -everything (* on *.*)',
      'Group sre ai-agents-test-tenant-a +everything (* on *.*) -',
      'Group sre ai-agents-test-tenant-b +everything (* on *.*) -',
    ]);
  });
});
