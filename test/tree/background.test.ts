import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestRecord, READER_THREADS, readTreeInBackground, TREE_PARTS } from '../../src/tree/background.js';
import { contentDigest, treeDigest } from '../../src/tree/digest.js';
import { compareWithTree, readTreeAgainst, settleStale } from '../../src/tree/read.js';
import { listingOf } from '../helpers.js';
import { listTree } from '../../src/tree/list.js';

const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/** A tree with files equal to the render, two edited (one large), one not UTF-8, one render does not write, and a link. */
async function tree(): Promise<{ root: string; out: string; expected: Map<string, string> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-bg-'));
  made.push(root);
  const out = path.join(root, 'rendered');
  const expected = new Map<string, string>();
  for (let i = 0; i < 40; i++) {
    const rel = `t${i % 4}/obj-${i}.yaml`;
    const text = `kind: ConfigMap\nmetadata:\n  name: obj-${i}\ndata:\n  X: "é ${i}"\n`;
    expected.set(`rendered/${rel}`, text);
    await mkdir(path.dirname(path.join(out, rel)), { recursive: true });
    await writeFile(path.join(out, rel), text);
  }
  // Larger than the reader's buffer, so it grows between files: equal, and different only in the last byte.
  const big = `kind: ConfigMap\ndata:\n  X: "${'x'.repeat(300_000)}"\n`;
  for (const t of ['t0', 't1']) {
    expected.set(`rendered/${t}/big.yaml`, big);
    await writeFile(path.join(out, `${t}/big.yaml`), t === 't0' ? big : `${big.slice(0, -1)} `);
  }
  await writeFile(path.join(out, 't1/obj-1.yaml'), 'kind: ConfigMap\nmetadata:\n  name: edited\n');
  await writeFile(path.join(out, 't2/obj-2.yaml'), Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0x0a]));
  await writeFile(path.join(out, 't3/extra.yaml'), 'kind: Secret\n');
  expected.set('rendered/t0/missing.yaml', 'kind: ConfigMap\n');
  await symlink('/etc/passwd', path.join(out, 't0/link.yaml'));
  return { root, out, expected };
}

