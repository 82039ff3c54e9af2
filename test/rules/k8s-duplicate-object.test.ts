import { describe, expect, it } from 'vitest';
import { duplicateObject } from '../../src/rules/k8s/duplicate-object.js';
import { expectFinding, fixture as load, runRule, tenantA } from './harness.js';

const id = 'k8s/duplicate-object';

async function committed(file: string): Promise<{ path: string; text: string }> {
  const { texts } = await load();
  const text = texts.get(file);
  if (text === undefined) throw new Error(`no committed file ${file}`);
  return { path: file, text };
}

/** A new file next to `file`, sorted after it so it is the second occurrence. */
function besides(file: string, name: string): string {
  return `${file.slice(0, file.lastIndexOf('/'))}/${name}`;
}

describe('k8s/duplicate-object', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(duplicateObject);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a second file with the same ConfigMap, naming the first', async () => {
    const original = await committed(`${tenantA}/workloads/configmap-tenant-config.yaml`);
    const copy = besides(original.path, 'zz-configmap-copy.yaml');
    const { diagnostics, fixture } = await runRule(duplicateObject, [{ file: copy, text: original.text }]);
    const d = expectFinding(diagnostics, fixture, id, copy, 'name: tenant-config');
    expect(d.message).toBe(`ConfigMap ai-agents-test-tenant-a/tenant-config is already defined at ${original.path}:4; the last one applied would win`);
  });

  it('treats apps/v1beta1 and apps/v1 as the same Deployment', async () => {
    const original = await committed(`${tenantA}/workloads/deployment-api.yaml`);
    const copy = besides(original.path, 'zz-deployment-api-old.yaml');
    const text = original.text.replace('apiVersion: apps/v1\n', 'apiVersion: apps/v1beta1\n');
    const { diagnostics, fixture } = await runRule(duplicateObject, [{ file: copy, text }]);
    expectFinding(diagnostics, fixture, id, copy, 'name: api');
  });

  it('ignores a stray namespace on a cluster-scoped duplicate', async () => {
    const copy = 'rendered/_cluster/zz-clusterrole-copy.yaml';
    const text = (await committed('rendered/_cluster/clusterrole-ai-agents-platform-admin.yaml')).text.replace('  name: ai-agents-platform-admin\n', '  name: ai-agents-platform-admin\n  namespace: default\n');
    const { diagnostics, fixture } = await runRule(duplicateObject, [{ file: copy, text }]);
    expectFinding(diagnostics, fixture, id, copy, 'name: ai-agents-platform-admin');
  });

  it('tells clusters apart by the folders before the namespace folder (its last occurrence in the path), and finds a duplicate within one', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: ai-agents-test-tenant-a\n';
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: shared\nrules: []\n';
    const { diagnostics, fixture } = await runRule(duplicateObject, [
      { file: `rendered/east/${tenantA.slice('rendered/'.length)}/zz-a.yaml`, text: cm },
      { file: `rendered/west/${tenantA.slice('rendered/'.length)}/zz-a.yaml`, text: cm },
      // The namespace's name as a folder further up does not make this cluster "rendered".
      { file: `${tenantA}/nested/${tenantA.slice('rendered/'.length)}/zz-a.yaml`, text: cm },
      { file: `${tenantA}/zz-c.yaml`, text: cm },
      { file: 'rendered/east/_cluster/zz-role.yaml', text: role },
      { file: 'rendered/west/_cluster/zz-role.yaml', text: role },
      { file: `rendered/east/${tenantA.slice('rendered/'.length)}/zz-b.yaml`, text: cm },
    ]);
    expect(diagnostics.map((d) => d.file?.path)).toEqual([`rendered/east/${tenantA.slice('rendered/'.length)}/zz-b.yaml`]);
    const d = expectFinding(diagnostics, fixture, id, `rendered/east/${tenantA.slice('rendered/'.length)}/zz-b.yaml`, 'name: shared');
    expect(d.message).toContain(`already defined at rendered/east/${tenantA.slice('rendered/'.length)}/zz-a.yaml:4`);
  });

  it('does not confuse same-named objects of different kinds or namespaces', async () => {
    const { diagnostics } = await runRule(duplicateObject, [
      { file: `${tenantA}/zz-secret.yaml`, text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tenant-config\n  namespace: ai-agents-test-tenant-a\n' },
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('tells same-named objects of one kind in different API groups apart, and finds the duplicate of each', async () => {
    const deployment = (apiVersion: string) => `apiVersion: ${apiVersion}\nkind: Deployment\nmetadata:\n  name: api\n  namespace: ai-agents-test-tenant-a\nspec: {}\n`;
    const { diagnostics, fixture } = await runRule(duplicateObject, [
      // The bundled apps/v1 Deployment api is in workloads/; these sort after it.
      { file: `${tenantA}/workloads/zz-a.yaml`, text: deployment('example.com/v1') },
      { file: `${tenantA}/workloads/zz-b.yaml`, text: deployment('other.example.com/v1alpha1') },
      { file: `${tenantA}/workloads/zz-c.yaml`, text: deployment('example.com/v2') },
      { file: `${tenantA}/workloads/zz-d.yaml`, text: deployment('other.example.com/v1') },
    ]);
    expect(diagnostics.map((d) => d.file?.path)).toEqual([`${tenantA}/workloads/zz-c.yaml`, `${tenantA}/workloads/zz-d.yaml`]);
    expect(expectFinding(diagnostics, fixture, id, `${tenantA}/workloads/zz-c.yaml`, 'name: api').message).toContain(`already defined at ${tenantA}/workloads/zz-a.yaml:4`);
    expect(expectFinding(diagnostics, fixture, id, `${tenantA}/workloads/zz-d.yaml`, 'name: api').message).toContain(`already defined at ${tenantA}/workloads/zz-b.yaml:4`);
  });
});
