import { describe, expect, it } from 'vitest';
import { serviceSelectorTargets } from '../../src/rules/k8s/service-selector-targets.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/service-selector-targets';
const file = `${tenantA}/workloads/service-api.yaml`;

describe('k8s/service-selector-targets', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(serviceSelectorTargets);
    expect(diagnostics).toEqual([]);
  });

  it('fails when the selector matches no pod template', async () => {
    const { diagnostics, fixture } = await runRule(serviceSelectorTargets, [
      { file, from: '  selector:\n    app.kubernetes.io/component: api', to: '  selector:\n    app.kubernetes.io/component: web' },
    ]);
    const d = expectFinding(diagnostics, fixture, id, file, '  selector:');
    expect(d.message).toContain('selects no pods');
    expect(d.message).toContain('app.kubernetes.io/component=web');
  });

  it('fails when the Deployment it fronts is removed', async () => {
    const { diagnostics, fixture } = await runRule(serviceSelectorTargets, [{ file: `${tenantA}/workloads/deployment-api.yaml`, remove: true }]);
    expectFinding(diagnostics, fixture, id, file, '  selector:');
    expect(diagnostics).toHaveLength(1);
  });

  it('does not count a matching pod template in another namespace', async () => {
    const { diagnostics, fixture } = await runRule(serviceSelectorTargets, [
      { file, from: '    tenant: test-tenant-a\n  type: ClusterIP', to: '    tenant: test-tenant-b\n  type: ClusterIP' },
    ]);
    expectFinding(diagnostics, fixture, id, file, '  selector:');
  });

  it('fails when a named targetPort is no container port name', async () => {
    const { diagnostics, fixture } = await runRule(serviceSelectorTargets, [{ file, from: 'targetPort: http', to: 'targetPort: web' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'targetPort: web');
    expect(d.message).toBe('Service api port http targets port name "web", which no selected container declares (selected: Deployment/api)');
  });

  it('accepts a numeric targetPort and ignores ExternalName Services', async () => {
    const { diagnostics } = await runRule(serviceSelectorTargets, [
      { file, from: 'targetPort: http', to: 'targetPort: 8000' },
      { file: `${tenantA}/service-legacy.yaml`, text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\n  namespace: ai-agents-test-tenant-a\nspec:\n  type: ExternalName\n  externalName: db.example.com\n  selector:\n    app: nothing\n' },
    ]);
    expect(diagnostics).toEqual([]);
  });
});
