import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { LOCK_FILE } from '../../src/tree/lock.js';
import { aliasBomb, bundledTenants, cleanupTempRepos, cli, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

describe('one writer at a time', () => {
  it('a render while another holds the lock stops with the holder\'s pid and writes nothing', async () => {
    const root = await tempRepo({ rendered: true });
    const before = await treeOf(root);
    // This test process is alive, so its pid is a lock held by a running tenantctl.
    await writeFile(path.join(root, LOCK_FILE), `${process.pid}\n`);
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`render/locked`);
    expect(r.stderr).toContain(`pid ${process.pid}`);
    expect(await treeOf(root)).toEqual(before);
    const add = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme');
    expect(add.exitCode).toBe(2);
    expect(await readFile(path.join(root, 'tenants.yaml'), 'utf8')).not.toContain('acme');
  });

  it('takes over a stale lock whose process is gone, and releases its own', async () => {
    const root = await tempRepo();
    await writeFile(path.join(root, LOCK_FILE), '999999999\n');
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(0);
    expect(existsSync(path.join(root, LOCK_FILE))).toBe(false);
  });

  it('removes what a run killed while taking the lock left behind, and leaves a live run\'s alone', async () => {
    const root = await tempRepo();
    await writeFile(path.join(root, `${LOCK_FILE}.999999999`), '999999999\n');
    // The process that started this test is alive: its file is a run still taking the lock.
    await writeFile(path.join(root, `${LOCK_FILE}.${process.ppid}`), `${process.ppid}\n`);
    expect((await cli(root, 'render')).exitCode).toBe(0);
    expect(existsSync(path.join(root, `${LOCK_FILE}.999999999`))).toBe(false);
    expect(existsSync(path.join(root, `${LOCK_FILE}.${process.ppid}`))).toBe(true);
  });
});

describe('bounded reading', () => {
  it('an alias bomb in tenants.yaml is an input error at its line, not a hang or a crash', async () => {
    const tenants = `${aliasBomb('x')}${await bundledTenants()}`;
    const root = await tempRepo({ tenants });
    const r = await cli(root, 'check');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/tenants\.yaml:2:\d+ +error +input\/tenants-file .*alias expansions/);
  });

  it('an alias bomb in a committed file is reported at that file', async () => {
    const root = await tempRepo({ rendered: true });
    const file = 'rendered/ai-agents-test-tenant-a/workloads/configmap-tenant-config.yaml';
    const text = await readFile(path.join(root, file), 'utf8');
    await writeFile(path.join(root, file), `${text}${aliasBomb('extra').replace(/^/gm, '  ').replace(/^ {2}/, 'extra:\n  ')}`);
    const r = await cli(root, 'check', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; message: string; file?: { path: string; line: number } }[] }).diagnostics;
    const written = await readFile(path.join(root, file), 'utf8');
    const aliasLine = written.split('\n').findIndex((l) => l.includes('*a')) + 1;
    expect(ds.filter((d) => d.ruleId === 'manifest/yaml-syntax' && /alias expansions/.test(d.message)).map((d) => [d.file?.path, d.file?.line])).toEqual([[file, aliasLine]]);
  });

  it('an alias without its anchor in a committed file is reported at the alias, not thrown', async () => {
    const root = await tempRepo({ rendered: true });
    const file = 'rendered/ai-agents-test-tenant-a/workloads/configmap-tenant-config.yaml';
    const text = await readFile(path.join(root, file), 'utf8');
    // Anchors defined after their alias do not count either: that one resolves nothing.
    await writeFile(path.join(root, file), `${text}  EXTRA: *nowhere\n  LATER: &nowhere x\n`);
    const r = await cli(root, 'check', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; message: string; hint?: string; file?: { path: string; line: number; column: number } }[] }).diagnostics;
    const line = text.split('\n').length;
    expect(ds.filter((d) => d.ruleId === 'manifest/yaml-syntax').map((d) => [d.file, d.message, d.hint])).toEqual([[{ path: file, line, column: 10 }, 'invalid YAML: alias *nowhere refers to no anchor &nowhere before it', 'define &nowhere on an earlier value, or write the value out']]);
  });

  it('an alias without its anchor given to verify is an input error at the alias', async () => {
    const r = await runCli(['verify', '-'], { cwd: '.', env: {}, isTTY: false, stdin: async () => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [b, *nope]\n' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/<stdin>:6:10 +error +manifest\/yaml-syntax .*alias \*nope refers to no anchor/);
  });

  it('deep nesting is refused with a position', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const r = await runCli(['verify', '-'], { cwd: '.', env: {}, isTTY: false, stdin: async () => deep });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/<stdin>:1:\d+ +error +manifest\/yaml-syntax/);
  });
});

