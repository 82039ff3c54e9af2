import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos, cli, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

const read = (root: string) => readFile(path.join(root, 'tenants.yaml'), 'utf8');

describe('tenantctl add', () => {
  it('appends the tenant, leaves every other byte of tenants.yaml as it was, and renders', async () => {
    const root = await tempRepo({ rendered: true });
    const before = await read(root);
    const r = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme: Corp', '--tier', 'premium');
    expect(r.stderr ?? '').toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('added tenant "acme" (namespace ai-agents-acme, tier premium)');
    const after = await read(root);
    expect(after).toBe(`${before}\n  - id: acme\n    name: "Acme: Corp"\n    tier: premium\n`);
    const tree = await treeOf(root);
    expect(tree.has('rendered/ai-agents-acme/workloads/deployment-api.yaml')).toBe(true);
    expect(tree.get('rendered/ai-agents-acme/resourcequota-tenant-quota.yaml')).toContain('requests.cpu: "8"');
    expect((await cli(root, 'check')).stdout).not.toContain('drift/');
  });

  it('keeps comments and formatting everywhere else, even after a commented last entry', async () => {
    const base = await bundledTenants();
    const text = `${base}    # reviewed by the platform team\n# end of tenants\n`;
    const root = await tempRepo({ tenants: text });
    expect((await cli(root, 'add', '--tenant-id', 'beta', '--name', 'Beta')).exitCode).toBe(0);
    const after = await read(root);
    const inserted = '\n  - id: beta\n    name: Beta\n';
    const at = after.indexOf(inserted);
    expect(at).toBeGreaterThan(0);
    expect(after.slice(0, at) + after.slice(at + inserted.length)).toBe(text);
  });

  it('is idempotent: an existing id changes nothing', async () => {
    const root = await tempRepo({ rendered: true });
    const before = await read(root);
    const treeBefore = await treeOf(root);
    const r = await cli(root, 'add', '--tenant-id', 'test-tenant-a', '--name', 'Test Tenant A');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('tenant "test-tenant-a" already exists in tenants.yaml and rendered/ is up to date; nothing changed\n');
    expect(await read(root)).toBe(before);
    expect(await treeOf(root)).toEqual(treeBefore);
    const again = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme');
    const once = await read(root);
    expect(again.exitCode).toBe(0);
    expect((await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme')).stdout).toContain('already exists');
    expect(await read(root)).toBe(once);
  });

  it('rejects an invalid id with the same error as validation, changing nothing', async () => {
    const root = await tempRepo({ rendered: true });
    const before = await read(root);
    const treeBefore = await treeOf(root);
    const r = await cli(root, 'add', '--tenant-id', 'Acme_Corp', '--name', 'Acme');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('tenant id "Acme_Corp" is not a DNS-1123 label');
    expect(r.stderr).toContain('input/tenants-file');
    expect(await read(root)).toBe(before);
    expect(await treeOf(root)).toEqual(treeBefore);

    // The message is the one a hand edit of tenants.yaml gets from render.
    await writeFile(path.join(root, 'tenants.yaml'), `${before}\n  - id: Acme_Corp\n    name: Acme\n`);
    const byHand = await cli(root, 'render');
    expect(byHand.stderr).toContain('tenant id "Acme_Corp" is not a DNS-1123 label');
  });

  it('rejects an unknown tier and requires --tenant-id', async () => {
    const root = await tempRepo();
    const r = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme', '--tier', 'premum');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('did you mean "premium"');
    expect((await cli(root, 'add', '--name', 'Acme')).exitCode).toBe(2);
  });
});
