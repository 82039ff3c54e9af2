import { describe, expect, it } from 'vitest';
import { namespaceRequired } from '../../src/rules/k8s/namespace-required.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/namespace-required';

const crd = (scope: 'Cluster' | 'Namespaced') =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: ${scope}\n  names:\n    kind: Widget\n    plural: widgets\n  versions:\n    - name: v1\n      served: true\n      storage: true\n`;
const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: blue\n';

describe('k8s/namespace-required', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(namespaceRequired);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a Service without a namespace', async () => {
    const file = `${tenantA}/workloads/service-api.yaml`;
    const { diagnostics, fixture } = await runRule(namespaceRequired, [{ file, from: '  namespace: ai-agents-test-tenant-a\n', to: '' }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'metadata:').message).toContain('Service api is namespaced but has no metadata.namespace');
  });

  it('fails on a ClusterRole that sets a namespace', async () => {
    const file = 'rendered/_cluster/clusterrole-ai-agents-platform-admin.yaml';
    const { diagnostics, fixture } = await runRule(namespaceRequired, [{ file, from: '  name: ai-agents-platform-admin\n', to: '  name: ai-agents-platform-admin\n  namespace: default\n' }]);
    expectFinding(diagnostics, fixture, id, file, 'namespace: default');
  });

  it('fails on an object in a namespace the tree does not create', async () => {
    const file = 'rendered/database/networkpolicy-allow-tenants-to-redis.yaml';
    const { diagnostics, fixture } = await runRule(namespaceRequired, [{ file, from: 'namespace: database', to: 'namespace: databases' }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'namespace: databases').message).toBe('namespace databases is not created by this tree (no Namespace object, not a shared platform or system namespace)');
  });

  it('fails on every object of a tenant whose Namespace object is removed', async () => {
    const { diagnostics, fixture } = await runRule(namespaceRequired, [{ file: 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml', remove: true }]);
    expectFinding(diagnostics, fixture, id, `${tenantA}/workloads/deployment-api.yaml`, 'namespace: ai-agents-test-tenant-a');
    expect(diagnostics.every((d) => d.file?.path.startsWith(`${tenantA}/`))).toBe(true);
  });

  it('accepts a custom kind its CRD declares cluster-scoped, and flags one declared namespaced', async () => {
    const crdFile = 'rendered/_cluster/customresourcedefinition-widgets.example.com.yaml';
    const file = 'rendered/_cluster/widget-blue.yaml';
    expect((await runRule(namespaceRequired, [{ file: crdFile, text: crd('Cluster') }, { file, text: widget }])).diagnostics).toEqual([]);
    const { diagnostics, fixture } = await runRule(namespaceRequired, [{ file: crdFile, text: crd('Namespaced') }, { file, text: widget }]);
    expectFinding(diagnostics, fixture, id, file, 'metadata:');
  });

  it('flags an unknown kind without a namespace', async () => {
    const file = 'rendered/_cluster/widget-blue.yaml';
    const { diagnostics, fixture } = await runRule(namespaceRequired, [{ file, text: widget }]);
    expectFinding(diagnostics, fixture, id, file, 'metadata:');
  });
});
