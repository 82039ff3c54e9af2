import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frame } from '../../src/framing.js';
import { checkReaderThreads } from '../../src/pipeline.js';
import { RenderCache } from '../../src/render/cache.js';
import { partIndexFile, READER_THREADS, readTreeInBackground, TREE_PARTS } from '../../src/tree/background.js';
import { listTree } from '../../src/tree/list.js';
import { contentDigest } from '../../src/tree/digest.js';
import { digestTree as readWithIndex, foldersFile, indexHolds, loadStatIndex, statIndexFile } from '../../src/tree/stat-index.js';
import { bundledTenants, cleanupTempRepos, cli, listingOf, tempDir, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

/** A read of the tree and, as the reader thread does after replying, the index written. */
function digestTree(out: string, index?: string, now?: number) {
  const read = readWithIndex(out, index, now);
  read.save();
  return read.digests;
}

/** Long after every file was written: none of them is racy. */
const later = () => Date.now() + 60_000;

async function tree(): Promise<{ out: string; index: string }> {
  const root = await tempDir('tenantctl-stat-');
  const out = path.join(root, 'rendered');
  for (let i = 0; i < 12; i++) {
    await mkdir(path.join(out, `t${i % 3}`), { recursive: true });
    await writeFile(path.join(out, `t${i % 3}/obj-${i}.yaml`), `kind: ConfigMap\nmetadata:\n  name: obj-${i}\n`);
  }
  // The file system's clock moves in ticks of a few milliseconds: a change in the tick the tree was made in could give a folder its fingerprint again (the racy window, bypassed by later(), is what guards against that outside tests).
  await new Promise((r) => setTimeout(r, 30));
  return { out, index: statIndexFile(path.join(root, 'cache'), out) };
}

/** Each file's digest, read from disk. */
async function truth(out: string, files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map(async (f) => contentDigest(await readFile(path.join(out, f)))));
}

/** The index with one file's recorded digest replaced (and framed again, so its checksum matches): what a run that trusts the index reports for it. */
function forge(index: string, file: string, digest: string): void {
  const body = loadStatIndex(index)!;
  const text = body
    .split('\n')
    .map((l) => (l.startsWith(`${file}\t`) ? `${l.slice(0, l.lastIndexOf('\t'))}\t${digest}` : l))
    .join('\n');
  const header = readFileSync(index, 'latin1').split('\n')[0]!;
  writeFileSync(index, frame(header.slice(0, header.lastIndexOf(' ')), Buffer.from(text, 'utf8')));
}

