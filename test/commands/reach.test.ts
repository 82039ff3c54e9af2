import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, ports: [{name: http, containerPort: 8000}]}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c}]}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}, {ipBlock: {cidr: 203.0.113.0/24}}]
    ports: [{port: http}]
`;

let dir: string;
const ctx = () => ({ cwd: dir, env: {}, isTTY: false });
// Through the CLI, as a user runs it: usage errors are formatted there.
const run = (...argv: string[]) => runCli(['reach', ...argv], ctx());

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reach-'));
  await writeFile(path.join(dir, 'all.yaml'), manifests);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tenantctl reach', () => {
  it('lists allowed connections, sorted, in text', async () => {
    const r = await run('--manifests', '.');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'shop/api => shop/web : TCP 8000',
        'shop/web => shop/api : All Connections',
        'shop/api => 0.0.0.0-255.255.255.255 : All Connections',
        'shop/web => 0.0.0.0-255.255.255.255 : All Connections',
        '0.0.0.0-255.255.255.255 => shop/api : All Connections',
        '203.0.113.0-203.0.113.255 => shop/web : TCP 8000',
        '',
      ].join('\n'),
    );
  });

  it('reads a single manifest file as well as a directory, with the same answer', async () => {
    const fromDir = await run('--manifests', '.');
    const fromFile = await run('--manifests', 'all.yaml');
    expect(fromFile.exitCode).toBe(0);
    expect(fromFile.stdout).toBe(fromDir.stdout);
    expect(fromFile.stdout).toContain('shop/api => shop/web : TCP 8000');
  });

  it('lists in versioned json', async () => {
    const r = await run('--manifests', dir, '--format', 'json');
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    expect(j.connections[0]).toEqual({ src: 'shop/api', dst: 'shop/web', ports: { TCP: [[8000, 8000]] } });
    expect(j.external).toContainEqual({ direction: 'ingress', range: '203.0.113.0-203.0.113.255', workload: 'shop/web', ports: { TCP: [[8000, 8000]] } });
  });

  it('answers one question, naming the deciding policy (exit 0 when allowed)', async () => {
    const r = await run('--manifests', '.', '--from', 'shop/api', '--to', 'shop/web', '--port', '8000/TCP');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('ALLOWED: shop/api -> shop/web TCP/8000');
    expect(r.stdout).toContain('destination ingress: allowed by shop/web-ingress');
  });

  it('exits 1 when denied and says why', async () => {
    const r = await run('--manifests', '.', '--from', 'shop/api', '--to', 'shop/web', '--port', '8001');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('DENIED');
    expect(r.stdout).toContain('isolated by shop/web-ingress');
  });

  it('accepts an external CIDR and splits it where policies differ', async () => {
    const r = await run('--manifests', '.', '--from', '203.0.0.0/16', '--to', 'shop/web[Deployment]', '--port', '8000', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.answers.map((a: { range: string; allowed: boolean }) => [a.range, a.allowed])).toEqual([
      ['203.0.0.0-203.0.112.255', false],
      ['203.0.113.0-203.0.113.255', true],
      ['203.0.114.0-203.0.255.255', false],
    ]);
  });

  it('without --port answers with the allowed port set', async () => {
    const r = await run('--manifests', '.', '--from', 'shop/api', '--to', 'shop/web');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('allowed ports: TCP 8000');
  });

  it.each([
    [[], /--manifests PATH is required/],
    [['--manifests', 'nope'], /--manifests nope does not exist/],
    [['--manifests', '.', '--from', 'shop/api'], /--from and --to go together/],
    [['--manifests', '.', '--from', 'shop/api', '--to', 'shop/x', '--port', '80'], /no workload "shop\/x"/],
    [['--manifests', '.', '--from', 'shop/api', '--to', 'shop/web', '--port', '80/ICMP'], /--port must look like/],
    [['--manifests', '.', '--format', 'xml'], /--format must be/],
    [['--manifests', '.', '--bogus'], /unknown option --bogus/],
    [['--manifests', '.', '--form', 'json'], /unknown option --form; did you mean --format\?/],
  ])('usage error %j exits 2', async (argv, msg) => {
    const r = await run(...(argv as string[]));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('exits 2 on broken YAML', async () => {
    const bad = await mkdtemp(path.join(os.tmpdir(), 'reach-bad-'));
    await writeFile(path.join(bad, 'x.yaml'), 'kind: [unclosed\n');
    const r = await run('--manifests', bad);
    await rm(bad, { recursive: true, force: true });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/x\.yaml:\d+:\d+/);
  });

  it('exits 2 on a policy whose shape its schema refuses, saying where, instead of failing inside the evaluation', async () => {
    const bad = await mkdtemp(path.join(os.tmpdir(), 'reach-shape-'));
    await writeFile(path.join(bad, 'all.yaml'), `${manifests}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: odd, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: 5\n`);
    const r = await run('--manifests', bad);
    await rm(bad, { recursive: true, force: true });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^tenantctl reach: cannot evaluate the NetworkPolicies: objects have shapes their schemas refuse:\n/);
    expect(r.stderr).toMatch(/\n {2}\S*all\.yaml:30:3: spec\.policyTypes: expected array, got integer 5\n/);
  });
});

const corpusCase = path.resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/corpora/netpol-analyzer/acs-security-demos');
if (!existsSync(corpusCase)) console.warn(`netpol-analyzer corpus not found at ${corpusCase}: reach corpus check skipped`);

(existsSync(corpusCase) ? describe : describe.skip)('tenantctl reach on an upstream corpus input', () => {
  it('answers a question on acs-security-demos and warns about non-Kubernetes files', async () => {
    const r = await run('--manifests', path.join(corpusCase, 'input'), '--from', 'backend/checkout', '--to', 'payments/gateway', '--port', '8080/TCP');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('allowed by backend/checkout-netpol');
    expect(r.stdout).toContain('allowed by payments/gateway-netpol');
    expect(r.stderr).toMatch(/connlist_output\.json/);
  });
});
