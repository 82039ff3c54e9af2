import { chmod, readFile } from 'node:fs/promises';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml12 } from 'yaml';
import { bundledTenants, cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

/** The text that `after` adds to `before`, if everything else is byte for byte the same. */
function insertion(before: string, after: string): string | undefined {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  if (p + s !== before.length) return undefined;
  return after.slice(p, after.length - s);
}

describe('add over tenants.yaml as people write it', async () => {
  const base = await bundledTenants();
  const head = base.slice(0, base.indexOf('\ntenants:') + 1);
  const variants: { name: string; text: string; id?: string; tenantName?: string }[] = [
    { name: 'as shipped', text: base },
    { name: 'CRLF line endings', text: base.replace(/\n/g, '\r\n') },
    { name: 'a byte order mark', text: `\uFEFF${base}` },
    { name: 'tabs in comments', text: base.replace('tenants:\n', 'tenants:\t# the\ttenants\n') },
    { name: 'flow style list', text: `${head}tenants: [{id: test-tenant-a, name: Test Tenant A}, {id: test-tenant-b, name: "Test Tenant B"}]\n` },
    { name: 'empty flow list', text: `${head}tenants: []\n` },
    { name: 'anchors and aliases', text: base.replace('    tier: standard\n', '    tier: &std standard\n').replace(/(id: test-tenant-b\n(?: {4}.*\n)*? {4}tier: )standard/, '$1*std') },
    { name: 'a trailing comment', text: `${base}# end of tenants\n` },
    { name: 'no final newline', text: base.trimEnd() },
    { name: 'CRLF and no final newline', text: base.trimEnd().replace(/\n/g, '\r\n') },
    { name: 'four-space indentation', text: `${head}tenants:\n    - id: test-tenant-a\n      name: Test Tenant A\n    - id: test-tenant-b\n      name: Test Tenant B\n` },
    { name: 'quoted ids', text: base.replace('- id: test-tenant-a', '- id: "test-tenant-a"') },
    { name: 'an id YAML 1.1 reads as a boolean', text: base, id: 'yes' },
    { name: 'a name YAML 1.1 reads as octal', text: base, tenantName: '017' },
    { name: 'a name that looks like null', text: base, tenantName: 'null' },
    { name: 'a name with a colon and a hash', text: base, tenantName: 'Acme: R&D #1' },
  ];

  it('covers at least 15 variants', () => expect(variants.length).toBeGreaterThanOrEqual(15));

  it.each(variants)('$name: only the entry is added, and YAML 1.1 and 1.2 readers agree', async ({ text, id = 'acme', tenantName = 'Acme' }) => {
    const root = await tempRepo({ tenants: text });
    const r = await cli(root, 'add', '--tenant-id', id, '--name', tenantName);
    expect(r.exitCode, r.stderr).toBe(0);
    const after = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    const added = insertion(text, after);
    expect(added, 'every byte outside the inserted entry is unchanged').toBeDefined();
    expect(added).toContain(id === 'yes' ? '"yes"' : id);
    const v11 = jsYaml.load(after.replace(/^\uFEFF/, ''), { schema: jsYaml.DEFAULT_SCHEMA }) as { tenants: { id: unknown; name: unknown }[] };
    const v12 = parseYaml12(after.replace(/^\uFEFF/, '')) as { tenants: { id: unknown; name: unknown }[] };
    expect(v11).toEqual(v12);
    expect(v11.tenants.at(-1)).toMatchObject({ id, name: tenantName });
  });

  it('read-only: refuses and changes nothing', async () => {
    const root = await tempRepo();
    const file = path.join(root, 'tenants.yaml');
    await chmod(file, 0o444);
    const before = await readFile(file, 'utf8');
    const r = await cli(root, 'add', '--tenant-id', 'acme', '--name', 'Acme');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('tenants.yaml is read-only');
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
