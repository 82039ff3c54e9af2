import { afterAll, describe, expect, it } from 'vitest';
import { bundledTenants, cleanupTempRepos, cli, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

const base = await bundledTenants();
const tenantB = '  - id: test-tenant-b\n    name: Test Tenant B\n';

function replace(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`fixture anchor not found: ${from}`);
  return base.replace(from, to);
}
function addTenant(entry: string): string {
  return `${base.trimEnd()}\n\n${entry}`;
}
function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`needle not found: ${needle}`);
  return text.slice(0, at).split('\n').length;
}

interface Case {
  name: string;
  text: string;
  message: string;
  /** Text whose line the error must point at (and which occurrence). */
  at: string;
  nth?: number;
  hint?: string;
}

const cases: Case[] = [
  { name: 'unterminated quote', text: addTenant('  - id: "acme\n    name: Acme\n'), message: 'invalid YAML', at: '"acme' },
  { name: 'bad indentation', text: addTenant('  - id: acme\n   name: Acme\n'), message: 'invalid YAML', at: '   name: Acme' },
  { name: 'duplicate key', text: addTenant('  - id: acme\n    name: Acme\n    name: Acme Corp\n'), message: 'duplicate key', at: 'name: Acme Corp' },
  { name: 'typo in tenant key', text: replace(`${tenantB}    tier: standard`, `${tenantB}    teir: standard`), message: 'unknown key "teir"', at: 'teir', hint: 'did you mean "tier"' },
  { name: 'typo in platform key', text: replace('  namespacePrefix: ai-agents-', '  namespacePrefx: ai-agents-'), message: 'unknown key "namespacePrefx"', at: 'namespacePrefx', hint: 'did you mean "namespacePrefix"' },
  { name: 'uppercase id', text: addTenant('  - id: Acme\n    name: Acme\n'), message: 'not a DNS-1123 label', at: 'id: Acme' },
  { name: 'leading hyphen', text: addTenant('  - id: -acme\n    name: Acme\n'), message: 'not a DNS-1123 label', at: 'id: -acme' },
  { name: 'underscore in id', text: addTenant('  - id: acme_corp\n    name: Acme\n'), message: 'not a DNS-1123 label', at: 'id: acme_corp' },
  { name: 'id too long with prefix', text: addTenant(`  - id: ${'a'.repeat(54)}\n    name: Long\n`), message: 'Kubernetes allows 63', at: `id: ${'a'.repeat(54)}`, hint: 'at most 53 characters' },
  { name: 'duplicate id', text: addTenant('  - id: test-tenant-a\n    name: Again\n'), message: 'already used by tenants[0]', at: 'id: test-tenant-a', nth: 1 },
  { name: 'reserved kube- id', text: addTenant('  - id: kube-system\n    name: K\n'), message: 'is reserved', at: 'id: kube-system' },
  { name: 'reserved default id', text: addTenant('  - id: default\n    name: D\n'), message: 'is reserved', at: 'id: default' },
  { name: 'unknown tier', text: addTenant('  - id: acme\n    name: Acme\n    tier: premum\n'), message: 'tier "premum" is not defined', at: 'tier: premum', hint: 'did you mean "premium"' },
  { name: 'unknown default tier', text: replace('  tier: standard\n  imageTag', '  tier: gold\n  imageTag'), message: 'tier "gold" is not defined', at: 'tier: gold' },
  { name: 'quota quantity does not parse', text: replace('    requests.cpu: "16"', '    requests.cpu: "sixteen"'), message: 'not a Kubernetes quantity', at: 'sixteen' },
  { name: 'resource override does not parse', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      resources:\n        limits: { cpu: 1.5x }\n'), message: 'not a Kubernetes quantity', at: 'limits: { cpu: 1.5x }' },
  { name: 'replicas as a string', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      replicas: "3"\n'), message: 'must be a integer', at: 'replicas: "3"' },
  { name: 'config value is a number', text: addTenant('  - id: acme\n    name: Acme\n    config:\n      MAX_TOKENS: 4096\n'), message: 'must be a string', at: 'MAX_TOKENS', hint: 'quote the value' },
  { name: 'missing display name', text: addTenant('  - id: acme\n    tier: standard\n'), message: 'missing the required key "name"', at: 'id: acme' },
  { name: 'autoscaling bounds reversed', text: addTenant('  - id: acme\n    name: Acme\n    worker:\n      autoscaling:\n        minReplicas: 5\n        maxReplicas: 2\n'), message: 'minReplicas 5 exceeds maxReplicas 2', at: 'autoscaling:', nth: 1 },
  { name: 'unsupported file version', text: replace('version: 1', 'version: 2'), message: 'version must be 1', at: 'version: 2' },
  { name: 'bad pod security level', text: replace('    level: restricted', '    level: restrict'), message: 'must be one of', at: 'level: restrict' },
  { name: 'negative quota', text: replace('      requests.cpu: "2"\n', '      requests.cpu: "-2"\n'), message: 'is negative; the API server rejects negative quantities', at: 'requests.cpu: "-2"' },
  { name: 'cluster server that is not a URL', text: replace('\ntenants:\n', '\nclusters:\n  - name: eu\n    server: "https://a b<%= x %>"\n\ntenants:\n'), message: 'contains whitespace or characters a URL cannot hold', at: 'server: "https://a b' },
  { name: 'cluster server over plain http', text: replace('\ntenants:\n', '\nclusters:\n  - name: eu\n    server: http://eu.example.com\n\ntenants:\n'), message: 'must use https', at: 'server: http://eu.example.com' },
  { name: 'over-long id with an underscore', text: addTenant(`  - id: ${'a'.repeat(70)}_x\n    name: Long\n`), message: 'is not a DNS-1123 label (it contains "_")', at: `id: ${'a'.repeat(70)}_x` },
  { name: 'id with an invisible character', text: addTenant('  - id: "ac\\u200bme"\n    name: Acme\n'), message: 'it contains U+200B', at: 'id: "ac' },
  { name: 'invalid CIDR', text: replace('      - 169.254.0.0/16', '      - 300.254.0.0/16'), message: 'is not an address/prefix-length CIDR', at: '300.254.0.0/16' },
  { name: 'CIDR with leading zeros (CVE-2021-29923)', text: replace('      - 169.254.0.0/16', '      - 169.254.000.0/16'), message: 'without leading zeros', at: '169.254.000.0/16' },
  { name: 'CIDR with host bits', text: replace('      - 169.254.0.0/16', '      - 169.254.0.1/16'), message: 'has host bits set; the network is 169.254.0.0/16', at: '169.254.0.1/16' },
  { name: 'image tag with a space', text: addTenant('  - id: acme\n    name: Acme\n    imageTag: "1.0 beta"\n'), message: 'does not match', at: 'imageTag: "1.0 beta"' },
  { name: 'tenants is a map', text: replace('tenants:\n  - id: test-tenant-a', 'tenants:\n  test-tenant-a:\n    x: 1\n  other:') .replace('  - id: test-tenant-b', '  - id: test-tenant-b'), message: 'invalid YAML', at: '  - id: test-tenant-b' },
  { name: 'admission Deny with Warn', text: replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    validationActions: [Deny, Warn]\n'), message: 'combines Deny and Warn, which the API server rejects', at: 'validationActions: [Deny, Warn]' },
  { name: 'admission action misspelt', text: replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    validationActions: [Deny, Audt]\n'), message: 'must be one of', at: 'validationActions: [Deny, Audt]' },
  { name: 'admission controller that is not a username (it ends up in CEL)', text: replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    controllers: ["argocd application controller"]\n'), message: 'does not match', at: 'controllers:' },
  { name: 'a NUL character', text: addTenant('  - id: acme\n    name: "Ac\u0000me"\n'), message: 'contains U+0000, a control character YAML does not allow', at: 'name: "Ac' },
  { name: 'a C1 control character', text: addTenant('  - id: acme\n    name: Ac\u0085me\u009bx\n'), message: 'contains U+009B, a control character YAML does not allow', at: 'name: Ac' },
  { name: 'waiver without a real reason', text: addTenant('  - id: acme\n    name: Acme\n    waivers:\n      - rule: isolation/image-pinned\n        reason: later\n'), message: 'reason', at: 'reason: later' },
];

describe('bad tenants.yaml inputs', () => {
  it('has at least 20 distinct cases', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('$name: message at the right line, exit 2, rendered/ untouched', async (c) => {
    const root = await tempRepo({ rendered: true });
    const before = await treeOf(root);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${root}/tenants.yaml`, c.text);
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    const out = r.stderr ?? '';
    expect(out).toContain(c.message);
    expect(out).toContain(`tenants.yaml:${lineOf(c.text, c.at, c.nth)}:`);
    if (c.hint) expect(out).toContain(c.hint);
    expect(out).toContain('nothing was written');
    expect(await treeOf(root)).toEqual(before);
  });

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