describe('symbolic links in rendered/', () => {
  it('are reported, not followed', async () => {
    const { symlink } = await import('node:fs/promises');
    const root = await tempRepo({ rendered: true });
    await symlink('/etc/hostname', path.join(root, 'rendered/ai-agents-test-tenant-a/workloads/secret.yaml'));
    await symlink('/etc', path.join(root, 'rendered/ai-agents-test-tenant-a/etc'));
    const r = await cli(root, 'check', '--format', 'json', '--allow-no-base');
    expect(r.exitCode).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    const links = ds.filter((d) => /is a symbolic link/.test(d.message));
    expect(links.map((d) => [d.ruleId, d.message.split(' is ')[0]])).toEqual([
      ['drift/extra', 'rendered/ai-agents-test-tenant-a/etc'],
      ['drift/extra', 'rendered/ai-agents-test-tenant-a/workloads/secret.yaml'],
    ]);
    // Nothing behind the links was read as a manifest.
    expect(ds.filter((d) => d.message.includes('secret.yaml') && !/is a symbolic link/.test(d.message))).toEqual([]);
  });

  it('are removed by render, which says so, and what they point at is left alone', async () => {
    const { lstat, symlink } = await import('node:fs/promises');
    const root = await tempRepo({ rendered: true });
    const expected = await treeOf(root);
    const outside = path.join(root, 'outside.yaml');
    await writeFile(outside, 'kept: true\n');
    await symlink(outside, path.join(root, 'rendered/ai-agents-test-tenant-a/workloads/secret.yaml'));
    await symlink(root, path.join(root, 'rendered/ai-agents-test-tenant-a/up'));
    const r = await cli(root, 'render', '--no-cache');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/rendered\/ updated: 0 added, 0 changed, 2 removed/);
    expect(await treeOf(root)).toEqual(expected);
    await expect(lstat(path.join(root, 'rendered/ai-agents-test-tenant-a/up'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(outside, 'utf8')).toBe('kept: true\n');
    expect((await cli(root, 'render', '--no-cache')).stdout).toMatch(/already up to date/);
  });
});

describe('a folder in rendered/ where render writes a file', () => {
  it('is replaced by the file, empty or not, and check is then clean', async () => {
    const root = await tempRepo({ rendered: true });
    const expected = await treeOf(root);
    const emptied = path.join(root, 'rendered/database/networkpolicy-allow-tenants-to-redis.yaml');
    const filled = path.join(root, 'rendered/ai-agents-test-tenant-b/limitrange-tenant-limits.yaml');
    for (const f of [emptied, filled]) {
      await rm(f);
      await mkdir(path.join(f, 'nested'), { recursive: true });
    }
    await writeFile(path.join(filled, 'nested', 'notes.txt'), 'by hand\n');
    const r = await cli(root, 'render', '--no-cache');
    expect(r.stderr ?? '').toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/2 added, 0 changed, 1 removed/);
    expect(await treeOf(root)).toEqual(expected);
    for (const f of [emptied, filled]) expect((await stat(f)).isFile()).toBe(true);
    for (const leftover of ['.rendered.swap', '.rendered.previous', '.rendered.staging']) expect(existsSync(path.join(root, leftover))).toBe(false);
    expect((await cli(root, 'check', '--no-cache', '--allow-no-base')).exitCode).toBe(0);
  });

  it('is reported by check as a folder that render would replace, and a file gone as missing', async () => {
    const root = await tempRepo({ rendered: true });
    const folder = 'rendered/database/networkpolicy-allow-tenants-to-redis.yaml';
    const gone = 'rendered/ai-agents-test-tenant-b/limitrange-tenant-limits.yaml';
    await rm(path.join(root, folder));
    await mkdir(path.join(root, folder));
    await rm(path.join(root, gone));
    const r = await cli(root, 'check', '--no-cache', '--allow-no-base', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const missing = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; message: string; file?: { path: string } }[] }).diagnostics.filter((d) => d.ruleId === 'drift/missing');
    expect(missing.map((d) => [d.file?.path, d.message])).toEqual([
      [gone, `${gone} is missing: render would create it`],
      [folder, `${folder} is a folder where render writes a file: render would replace the folder with the file`],
    ]);
  });
});

describe('a cache folder inside rendered/ or templates/', () => {
  it('is refused by render, check and plan before anything is read or written, naming the folder and why', async () => {
    const { symlink } = await import('node:fs/promises');
    const root = await tempRepo({ rendered: true });
    const before = await treeOf(root);
    await symlink(path.join(root, 'templates'), path.join(root, 'linked'));
    const cases: [string, RegExp][] = [
      ['rendered/cache', /--cache-dir rendered\/cache is inside rendered\/: render removes every file there that it does not write/],
      ['rendered', /is inside rendered\//],
      ['templates/.cache', /--cache-dir templates\/\.cache is inside templates\/: every file there is an input of the render/],
      // Through a link, the folder is where the link leads.
      ['linked/c', /--cache-dir linked\/c is inside templates\//],
    ];
    for (const [dir, message] of cases) {
      for (const argv of [['render'], ['check', '--allow-no-base'], ['plan']]) {
        const r = await cli(root, ...argv, '--cache-dir', dir);
        expect(r.exitCode, `${argv[0]} --cache-dir ${dir}`).toBe(2);
        expect(r.stderr).toMatch(message);
      }
    }
    expect(await treeOf(root)).toEqual(before);
    expect(existsSync(path.join(root, 'rendered/cache'))).toBe(false);
    expect(existsSync(path.join(root, 'templates/.cache'))).toBe(false);
    expect(existsSync(path.join(root, 'templates/c'))).toBe(false);
  });

  it('is taken anywhere else, a folder next to them included', async () => {
    const root = await tempRepo({ rendered: true });
    for (const dir of ['rendered-cache', '.cache/tenantctl']) {
      const r = await cli(root, 'render', '--cache-dir', dir, '--timings');
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/^cache +0 tenants from the cache, 2 rendered$/m);
      expect(existsSync(path.join(root, dir))).toBe(true);
    }
  });
});
