import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { cleanupTempRepos, repoRoot, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const fixtures = 'test/fixtures/verify';

function verify(argv: string[], opts: { cwd?: string; stdin?: string } = {}) {
  return runCli(['verify', ...argv], {
    cwd: opts.cwd ?? repoRoot,
    env: {},
    isTTY: false,
    ...(opts.stdin !== undefined ? { stdin: async () => opts.stdin! } : {}),
  });
}

const json = (stdout: string) => JSON.parse(stdout) as { diagnostics: Diagnostic[] };

const twoTenants = (policy: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels: { tenant: a }
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-b
  labels: { tenant: b }
${['a', 'b']
  .map(
    (t) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: team-${t} }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          ports: [{ containerPort: 8080 }]
${policy.replaceAll('NS', `team-${t}`)}`,
  )
  .join('\n')}`;

describe('tenantctl verify', () => {
  it.each([
    ['helm-chart', [`${fixtures}/helm-redis`]],
    ['kustomize-1.29', [`${fixtures}/kustomize/build.yaml`, '--kubernetes-version', '1.29']],
    ['list', [`${fixtures}/list.json`]],
  ])('%s: output is pinned', async (name, argv) => {
    const r = await verify(argv);
    await expect(`exit ${r.exitCode}\n${r.stdout}`).toMatchFileSnapshot(`__golden__/verify-${name}.txt`);
  });

  it('reads a multi-document stream from standard input', async () => {
    const stream = await readFile(path.join(repoRoot, fixtures, 'kustomize/build.yaml'), 'utf8');
    const r = await verify(['-', '-o', 'json'], { stdin: stream });
    const ds = json(r.stdout).diagnostics;
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.every((d) => d.file?.path === '<stdin>')).toBe(true);
    await expect(`exit ${r.exitCode}\n${r.stdout}`).toMatchFileSnapshot('__golden__/verify-stdin.json');
  });

  it('names the release that removed an API and its replacement', async () => {
    const psp = 'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: restricted\nspec: {}\n';
    const ingress = 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n';
    const r = await verify(['-', '-o', 'json'], { stdin: `${psp}---\n${ingress}` });
    expect(r.exitCode).toBe(1);
    const ds = json(r.stdout).diagnostics;
    expect(ds.map((d) => d.ruleId)).toEqual(['api/removed', 'api/removed']);
    expect(ds[0]!.message).toMatch(/policy\/v1beta1 PodSecurityPolicy is not served by Kubernetes 1\.36: removed in 1\.25/);
    expect(ds[1]!.message).toMatch(/extensions\/v1beta1 Ingress .* removed in 1\.22.*use networking\.k8s\.io\/v1/);
    expect(ds[1]!.file).toMatchObject({ path: '<stdin>', line: 7 });
    const older = json((await verify(['-', '-o', 'json', '--kubernetes-version', '1.21'], { stdin: ingress })).stdout).diagnostics;
    expect(older.map((d) => [d.ruleId, d.severity])).toEqual([['api/deprecated', 'warning']]);
  });

  it('agrees with check on the same objects', async () => {
    const root = await tempRepo({ rendered: true });
    const file = path.join(root, 'rendered/ai-agents-test-tenant-a/workloads/configmap-tenant-config.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('metadata:\n', 'metadata:\n  annotations:\n    "bad key!": x\n').replace('data:\n', 'data:\n  replicas: 3\n'));
    const key = (d: Diagnostic) => `${d.ruleId} ${d.file?.path}:${d.file?.line}:${d.file?.column} ${d.message}`;
    const checked = json((await runCli(['check', '--format', 'json'], { cwd: root, env: {}, isTTY: false })).stdout).diagnostics;
    const validation = checked.filter((d) => !d.ruleId.startsWith('drift/') && !d.ruleId.startsWith('lifecycle/')).map(key);
    const verified = json((await verify(['rendered', '-o', 'json'], { cwd: root })).stdout).diagnostics.map(key);
    expect(validation.length).toBeGreaterThanOrEqual(2);
    expect(verified).toEqual(validation);
  });

  it('skips and rejects by kind or group/version/kind, and can ignore missing schemas', async () => {
    const crd = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\n';
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\nimmutable: nope\n';
    const stream = `${crd}---\n${secret}`;
    const ids = async (...argv: string[]) => json((await verify(['-', '-o', 'json', ...argv], { stdin: stream })).stdout).diagnostics.map((d) => d.ruleId);
    expect(await ids()).toEqual(['schema/unknown-kind', 'schema/invalid']);
    expect(await ids('--ignore-missing-schemas')).toEqual(['schema/invalid']);
    expect(await ids('--skip', 'Secret,example.com/v1/Widget')).toEqual([]);
    expect(await ids('--skip', 'v1/Secret', '--reject', 'Widget')).toEqual(['manifest/rejected-kind']);
  });

  it('recognises tenants by a namespace label and reports a path between them', async () => {
    const open = await verify(['-', '--tenant-label', 'tenant'], { stdin: twoTenants('') });
    expect(open.exitCode).toBe(1);
    expect(open.stdout).toContain('Tenant isolation matrix (namespaces labelled tenant)');
    expect(open.stdout).toContain('isolation/cross-tenant-path');
    expect(open.stdout).toMatch(/tenant a can reach tenant b: team-a\/web\[Deployment\] -> team-b\/web\[Deployment\]/);
    const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: NS }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }`;
    const closed = await verify(['-', '--tenant-prefix', 'team-', '-o', 'json'], { stdin: twoTenants(deny) });
    expect(json(closed.stdout).diagnostics.filter((d) => d.ruleId.startsWith('isolation/'))).toEqual([]);
    // Without a way to recognise tenants, the same open tree is a namespace matrix, not a finding.
    const byNamespace = await verify(['-'], { stdin: twoTenants('') });
    expect(byNamespace.stdout).toContain('Namespace isolation matrix');
    expect(byNamespace.stdout).not.toContain('isolation/cross-tenant-path');
  });

  it('ends with kubeconform\'s summary line when asked', async () => {
    const r = await verify([`${fixtures}/list.json`, '--summary']);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Summary: 2 resources found in 1 file - Valid: 1, Invalid: 1, Errors: 0, Skipped: 0');
    const j = await verify([`${fixtures}/list.json`, '--summary', '-o', 'json']);
    expect(() => JSON.parse(j.stdout)).not.toThrow();
    expect(j.stderr).toMatch(/^Summary: 2 resources/);
  });

  it.each([
    [['-', '--kubernetes-version', '1.9'], /--kubernetes-version must be a release from 1\.16 to 1\.36/],
    [['-', '--kubernetes-version', 'latest'], /--kubernetes-version must be a release/],
    [['-', '-o', 'yaml'], /--output must be one of text, json, junit, sarif, github/],
    [[], /PATH\|- is required/],
    [['-', '--tenant-label', 'x', '--tenant-prefix', 'y'], /alternatives/],
  ])('usage error %j exits 2', async (argv, message) => {
    const r = await verify(argv, { stdin: '' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 with file:line:column on input it cannot read', async () => {
    const missing = await verify(['no/such/dir']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toContain('no/such/dir does not exist');
    const broken = await verify(['-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n' });
    expect(broken.exitCode).toBe(2);
    expect(broken.stdout).toMatch(/<stdin>:\d+:\d+ +error +manifest\/yaml-syntax/);
  });

  it('reports a policy whose shape its schema refuses, and the proof it stopped, instead of failing', async () => {
    const wrong = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: NS }
spec: { podSelector: {}, policyTypes: 5 }`;
    const r = await verify(['-', '--tenant-prefix', 'team-', '-o', 'json'], { stdin: twoTenants(wrong) });
    expect(r.stderr ?? '').not.toContain('internal error');
    expect(r.exitCode).toBe(1);
    const found = json(r.stdout).diagnostics;
    const invalid = found.filter((d) => d.ruleId === 'schema/invalid' && d.object?.kind === 'NetworkPolicy');
    expect(invalid.map((d) => d.object?.namespace).sort()).toEqual(['team-a', 'team-b']);
    const notRun = found.filter((d) => d.ruleId === 'schema/not-checked' && d.message.startsWith('the isolation proofs did not run'));
    expect(notRun).toHaveLength(1);
    expect(notRun[0]!.object).toMatchObject({ kind: 'NetworkPolicy', name: 'deny' });
    expect(notRun[0]!.file?.path).toBe(invalid[0]!.file?.path);
  });
});
