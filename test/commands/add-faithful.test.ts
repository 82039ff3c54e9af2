import { chmod, lstat, mkdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const read = (root: string) => readFile(path.join(root, 'tenants.yaml'), 'utf8');

describe('add edits tenants.yaml faithfully', () => {
  it('keeps CRLF line endings', async () => {
    const crlf = (await bundledTenants()).replace(/\n/g, '\r\n');
    const root = await tempRepo({ tenants: crlf });
    const r = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme');
    expect(r.exitCode).toBe(0);
    const after = await read(root);
    expect(after).toContain('- id: acme\r\n');
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('keeps the file mode', async () => {
    const root = await tempRepo();
    await chmod(path.join(root, 'tenants.yaml'), 0o640);
    expect((await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme')).exitCode).toBe(0);
    expect((await stat(path.join(root, 'tenants.yaml'))).mode & 0o777).toBe(0o640);
  });

  it('updates the target of a symlinked tenants.yaml and keeps the link', async () => {
    const root = await tempRepo();
    await mkdir(path.join(root, 'config'));
    await rename(path.join(root, 'tenants.yaml'), path.join(root, 'config/tenants.yaml'));
    await symlink('config/tenants.yaml', path.join(root, 'tenants.yaml'));
    expect((await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme')).exitCode).toBe(0);
    expect((await lstat(path.join(root, 'tenants.yaml'))).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(root, 'config/tenants.yaml'), 'utf8')).toContain('- id: acme\n');
  });

  it.each(['yes', 'on', 'no', 'y', 'true', 'null', '017', '1e3', '0o17'])('quotes %s so a YAML 1.1 reader loads the string', async (word) => {
    const root = await tempRepo();
    await cli(root, 'add', '--tenant-id', `t${word.replace(/[^a-z0-9]/g, '')}`, '--name', word);
    const doc = jsYaml.load(await read(root), { schema: jsYaml.DEFAULT_SCHEMA }) as { tenants: { name: unknown }[] };
    expect(doc.tenants.at(-1)!.name).toBe(word);
  });

  it('refuses an existing id with other attributes, saying what differs, and changes nothing', async () => {
    const root = await tempRepo({ rendered: true });
    const before = await read(root);
    const r = await cli(root, 'add', '--tenant-id', 'test-tenant-a', '--name', 'Someone Else', '--tier', 'premium');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('tenant "test-tenant-a" already exists with other attributes: name is "Test Tenant A", not "Someone Else"; tier is standard, not premium');
    expect(await read(root)).toBe(before);
  });

  it('finishes an add that was interrupted after writing tenants.yaml', async () => {
    const root = await tempRepo({ rendered: true });
    // As if killed between the edit and the render: the tenant is listed, rendered/ lacks it.
    await writeFile(path.join(root, 'tenants.yaml'), `${(await read(root)).trimEnd()}\n  - id: acme\n    name: Acme\n`);
    expect((await cli(root, 'check', '--allow-no-base')).exitCode).toBe(1);
    const r = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/already exists in tenants\.yaml; finished rendering it \(\d+ added/);
    expect((await cli(root, 'check', '--allow-no-base')).exitCode).toBe(0);
    const again = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme');
    expect(again.stdout).toContain('rendered/ is up to date; nothing changed');
  });
});

describe('add arguments', () => {
  it('blames --name, not tenants.yaml, for a line break or an invisible character', async () => {
    const root = await tempRepo();
    const before = await read(root);
    for (const name of ['Acme\nCorp', 'Acme\u202eCorp']) {
      const r = await cli(root, 'add', '--tenant-id', 'acme', '--name', name);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^tenantctl add: --name contains U\+(000A|202E)/);
    }
    expect(await read(root)).toBe(before);
  });
});