describe('the stat index of the committed tree', () => {
  it('gives every file the digest of its bytes, with and without the index, on a first and a second read', async () => {
    const { out, index } = await tree();
    const plain = digestTree(out);
    expect(plain.digests).toEqual(await truth(out, plain.files));
    expect(digestTree(out, index, later())).toEqual(plain);
    expect(existsSync(index)).toBe(true);
    expect(digestTree(out, index, later())).toEqual(plain);
  });

  it('gives the digest of every byte for files that end anywhere around the size of the reader’s buffer', async () => {
    const { out, index } = await tree();
    // The buffer starts at 64 KiB and doubles; a file that fills what was asked for must be read on.
    const sizes = [0, 1, ...[16, 17, 18, 19, 20].flatMap((k) => [2 ** k - 1, 2 ** k, 2 ** k + 1])];
    await mkdir(path.join(out, 'sizes'));
    for (const n of sizes) await writeFile(path.join(out, `sizes/${n}.yaml`), Buffer.alloc(n, n % 251));
    for (const idx of [undefined, index]) {
      const d = digestTree(out, idx, later());
      expect(d.digests).toEqual(await truth(out, d.files));
      expect(d.files.filter((f) => f.startsWith('sizes/'))).toHaveLength(sizes.length);
    }
  });

  it('takes an unchanged file’s digest from the index instead of reading it', async () => {
    const { out, index } = await tree();
    digestTree(out, index, later());
    forge(index, 't1/obj-4.yaml', 'claimed');
    const d = digestTree(out, index, later());
    // The index is believed for a file whose fingerprint it records: proof that the file was not read.
    expect(d.digests[d.files.indexOf('t1/obj-4.yaml')]).toBe('claimed');
  });

  it('reads a file again when it was edited in place, even with the same size and its old modification time put back', async () => {
    const { out, index } = await tree();
    const file = path.join(out, 't1/obj-4.yaml');
    // Whole seconds, so putting the time back gives exactly the recorded one.
    const old = Math.floor(Date.now() / 1000) - 100;
    utimesSync(file, old, old);
    digestTree(out, index, later());
    forge(index, 't1/obj-4.yaml', 'claimed');
    const before = statSync(file, { bigint: true });
    writeFileSync(file, readFileSync(file, 'utf8').replace('obj-4', 'obj-X'));
    utimesSync(file, old, old);
    const after = statSync(file, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    const d = digestTree(out, index, later());
    expect(d.digests[d.files.indexOf('t1/obj-4.yaml')]).toBe(contentDigest(readFileSync(file)));
  });

  it('never records a file written within the racy window of the read, so a later write in the same clock tick cannot hide', async () => {
    const { out, index } = await tree();
    digestTree(out, index, Date.now());
    // Every file was written moments ago: none is recorded (and an index with nothing to record is not written).
    expect(loadStatIndex(index) ?? '').toBe('');
    digestTree(out, index, later());
    expect(loadStatIndex(index)!.split('\n').filter(Boolean)).toHaveLength(12);
  });

  it('follows added and removed files, keeping the lines in the listing’s order', async () => {
    const { out, index } = await tree();
    digestTree(out, index, later());
    await rm(path.join(out, 't0/obj-0.yaml'));
    await rm(path.join(out, 't2'), { recursive: true });
    await writeFile(path.join(out, 't1/aaa.yaml'), 'kind: Secret\n');
    await mkdir(path.join(out, 'z'));
    await writeFile(path.join(out, 'z/last.yaml'), 'kind: Secret\n');
    const d = digestTree(out, index, later());
    expect(d.digests).toEqual(await truth(out, d.files));
    expect(loadStatIndex(index)!.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(d.files);
    // And the index so rewritten is read correctly again.
    forge(index, 'z/last.yaml', 'claimed');
    expect(digestTree(out, index, later()).digests.at(-1)).toBe('claimed');
  });

  it('saves after a change the index and folder records a first read of the same tree writes, with file names in any script', async () => {
    for (const names of [['a.yaml', 'b.yaml'], ['café-ü.yaml', '日本.yaml']]) {
      const { out, index } = await tree();
      for (const n of names) await writeFile(path.join(out, `t1/${n}`), `kind: ConfigMap\n# ${n}\n`);
      digestTree(out, index, later());
      // Changes early, in the middle and at the end of the index, so the new one is runs of the old one between new lines.
      await writeFile(path.join(out, 't0/obj-0.yaml'), 'kind: Secret\n');
      await rm(path.join(out, `t1/${names[0]}`));
      await writeFile(path.join(out, 't1/obj-4.yaml'), 'kind: Secret\n');
      await mkdir(path.join(out, 'u'));
      await writeFile(path.join(out, 'u/late.yaml'), 'kind: Secret\n');
      const d = digestTree(out, index, later());
      expect(d.digests).toEqual(await truth(out, d.files));
      const saved = [readFileSync(index), readFileSync(foldersFile(index))];
      await rm(index);
      await rm(foldersFile(index));
      digestTree(out, index, later());
      expect(saved[0]!.equals(readFileSync(index)), String(names)).toBe(true);
      expect(saved[1]!.equals(readFileSync(foldersFile(index))), String(names)).toBe(true);
    }
  });

  it('ignores a damaged index and reads every file', async () => {
    const { out, index } = await tree();
    digestTree(out, index, later());
    forge(index, 't1/obj-4.yaml', 'claimed');
    const bytes = readFileSync(index);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 1, bytes.length - 3);
    writeFileSync(index, bytes);
    expect(loadStatIndex(index)).toBeUndefined();
    const d = digestTree(out, index, later());
    expect(d.digests).toEqual(await truth(out, d.files));
  });

  it('is used by the reader threads when given, each part keeping its own', async () => {
    const { out, index } = await tree();
    // Folders t0, t1 and t2: in two parts, t1 is in the second.
    const second = partIndexFile(index, 1, 2);
    readWithIndex(out, second, later(), { index: 1, of: 2 }).save();
    forge(second, 't1/obj-4.yaml', 'claimed');
    // By one thread reading both parts, or by a thread for each.
    for (const threads of [1, 2]) {
      const d = listingOf((await readTreeInBackground(out, index, threads, 2).result)!);
      expect(d.digests[d.files.indexOf('t1/obj-4.yaml')]).toBe('claimed');
      expect(listingOf((await readTreeInBackground(out, undefined, threads, 2).result)!).digests).toEqual(await truth(out, d.files));
    }
  });

  it('read in parts, by one thread or several, is the tree read whole, and an index of the whole tree is removed once it is read in parts', async () => {
    const { out, index } = await tree();
    await mkdir(path.join(out, 'a-b'), { recursive: true });
    await writeFile(path.join(out, 'a-b/x.yaml'), 'kind: Secret\n');
    await writeFile(path.join(out, 'kustomization.yaml'), 'resources: []\n');
    await symlink('t0', path.join(out, 'link'));
    const one = listingOf((await readTreeInBackground(out, index, 1, 1).result)!);
    expect(one.digests).toEqual(await truth(out, one.files));
    expect(one.links).toEqual([{ path: 'link', target: 't0' }]);
    digestTree(out, index, later());
    expect(existsSync(index)).toBe(true);
    for (const [threads, parts] of [[1, 2], [2, 2], [2, 3], [3, 5], [5, 5]] as const) expect(listingOf((await readTreeInBackground(out, index, threads, parts).result)!)).toEqual(one);
    expect(existsSync(index)).toBe(false);
    expect(existsSync(foldersFile(index))).toBe(false);
  });
});

/** The recorded folders by path: each one's fingerprint and entries (`f` or `d` and a name). */
function folders(index: string): Map<string, { fingerprint: string; entries: string[] }> {
  const body = loadStatIndex(foldersFile(index), FOLDERS_MAGIC) ?? '';
  return new Map(
    body
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [folder, fingerprint, entries] = l.split('\t') as [string, string, string];
        return [folder, { fingerprint, entries: entries === '' ? [] : entries.split('\u0000') }];
      }),
  );
}

