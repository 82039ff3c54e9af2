import { describe, expect, it } from 'vitest';
import { kustomizations } from '../../src/platform/layout.js';

/**
 * The kustomization.yaml of each folder lists the files directly in it, sorted;
 * the entry point's lists the folders under it. Render passes paths grouped
 * by folder, so the function takes a short cut for a path in the previous
 * path's folder: these cases hold it to the same result for any order.
 */
const entries = [{ root: 'rendered', exclude: ['argocd'] }];
const paths = [
  'rendered/ns-a/role-r.yaml',
  'rendered/ns-a/configmap-c.yaml',
  'rendered/ns-a/workloads/deployment-api.yaml',
  'rendered/ns-b/role-r.yaml',
  'rendered/ns-a/serviceaccount-sa.yaml',
  'rendered/argocd/application-a.yaml',
  'rendered/ns-a/workloads/service-api.yaml',
  'rendered/ns-b/configmap-c.yaml',
];

describe('kustomizations', () => {
  it('lists every file of a folder once, sorted, when its paths come apart', () => {
    const out = kustomizations(paths, entries);
    expect(out.get('rendered/ns-a/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap-c.yaml\n  - role-r.yaml\n  - serviceaccount-sa.yaml\n');
    expect(out.get('rendered/ns-a/workloads/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment-api.yaml\n  - service-api.yaml\n');
    expect(out.get('rendered/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ns-a\n  - ns-b\n');
    expect([...out.keys()].sort()).toEqual(['rendered/argocd/kustomization.yaml', 'rendered/kustomization.yaml', 'rendered/ns-a/kustomization.yaml', 'rendered/ns-a/workloads/kustomization.yaml', 'rendered/ns-b/kustomization.yaml']);
  });

  it('gives the same files for the paths in any order', () => {
    const sorted = new Map([...kustomizations([...paths].sort(), entries)].sort());
    const reversed = new Map([...kustomizations([...paths].reverse(), entries)].sort());
    expect(reversed).toEqual(sorted);
    expect(new Map([...kustomizations(paths, entries)].sort())).toEqual(sorted);
  });

  it('treats a folder whose name starts like the previous one as another folder', () => {
    const out = kustomizations(['rendered/ns/a.yaml', 'rendered/ns-x/b.yaml', 'rendered/ns/c.yaml'], [{ root: 'rendered' }]);
    expect(out.get('rendered/ns/kustomization.yaml')).toContain('  - a.yaml\n  - c.yaml\n');
    expect(out.get('rendered/ns-x/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - b.yaml\n');
  });
});
