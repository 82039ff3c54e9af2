import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile, chmod, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/tree/lock.js';
import { aliasBomb, bundledTenants, cli, lineOf, repoRoot } from '../helpers.js';

/**
 * Hostile inputs, one row each: every command a row names must refuse it with
 * exit 2, say where (file:line, or the argument), say how to fix it, and leave
 * everything as it was: tenants.yaml, rendered/, and the whole folder the
 * repository sits in (a sibling `outside/` is what escapes would aim at).
 */

const parents: string[] = [];
afterAll(() => Promise.all(parents.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

const base = await bundledTenants();

function replace(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`fixture anchor not found: ${from}`);
  return base.replace(from, to);
}
function addTenant(entry: string): string {
  return `${base.trimEnd()}\n\n${entry}`;
}
/** `tenants.yaml:LINE:` of the first (or nth) occurrence of `needle`. */
const at = (text: string, needle: string, nth = 0) => `tenants.yaml:${lineOf(text, needle, nth)}:`;

type Kind =
  | 'path'
  | 'size'
  | 'alias/nesting'
  | 'encoding'
  | 'invisible/bidi'
  | 'id'
  | 'typo'
  | 'quantity'
  | 'cidr'
  | 'url'
  | 'template'
  | 'symlink'
  | 'add argument'
  | 'file system'
  | 'structure';

interface Row {
  name: string;
  kind: Kind;
  /** tenants.yaml as text (or bytes) to write before the run. */
  tenants?: string | Buffer;
  /** Any other preparation: files under templates/, links, leftovers. */
  setup?: (repo: string, parent: string) => Promise<void>;
  /** Commands to run; each must be refused. Default: render and check. */
  runs?: string[][];
  message: string | RegExp;
  /** Where: `file:line:` or the argument's name. */
  where: string | RegExp;
  /** The fix the output must suggest; default: any `hint:` line. */
  hint?: string | RegExp;
}

const renderAndCheck = [['render'], ['check']];
const addArgs = (...argv: string[]) => [['add', ...argv]];

async function template(repo: string, file: string, text: string): Promise<void> {
  await writeFile(path.join(repo, 'templates', file), text);
}
async function editTemplate(repo: string, file: string, from: RegExp | string, to: string): Promise<void> {
  const p = path.join(repo, 'templates', file);
  const text = await readFile(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  await writeFile(p, next);
}

const cm = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: <%- v(tenant.namespace) %>\n${extra}`;

function bytesWith(text: string, marker: string, bytes: number[]): Buffer {
  const at = Buffer.from(text.slice(0, text.indexOf(marker)), 'utf8').length;
  const whole = Buffer.from(text, 'utf8');
  return Buffer.concat([whole.subarray(0, at), Buffer.from(bytes), whole.subarray(at + Buffer.byteLength(marker))]);
}

const tenantB = '  - id: test-tenant-b\n    name: Test Tenant B\n';
const clusters = (body: string) => replace('\ntenants:\n', `\nclusters:\n${body}\ntenants:\n`);
/** More denied ranges after the bundled ones, and `externalCidrs` (a flow list) when given. */
const egress = (denied: string, external?: string) =>
  replace('      - 10.96.0.0/12\n', `      - 10.96.0.0/12\n${denied}${external === undefined ? '' : `    externalCidrs: ${external}\n`}`);

// tenants.yaml rows: text, what the message says, and the text whose line it must name.
const tenantsRows: { name: string; kind: Kind; text: string; message: string; needle: string; nth?: number; hint?: string }[] = [
  // ids
  { name: 'uppercase id', kind: 'id', text: addTenant('  - id: Acme\n    name: Acme\n'), message: 'not a DNS-1123 label', needle: 'id: Acme' },
  { name: 'leading hyphen', kind: 'id', text: addTenant('  - id: -acme\n    name: Acme\n'), message: 'not a DNS-1123 label', needle: 'id: -acme' },
  { name: 'trailing hyphen', kind: 'id', text: addTenant('  - id: acme-\n    name: Acme\n'), message: 'not a DNS-1123 label', needle: 'id: acme-' },
  { name: 'underscore in id', kind: 'id', text: addTenant('  - id: acme_corp\n    name: Acme\n'), message: 'not a DNS-1123 label', needle: 'id: acme_corp' },
  { name: 'dot in id', kind: 'id', text: addTenant('  - id: acme.corp\n    name: Acme\n'), message: 'not a DNS-1123 label (it contains ".")', needle: 'id: acme.corp' },
  { name: 'id too long with prefix', kind: 'id', text: addTenant(`  - id: ${'a'.repeat(54)}\n    name: Long\n`), message: 'Kubernetes allows 63', needle: `id: ${'a'.repeat(54)}`, hint: 'at most 53 characters' },
  { name: 'over-long id with an underscore', kind: 'id', text: addTenant(`  - id: ${'a'.repeat(70)}_x\n    name: Long\n`), message: 'is not a DNS-1123 label (it contains "_")', needle: `id: ${'a'.repeat(70)}_x` },
  { name: 'duplicate id', kind: 'id', text: addTenant('  - id: test-tenant-a\n    name: Again\n'), message: 'already used by tenants[0]', needle: 'id: test-tenant-a', nth: 1 },
  { name: 'reserved kube- id', kind: 'id', text: addTenant('  - id: kube-system\n    name: K\n'), message: 'is reserved', needle: 'id: kube-system' },
  { name: 'reserved default id', kind: 'id', text: addTenant('  - id: default\n    name: D\n'), message: 'is reserved', needle: 'id: default' },
  { name: 'numeric id', kind: 'id', text: addTenant('  - id: 1234\n    name: Numbers\n'), message: 'must be a string', needle: 'id: 1234' },
  { name: 'empty id', kind: 'id', text: addTenant('  - id: ""\n    name: Nobody\n'), message: 'id', needle: 'id: ""' },
  // paths: values that end up in file names
  { name: 'tenant id that climbs out of rendered/', kind: 'path', text: addTenant('  - id: ../../outside\n    name: Escape\n'), message: 'not a DNS-1123 label', needle: 'id: ../../outside' },
  { name: 'managedBy label that climbs out', kind: 'path', text: replace('managedBy: ai-agents-platform', 'managedBy: /../../outside/escaped'), message: 'a lowercase RFC 1123 label', needle: 'managedBy: /../../outside' },
  { name: 'namespace prefix with a path', kind: 'path', text: replace('namespacePrefix: ai-agents-', 'namespacePrefix: ../../outside/'), message: 'namespacePrefix', needle: 'namespacePrefix: ../../outside/' },
  { name: 'GitOps namespace with a path', kind: 'path', text: replace('    namespace: argocd\n', '    namespace: ../../outside\n'), message: '../../outside', needle: 'namespace: ../../outside' },
  { name: 'cluster name with a path', kind: 'path', text: clusters('  - name: ../outside\n    server: https://eu.example.com\n'), message: '../outside', needle: 'name: ../outside' },
  { name: 'absolute cluster name', kind: 'path', text: clusters('  - name: /tmp/outside\n    server: https://eu.example.com\n'), message: '/tmp/outside', needle: 'name: /tmp/outside' },
  // typos
  { name: 'typo in tenant key', kind: 'typo', text: replace(`${tenantB}    tier: standard`, `${tenantB}    teir: standard`), message: 'unknown key "teir"', needle: 'teir', hint: 'did you mean "tier"' },
  { name: 'typo in platform key', kind: 'typo', text: replace('  namespacePrefix: ai-agents-', '  namespacePrefx: ai-agents-'), message: 'unknown key "namespacePrefx"', needle: 'namespacePrefx', hint: 'did you mean "namespacePrefix"' },
  { name: 'typo in a top-level key', kind: 'typo', text: replace('\ntenants:\n', '\ntenant:\n'), message: 'unknown key "tenant"', needle: 'tenant:\n', hint: 'did you mean "tenants"' },
  { name: 'typo in a tier key', kind: 'typo', text: replace('  standard:\n    quota:', '  standard:\n    qouta:'), message: 'unknown key "qouta"', needle: 'qouta', hint: 'did you mean "quota"' },
  { name: 'unknown tier', kind: 'typo', text: addTenant('  - id: acme\n    name: Acme\n    tier: premum\n'), message: 'tier "premum" is not defined', needle: 'tier: premum', hint: 'did you mean "premium"' },
  { name: 'unknown default tier', kind: 'typo', text: replace('  tier: standard\n  imageTag', '  tier: gold\n  imageTag'), message: 'tier "gold" is not defined', needle: 'tier: gold' },
  { name: 'unsupported file version', kind: 'typo', text: replace('version: 1', 'version: 2'), message: 'version must be 1', needle: 'version: 2' },
  { name: 'bad pod security level', kind: 'typo', text: replace('    level: restricted', '    level: restrict'), message: 'must be one of', needle: 'level: restrict' },
  { name: 'admission action misspelt', kind: 'typo', text: replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    validationActions: [Deny, Audt]\n'), message: 'must be one of', needle: 'validationActions: [Deny, Audt]' },
  // structure and types
  { name: 'unterminated quote', kind: 'structure', text: addTenant('  - id: "acme\n    name: Acme\n'), message: 'invalid YAML', needle: '"acme' },
  { name: 'bad indentation', kind: 'structure', text: addTenant('  - id: acme\n   name: Acme\n'), message: 'invalid YAML', needle: '   name: Acme' },
  { name: 'duplicate key', kind: 'structure', text: addTenant('  - id: acme\n    name: Acme\n    name: Acme Corp\n'), message: 'duplicate key', needle: 'name: Acme Corp' },
  { name: 'replicas as a string', kind: 'structure', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      replicas: "3"\n'), message: 'must be a integer', needle: 'replicas: "3"' },
  { name: 'config value is a number', kind: 'structure', text: addTenant('  - id: acme\n    name: Acme\n    config:\n      MAX_TOKENS: 4096\n'), message: 'must be a string', needle: 'MAX_TOKENS', hint: 'quote the value' },
  { name: 'missing display name', kind: 'structure', text: addTenant('  - id: acme\n    tier: standard\n'), message: 'missing the required key "name"', needle: 'id: acme' },
  { name: 'tenants is a map', kind: 'structure', text: replace('tenants:\n  - id: test-tenant-a', 'tenants:\n  test-tenant-a:\n    x: 1\n  other:'), message: 'invalid YAML', needle: '  - id: test-tenant-b' },
  { name: 'admission Deny with Warn', kind: 'structure', text: replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    validationActions: [Deny, Warn]\n'), message: 'combines Deny and Warn, which the API server rejects', needle: 'validationActions: [Deny, Warn]' },
  { name: 'admission controller that is not a username (it ends up in CEL)', kind: 'structure', text: replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    controllers: ["argocd application controller"]\n'), message: 'does not match', needle: 'controllers:' },
  { name: 'waiver without a real reason', kind: 'structure', text: addTenant('  - id: acme\n    name: Acme\n    waivers:\n      - rule: isolation/image-pinned\n        reason: later\n'), message: 'reason', needle: 'reason: later' },
  { name: 'image tag with a space', kind: 'structure', text: addTenant('  - id: acme\n    name: Acme\n    imageTag: "1.0 beta"\n'), message: 'does not match', needle: 'imageTag: "1.0 beta"' },
  // sizes and bounds
  { name: 'autoscaling bounds reversed', kind: 'size', text: addTenant('  - id: acme\n    name: Acme\n    worker:\n      autoscaling:\n        minReplicas: 5\n        maxReplicas: 2\n'), message: 'minReplicas 5 exceeds maxReplicas 2', needle: 'autoscaling:', nth: 1 },
  { name: 'database port out of range', kind: 'size', text: replace('      port: 5432', '      port: 70000'), message: 'must be <= 65535', needle: 'port: 70000' },
  { name: 'negative replicas', kind: 'size', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      replicas: -1\n'), message: 'replicas', needle: 'replicas: -1' },
  { name: 'a replica count beyond any integer', kind: 'size', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      replicas: 1e400\n'), message: 'replicas', needle: 'replicas: 1e400' },
  // quantities
  { name: 'quota quantity does not parse', kind: 'quantity', text: replace('    requests.cpu: "16"', '    requests.cpu: "sixteen"'), message: 'not a Kubernetes quantity', needle: 'sixteen' },
  { name: 'resource override does not parse', kind: 'quantity', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      resources:\n        limits: { cpu: 1.5x }\n'), message: 'not a Kubernetes quantity', needle: 'limits: { cpu: 1.5x }' },
  { name: 'negative quota', kind: 'quantity', text: replace('      requests.cpu: "2"\n', '      requests.cpu: "-2"\n'), message: 'is negative; the API server rejects negative quantities', needle: 'requests.cpu: "-2"' },
  { name: 'negative CPU request', kind: 'quantity', text: addTenant('  - id: acme\n    name: Acme\n    api:\n      resources:\n        requests: { cpu: -250m }\n'), message: 'negative', needle: 'requests: { cpu: -250m }' },
  { name: '.inf as a quantity', kind: 'quantity', text: replace('    limits.memory: 64Gi', '    limits.memory: .inf'), message: 'must be a string or number, got .inf', needle: 'limits.memory: .inf', hint: 'write a finite value' },
  { name: 'NaN as a quantity', kind: 'quantity', text: replace('      pods: "10"\n      services: "5"', '      pods: .nan\n      services: "5"'), message: 'got .nan', needle: 'pods: .nan' },
  { name: 'quantity with two suffixes', kind: 'quantity', text: replace('      requests.memory: 4Gi', '      requests.memory: 4GiMi'), message: 'not a Kubernetes quantity', needle: 'requests.memory: 4GiMi' },
  // CIDRs
  { name: 'invalid CIDR', kind: 'cidr', text: replace('      - 169.254.0.0/16', '      - 300.254.0.0/16'), message: 'is not an address/prefix-length CIDR', needle: '300.254.0.0/16' },
  { name: 'CIDR with leading zeros (CVE-2021-29923)', kind: 'cidr', text: replace('      - 169.254.0.0/16', '      - 169.254.000.0/16'), message: 'without leading zeros', needle: '169.254.000.0/16' },
  { name: 'CIDR prefix with a leading zero', kind: 'cidr', text: replace('      - 169.254.0.0/16', '      - 169.254.0.0/016'), message: '169.254.0.0/016', needle: '169.254.0.0/016' },
  { name: 'CIDR with host bits', kind: 'cidr', text: replace('      - 169.254.0.0/16', '      - 169.254.0.1/16'), message: 'has host bits set; the network is 169.254.0.0/16', needle: '169.254.0.1/16' },
  { name: 'CIDR prefix too long', kind: 'cidr', text: replace('      - 10.96.0.0/12', '      - 10.96.0.0/33'), message: '10.96.0.0/33', needle: '10.96.0.0/33' },
  { name: 'address without a prefix length', kind: 'cidr', text: replace('      - 10.96.0.0/12', '      - 10.96.0.0'), message: '"10.96.0.0" does not match', needle: '      - 10.96.0.0\n' },
  { name: 'IPv6 CIDR with host bits', kind: 'cidr', text: replace('      - 10.96.0.0/12', '      - fd00::1/8'), message: 'host bits', needle: 'fd00::1/8' },
  // IPv6 external egress: each denied range becomes an except of the external ipBlock of its family.
  { name: 'IPv6 denied range while external egress is IPv4 only', kind: 'cidr', text: egress('      - fd00:ec2::254/128\n'), message: 'deniedCidrs: "fd00:ec2::254/128" is IPv6 but no external range is', needle: 'fd00:ec2::254/128', hint: 'add ::/0' },
  { name: 'IPv4 denied range while external egress is IPv6 only', kind: 'cidr', text: egress('', "['::/0']"), message: 'deniedCidrs: "169.254.0.0/16" is IPv4 but no external range is', needle: '169.254.0.0/16', hint: 'add 0.0.0.0/0' },
  { name: 'IPv6 denied range outside every external range', kind: 'cidr', text: egress('      - fd00::/8\n', "[0.0.0.0/0, '2001:db8::/32']"), message: '"fd00::/8" is not inside any external range', needle: 'fd00::/8', hint: 'widen platform.egress.externalCidrs' },
  { name: 'denied range that is a whole external range', kind: 'cidr', text: egress('      - 2001:db8::/32\n', "[0.0.0.0/0, '2001:db8::/32']"), message: 'covers the whole of external range 2001:db8::/32', needle: '      - 2001:db8::/32', hint: 'remove 2001:db8::/32 from platform.egress.externalCidrs' },
  { name: 'IPv6 external range with host bits', kind: 'cidr', text: egress('', "[0.0.0.0/0, '2001:db8::1/32']"), message: 'externalCidrs: "2001:db8::1/32" has host bits set; the network is 2001:db8::/32', needle: 'externalCidrs:' },
  { name: 'IPv6 external range in upper case', kind: 'cidr', text: egress('', "[0.0.0.0/0, 'FD00::/8']"), message: 'not written in canonical form; write fd00::/8', needle: 'externalCidrs:' },
  { name: 'IPv6 denied range with leading zeros in a group', kind: 'cidr', text: egress('      - 2001:0db8::/32\n', "[0.0.0.0/0, '::/0']"), message: 'write 2001:db8::/32', needle: '2001:0db8::/32' },
  { name: 'IPv6 denied range with uncompressed zeros', kind: 'cidr', text: egress('      - fd00:0:0:0:0:0:0:0/8\n', "[0.0.0.0/0, '::/0']"), message: 'write fd00::/8', needle: 'fd00:0:0:0:0:0:0:0/8' },
  { name: 'IPv4-mapped IPv6 denied range', kind: 'cidr', text: egress('      - ::ffff:10.0.0.0/104\n', "[0.0.0.0/0, '::/0']"), message: 'IPv4-mapped IPv6 range; write the IPv4 range 10.0.0.0/8 instead', needle: '::ffff:10.0.0.0/104' },
  { name: 'IPv6 address with a zone', kind: 'cidr', text: egress('      - fe80::%eth0/64\n', "[0.0.0.0/0, '::/0']"), message: 'fe80::%eth0/64', needle: 'fe80::%eth0/64' },
  { name: 'IPv6 address with two compressions', kind: 'cidr', text: egress('      - 2001::db8::/64\n', "[0.0.0.0/0, '::/0']"), message: 'is not an address/prefix-length CIDR', needle: '2001::db8::/64' },
  { name: 'overlapping external ranges', kind: 'cidr', text: egress('', "[0.0.0.0/0, '::/0', 10.0.0.0/8]"), message: '"10.0.0.0/8" overlaps externalCidrs[0] 0.0.0.0/0', needle: 'externalCidrs:' },
  { name: 'external range listed twice', kind: 'cidr', text: egress('', "['::/0', 0.0.0.0/0, '::/0']"), message: '"::/0" is listed twice', needle: 'externalCidrs:' },
  { name: 'no external range at all', kind: 'cidr', text: egress('', '[]'), message: 'externalCidrs', needle: 'externalCidrs:' },
  { name: 'denied range listed twice', kind: 'cidr', text: egress('      - 10.244.0.0/16\n'), message: '"10.244.0.0/16" is listed twice (also deniedCidrs[1])', needle: '10.244.0.0/16', nth: 1, hint: 'list each denied range once' },
  // URLs
  { name: 'cluster server that is not a URL', kind: 'url', text: clusters('  - name: eu\n    server: "https://a b<%= x %>"\n'), message: 'contains whitespace or characters a URL cannot hold', needle: 'server: "https://a b' },
  { name: 'cluster server over plain http', kind: 'url', text: clusters('  - name: eu\n    server: http://eu.example.com\n'), message: 'must use https', needle: 'server: http://eu.example.com' },
  { name: 'cluster server with credentials in it', kind: 'url', text: clusters('  - name: eu\n    server: https://admin:secret@eu.example.com\n'), message: 'eu.example.com', needle: 'server: https://admin' },
  { name: 'repoURL that is not a URL', kind: 'url', text: replace('repoURL: https://github.com/example/ai-agents-tenants.git', 'repoURL: "not a url"'), message: 'repoURL "not a url" contains whitespace', needle: 'repoURL: "not a url"' },
  // characters
  { name: 'id with an invisible character', kind: 'invisible/bidi', text: addTenant('  - id: "ac\\u200bme"\n    name: Acme\n'), message: 'it contains U+200B', needle: 'id: "ac' },
  { name: 'id with a right-to-left override', kind: 'invisible/bidi', text: addTenant('  - id: "acme\\u202egnp"\n    name: Acme\n'), message: 'U+202E', needle: 'id: "acme' },
  { name: 'id with a byte order mark inside', kind: 'invisible/bidi', text: addTenant('  - id: "ac\\ufeffme"\n    name: Acme\n'), message: 'U+FEFF', needle: 'id: "ac' },
  { name: 'tier reference with a bidi isolate', kind: 'invisible/bidi', text: addTenant('  - id: acme\n    name: Acme\n    tier: "standard\\u2066"\n'), message: 'tier "standard\\u2066" is not defined', needle: 'tier: "standard', hint: 'did you mean "standard"' },
  { name: 'a NUL character', kind: 'encoding', text: addTenant('  - id: acme\n    name: "Ac\u0000me"\n'), message: 'contains U+0000, a control character YAML does not allow', needle: 'name: "Ac' },
  { name: 'a C1 control character', kind: 'encoding', text: addTenant('  - id: acme\n    name: Ac\u0085me\u009bx\n'), message: 'contains U+009B, a control character YAML does not allow', needle: 'name: Ac' },
  { name: 'a DEL character', kind: 'encoding', text: addTenant('  - id: acme\n    name: Ac\u007fme\n'), message: 'U+007F', needle: 'name: Ac' },
  // aliases and nesting
  { name: 'alias to an anchor that does not exist', kind: 'alias/nesting', text: addTenant('  - id: acme\n    name: *nowhere\n'), message: 'alias *nowhere refers to no anchor', needle: '*nowhere' },
  { name: 'alias bomb', kind: 'alias/nesting', text: `${aliasBomb('x')}${base}`, message: 'alias expansions', needle: '*a' },
  { name: 'deep nesting', kind: 'alias/nesting', text: `${base.trimEnd()}\n${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, message: 'nesting is too deep', needle: '[[[' },
];

const rows: Row[] = [
  ...tenantsRows.map((r): Row => ({ name: r.name, kind: r.kind, tenants: r.text, message: r.message, where: at(r.text, r.needle, r.nth), ...(r.hint ? { hint: r.hint } : {}) })),

  // encodings that cannot be written as a string
  {
    name: 'a byte that is not UTF-8',
    kind: 'encoding',
    tenants: bytesWith(addTenant('  - id: acme\n    name: "Caf\u00e9"\n'), '\u00e9', [0xe9]),
    message: 'not UTF-8: byte 0xE9',
    where: at(addTenant('  - id: acme\n    name: "Caf\u00e9"\n'), 'name: "Caf'),
    hint: 'save the file as UTF-8',
  },
  {
    name: 'an overlong UTF-8 encoding of "/"',
    kind: 'encoding',
    tenants: bytesWith(addTenant('  - id: acme\n    name: "a\u00a7b"\n'), '\u00a7', [0xc0, 0xaf]),
    message: 'not UTF-8: byte 0xC0',
    where: at(addTenant('  - id: acme\n    name: "a\u00a7b"\n'), 'name: "a'),
    hint: 'save the file as UTF-8',
  },
  {
    name: 'UTF-16 with a byte order mark',
    kind: 'encoding',
    tenants: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')]),
    message: 'not UTF-8: byte 0xFF',
    where: 'tenants.yaml:1:',
    hint: 'save the file as UTF-8',
  },
  {
    name: 'tenants.yaml beyond the size limit',
    kind: 'size',
    tenants: `${base}${'# padding padding padding padding padding padding padding padding\n'.repeat(1_100_000)}`,
    message: 'larger than 64 MiB',
    where: 'tenants.yaml:1:',
  },

  // templates
  {
    name: 'object name from a template that climbs out of rendered/',
    kind: 'path',
    setup: (repo) => editTemplate(repo, 'tenant/configmap.yaml.ejs', /name: .*/, 'name: ../../../../outside/escaped-<%- tenant.id %>'),
    message: 'Kubernetes refuses "/" and "%" in object names',
    where: 'templates/tenant/configmap.yaml.ejs:',
  },
  {
    name: 'absolute object name from a template',
    kind: 'path',
    setup: (repo) => template(repo, 'tenant/escape.yaml.ejs', cm('/tmp/outside-<%- tenant.id %>')),
    message: 'render/unsafe-path',
    where: 'templates/tenant/escape.yaml.ejs:',
  },
  {
    name: 'object namespace from a template that climbs out',
    kind: 'path',
    setup: (repo) => template(repo, 'cluster/escape.yaml.ejs', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: escape\n  namespace: ../../outside\n'),
    message: 'render/unsafe-path',
    where: 'templates/cluster/escape.yaml.ejs:',
  },
  {
    name: 'object name with a backslash path',
    kind: 'path',
    setup: (repo) => template(repo, 'tenant/escape.yaml.ejs', cm('"..\\\\..\\\\outside-<%- tenant.id %>"')),
    message: 'render/unsafe-path',
    where: 'templates/tenant/escape.yaml.ejs:',
  },
  {
    name: 'a template that throws',
    kind: 'template',
    setup: (repo) => template(repo, 'tenant/broken.yaml.ejs', cm('x', 'data:\n  A: <%- v(tenant.nosuch.field) %>\n')),
    message: 'template threw for tenant test-tenant-a',
    where: 'templates/tenant/broken.yaml.ejs:7',
  },
  {
    name: 'a template with a JavaScript syntax error',
    kind: 'template',
    setup: (repo) => template(repo, 'tenant/broken.yaml.ejs', `<% if ( %>\n${cm('x')}`),
    message: 'template does not compile',
    where: 'templates/tenant/broken.yaml.ejs:1',
  },
  {
    name: 'a template that never finishes',
    kind: 'template',
    setup: (repo) => editTemplate(repo, 'cluster/clusterrole-platform-admin.yaml.ejs', /^/, '<% while (true) {} %>\n'),
    runs: [['render']],
    message: 'did not finish within',
    where: 'templates/cluster/clusterrole-platform-admin.yaml.ejs',
  },
  {
    name: 'a template that emits an alias bomb',
    kind: 'template',
    setup: (repo) => template(repo, 'tenant/broken.yaml.ejs', cm('x', `data:\n${aliasBomb('k').replace(/^/gm, '  ')}`)),
    message: 'alias',
    where: 'templates/tenant/broken.yaml.ejs:',
  },
  {
    name: 'a template that emits an alias without its anchor',
    kind: 'template',
    setup: (repo) => template(repo, 'tenant/broken.yaml.ejs', cm('x', 'data:\n  A: *nowhere\n')),
    message: 'alias *nowhere refers to no anchor',
    where: 'templates/tenant/broken.yaml.ejs:',
  },
  {
    name: 'a template that emits a bare string',
    kind: 'template',
    setup: (repo) => template(repo, 'tenant/broken.yaml.ejs', 'just text\n'),
    message: 'templates/tenant/broken.yaml.ejs',
    where: 'templates/tenant/broken.yaml.ejs:',
  },
  {
    name: 'a template that emits an object without a kind',
    kind: 'template',
    setup: (repo) => template(repo, 'tenant/broken.yaml.ejs', 'apiVersion: v1\nmetadata:\n  name: x\n  namespace: <%- v(tenant.namespace) %>\n'),
    message: 'kind',
    where: 'templates/tenant/broken.yaml.ejs:',
  },

  // symbolic links and leftovers that would lead writes outside
  {
    name: 'rendered/ is a symbolic link out of the repository',
    kind: 'symlink',
    tenants: addTenant('  - id: acme\n    name: Acme\n'),
    setup: async (repo, parent) => {
      await rename(path.join(repo, 'rendered'), path.join(parent, 'outside', 'tree'));
      await symlink('../outside/tree', path.join(repo, 'rendered'));
    },
    message: 'symbolic link',
    where: 'rendered',
  },
  {
    name: 'a committed swap journal naming entries outside rendered/',
    kind: 'symlink',
    setup: async (repo) => {
      await mkdir(path.join(repo, '.rendered.staging'));
      await writeFile(path.join(repo, '.rendered.swap'), '../../outside/keep.txt\n../outside\n');
    },
    message: '.rendered.swap',
    where: '.rendered.swap',
  },

  // add arguments
  { name: 'add: --tenant-id with a path', kind: 'add argument', runs: addArgs('--tenant-id', '../../outside', '--name', 'X'), message: 'not a DNS-1123 label', where: '--tenant-id' },
  { name: 'add: --tenant-id uppercase', kind: 'add argument', runs: addArgs('--tenant-id', 'Acme', '--name', 'Acme'), message: 'not a DNS-1123 label', where: '--tenant-id' },
  { name: 'add: --tenant-id empty', kind: 'add argument', runs: addArgs('--tenant-id', '', '--name', 'Acme'), message: 'tenant-id', where: '--tenant-id' },
  { name: 'add: --tenant-id too long', kind: 'add argument', runs: addArgs('--tenant-id', 'a'.repeat(64), '--name', 'Long'), message: '63', where: '--tenant-id' },
  { name: 'add: --tenant-id with a bidi override', kind: 'add argument', runs: addArgs('--tenant-id', 'acme\u202egnp', '--name', 'Acme'), message: 'U+202E', where: '--tenant-id' },
  { name: 'add: --tenant-id reserved', kind: 'add argument', runs: addArgs('--tenant-id', 'kube-public', '--name', 'K'), message: 'is reserved', where: '--tenant-id' },
  { name: 'add: --tier that is not defined', kind: 'add argument', runs: addArgs('--tenant-id', 'acme', '--name', 'Acme', '--tier', 'gold'), message: 'tier "gold" is not defined', where: '--tier' },
  { name: 'add: --cluster that is not defined', kind: 'add argument', runs: addArgs('--tenant-id', 'acme', '--name', 'Acme', '--cluster', 'mars'), message: 'mars', where: '--cluster' },
  { name: 'add: --name with a line break', kind: 'add argument', runs: addArgs('--tenant-id', 'acme', '--name', 'Acme\nkind: Secret'), message: 'U+000A', where: '--name', hint: 'one line of visible text' },
  { name: 'add: --name with a bidi override', kind: 'add argument', runs: addArgs('--tenant-id', 'acme', '--name', 'Acme \u202eevil'), message: 'U+202E', where: '--name', hint: 'one line of visible text' },
  { name: 'add: --name missing', kind: 'add argument', runs: addArgs('--tenant-id', 'acme'), message: 'is required', where: '--name', hint: 'tenantctl add --help' },
  { name: 'add: misspelt option', kind: 'add argument', runs: addArgs('--tenant-id', 'acme', '--nmae', 'Acme'), message: 'unknown option --nmae', where: '--nmae', hint: 'did you mean --name' },
  { name: 'add: an existing id with another name', kind: 'add argument', runs: addArgs('--tenant-id', 'test-tenant-a', '--name', 'Someone Else'), message: 'already exists with other attributes', where: 'test-tenant-a' },

  // file system
  {
    name: 'rendered/ is a file',
    kind: 'file system',
    setup: async (repo) => {
      await rm(path.join(repo, 'rendered'), { recursive: true });
      await writeFile(path.join(repo, 'rendered'), 'not a folder\n');
    },
    message: 'ENOTDIR',
    where: 'rendered',
    hint: 'rendered/ must be a folder',
  },
  {
    name: 'the lock is a folder',
    kind: 'file system',
    setup: (repo) => mkdir(path.join(repo, LOCK_FILE)),
    runs: [['render'], ['add', '--tenant-id', 'acme', '--name', 'Acme']],
    message: LOCK_FILE,
    where: LOCK_FILE,
  },
  {
    name: 'tenants.yaml is a folder',
    kind: 'file system',
    setup: async (repo) => {
      await rm(path.join(repo, 'tenants.yaml'));
      await mkdir(path.join(repo, 'tenants.yaml'));
    },
    runs: [['render'], ['check'], ['add', '--tenant-id', 'acme', '--name', 'Acme']],
    message: 'EISDIR',
    where: 'tenants.yaml',
  },
  {
    name: 'tenants.yaml is missing',
    kind: 'file system',
    setup: (repo) => rm(path.join(repo, 'tenants.yaml')),
    runs: [['render'], ['check'], ['add', '--tenant-id', 'acme', '--name', 'Acme']],
    message: 'tenants.yaml',
    where: 'tenants.yaml',
  },
  {
    name: 'tenants.yaml is read-only',
    kind: 'file system',
    setup: (repo) => chmod(path.join(repo, 'tenants.yaml'), 0o444),
    runs: addArgs('--tenant-id', 'acme', '--name', 'Acme'),
    message: 'tenants.yaml is read-only',
    where: 'tenants.yaml:1:',
  },
];

type Snapshot = Map<string, string>;

/** Every entry under `dir`: file contents' digest and mode, link targets, folders. */
async function snapshot(dir: string, into: Snapshot = new Map(), rel = ''): Promise<Snapshot> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const abs = path.join(dir, e.name);
    const key = `${rel}${e.name}`;
    // The render cache is the tool's own state, not the repository's (entries are valid whatever the run's outcome).
    if (key === 'repo/node_modules') continue;
    const st = await lstat(abs);
    if (e.isSymbolicLink()) into.set(key, `link ${await readlink(abs)}`);
    else if (e.isDirectory()) {
      into.set(key, `dir ${st.mode.toString(8)}`);
      await snapshot(abs, into, `${key}/`);
    } else into.set(key, `file ${st.mode.toString(8)} ${createHash('sha256').update(await readFile(abs)).digest('hex')}`);
  }
  return into;
}

