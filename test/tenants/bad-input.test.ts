import { afterAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos, cli, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

const base = await bundledTenants();

function addTenant(entry: string): string {
  return `${base.trimEnd()}\n\n${entry}`;
}
function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`needle not found: ${needle}`);
  return text.slice(0, at).split('\n').length;
}

// The table of single bad inputs (each refused at its line, nothing changed anywhere) is test/hostile/table.test.ts.

describe('bad tenants.yaml inputs', () => {
  it('bytes that are not UTF-8 are an error at their line and column, not a silent replacement character', async () => {
    const root = await tempRepo({ rendered: true });
    const before = await treeOf(root);
    const { writeFile } = await import('node:fs/promises');
    const text = addTenant('  - id: acme\n    name: "Caf\u00e9"\n');
    // "é" as Windows-1252 (0xE9), as an editor with the wrong encoding saves it.
    const bytes = Buffer.from(text.replace('\u00e9', '\u0000'), 'utf8');
    bytes[bytes.indexOf(0)] = 0xe9;
    await writeFile(`${root}/tenants.yaml`, bytes);
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    const line = lineOf(text, 'name: "Caf');
    expect(r.stderr).toContain(`tenants.yaml:${line}:15`);
    expect(r.stderr).toContain('tenants.yaml is not UTF-8: byte 0xE9 cannot start or continue a character');
    expect(r.stderr).toContain('save the file as UTF-8');
    expect(await treeOf(root)).toEqual(before);
  });

  it('reports every error in one run', async () => {
    const text = addTenant('  - id: Bad_Id\n    name: X\n  - id: acme\n    name: Acme\n    teir: gold\n    tier: gold\n  - id: test-tenant-a\n    name: Again\n');
    const root = await tempRepo({ tenants: text });
    const r = await cli(root, 'check');
    expect(r.exitCode).toBe(2);
    for (const message of ['unknown key "teir"', '"Bad_Id" is not a DNS-1123 label', 'tier "gold" is not defined', 'already used by tenants[0]']) {
      expect(r.stdout).toContain(message);
    }
  });
});
