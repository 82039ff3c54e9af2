import { readdirSync, statSync } from 'node:fs';
import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInMemory, renderToDisk } from '../../src/pipeline.js';
import { RenderCache } from '../../src/render/cache.js';
import { decodeSummaries, encodeSummaries, idFilling, identityTaken, objectsOf, parseShape, pathsOf, shapeOf, type PlacedObject, type ShapedSummary } from '../../src/render/summaries.js';
import { bundledTenants, cleanupTempRepos, cli, tempDir, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

const cacheDir = () => tempDir('tenantctl-summaries-');

const TENANTS = `
  - id: sum-one
    name: Sum One
    tier: standard
  - id: sum-two
    name: Sum Two
    tier: premium
`;

/** The bundled tenants and two more, and a template that names a cluster object after the tenant's display name. */
async function repo(): Promise<string> {
  const root = await tempRepo({ tenants: (await bundledTenants()) + TENANTS });
  await writeFile(
    path.join(root, 'templates/tenant/clusterrole-owner.yaml.ejs'),
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: owner-<%- tenant.name.toLowerCase().replace(/[^a-z0-9]+/g, '-') %>\nrules: []\n",
  );
  return root;
}

const mtimes = (root: string, folder: string) => readdirSync(path.join(root, 'rendered', folder), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => [e.name, statSync(path.join(e.parentPath, e.name)).mtimeMs]);

/** A repository rendered with a cache, the tree as rendered, and then Sum One's api Deployment edited by hand. */
async function renderedThenEdited(): Promise<{ root: string; dir: string; clean: Map<string, string> }> {
  const root = await repo();
  const dir = await cacheDir();
  await cli(root, 'render', '--cache-dir', dir);
  const clean = await treeOf(root);
  const edited = path.join(root, 'rendered/ai-agents-sum-one/workloads/deployment-api.yaml');
  // Same length, so only the bytes differ.
  await writeFile(edited, (await readFile(edited, 'utf8')).replace(/image: (\S)/, 'image: X'));
  return { root, dir, clean };
}

describe('tenant summaries', () => {
  it('give back every string exactly, heads included, whatever the tenant id, and refuse strings that hold the mark', () => {
    const objects: PlacedObject[] = [
      { template: 'templates/tenant/a.yaml.ejs', path: 'rendered/ns-aaa/aa.yaml', objectKey: '/ConfigMap/ns-aaa/aaa', platformOwned: false, head: { apiVersion: 'v1', kind: 'ConfigMap', name: 'aaa', namespace: 'ns-aaa' } },
      { template: 'templates/x.ejs', path: 'rendered/argocd/p-aa.yaml', objectKey: 'argoproj.io/AppProject/argocd/.*aa', platformOwned: true, head: { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', name: '.*aa', namespace: undefined } },
      { template: 'templates/y.ejs', path: 'rendered/y-aa.yaml', objectKey: 'odd-aa', platformOwned: false },
      { template: 'templates/z.ejs', path: 'rendered/z.yaml', objectKey: '/Namespace//', platformOwned: true, head: { apiVersion: 'v1', kind: 'Namespace', name: undefined, namespace: undefined } },
      // For "aa", the same text around the id in other places: each string is its own, though the object builds each once.
      { template: 'templates/w.ejs', path: 'rendered/w-aa.yaml', objectKey: '/ConfigMap/qaa-r/q-aar', platformOwned: false, head: { apiVersion: 'v1', kind: 'ConfigMap', name: 'q-aar', namespace: 'qaa-r' } },
    ];
    for (const id of ['aa', 'a', '.*', 'ns', 'zz', 'v1']) {
      const shape = parseShape(shapeOf(id, objects)!)!;
      expect(objectsOf(id, shape), id).toEqual(objects);
      // With the paths pathsOf built for the tenant: the same objects.
      expect(objectsOf(id, shape, pathsOf(id, shape)), id).toEqual(objects);
      // The paths given are the ones placed: none is built again.
      const given = pathsOf(id, shape).map((p) => `${p}#given`);
      expect(objectsOf(id, shape, given).map((o) => o.path), id).toEqual(given);
    }
    expect(shapeOf('a', [{ ...objects[0]!, path: 'rendered/\u0000/x.yaml' }])).toBeUndefined();
    expect(shapeOf('a', [{ ...objects[0]!, head: { ...objects[0]!.head!, name: 'x\u0000' } }])).toBeUndefined();
    for (const bad of ['[["t","p","k",0]]', '[["t","p","k",0,[1,"Kind",null,null]]]', '[["t","p","k",0,["v1","Kind",null]]]', '[["t","p","k",0,1]]']) expect(parseShape(bad), bad).toBeUndefined();
    // Tenants of one shape share it in the file.
    const shape = shapeOf('aa', objects)!;
    const text = encodeSummaries(new Map([['t2', { key: 'k2', digest: 'd2', shape }], ['t1', { key: 'k1', digest: 'd1', shape, tenantsDigest: 'all' }]]));
    expect(text.split('\n').filter((l) => l.startsWith('s'))).toHaveLength(1);
    expect(decodeSummaries(text)).toEqual(new Map([['t1', { key: 'k1', digest: 'd1', shape, tenantsDigest: 'all' }], ['t2', { key: 'k2', digest: 'd2', shape }]]));
    for (const bad of [text.slice(0, -1), `x${text}`, text.replace('"k1"', '1'), text.replace('"all",0,', '"all",7,')]) expect(decodeSummaries(bad), bad).toBeUndefined();
  });

  it('solve a string for the id that fills a shape’s parts to it, when one does', () => {
    const parts = ['/ConfigMap/ns-', '/cm-', ''];
    for (const id of ['a', 'aa', 'ns-', '-', 'x/y']) expect(idFilling(parts, parts.join(id)), id).toBe(id);
    for (const s of ['/ConfigMap/ns-a/cm-b', '/ConfigMap/ns-a/cm-', '/ConfigMap/ns-/cm-', '/Secret/ns-a/cm-a', '/ConfigMap/ns-ab/cm-a']) expect(idFilling(parts, s), s).toBeUndefined();
    // Without a mark no id is needed, so none is given.
    expect(idFilling(['/ConfigMap/x/y'], '/ConfigMap/x/y')).toBeUndefined();
  });

  it('find an identity a summarised object shares with another object, whichever way is cheaper, as building every identity does', () => {
    const shapeA = parseShape(
      shapeOf('q9', [
        { template: 'a', path: 'rendered/ns-q9/cm.yaml', objectKey: '/ConfigMap/ns-q9/cm', platformOwned: false },
        { template: 'b', path: 'rendered/_cluster/cr-q9-q9.yaml', objectKey: 'rbac/ClusterRole//cr-q9-q9', platformOwned: true },
        { template: 'c', path: 'rendered/_cluster/fixed-q9.yaml', objectKey: 'rbac/ClusterRole//fixed', platformOwned: true },
      ])!,
    )!;
    const shapeB = parseShape(shapeOf('q9', [{ template: 'd', path: 'rendered/ns-q9/sa.yaml', objectKey: '/ServiceAccount/ns-q9/sa-q9', platformOwned: false }])!)!;
    const summary = (tenant: string, shape: typeof shapeA): ShapedSummary => ({ tenant, shape, paths: pathsOf(tenant, shape), digest: '' });
    const summaries = [
      [['rendered', 'rendered'], summary('aa', shapeA)],
      [['rendered', 'rendered'], summary('bb', shapeB)],
      [['rendered/c2', 'rendered/c2'], summary('cc', shapeA)],
    ] as const;
    /** What a caller's taken answers: the others, each at one root. */
    const reference = (others: readonly (readonly [string, string])[]) => {
      const at = new Set(others.map(([root, k]) => `${root}\u0000${k}`));
      return summaries.some(([roots, s]) => objectsOf(s.tenant, s.shape).some((o) => at.has(`${roots[o.platformOwned ? 1 : 0]}\u0000${o.objectKey}`)));
    };
    const cases: (readonly [string, string])[][] = [
      [['rendered', '/ConfigMap/ns-aa/cm']],
      [['rendered/c2', '/ConfigMap/ns-aa/cm']],
      [['rendered', 'rbac/ClusterRole//cr-aa-aa']],
      [['rendered', 'rbac/ClusterRole//cr-aa-bb']],
      [['rendered/c2', 'rbac/ClusterRole//fixed']],
      [['rendered', '/ServiceAccount/ns-bb/sa-bb']],
      [['rendered', '/ServiceAccount/ns-cc/sa-cc']],
      [['rendered', '/Secret/ns-aa/cm']],
    ];
    // Padding: enough other identities that building every summarised identity is the cheaper way.
    const padding = Array.from({ length: 20 }, (_, i) => ['rendered', `/ConfigMap/ns-pad/cm-${i}`] as const);
    for (const others of cases) {
      for (const all of [others, [...others, ...padding]]) {
        const taken = new Set(all.map(([root, k]) => `${root}\u0000${k}`));
        const found = identityTaken(summaries, new Set(all.map(([, k]) => k)), (root, identity) => taken.has(`${root}\u0000${identity}`));
        expect(found, JSON.stringify(all)).toBe(reference(all));
      }
    }
    expect(cases.map((c) => reference(c))).toEqual([true, false, true, false, true, true, false, false]);
  });

  it('let a warm render place unchanged tenants without their texts and leave the tree exactly as a render without a cache does', async () => {
    const [plain, warm] = [await repo(), await repo()];
    const dir = await cacheDir();
    expect((await cli(plain, 'render', '--no-cache')).exitCode).toBe(0);
    const first = await cli(warm, 'render', '--cache-dir', dir);
    const second = await renderToDisk({ root: warm, cache: new RenderCache(dir) });
    expect(second.diagnostics).toEqual([]);
    // Every tenant came from its summary: no text of theirs is in the result, only their digests.
    const unread = second.render!.unread!;
    expect(unread.digests).toHaveLength(second.config!.tenants.length);
    expect(unread.paths.size).toBeGreaterThan(second.render!.files.size);
    expect(second.changes).toEqual({ added: [], changed: [], removed: [] });
    const third = await cli(warm, 'render', '--cache-dir', dir);
    expect(third.stdout).toBe(first.stdout.replace(/updated: .*/, 'was already up to date'));
    expect(await treeOf(warm)).toEqual(await treeOf(plain));
  });

  it('write only the changed tenant’s files when one tenant changes', async () => {
    const root = await repo();
    const dir = await cacheDir();
    await cli(root, 'render', '--cache-dir', dir);
    await cli(root, 'render', '--cache-dir', dir);
    const before = mtimes(root, 'ai-agents-sum-one');
    await new Promise((r) => setTimeout(r, 20));
    const tenants = path.join(root, 'tenants.yaml');
    await writeFile(tenants, (await readFile(tenants, 'utf8')).replace('name: Sum Two\n    tier: premium', 'name: Sum Two\n    tier: standard'));
    const r = await renderToDisk({ root, cache: new RenderCache(dir) });
    expect(r.render!.unread!.digests).toHaveLength(r.config!.tenants.length - 1);
    expect(r.changes!.changed.length).toBeGreaterThan(0);
    expect(r.changes!.changed.every((p) => p.includes('sum-two'))).toBe(true);
    expect(mtimes(root, 'ai-agents-sum-one')).toEqual(before);
    const plain = await tempRepo({ tenants: await readFile(tenants, 'utf8') });
    await writeFile(path.join(plain, 'templates/tenant/clusterrole-owner.yaml.ejs'), await readFile(path.join(root, 'templates/tenant/clusterrole-owner.yaml.ejs')));
    await cli(plain, 'render', '--no-cache');
    expect(await treeOf(root)).toEqual(await treeOf(plain));
  });

  it('do not hide a rendered file edited, removed or added by hand: render puts the tree back', async () => {
    const { root, dir, clean } = await renderedThenEdited();
    await unlink(path.join(root, 'rendered/ai-agents-sum-two/serviceaccount-sa-sum-two.yaml'));
    await writeFile(path.join(root, 'rendered/ai-agents-sum-one/extra.yaml'), 'kind: Secret\n');
    const r = await renderToDisk({ root, cache: new RenderCache(dir) });
    expect(r.diagnostics).toEqual([]);
    expect(r.changes!.changed).toEqual(['rendered/ai-agents-sum-one/workloads/deployment-api.yaml']);
    expect(r.changes!.added).toEqual(['rendered/ai-agents-sum-two/serviceaccount-sa-sum-two.yaml']);
    expect(r.changes!.removed).toEqual(['rendered/ai-agents-sum-one/extra.yaml']);
    expect(await treeOf(root)).toEqual(clean);
    // Only the two tenants whose files were touched came back with their texts: the others stayed summaries.
    const summarised = new Set([...r.render!.unread!.paths.keys()].map((p) => p.split('/')[1]));
    expect(summarised.has('ai-agents-sum-one') || summarised.has('ai-agents-sum-two')).toBe(false);
    expect(summarised.has('ai-agents-test-tenant-a')).toBe(true);
  });

  it('put back a file edited by hand from every tenant’s texts when the edited tenant’s entry is gone', async () => {
    const { root, dir, clean } = await renderedThenEdited();
    await rm(path.join(dir, 'render/sum-one'), { recursive: true });
    const r = await renderToDisk({ root, cache: new RenderCache(dir) });
    expect(r.diagnostics).toEqual([]);
    expect(r.changes!.changed).toEqual(['rendered/ai-agents-sum-one/workloads/deployment-api.yaml']);
    expect(r.render!.unread).toBeUndefined();
    expect(await treeOf(root)).toEqual(clean);
  });

  it('are not used for a tenant whose templates read the tenant list once the list changed', async () => {
    const root = await repo();
    await writeFile(path.join(root, 'templates/tenant/configmap-peers.yaml.ejs'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: peers\n  namespace: <%- tenant.namespace %>\ndata:\n  count: "<%- tenants.length %>"\n');
    const dir = await cacheDir();
    await cli(root, 'render', '--cache-dir', dir);
    await cli(root, 'render', '--cache-dir', dir);
    const tenants = path.join(root, 'tenants.yaml');
    await writeFile(tenants, `${await readFile(tenants, 'utf8')}  - id: sum-four\n    name: Sum Four\n    tier: standard\n`);
    const r = await renderToDisk({ root, cache: new RenderCache(dir) });
    expect(r.diagnostics).toEqual([]);
    expect(r.render!.unread?.digests ?? []).toHaveLength(0);
    expect(r.changes!.changed.filter((p) => p.endsWith('configmap-peers.yaml'))).toHaveLength(r.config!.tenants.length - 1);
  });

  it('find an object a cluster template renders with an unchanged tenant’s identity at another path, as a render without a cache does', async () => {
    const root = await repo();
    const dir = await cacheDir();
    await cli(root, 'render', '--cache-dir', dir);
    // Sum One's ConfigMap is a workload (rendered/<ns>/workloads/); this one lands beside the folder, so only the identity is shared. Cluster templates are no input to a tenant's key: its summary still holds.
    await writeFile(path.join(root, 'templates/cluster/configmap-clash.yaml.ejs'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tenant-config\n  namespace: ai-agents-sum-one\ndata:\n  a: b\n');
    const fromSummaries = await renderInMemory({ root, cache: new RenderCache(dir), manifests: false, summaries: true });
    expect(fromSummaries.render?.unread).toBeUndefined();
    expect(fromSummaries.render?.needsTexts).toBe(true);
    const warm = await cli(root, 'render', '--cache-dir', dir);
    const plain = await cli(root, 'render', '--no-cache');
    expect([warm.exitCode, plain.exitCode]).toEqual([2, 2]);
    expect(warm.stderr).toContain('render/duplicate-object');
    expect(warm.stderr).toBe(plain.stderr);
  });

  // A new tenant with Sum One's display name renders the same ClusterRole: placed before Sum One's summary (sum-a) or after it (sum-three).
  it.each(['sum-a', 'sum-three'])('report an object a new tenant (%s) renders twice with an unchanged one exactly as a render without a cache does', async (id) => {
    const root = await repo();
    const dir = await cacheDir();
    await cli(root, 'render', '--cache-dir', dir);
    const tenants = path.join(root, 'tenants.yaml');
    await writeFile(tenants, `${await readFile(tenants, 'utf8')}  - id: ${id}\n    name: Sum One\n    tier: standard\n`);
    // The render from summaries sees the clash itself (not only as files that differ on disk) and asks for the texts.
    expect((await renderInMemory({ root, cache: new RenderCache(dir), manifests: false, summaries: true })).render?.needsTexts).toBe(true);
    const warm = await cli(root, 'render', '--cache-dir', dir);
    const plain = await cli(root, 'render', '--no-cache');
    expect([warm.exitCode, plain.exitCode]).toEqual([2, 2]);
    expect(warm.stderr).toContain('render/duplicate-object');
    expect(warm.stderr).toBe(plain.stderr);
  });
});
