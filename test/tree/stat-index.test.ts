import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frame } from '../../src/framing.js';
import { readTreeInBackground } from '../../src/tree/background.js';
import { contentDigest } from '../../src/tree/digest.js';
import { listTree } from '../../src/tree/list.js';
import { digestTree as readWithIndex, loadStatIndex, statIndexFile } from '../../src/tree/stat-index.js';
import { bundledTenants, cleanupTempRepos, cli, tempDir, tempRepo, treeOf } from '../helpers.js';

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

  it('is used by the reader thread when given', async () => {
    const { out, index } = await tree();
    digestTree(out, index, later());
    forge(index, 't1/obj-4.yaml', 'claimed');
    const d = (await readTreeInBackground(out, index).result)!;
    expect(d.digests[d.files.indexOf('t1/obj-4.yaml')]).toBe('claimed');
    expect((await readTreeInBackground(out).result)!.digests).toEqual(await truth(out, d.files));
  });
});

describe('reading the tree in parts', () => {
  /** Top-level names where a cut in the wrong place interleaves the parts: "a/x" sorts after "a-b/x" and "a.c", and "b" is a file. */
  async function prefixTree(): Promise<{ out: string; index: string }> {
    const root = await tempDir('tenantctl-parts-');
    const out = path.join(root, 'rendered');
    const folders = ['a', 'a-b', 'a.c', 'ab', 'b-', 'c', 'c0', 'c/d', 'c.d', 'd', 'e', 'f'];
    for (const f of folders) {
      await mkdir(path.join(out, f), { recursive: true });
      await writeFile(path.join(out, f, 'x.yaml'), `kind: ConfigMap\nmetadata:\n  name: ${f}\n`);
    }
    await writeFile(path.join(out, 'b'), 'a file at the top\n');
    return { out, index: statIndexFile(path.join(root, 'cache'), out) };
  }

  it('cuts the tree into parts whose listings, one after another, are the whole listing, each within its range of paths', async () => {
    const { out } = await prefixTree();
    const whole = listTree(out);
    for (let count = 2; count <= 6; count++) {
      const parts = Array.from({ length: count }, (_, index) => listTree(out, { index, count }));
      expect(parts.flatMap((p) => p.files)).toEqual(whole.files);
      for (const p of parts) for (const f of p.files) expect((p.from === undefined || f >= p.from) && (p.to === undefined || f < p.to)).toBe(true);
      // A part covers its range and no other part's: the ranges follow one another.
      parts.slice(1).forEach((p, i) => expect(p.from).toBe(parts[i]!.to));
    }
  });

  it('gives the same digests and the same index read in parts as read whole, and keeps to its own lines of the index', async () => {
    const { out, index } = await prefixTree();
    const whole = readWithIndex(out, index, later());
    whole.save();
    // Nothing changed: no part has a reason to write the index.
    for (let count = 2; count <= 4; count++) for (let i = 0; i < count; i++) expect(readWithIndex(out, index, later(), { index: i, count }).changed).toBe(false);
    forge(index, 'c0/x.yaml', 'claimed');
    await writeFile(path.join(out, 'a-b', 'x.yaml'), 'kind: Secret\n');
    await rm(path.join(out, 'e'), { recursive: true });
    await mkdir(path.join(out, 'a0'));
    await writeFile(path.join(out, 'a0', 'y.yaml'), 'kind: Secret\n');
    const again = readWithIndex(out, index, later());
    for (let count = 2; count <= 4; count++) {
      const parts = Array.from({ length: count }, (_, i) => readWithIndex(out, index, later(), { index: i, count }));
      expect(parts.flatMap((p) => p.digests.digests)).toEqual(again.digests.digests);
      expect(parts.flatMap((p) => p.digests.files)).toEqual(again.digests.files);
      expect(parts.map((p) => p.lines).join('')).toBe(again.lines);
      expect(parts.some((p) => p.changed)).toBe(true);
    }
    expect(again.digests.digests[again.digests.files.indexOf('c0/x.yaml')]).toBe('claimed');
  });

  it('has the reader threads write one index, their parts’ lines in order, which a whole read then uses', async () => {
    const { out, index } = await prefixTree();
    // The threads read the clock themselves: past the racy window, every file is recorded.
    await new Promise((r) => setTimeout(r, 3100));
    const d = (await readTreeInBackground(out, index, 3).result)!;
    const whole = readWithIndex(out, undefined);
    expect(d).toEqual(whole.digests);
    // The first thread writes after its reply: wait for the file.
    for (let i = 0; i < 100 && !existsSync(index); i++) await new Promise((r) => setTimeout(r, 20));
    expect(loadStatIndex(index)!.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(whole.digests.files);
    forge(index, 'a.c/x.yaml', 'claimed');
    const two = (await readTreeInBackground(out, index, 2).result)!;
    expect(two.digests[two.files.indexOf('a.c/x.yaml')]).toBe('claimed');
  }, 15_000);
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
    expect(loadStatIndex(index)!.split('\n').filter(Boolean)).toHaveLength(files);
    const edited = path.join(root, 'rendered/ai-agents-test-tenant-a/serviceaccount-sa-test-tenant-a.yaml');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('automountServiceAccountToken: false', 'automountServiceAccountToken: true '));
    const check = await cli(root, 'check', '--cache-dir', dir, '--allow-no-base');
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain('serviceaccount-sa-test-tenant-a.yaml');
    // --no-cache keeps no index anywhere.
    const other = await tempDir('tenantctl-stat-none-');
    await cli(root, 'check', '--no-cache', '--cache-dir', other, '--allow-no-base');
    expect(existsSync(statIndexFile(other, path.join(root, 'rendered')))).toBe(false);
  }, 30_000);
});