/** The folders file with one folder's entries replaced (framed again): what a read that trusts it lists there. */
function forgeFolder(index: string, folder: string, entries: readonly string[]): void {
  const file = foldersFile(index);
  const text = loadStatIndex(file, FOLDERS_MAGIC)!
    .split('\n')
    .map((l) => (l.startsWith(`${folder}\t`) ? `${l.slice(0, l.lastIndexOf('\t'))}\t${entries.join('\u0000')}` : l))
    .join('\n');
  writeFileSync(file, frame(FOLDERS_MAGIC, Buffer.from(text, 'utf8')));
}

const FOLDERS_MAGIC = 'tenantctl-tree-folders 1';

describe('the folders recorded beside the stat index', () => {
  it('gives an unchanged folder’s entries from the record instead of reading the folder', async () => {
    const { out, index } = await tree();
    const first = digestTree(out, index, later());
    expect([...folders(index).keys()].sort()).toEqual(['', 't0/', 't1/', 't2/']);
    // In the order of the paths below them, so a walk of recalled folders lists its files sorted.
    expect(folders(index).get('t1/')!.entries).toEqual(['fobj-1.yaml', 'fobj-10.yaml', 'fobj-4.yaml', 'fobj-7.yaml']);
    expect(folders(index).get('')!.entries).toEqual(['dt0', 'dt1', 'dt2']);
    // A folder sorts by its name and a slash: after a file whose name continues with a dash or a dot.
    await mkdir(path.join(out, 't2/x'));
    for (const f of ['x.yaml', 'x-y.yaml', 'x/z.yaml']) await writeFile(path.join(out, 't2', f), 'kind: Secret\n');
    const more = digestTree(out, index, later());
    expect(folders(index).get('t2/')!.entries).toEqual(['fobj-11.yaml', 'fobj-2.yaml', 'fobj-5.yaml', 'fobj-8.yaml', 'fx-y.yaml', 'fx.yaml', 'dx']);
    expect(digestTree(out, index, later())).toEqual(more);
    expect(more.files).toEqual(listTree(out).files);
    await rm(path.join(out, 't2/x'), { recursive: true });
    await rm(path.join(out, 't2/x.yaml'));
    await rm(path.join(out, 't2/x-y.yaml'));
    await new Promise((r) => setTimeout(r, 30));
    expect(digestTree(out, index, later())).toEqual(first);
    forgeFolder(index, 't1/', ['fobj-1.yaml', 'fobj-10.yaml', 'fobj-7.yaml']);
    // Believed while the folder's fingerprint is the recorded one: proof that the folder was not read.
    expect(digestTree(out, index, later()).files).toEqual(first.files.filter((f) => f !== 't1/obj-4.yaml'));
  });

  it('reads a folder again when an entry is added, removed, renamed or becomes a link or a folder, even with its modification time put back', async () => {
    const changes: [string, (out: string) => Promise<void>][] = [
      ['added', (out) => writeFile(path.join(out, 't1/new.yaml'), 'kind: Secret\n')],
      ['removed', (out) => rm(path.join(out, 't1/obj-4.yaml'))],
      ['renamed', (out) => rename(path.join(out, 't1/obj-4.yaml'), path.join(out, 't1/obj-44.yaml'))],
      ['a link', async (out) => {
        await rm(path.join(out, 't1/obj-4.yaml'));
        await symlink('obj-1.yaml', path.join(out, 't1/obj-4.yaml'));
      }],
      ['a folder', async (out) => {
        await rm(path.join(out, 't1/obj-4.yaml'));
        await mkdir(path.join(out, 't1/obj-4.yaml'));
        await writeFile(path.join(out, 't1/obj-4.yaml/inner.yaml'), 'kind: Secret\n');
      }],
    ];
    for (const [what, change] of changes) {
      const { out, index } = await tree();
      const folder = path.join(out, 't1');
      // Whole seconds, so putting the time back gives exactly the recorded one.
      const old = Math.floor(Date.now() / 1000) - 100;
      utimesSync(folder, old, old);
      digestTree(out, index, later());
      const before = statSync(folder, { bigint: true });
      expect(folders(index).has('t1/'), what).toBe(true);
      await change(out);
      utimesSync(folder, old, old);
      expect(statSync(folder, { bigint: true }).mtimeNs, what).toBe(before.mtimeNs);
      const d = digestTree(out, index, later());
      const listed = listTree(out);
      expect({ files: d.files, links: d.links }, what).toEqual(listed);
      expect(d.digests, what).toEqual(await truth(out, d.files));
    }
  });

  it('never records a folder changed within the racy window, nor one that holds anything but files and folders', async () => {
    const { out, index } = await tree();
    digestTree(out, index, Date.now());
    expect(folders(index).size).toBe(0);
    await symlink('obj-0.yaml', path.join(out, 't0/link.yaml'));
    digestTree(out, index, later());
    expect([...folders(index).keys()].sort()).toEqual(['', 't1/', 't2/']);
    // The link is listed on every read, its folder read each time.
    expect(digestTree(out, index, later()).links).toEqual([{ path: 't0/link.yaml', target: 'obj-0.yaml' }]);
  });

  it('is dropped when a recorded file is gone though its folder looks unchanged, and the tree is then read as it is', async () => {
    const { out, index } = await tree();
    // One part: the part's index is the index itself.
    digestTree(out, index, later());
    forgeFolder(index, 't1/', [...folders(index).get('t1/')!.entries, 'fghost.yaml']);
    expect(await readTreeInBackground(out, index, 1, 1).result).toBeUndefined();
    expect(existsSync(foldersFile(index))).toBe(false);
    const d = listingOf((await readTreeInBackground(out, index, 1, 1).result)!);
    expect(d.files).toEqual(listTree(out).files);
  });
});

