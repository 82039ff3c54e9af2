import { describe, expect, it } from 'vitest';
import { makeManifest } from '../../src/manifest/parse.js';
import { differingFiles, type RenderResult } from '../../src/render/render.js';
import { treeDigest } from '../../src/tree/digest.js';

/** A render whose one tenant was placed from a summary: its files known only by the summary's digest and, when asked, each object's. */
function summarised(group: string, files: Record<string, string>, asked: string[] = []): RenderResult {
  const manifests = Object.entries(files).map(([file, digest]) => ({
    ...makeManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: file } }, file, '', 0),
    // Asking an object of a placed tenant for its digest reads the tenant's cache entry.
    digest: () => (asked.push(file), digest),
  }));
  return {
    files: new Map([['rendered/kustomization.yaml', 'resources: []\n']]),
    manifests,
    objects: manifests.length,
    diagnostics: [],
    owners: new Map(Object.keys(files).map((p) => [p, 'a'])),
    unread: { paths: new Map(Object.keys(files).map((p) => [p, 0])), digests: [group], owners: [['a', 'key']] },
  };
}

describe('differingFiles between two renders that both placed a tenant from its summary', () => {
  it('settles the tenant at once when the summaries have the same digest', () => {
    const files = { 'rendered/a/cm.yaml': 'd1', 'rendered/a/sa.yaml': 'd2' };
    const asked: string[] = [];
    expect([...differingFiles(summarised('g', files, asked), summarised('g', files, asked))]).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('settles the tenant at once against a render that holds its files with known digests', () => {
    const files = { 'rendered/a/cm.yaml': 'd1', 'rendered/a/sa.yaml': 'd2' };
    const asked: string[] = [];
    const placed = summarised(treeDigest(Object.entries(files)), files, asked);
    // The tenant replayed from its entry: texts at hand, each with its known digest.
    const replayed: RenderResult = { ...summarised('unused', {}), files: new Map([['rendered/kustomization.yaml', 'resources: []\n'], ...Object.keys(files).map((p): [string, string] => [p, `text of ${p}`])]), digestOf: (p) => files[p as keyof typeof files] };
    delete replayed.unread;
    expect([...differingFiles(replayed, placed)]).toEqual([]);
    expect([...differingFiles(placed, replayed)]).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('compares file by file when they do not', () => {
    const first = summarised('g1', { 'rendered/a/cm.yaml': 'd1', 'rendered/a/sa.yaml': 'd2' });
    const second = summarised('g2', { 'rendered/a/cm.yaml': 'changed', 'rendered/a/sa.yaml': 'd2', 'rendered/a/new.yaml': 'd3' });
    const found = differingFiles(first, second);
    // The removal and delivery checks of a run both ask: the files are compared once.
    expect(differingFiles(first, second)).toBe(found);
    expect([...found]).toEqual([
      ['rendered/a/cm.yaml', 'both'],
      ['rendered/a/new.yaml', 'second'],
    ]);
  });
});
