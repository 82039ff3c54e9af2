import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInMemory } from '../../src/pipeline.js';
import { recoverTree, writeTreeAtomically } from '../../src/tree/write.js';
import { bundledTenants, cleanupTempRepos, cli, repoRoot, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

function manyTenants(base: string, n: number): string {
  let text = base.trimEnd() + '\n';
  for (let i = 0; i < n; i++) text += `  - id: bulk-${i}\n    name: Bulk ${i}\n`;
  return text;
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

/** `midWrite`: the kill is known to land while the staging folder is being filled. */
type KillPoint = { name: string; midWrite?: boolean; ready: (root: string, elapsedMs: number) => boolean };

const staging = (root: string) => path.join(root, '.rendered.staging');
const killPoints: KillPoint[] = [
  { name: 'while loading and rendering (50 ms)', ready: (_r, t) => t >= 50 },
  { name: 'as soon as the staging folder appears', midWrite: true, ready: (r) => existsSync(staging(r)) },
  { name: 'with 200 files staged', midWrite: true, ready: (r) => countFiles(staging(r)) >= 200 },
  { name: 'with 3,000 files staged', midWrite: true, ready: (r) => countFiles(staging(r)) >= 3000 },
  { name: 'after 1.5 s', ready: (_r, t) => t >= 1500 },
];

/** Starts a real render and SIGKILLs it once `ready` holds (or it exits by itself). */
function renderAndKill(root: string, ready: KillPoint['ready']): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/tenantctl.js'), 'render'], { cwd: root, stdio: 'ignore' });
    const start = Date.now();
    let done = false;
    const timer = setInterval(() => {
      if (!done && ready(root, Date.now() - start)) {
        done = true;
        child.kill('SIGKILL');
      }
    }, 2);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

function sameTree(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [p, t] of a) if (b.get(p) !== t) return false;
  return true;
}

describe('atomic render', () => {
  it('an incremental render killed at any moment leaves the old tree or exactly the new one (1,000 tenants)', async () => {
    const root = await tempRepo({ tenants: manyTenants(await bundledTenants(), 1000) });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const old = await treeOf(root);
    // A default that reaches every tenant (many files change), one tenant removed, one added.
    const text = (await readFile(path.join(root, 'tenants.yaml'), 'utf8'))
      .replace('    CELERY_CONCURRENCY: "2"', '    CELERY_CONCURRENCY: "3"')
      .replace('  - id: bulk-7\n    name: Bulk 7\n', '')
      .concat('  - id: late\n    name: Late\n');
    await writeFile(path.join(root, 'tenants.yaml'), text);
    const next = (await renderInMemory({ root })).render!.files;
    const journal = path.join(root, '.rendered.swap');
    const points: KillPoint['ready'][] = [
      (r) => existsSync(staging(r)),
      (r) => countFiles(staging(r)) >= 500,
      (r) => existsSync(path.join(r, '.rendered.swap')),
      () => existsSync(journal) && countFiles(staging(root)) < 1000,
    ];
    const outcomes: string[] = [];
    for (const ready of points) {
      const outcome = await renderAndKill(root, ready);
      await recoverTree(path.join(root, 'rendered'));
      const after = await treeOf(root);
      const which = sameTree(after, old) ? 'old' : sameTree(after, next) ? 'new' : 'neither';
      outcomes.push(`${outcome}:${which}`);
      expect(which, outcomes.join(' ')).not.toBe('neither');
      for (const leftover of ['.rendered.swap', '.rendered.previous', '.rendered.staging']) expect(existsSync(path.join(root, leftover)), leftover).toBe(false);
      if (which === 'new') {
        // Back to the old tree for the next kill point.
        await writeTreeAtomically(path.join(root, 'rendered'), 'rendered', old);
      }
    }
    // The kill landed before the journal at least once, and during the moves at least once.
    expect(outcomes).toContain('killed:old');
    expect(outcomes).toContain('killed:new');
  }, 300_000);

  it('writes only what changed: an unchanged file keeps its inode and mtime', async () => {
    const root = await tempRepo();
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const unchanged = path.join(root, 'rendered/ai-agents-test-tenant-a/workloads/configmap-tenant-config.yaml');
    const changed = path.join(root, 'rendered/ai-agents-test-tenant-b/workloads/configmap-tenant-config.yaml');
    const [u0, c0] = [await stat(unchanged), await stat(changed)];
    await new Promise((r) => setTimeout(r, 30));
    const text = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    await writeFile(path.join(root, 'tenants.yaml'), text.replace('      LOG_LEVEL: debug', '      LOG_LEVEL: warning'));
    const r = await cli(root, 'render');
    expect(r.stdout).toContain('0 added, 1 changed, 0 removed');
    const [u1, c1] = [await stat(unchanged), await stat(changed)];
    expect([u1.ino, u1.mtimeMs]).toEqual([u0.ino, u0.mtimeMs]);
    expect(c1.ino).not.toBe(c0.ino);
    expect(await readFile(changed, 'utf8')).toContain('warning');
  });

  it.each(killPoints)('a render killed $name leaves the previous tree or the complete new one', async ({ ready, midWrite }) => {
    const root = await tempRepo();
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const before = await treeOf(root);
    await writeFile(path.join(root, 'tenants.yaml'), manyTenants(await bundledTenants(), 1000));
    const outcome = await renderAndKill(root, ready);
    await recoverTree(path.join(root, 'rendered'));
    const after = await treeOf(root);
    if (midWrite) {
      expect(outcome).toBe('killed');
      expect(after).toEqual(before);
    }
    if (outcome === 'killed' && after.size === before.size) {
      expect(after).toEqual(before);
    } else {
      // The swap completed before the signal landed: the new tree must be whole.
      expect(after.size).toBeGreaterThan(1000 * 16);
      expect((await cli(root, 'check')).exitCode).toBe(0);
    }
    expect(existsSync(staging(root))).toBe(false);
  }, 60_000);

  it('recovers the previous tree when a swap was interrupted between its two renames', async () => {
    const root = await tempRepo();
    await cli(root, 'render');
    const before = await treeOf(root);
    await rename(path.join(root, 'rendered'), path.join(root, '.rendered.previous'));
    await mkdir(staging(root));
    await recoverTree(path.join(root, 'rendered'));
    expect(await treeOf(root)).toEqual(before);
    expect(existsSync(staging(root))).toBe(false);
  });

  it('never leaves rendered/ missing, even when killed in the middle of the swap, and the next run completes it', async () => {
    const root = await tempRepo();
    expect((await cli(root, 'render')).exitCode).toBe(0);
    await writeFile(path.join(root, 'tenants.yaml'), manyTenants(await bundledTenants(), 1000));
    const out = path.join(root, 'rendered');
    let missing = 0;
    const watch = setInterval(() => {
      if (!existsSync(out)) missing++;
    }, 1);
    const outcome = await renderAndKill(root, (r) => existsSync(path.join(r, '.rendered.swap')));
    clearInterval(watch);
    expect(missing).toBe(0);
    await recoverTree(out);
    expect(existsSync(path.join(root, '.rendered.swap'))).toBe(false);
    // The staging tree was complete when the swap began, so recovery rolls forward to it.
    const after = await treeOf(root);
    expect(after.size, outcome).toBeGreaterThan(1000 * 16);
    expect((await cli(root, 'check')).exitCode).toBe(0);
  }, 60_000);

  it('rolls forward a half-done swap that an older version (whole top-level entries) left', async () => {
    const root = await tempRepo();
    await cli(root, 'render');
    const old = await treeOf(root);
    const out = path.join(root, 'rendered');
    // Stage a tree without tenant b, as a render of the shorter tenants.yaml would.
    const text = (await bundledTenants()).replace(/\n  - id: test-tenant-b[\s\S]*$/, '\n');
    const next = await tempRepo({ tenants: text });
    await cli(next, 'render');
    const expected = await treeOf(next);
    const { cp } = await import('node:fs/promises');
    await cp(path.join(next, 'rendered'), staging(root), { recursive: true });
    const names = readdirSync(staging(root)).sort();
    await writeFile(path.join(root, '.rendered.swap'), `${names.join('\n')}\n`);
    // Half of the entries already moved, as if killed half-way.
    await mkdir(path.join(root, '.rendered.previous'));
    for (const name of names.slice(0, Math.floor(names.length / 2))) {
      if (existsSync(path.join(out, name))) await rename(path.join(out, name), path.join(root, '.rendered.previous', name));
      await rename(path.join(staging(root), name), path.join(out, name));
    }
    expect(old.size).toBeGreaterThan(expected.size);
    await recoverTree(out);
    expect(await treeOf(root)).toEqual(expected);
    for (const leftover of ['.rendered.swap', '.rendered.previous', '.rendered.staging']) expect(existsSync(path.join(root, leftover))).toBe(false);
  });

  it('removes the files of a removed tenant', async () => {
    const root = await tempRepo();
    await cli(root, 'render');
    expect(existsSync(path.join(root, 'rendered/ai-agents-test-tenant-b'))).toBe(true);
    const text = (await bundledTenants()).replace(/\n  - id: test-tenant-b[\s\S]*$/, '\n');
    await writeFile(path.join(root, 'tenants.yaml'), text);
    expect((await cli(root, 'render')).exitCode).toBe(0);
    expect(existsSync(path.join(root, 'rendered/ai-agents-test-tenant-b'))).toBe(false);
    expect([...(await treeOf(root)).keys()].some((p) => p.includes('test-tenant-b'))).toBe(false);
  });

  it('writes nothing when asked to write outside the output folder', async () => {
    const root = await tempRepo();
    await expect(writeTreeAtomically(path.join(root, 'rendered'), 'rendered', new Map([['elsewhere/x.yaml', 'x']]))).rejects.toThrow(/outside/);
  });
});
