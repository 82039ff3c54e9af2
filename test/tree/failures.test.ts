import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chown, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInMemory } from '../../src/pipeline.js';
import { cleanupTempRepos, cli, repoRoot, tempRepo, treeOf } from '../helpers.js';

/**
 * A render or add that is killed, runs out of disk, or may not write, changes
 * nothing (or, killed after its journal was complete, is finished by the next
 * run), and the next run leaves no trace of it.
 */

afterAll(cleanupTempRepos);

const LEFTOVERS = ['.rendered.staging', '.rendered.previous', '.rendered.swap', '.rendered.swap.tmp', '.tenants.yaml.tmp', '.tenantctl.lock'];
const NOBODY = 65534;

function withTenants(base: string, n: number, prefix = 'bulk'): string {
  let text = `${base.trimEnd()}\n`;
  for (let i = 0; i < n; i++) text += `  - id: ${prefix}-${i}\n    name: Bulk ${i}\n`;
  return text;
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** Runs the built CLI; `as` runs it as an unprivileged user; `killWhen` SIGKILLs it once the condition holds. */
function tenantctl(root: string, argv: string[], opts: { as?: number; killWhen?: () => boolean } = {}): Promise<Result> {
  const node = [process.execPath, path.join(repoRoot, 'bin/tenantctl.js'), ...argv];
  const [cmd, ...args] = opts.as === undefined ? node : ['setpriv', `--reuid=${opts.as}`, `--regid=${opts.as}`, '--clear-groups', ...node];
  return new Promise((resolve) => {
    const child = spawn(cmd!, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = opts.killWhen
      ? setInterval(() => {
          if (opts.killWhen!()) child.kill('SIGKILL');
        }, 1)
      : undefined;
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, out });
    });
  });
}

const leftovers = (root: string) => LEFTOVERS.filter((n) => existsSync(path.join(root, n)));