describe('whether the stat index still holds', () => {
  it('holds once the files are recorded, and not without an index, nor after a fresh checkout of the same files', async () => {
    const { out, index } = await tree();
    expect(indexHolds(index, out)).toBe(false);
    digestTree(out, index, later());
    expect(indexHolds(index, out)).toBe(true);
    // One file edited: most sampled lines still hold.
    await writeFile(path.join(out, 't0/obj-0.yaml'), 'kind: Secret\n');
    expect(indexHolds(index, out)).toBe(true);
    // The same bytes in new files (a new clone, or the cache folder restored onto one): no fingerprint holds.
    await cp(out, `${out}.clone`, { recursive: true });
    await rm(out, { recursive: true });
    await rename(`${out}.clone`, out);
    expect(indexHolds(index, out)).toBe(false);
    // A damaged index holds nothing.
    writeFileSync(index, 'not an index');
    expect(indexHolds(index, out)).toBe(false);
  });
});

describe('the listing of the committed tree in parts', () => {
  it('gives, part after part, the whole sorted listing, for top-level names that sort differently with their slash', async () => {
    const out = await tempDir('tenantctl-parts-');
    // "a-b/" sorts before "a/" although "a" sorts before "a-b": a part boundary between them must keep path order.
    for (const f of ['a/x.yaml', 'a-b/y.yaml', 'a.b/z.yaml', 'ab/w.yaml', '_cluster/n.yaml', 'a-c', 'kustomization.yaml', 'z/deep/er/q.yaml', 'n/a/x.yaml', 'n/a-b/y.yaml', 'n/a-c', 'n/a.yaml', 'n/a/b/c.yaml']) {
      await mkdir(path.dirname(path.join(out, f)), { recursive: true });
      await writeFile(path.join(out, f), f);
    }
    await symlink('a', path.join(out, 'a0'));
    const whole = listTree(out);
    expect(whole.files).toEqual([...whole.files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (let of = 1; of <= 9; of++) {
      const parts = Array.from({ length: of }, (_, index) => listTree(out, { index, of }));
      expect(parts.flatMap((p) => p.files)).toEqual(whole.files);
      expect(parts.flatMap((p) => p.links)).toEqual(whole.links);
    }
  });
});

describe('the stat index in render and check', () => {
  it('is kept in the cache folder once files are past the racy window, and an edit made after that is still found', async () => {
    // A tenants.yaml this large makes render and check read the tree on a reader thread, which keeps the index.
    const padding = `${'# padding\n'.repeat(4000)}`;
    const root = await tempRepo({ tenants: (await bundledTenants()) + padding });
    const dir = await tempDir('tenantctl-stat-cache-');
    const index = statIndexFile(dir, path.join(root, 'rendered'));
    expect((await cli(root, 'render', '--cache-dir', dir)).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await cli(root, 'check', '--cache-dir', dir, '--allow-no-base')).exitCode).toBe(0);
    const files = (await treeOf(root)).size;
    const parts = Array.from({ length: TREE_PARTS }, (_, i) => loadStatIndex(partIndexFile(index, i, TREE_PARTS))!);
    expect(parts.join('').split('\n').filter(Boolean)).toHaveLength(files);
    const edited = path.join(root, 'rendered/ai-agents-test-tenant-a/serviceaccount-sa-test-tenant-a.yaml');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('automountServiceAccountToken: false', 'automountServiceAccountToken: true '));
    // Each part's folders are recorded too, and a file added to one of them is found.
    const recorded = Array.from({ length: TREE_PARTS }, (_, i) => [...folders(partIndexFile(index, i, TREE_PARTS)).keys()]).flat();
    expect(recorded).toContain('ai-agents-test-tenant-a/');
    writeFileSync(path.join(root, 'rendered/ai-agents-test-tenant-a/configmap-extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: ai-agents-test-tenant-a\n');
    // A name with a tab and a line break in it, read on a reader thread like any other.
    writeFileSync(path.join(root, 'rendered/ai-agents-test-tenant-a/odd\tname\n.yaml'), 'kind: Secret\n');
    const check = await cli(root, 'check', '--cache-dir', dir, '--allow-no-base', '--format', 'json');
    expect(check.exitCode).toBe(1);
    const reported = (JSON.parse(check.stdout) as { diagnostics: { ruleId: string; file?: { path: string } }[] }).diagnostics.map((d) => `${d.ruleId} ${d.file?.path}`);
    expect(reported).toContain('drift/changed rendered/ai-agents-test-tenant-a/serviceaccount-sa-test-tenant-a.yaml');
    expect(reported).toContain('drift/extra rendered/ai-agents-test-tenant-a/configmap-extra.yaml');
    expect(reported).toContain('drift/extra rendered/ai-agents-test-tenant-a/odd\tname\n.yaml');
    // --no-cache keeps no index anywhere.
    const other = await tempDir('tenantctl-stat-none-');
    await cli(root, 'check', '--no-cache', '--cache-dir', other, '--allow-no-base');
    expect(existsSync(path.dirname(statIndexFile(other, path.join(root, 'rendered'))))).toBe(false);
  }, 30_000);

  it('has check read with two threads when the render comes from summaries but the index does not hold, and with one otherwise', async () => {
    const padding = `${'# padding\n'.repeat(4000)}`;
    const root = await tempRepo({ tenants: (await bundledTenants()) + padding });
    const dir = await tempDir('tenantctl-stat-threads-');
    const out = path.join(root, 'rendered');
    // No summaries: the render keeps check's own thread busy.
    expect(checkReaderThreads(out, new RenderCache(dir))).toBe(1);
    expect((await cli(root, 'render', '--cache-dir', dir)).exitCode).toBe(0);
    // Summaries, but every file was written just now: none is recorded, all will be read.
    expect(checkReaderThreads(out, new RenderCache(dir))).toBe(READER_THREADS);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await cli(root, 'check', '--cache-dir', dir, '--allow-no-base')).exitCode).toBe(0);
    expect(checkReaderThreads(out, new RenderCache(dir))).toBe(1);
    // A fresh checkout of the same tree, with the cache folder restored as CI does.
    await cp(out, `${out}.clone`, { recursive: true });
    await rm(out, { recursive: true });
    await rename(`${out}.clone`, out);
    expect(checkReaderThreads(out, new RenderCache(dir))).toBe(READER_THREADS);
    expect(checkReaderThreads(out, RenderCache.inMemory())).toBe(1);
    // And the check so read finds what it found before.
    expect((await cli(root, 'check', '--cache-dir', dir, '--allow-no-base')).exitCode).toBe(0);
  }, 30_000);
});
