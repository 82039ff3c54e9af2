import { describe, expect, it } from 'vitest';
import { deletions, type DeliverySide } from '../../../src/analysis/delivery/index.js';
import { makeManifest } from '../../../src/manifest/parse.js';
import type { KubeObject } from '../../../src/manifest/types.js';

/** A Flux Kustomization that prunes what leaves its path. */
const kustomization = (path: string): KubeObject => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { path: `./${path}`, prune: true } });
const configMap = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team-a' } });

function side(unitPath: string, objects: Record<string, KubeObject>): DeliverySide {
  const files: Record<string, KubeObject> = { 'clusters/flux/apps.yaml': kustomization(unitPath), ...objects };
  return { manifests: Object.entries(files).map(([file, o]) => makeManifest(o, file, '', 0)), files: Object.keys(files), tenantOfNamespace: new Map([['team-a', 'a']]) };
}

const found = (base: DeliverySide, head: DeliverySide, unchanged?: (file: string) => boolean) => deletions(base, head, undefined, unchanged).map((d) => `${d.reason} ${d.by} ${d.object.file}`);

describe('deletions with the files the head has unchanged', () => {
  it('still prunes an unchanged file that left the path of the unit that applied it', () => {
    // The file is the same in both trees, but the unit now applies another folder: Flux prunes what it no longer builds.
    const base = side('apps/old', { 'apps/old/cm.yaml': configMap('settings'), 'apps/new/cm.yaml': configMap('other') });
    const head = side('apps/new', { 'apps/old/cm.yaml': configMap('settings'), 'apps/new/cm.yaml': configMap('other') });
    const unchanged = (file: string) => file.endsWith('/cm.yaml');
    expect(found(base, head)).toEqual(['pruned Kustomization flux-system/apps apps/old/cm.yaml']);
    expect(found(base, head, unchanged)).toEqual(found(base, head));
  });

  it('finds an object moved to a changed file under the same unit still applied', () => {
    const base = side('apps', { 'apps/a/cm.yaml': configMap('settings'), 'apps/b/keep.yaml': configMap('keep') });
    const head = side('apps', { 'apps/c/cm.yaml': configMap('settings'), 'apps/b/keep.yaml': configMap('keep') });
    const unchanged = (file: string) => file === 'apps/b/keep.yaml' || file === 'clusters/flux/apps.yaml';
    expect(found(base, head, unchanged)).toEqual([]);
    // Removed instead of moved: pruned, whichever way the head is looked through.
    const gone = side('apps', { 'apps/b/keep.yaml': configMap('keep') });
    expect(found(base, gone, unchanged)).toEqual(['pruned Kustomization flux-system/apps apps/a/cm.yaml']);
    expect(found(base, gone)).toEqual(found(base, gone, unchanged));
  });
});