/** A repository at PARENT/repo with the bundled inputs and tree, and PARENT/outside as the target of escapes. */
async function hostileRepo(): Promise<{ parent: string; repo: string }> {
  const parent = await mkdtemp(path.join(tmpdir(), 'tenantctl-hostile-'));
  parents.push(parent);
  const repo = path.join(parent, 'repo');
  await mkdir(path.join(parent, 'outside'), { recursive: true });
  await writeFile(path.join(parent, 'outside', 'keep.txt'), 'must survive\n');
  for (const p of ['templates', 'tenants.yaml', 'rendered']) await cp(path.join(repoRoot, p), path.join(repo, p), { recursive: true });
  return { parent, repo };
}

const matches = (text: string, want: string | RegExp) => (typeof want === 'string' ? text.includes(want) : want.test(text));

describe('hostile inputs', () => {
  it('has at least 60 rows across every class, with distinct names', () => {
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(60);
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of ['path', 'size', 'alias/nesting', 'encoding', 'invisible/bidi', 'id', 'typo', 'quantity', 'cidr', 'url', 'template', 'symlink', 'add argument', 'file system'] as const) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  it.each(rows)('[$kind] $name: exit 2, where and how to fix, nothing changed anywhere', async (row) => {
    const { parent, repo } = await hostileRepo();
    if (row.tenants !== undefined) await writeFile(path.join(repo, 'tenants.yaml'), row.tenants);
    await row.setup?.(repo, parent);
    const before = await snapshot(parent);
    for (const argv of row.runs ?? renderAndCheck) {
      const r = await cli(repo, ...argv);
      const out = `${r.stdout}${r.stderr ?? ''}`;
      const label = `${argv[0]}:\n${out}`;
      expect(r.exitCode, label).toBe(2);
      expect(matches(out, row.message), `message ${String(row.message)} in ${label}`).toBe(true);
      expect(matches(out, row.where), `where ${String(row.where)} in ${label}`).toBe(true);
      expect(matches(out, row.hint ?? /hint: \S|Run `tenantctl \w+ --help`/), `hint in ${label}`).toBe(true);
      expect(out).not.toContain('internal error');
      expect(await snapshot(parent), `after ${argv.join(' ')}`).toEqual(before);
    }
  });
});
