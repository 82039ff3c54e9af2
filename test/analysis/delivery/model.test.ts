import { describe, expect, it } from 'vitest';
import { deliveryUnits, ownerIndex } from '../../../src/analysis/delivery/model.js';
import { makeManifest } from '../../../src/manifest/parse.js';
import type { KubeObject } from '../../../src/manifest/types.js';

/** An ApplicationSet whose git directory generator makes one Application per tenant folder. */
const appset = makeManifest(
  {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'tenants', namespace: 'argocd' },
    spec: {
      generators: [{ git: { directories: [{ path: 'rendered/*/workloads' }] } }],
      template: { spec: { project: 'tenant-{{ index .path.segments 1 }}', syncPolicy: { automated: { prune: true } } } },
    },
  } as unknown as KubeObject,
  'rendered/argocd/applicationset-tenants.yaml',
  '',
  0,
);

// Folders of one length, listed one after the other, as a tree of tenants with ids of one length is.
const files = ['ns-aa', 'ns-bb', 'ns-cc'].flatMap((ns) => [`rendered/${ns}/workloads/deployment-api.yaml`, `rendered/${ns}/workloads/service-api.yaml`]);

describe('the delivery units of a tree', () => {
  it('has one generated Application per matching folder, folders of one length side by side included', () => {
    const units = deliveryUnits([appset], ['rendered/argocd/applicationset-tenants.yaml', ...files]);
    expect(units.map((u) => [u.id, u.project, u.prunes, u.cascades])).toEqual(
      ['aa', 'bb', 'cc'].map((t) => [`ApplicationSet argocd/tenants → rendered/ns-${t}/workloads`, `tenant-ns-${t}`, true, true]),
    );
  });

  it("gives each file its own folder's unit, whatever the file asked before it", () => {
    const units = deliveryUnits([appset], files);
    const owner = ownerIndex(units);
    // Alternating between folders of one length, and back to one asked before.
    for (const f of [files[0]!, files[2]!, files[1]!, files[4]!, files[0]!, 'rendered/argocd/applicationset-tenants.yaml']) {
      const folder = f.slice(0, f.lastIndexOf('/'));
      expect(owner(f)?.path, f).toBe(units.find((u) => u.path === folder)?.path);
    }
    expect(owner(files[3]!)?.id).toBe('ApplicationSet argocd/tenants → rendered/ns-bb/workloads');
  });
});
