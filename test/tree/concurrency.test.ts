import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInMemory } from '../../src/pipeline.js';
import { LockedError, withRepoLock } from '../../src/tree/lock.js';
import { bundledTenants, cleanupTempRepos, repoRoot, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

const TENANTS = 1_000;
const ROUNDS = 20;

function manyTenants(base: string, n: number): string {
  let text = `${base.trimEnd()}\n`;
  for (let i = 0; i < n; i++) text += `  - id: bulk-${i}\n    name: Bulk ${i}\n    tier: standard\n`;
  return text;
}

interface Run {
  argv: string[];
  code: number | null;
  out: string;
}

function run(root: string, argv: string[], onExit: (r: Run) => Promise<void>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/tenantctl.js'), ...argv], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (code) => {
      const r = { argv, code, out };
      void onExit(r).then(() => resolve(r));
    });
  });
}

/** Holds the repository's lock (waiting for it), so no tenantctl writes while `fn` looks. */
async function whileNobodyWrites<T>(root: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await withRepoLock(root, fn);
    } catch (e) {
      if (!(e instanceof LockedError)) throw e;
      await sleep(5);
    }
  }
}

const expectedFor = new Map<string, Map<string, string>>();

/** Paths where rendered/ differs from a complete render of the tenants.yaml on disk. */
async function differences(root: string): Promise<string[]> {
  const text = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
  let expected = expectedFor.get(text);
  if (!expected) {
    const r = await renderInMemory({ root, tenantsText: text });
    expect(r.diagnostics).toEqual([]);
    expected = r.render!.files;
    expectedFor.clear();
    expectedFor.set(text, expected);
  }
  const actual = await treeOf(root);
  const paths = new Set([...expected.keys(), ...actual.keys()]);
  return [...paths].filter((p) => expected.get(p) !== actual.get(p)).sort();
}

describe('concurrent render and add', () => {
  it(`two renders and an add at once on ${TENANTS} tenants, ${ROUNDS} times: the tree is always a complete render, refusals say render/locked`, async () => {
    const base = await bundledTenants();
    const root = await tempRepo({ tenants: manyTenants(base, TENANTS) });
    const first = await run(root, ['render'], async () => undefined);
    expect(first.code, first.out).toBe(0);
    const tally = { ok: 0, locked: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // Give the renders work: one existing tenant changes tier each round.
      const file = path.join(root, 'tenants.yaml');
      const text = await readFile(file, 'utf8');
      const victim = `  - id: bulk-${round * 37}\n    name: Bulk ${round * 37}\n    tier: `;
      await writeFile(file, text.replace(`${victim}standard`, `${victim}premium`));
      const inconsistent: string[] = [];
      const check = async (r: Run) => {
        if (r.code !== 0) return;
        // An exit 0 must leave a complete tree: look before anyone else can write.
        const diff = await whileNobodyWrites(root, () => differences(root));
        if (diff.length > 0) inconsistent.push(`${r.argv.join(' ')}: ${diff.length} files differ, e.g. ${diff.slice(0, 3).join(', ')}`);
      };
      // Staggered by a few milliseconds, differently each round, so every order of arrival occurs.
      const runs = await Promise.all([
        run(root, ['render'], check),
        sleep((round * 7) % 40).then(() => run(root, ['render'], check)),
        sleep((round * 13) % 60).then(() => run(root, ['add', '--tenant-id', `late-${round}`, '--name', `Late ${round}`], check)),
      ]);
      for (const r of runs) {
        if (r.code === 0) tally.ok++;
        else {
          expect(r.code, r.out).toBe(2);
          expect(r.out).toContain('render/locked');
          expect(r.out).toMatch(/another tenantctl (\(pid \d+\) is writing this repository|took \.tenantctl\.lock at the same moment)/);
          tally.locked++;
        }
      }
      expect(inconsistent, `round ${round}`).toEqual([]);
      expect(await whileNobodyWrites(root, () => differences(root)), `round ${round}`).toEqual([]);
      // A refused add changed nothing; an accepted one is in tenants.yaml and therefore in the tree.
      const added = runs[2]!.code === 0;
      expect((await readFile(file, 'utf8')).includes(`id: late-${round}\n`), `round ${round}`).toBe(added);
    }
    // Both outcomes occurred, or the test proved nothing about contention.
    expect(tally.ok).toBeGreaterThanOrEqual(ROUNDS);
    expect(tally.locked).toBeGreaterThan(0);
  }, 900_000);
});