/** A failed run changed nothing: tenants.yaml and rendered/ as they were, and nothing of the run left behind. */
async function expectUnchanged(root: string, before: { tree: Map<string, string>; tenants: string }): Promise<void> {
  expect(await readFile(path.join(root, 'tenants.yaml'), 'utf8')).toBe(before.tenants);
  expect(await treeOf(root)).toEqual(before.tree);
  expect(leftovers(root)).toEqual([]);
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

/** Paths where rendered/ differs from a complete render of the tenants.yaml on disk. */
async function drift(root: string): Promise<string[]> {
  const r = await renderInMemory({ root });
  expect(r.diagnostics).toEqual([]);
  const expected = r.render!.files;
  const actual = await treeOf(root);
  return [...new Set([...expected.keys(), ...actual.keys()])].filter((p) => expected.get(p) !== actual.get(p));
}

/** The next run: a render that succeeds over a complete tree and leaves nothing behind. */
async function nextRunRecovers(root: string, as?: number): Promise<void> {
  const r = await tenantctl(root, ['render'], as === undefined ? {} : { as });
  expect(r.code, r.out).toBe(0);
  expect(await drift(root)).toEqual([]);
  expect(leftovers(root)).toEqual([]);
}

const base = await readFile(path.join(repoRoot, 'tenants.yaml'), 'utf8');

describe('killed', () => {
  const renderPoints: [string, (root: string) => boolean][] = [
    ['while staging', (root) => countFiles(path.join(root, '.rendered.staging')) >= 300],
    ['once the journal is written', (root) => existsSync(path.join(root, '.rendered.swap'))],
  ];
  it.each(renderPoints)('render killed %s: the next run recovers, nothing left behind', async (_name, when) => {
    const root = await tempRepo({ rendered: true, tenants: withTenants(base, 300) });
    const killed = await tenantctl(root, ['render'], { killWhen: () => when(root) });
    expect(killed.signal).toBe('SIGKILL');
    expect(leftovers(root).length).toBeGreaterThan(0);
    await nextRunRecovers(root);
  }, 120_000);

  it.each(renderPoints)('add killed %s: tenants.yaml is whole (old or with the tenant), the next run recovers', async (_name, when) => {
    const before = withTenants(base, 300);
    const root = await tempRepo({ rendered: true, tenants: before });
    const killed = await tenantctl(root, ['add', '--tenant-id', 'acme', '--name', 'Acme'], { killWhen: () => when(root) });
    expect(killed.signal).toBe('SIGKILL');
    const after = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    const added = await tempRepo({ tenants: before });
    expect((await cli(added, 'add', '--tenant-id', 'acme', '--name', 'Acme')).exitCode).toBe(0);
    expect([before, await readFile(path.join(added, 'tenants.yaml'), 'utf8')]).toContain(after);
    await nextRunRecovers(root);
  }, 120_000);

  it('leftovers of every kind (a stale lock, a half-written tenants.yaml edit, an unfinished staging tree) are cleaned by the next run', async () => {
    const root = await tempRepo({ rendered: true });
    const tenants = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    await writeFile(path.join(root, '.tenantctl.lock'), '999999999\n');
    await writeFile(path.join(root, '.tenants.yaml.tmp'), tenants.slice(0, 100));
    await mkdir(path.join(root, '.rendered.staging/ai-agents-x'), { recursive: true });
    await writeFile(path.join(root, '.rendered.staging/ai-agents-x/half.yaml'), 'apiVersion: v1\nkind: Con');
    await nextRunRecovers(root);
    expect(await readFile(path.join(root, 'tenants.yaml'), 'utf8')).toBe(tenants);
    expect(existsSync(path.join(root, 'rendered/ai-agents-x'))).toBe(false);
  });
});

/** A 2 MiB tmpfs, where it can be mounted (root on Linux); undefined with the reason otherwise. */
let smallDisk: string | undefined;
let noSmallDisk = '';
try {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-enospc-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  smallDisk = dir;
} catch (e) {
  noSmallDisk = (e as Error).message.split('\n')[0] ?? 'mount failed';
}
afterAll(async () => {
  if (!smallDisk) return;
  execFileSync('umount', [smallDisk]);
  await rm(smallDisk, { recursive: true, force: true });
});
if (!smallDisk) console.warn(`SKIPPED disk-full tests: cannot mount a small tmpfs (${noSmallDisk})`);

describe.skipIf(!smallDisk)('disk full (ENOSPC, a 2 MiB tmpfs)', () => {
  it('render and add fail with the path and what to do, change nothing, and the run after space is freed recovers', async () => {
    const root = path.join(smallDisk!, 'repo');
    for (const p of ['templates', 'tenants.yaml', 'rendered']) await cp(path.join(repoRoot, p), path.join(root, p), { recursive: true });
    const tree = await treeOf(root);
    // 300 tenants need about 6,000 files: far more than the disk holds.
    const tenants = withTenants(base, 300);
    await writeFile(path.join(root, 'tenants.yaml'), tenants);

    // Without the render cache, which would fill the disk before the tree does (it only loses speed to ENOSPC).
    const render = await tenantctl(root, ['render', '--no-cache']);
    expect(render.code, render.out).toBe(2);
    expect(render.out).toMatch(/input\/filesystem +could not process: ENOSPC: cannot \w+ \.rendered\.staging\//);
    expect(render.out).toContain('the disk is full: free space and run again');
    await expectUnchanged(root, { tree, tenants });

    const add = await tenantctl(root, ['add', '--tenant-id', 'acme', '--name', 'Acme']);
    expect(add.code, add.out).toBe(2);
    expect(add.out).toContain('ENOSPC');
    expect(add.out).toContain('tenants.yaml was restored');
    await expectUnchanged(root, { tree, tenants });

    execFileSync('mount', ['-o', 'remount,size=256m', smallDisk!]);
    await nextRunRecovers(root);
    const again = await tenantctl(root, ['add', '--tenant-id', 'acme', '--name', 'Acme']);
    expect(again.code, again.out).toBe(0);
    expect(await drift(root)).toEqual([]);
    expect(leftovers(root)).toEqual([]);
  }, 180_000);
});

describe('no permission (EACCES, run as an unprivileged user)', () => {
  // The system's temporary folder is shared (apt's sandboxed user writes there too): these tests must leave its mode as they found it.
  const tmpMode = statSync(tmpdir()).mode & 0o7777;
  afterAll(() => expect((statSync(tmpdir()).mode & 0o7777).toString(8)).toBe(tmpMode.toString(8)));
  /** A repository in a folder the unprivileged user can enter; `own` lists what that user owns. */
  async function repoFor(own: (root: string) => string[]): Promise<string> {
    const root = await tempRepo({ rendered: true, tenants: withTenants(base, 20) });
    // The repository itself (mkdtemp makes it 0700) and everything in it; never its parent, the system's temporary folder.
    execFileSync('chmod', ['-R', 'a+rX', root]);
    for (const p of own(root)) await chown(p, NOBODY, NOBODY);
    return root;
  }

  it('a repository the user cannot write: render and add refuse with the path, change nothing', async () => {
    const root = await repoFor(() => []);
    const tree = await treeOf(root);
    const tenants = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    for (const argv of [['render'], ['add', '--tenant-id', 'acme', '--name', 'Acme']]) {
      const r = await tenantctl(root, argv, { as: NOBODY });
      expect(r.code, r.out).toBe(2);
      expect(r.out).toMatch(/EACCES: cannot \w+ \S+/);
      expect(r.out).toContain('give the user running tenantctl write access');
      expect(r.out).not.toContain('internal error');
      await expectUnchanged(root, { tree, tenants });
    }
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, root]);
    await nextRunRecovers(root, NOBODY);
  }, 120_000);

  it('a read-only rendered/ in a writable repository: render and add change nothing (tenants.yaml is restored), and the run after access is given recovers', async () => {
    // The user owns the repository folder and tenants.yaml, not rendered/.
    const root = await repoFor((r) => [r, path.join(r, 'tenants.yaml')]);
    const tree = await treeOf(root);
    const tenants = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    const render = await tenantctl(root, ['render'], { as: NOBODY });
    expect(render.code, render.out).toBe(2);
    expect(render.out).toMatch(/EACCES: cannot access rendered\b/);
    expect(leftovers(root)).toEqual([]);
    const add = await tenantctl(root, ['add', '--tenant-id', 'acme', '--name', 'Acme'], { as: NOBODY });
    expect(add.code, add.out).toBe(2);
    expect(add.out).toContain('EACCES');
    expect(add.out).toContain('tenants.yaml was restored');
    await expectUnchanged(root, { tree, tenants });
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, path.join(root, 'rendered')]);
    const again = await tenantctl(root, ['add', '--tenant-id', 'acme', '--name', 'Acme'], { as: NOBODY });
    expect(again.code, again.out).toBe(0);
    expect(await drift(root)).toEqual([]);
    expect(leftovers(root)).toEqual([]);
  }, 120_000);
});