describe('reading the committed tree on another thread', () => {
  it('finds exactly what reading it on this thread finds: the same files, differences, encoding problems and links', async () => {
    const { out, expected } = await tree();
    const alone = readTreeAgainst(out, 'rendered', expected);
    const digests = await readTreeInBackground(out).result;
    expect(digests).toBeDefined();
    // Each digest is that of the file's bytes, the ones larger than the reader's buffer included.
    const listed = listingOf(digests!);
    expect(listed.digests).toEqual(await Promise.all(listed.files.map(async (f) => contentDigest(await readFile(path.join(out, f))))));
    expect(readTreeAgainst(out, 'rendered', expected, digests)).toEqual(alone);
    // Paths sent keyed as the render keys them are used as sent; the same comparison.
    const keyed = (await readTreeInBackground(out, undefined, READER_THREADS, TREE_PARTS, 'rendered/').result)!;
    expect(keyed.texts.join('').split('\u0000').filter(Boolean).every((l) => l.startsWith('rendered/'))).toBe(true);
    expect(listingOf(keyed)).toEqual(listed);
    expect(readTreeAgainst(out, 'rendered', expected, keyed)).toEqual(alone);
    expect([...alone.differing.keys()].sort()).toEqual(['rendered/t1/big.yaml', 'rendered/t1/obj-1.yaml', 'rendered/t2/obj-2.yaml', 'rendered/t3/extra.yaml']);
    expect([...alone.encoding.keys()]).toEqual(['rendered/t2/obj-2.yaml']);
    expect(alone.links.map((l) => l.path)).toEqual(['t0/link.yaml']);
  });

  it('reads again only the files whose digest is not the render’s', async () => {
    const { out, expected } = await tree();
    const digests = (await readTreeInBackground(out).result)!;
    // A digest that says the edited file equals the render: the file is then not read, so the edit goes unseen.
    const { files, digests: each } = listingOf(digests);
    const i = files.indexOf('t1/obj-1.yaml');
    const claimed = { ...digests, texts: [files.map((f, j) => digestRecord(f, j === i ? contentDigest(expected.get('rendered/t1/obj-1.yaml')!) : each[j]!)).join('')] };
    expect(readTreeAgainst(out, 'rendered', expected, claimed).differing.has('rendered/t1/obj-1.yaml')).toBe(false);
    expect(readTreeAgainst(out, 'rendered', expected, digests).differing.has('rendered/t1/obj-1.yaml')).toBe(true);
  });

  it('settles the files of stale groups, once their texts are known, exactly as comparing the whole tree again would', async () => {
    const { out, expected } = await tree();
    // Each folder's files known by digest only (as render places a tenant from its summary), but for t3's.
    const known = { paths: new Map<string, number>(), digests: [] as string[] };
    const texts = new Map([...expected].filter(([p]) => p.startsWith('rendered/t3/')));
    for (const t of ['t0', 't1', 't2']) {
      const group = [...expected].filter(([p]) => p.startsWith(`rendered/${t}/`));
      for (const [p] of group) known.paths.set(p, known.digests.length);
      known.digests.push(treeDigest(group.map(([p, text]) => [p, contentDigest(text)])));
    }
    for (const seen of [undefined, await readTreeInBackground(out).result, await readTreeInBackground(out, undefined, READER_THREADS, TREE_PARTS, 'rendered/').result]) {
      const first = readTreeAgainst(out, 'rendered', texts, seen, known);
      // t0 lacks a file, t1 has two edited, t2 one that is not UTF-8: all three are stale.
      expect(new Set(first.stale!.map((p) => p.split('/')[1]))).toEqual(new Set(['t0', 't1', 't2']));
      const settled = settleStale(first, out, 'rendered', expected);
      const { stale: _s, staleOnDisk: _o, ...whole } = readTreeAgainst(out, 'rendered', expected, seen);
      expect(settled).toEqual(whole);
    }
  });

  it('compares each file with the digest of its own expected text, when many expect the same text and others a text of the same length', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-bg-'));
    made.push(root);
    const out = path.join(root, 'rendered');
    const expected = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      await mkdir(path.join(out, `t${i}`), { recursive: true });
      // Texts of one length: two tenants' folders list the same files, the others their own.
      const text = `resources:\n  - obj-t${i < 2 ? 0 : i}.yaml\n`;
      expected.set(`rendered/t${i}/kustomization.yaml`, text);
      await writeFile(path.join(out, `t${i}/kustomization.yaml`), i === 4 ? `resources:\n  - obj-t3.yaml\n` : text);
    }
    const seen = await readTreeInBackground(out, undefined, READER_THREADS, TREE_PARTS, 'rendered/').result;
    expect([...readTreeAgainst(out, 'rendered', expected, seen).differing.keys()]).toEqual(['rendered/t4/kustomization.yaml']);
  });

  it('compared as the lines arrive, a few at a time from several threads, finds what comparing the whole read finds', async () => {
    const { out, expected } = await tree();
    // The known digests of three folders' files (t0 as on disk but for its missing file, t2 as on disk but for its edited one, t3 as on disk).
    const known = { paths: new Map<string, number>(), digests: [] as string[] };
    const texts = new Map([...expected].filter(([p]) => !['t0', 't2', 't3'].includes(p.split('/')[1]!)));
    for (const t of ['t0', 't2', 't3']) {
      const group = [...expected].filter(([p]) => p.startsWith(`rendered/${t}/`));
      for (const [p] of group) known.paths.set(p, known.digests.length);
      known.digests.push(treeDigest(group.map(([p, text]) => [p, contentDigest(text)])));
    }
    const whole = readTreeAgainst(out, 'rendered', texts, undefined, known);
    expect(new Set(whole.stale!.map((p) => p.split('/')[1]))).toEqual(new Set(['t0', 't2']));
    for (const [threads, parts, perMessage] of [[1, 1, 1], [2, 2, 3], [2, 3, 7], [3, 3, 10_000]] as const) {
      for (const prefix of ['', 'rendered/']) {
        for (const late of [false, true]) {
          const reading = readTreeInBackground(out, undefined, threads, parts, prefix, perMessage);
          // Late: the consumer comes when every line has arrived, and is given them all at once.
          if (late) await reading.result;
          const c = compareWithTree(out, 'rendered', texts, reading.prefix, known, undefined);
          // The same comparison without the list of every path.
          const unlisted = compareWithTree(out, 'rendered', texts, reading.prefix, known, undefined, false);
          const given: number[] = [];
          // Late, the threads have read everything before the consumer comes.
          let readWhole = late;
          void reading.result.then(() => (readWhole = true));
          /** Whether the first lines came while the threads were still reading. */
          let early: boolean | undefined;
          const seen = await reading.stream((part, text) => {
            early ??= !readWhole;
            given.push(part);
            c.add(part, text);
            unlisted.add(part, text);
          });
          expect(early, `${threads} ${parts} ${perMessage} ${late}`).toBe(!late);
          expect(seen, `${threads} ${parts} ${perMessage}`).toBeDefined();
          expect(c.finish(seen!.links)).toEqual(whole);
          const { paths: _paths, ...diff } = whole;
          expect(unlisted.finish(seen!.links)).toEqual(diff);
          expect(new Set(given)).toEqual(new Set(Array.from({ length: parts }, (_, i) => i)));
          if (perMessage === 1 && !late) expect(given.length).toBe(listTree(out).files.length);
        }
      }
    }
  });

  it('takes paths with tabs and line breaks in them as they are, from threads as on this thread', async () => {
    const { out, expected } = await tree();
    for (const name of ['tab\there.yaml', 'line\nbreak.yaml', 'both\t\n.yaml']) {
      await writeFile(path.join(out, 't3', name), 'kind: Secret\n');
      expected.set(`rendered/t3/${name}`, 'kind: Secret\n');
    }
    await writeFile(path.join(out, 't3', 'odd\tnot-rendered.yaml'), 'kind: Secret\n');
    const known = { paths: new Map([['rendered/t3/tab\there.yaml', 0]]), digests: [treeDigest([['rendered/t3/tab\there.yaml', contentDigest('kind: Secret\n')]])] };
    const texts = new Map([...expected].filter(([p]) => !known.paths.has(p)));
    const alone = readTreeAgainst(out, 'rendered', texts, undefined, known);
    expect(alone.unexpected).toContain('rendered/t3/odd\tnot-rendered.yaml');
    expect(alone.stale).toEqual([]);
    for (const prefix of ['', 'rendered/']) {
      const seen = await readTreeInBackground(out, undefined, 2, 2, prefix, 2).result;
      expect(listingOf(seen!).files).toEqual(listTree(out).files);
      expect(readTreeAgainst(out, 'rendered', texts, seen, known)).toEqual(alone);
    }
  });

  it('takes parts in any order and gives what it gives in order', async () => {
    const { out, expected } = await tree();
    const read = (await readTreeInBackground(out, undefined, 2, 2, 'rendered/').result)!;
    expect(read.texts).toHaveLength(2);
    const inOrder = compareWithTree(out, 'rendered', expected, 'rendered/');
    read.texts.forEach((t, i) => inOrder.add(i, t));
    const reversed = compareWithTree(out, 'rendered', expected, 'rendered/');
    [...read.texts.entries()].reverse().forEach(([i, t]) => reversed.add(i, t));
    expect(reversed.finish(read.links)).toEqual(inOrder.finish(read.links));
    const listed = readTreeAgainst(out, 'rendered', expected);
    expect(inOrder.finish(read.links)).toEqual(listed);
    // Without the list of paths, what is missing is found all the same.
    const unlisted = compareWithTree(out, 'rendered', expected, 'rendered/', undefined, undefined, false);
    [...read.texts.entries()].reverse().forEach(([i, t]) => unlisted.add(i, t));
    const { paths: _paths, ...diff } = listed;
    expect(unlisted.finish(read.links)).toEqual(diff);
    expect(diff.missing).toEqual(['rendered/t0/missing.yaml']);
    expect(diff.unexpected).toEqual(['rendered/t3/extra.yaml']);
  });

  it('rejects with what the comparison threw, and the process goes on', async () => {
    const { out } = await tree();
    const reading = readTreeInBackground(out, undefined, 2, 2, 'rendered/', 2);
    const boom = new Error('EACCES: permission denied');
    await expect(
      reading.stream(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('gives an empty listing for a folder that does not exist', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-bg-'));
    made.push(root);
    expect(listingOf((await readTreeInBackground(path.join(root, 'rendered')).result)!)).toEqual({ files: [], links: [], digests: [] });
  });
});
