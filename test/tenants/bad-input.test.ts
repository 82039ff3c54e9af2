import { afterAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos, cli, lineOf, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

const base = await bundledTenants();

function addTenant(entry: string): string {
  return `${base.trimEnd()}\n\n${entry}`;
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

  it('a tenants.yaml that cannot be read says what to do about it: run where it is, or make it a file', async () => {
    const { mkdir, rm } = await import('node:fs/promises');
    const root = await tempRepo({ rendered: true });
    const before = await treeOf(root);
    await rm(`${root}/tenants.yaml`);
    for (const argv of [['render'], ['check', '--allow-no-base'], ['add', '--tenant-id', 'acme', '--name', 'Acme']]) {
      const r = await cli(root, ...argv);
      expect(r.exitCode, argv[0]).toBe(2);
      expect(`${r.stdout}${r.stderr}`, argv[0]).toMatch(/cannot read tenants\.yaml: ENOENT[^\n]*\n\s*hint: run from the repository root or pass --root DIR/);
    }
    await mkdir(`${root}/tenants.yaml`);
    for (const argv of [['render'], ['check', '--allow-no-base'], ['add', '--tenant-id', 'acme', '--name', 'Acme']]) {
      const r = await cli(root, ...argv);
      expect(r.exitCode, argv[0]).toBe(2);
      expect(`${r.stdout}${r.stderr}`, argv[0]).toMatch(/cannot read tenants\.yaml: EISDIR[^\n]*\n\s*hint: tenants\.yaml is a folder: it must be the file that lists the platform settings and the tenants/);
    }
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

// Templates and committed files under rendered/ are read as bytes: a byte that is not UTF-8 or a character
// YAML forbids is reported at its file, line, column and byte offset (exit 2), never as a parse error at 1:1
// nor silently turned into U+FFFD.
interface ByteCase {
  name: string;
  /** Repo-relative file to corrupt. */
  file: string;
  /** Text on the line to corrupt, and the bytes to put right after it. */
  after: string;
  bytes: number[];
  command: 'render' | 'check';
  message: string;
  hint: string;
}

const configMapTemplate = 'templates/tenant/configmap.yaml.ejs';
const renderedDeployment = 'rendered/ai-agents-test-tenant-a/workloads/deployment-api.yaml';
const renderedNamespace = 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml';
const byteCases: ByteCase[] = [
  { name: 'NUL in a template', file: configMapTemplate, after: '  TENANT_ID:', bytes: [0x00], command: 'render', message: 'contains U+0000 at byte offset', hint: 'delete the character' },
  { name: 'Windows-1252 byte in a template', file: configMapTemplate, after: '  TENANT_NAME:', bytes: [0xe9], command: 'render', message: 'is not UTF-8: byte 0xE9 at byte offset', hint: 'save the template as UTF-8' },
  { name: 'C1 control character in a template', file: configMapTemplate, after: 'kind: ConfigMap', bytes: [0xc2, 0x9b], command: 'render', message: 'contains U+009B at byte offset', hint: 'delete the character' },
  { name: 'template checked by check too', file: configMapTemplate, after: '  TENANT_ID:', bytes: [0x00], command: 'check', message: 'contains U+0000 at byte offset', hint: 'delete the character' },
  { name: 'NUL deep in a committed rendered file', file: renderedDeployment, after: '    rollingUpdate:', bytes: [0x00], command: 'check', message: 'contains U+0000 at byte offset', hint: 'npm run render' },
  { name: 'a 0xFF byte in a committed rendered file', file: renderedNamespace, after: '  name: ai-agents-test-tenant-a', bytes: [0xff], command: 'check', message: 'is not UTF-8: byte 0xFF at byte offset', hint: 'npm run render' },
  { name: 'DEL in a committed rendered file', file: renderedDeployment, after: '  replicas:', bytes: [0x7f], command: 'check', message: 'contains U+007F at byte offset', hint: 'npm run render' },
];

describe('bad bytes in templates and committed rendered files', () => {
  it.each(byteCases)('$name: file:line:column and byte offset, exit 2, nothing written', async (c) => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const root = await tempRepo({ rendered: true });
    const original = await readFile(`${root}/${c.file}`);
    const anchor = original.indexOf(c.after);
    expect(anchor, `anchor "${c.after}" in ${c.file}`).toBeGreaterThanOrEqual(0);
    const offset = anchor + Buffer.byteLength(c.after);
    const corrupted = Buffer.concat([original.subarray(0, offset), Buffer.from(c.bytes), original.subarray(offset)]);
    await writeFile(`${root}/${c.file}`, corrupted);
    const before = await treeOf(root);
    const r = await cli(root, c.command, ...(c.command === 'check' ? ['--allow-no-base'] : []));
    const out = `${r.stdout}${r.stderr ?? ''}`;
    expect(r.exitCode, out).toBe(2);
    const text = original.subarray(0, offset).toString('utf8');
    const line = text.split('\n').length;
    const column = offset - (text.lastIndexOf('\n') + 1) + 1;
    expect(out).toContain(`${c.file}:${line}:${column}`);
    expect(out).toContain(`${c.message} ${offset}`);
    expect(out).toContain(c.hint);
    expect(out).not.toContain('could not be parsed');
    expect(out).not.toContain('Implicit keys');
    expect(await treeOf(root)).toEqual(before);
  });

  it('render rewrites a corrupted committed file, and check passes again', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const root = await tempRepo({ rendered: true });
    const clean = await readFile(`${root}/${renderedDeployment}`, 'utf8');
    await writeFile(`${root}/${renderedDeployment}`, clean.replace('  replicas:', '  replicas:\u0000'));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    expect(await readFile(`${root}/${renderedDeployment}`, 'utf8')).toBe(clean);
  });
});
