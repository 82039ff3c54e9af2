import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResult } from '../../src/commands/check.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { TenantMatrixJson } from '../../src/diagnostics/result.js';
import { namespaceOfManifest, type Manifest } from '../../src/manifest/types.js';
import type { TenantsConfig } from '../../src/tenants/types.js';
import { pushTo } from '../../src/collections.js';
import { formatNames, formatters } from '../../src/output/index.js';
import { runPipeline, type PipelineOptions, type PipelineResult } from '../../src/pipeline.js';
import { RenderCache } from '../../src/render/cache.js';
import { runRules, type TenantRead } from '../../src/rules/engine.js';
import type { AnyRule } from '../../src/rules/types.js';
import { parseMinorVersion } from '../../src/schema/api-lifecycle.js';
import { applyInputEdits, bundledTenants, cleanupTempRepos, cli, packedKeys, packFile, tempDir, tempRepo, type InputEdit } from '../helpers.js';

afterAll(cleanupTempRepos);

const cacheDir = () => tempDir('tenantctl-findings-');

const TENANTS = 5;
const waiver = '    waivers:\n      - rule: k8s/label-syntax\n        reason: kept for the old dashboards\n';

/**
 * Five tenants (one premium, one decommissioned) whose objects draw findings
 * from schema validation and from local rules, one of them waived.
 */
async function repoWithFindings(): Promise<string> {
  const tenants =
    (await bundledTenants()).replace('    name: Test Tenant A\n', `    name: Test Tenant A\n${waiver}`) +
    '\n  - id: cache-premium\n    name: Cache Premium\n    tier: premium\n' +
    '\n  - id: cache-gone\n    name: Cache Gone\n    tier: standard\n    decommissioned: true\n' +
    '\n  - id: cache-plain\n    name: Cache Plain\n    tier: standard\n';
  const root = await tempRepo({ tenants });
  // A label key with a space (k8s/label-syntax, local) and a number where a string belongs (schema/invalid).
  await writeFile(
    path.join(root, 'templates/tenant/configmap-extra.yaml.ejs'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: <%- v(tenant.namespace) %>\n  labels:\n    "bad key": "x"\ndata:\n  COUNT: 5\n',
  );
  expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
  return root;
}

const check = (root: string, cache?: RenderCache, extra: Partial<PipelineOptions> = {}) => runPipeline({ root, noBase: 'ignore', ...(cache ? { cache } : {}), ...extra });

/** Every format's output: what a user sees must not depend on the cache. */
function outputs(r: PipelineResult): Record<string, string> {
  return Object.fromEntries(formatNames.map((f) => [f, formatters[f](checkResult(r), { color: false, toolVersion: '0.0.0-test' })]));
}

const count = (ds: readonly Diagnostic[], rule: string) => ds.filter((d) => d.ruleId === rule).length;

/**
 * A warm check after `edit`, a template edit no tenant's own inputs include (its
 * findings are still replayed), with the cache filled before it; and a check without a cache.
 */
async function afterSharedEdit(root: string, edit: InputEdit): Promise<{ warm: PipelineResult; none: PipelineResult }> {
  const dir = await cacheDir();
  await check(root, new RenderCache(dir));
  await applyInputEdits(root, [edit]);
  expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
  const warm = await check(root, new RenderCache(dir));
  expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
  return { warm, none: await check(root) };
}

describe('findings cache (schema and local rules of unchanged tenants)', () => {
  it('replays every tenant on a warm run, and the output of every format is the same as without a cache', async () => {
    const root = await repoWithFindings();
    const dir = await cacheDir();
    const none = await check(root);
    const cold = await check(root, new RenderCache(dir));
    const warm = await check(root, new RenderCache(dir));
    expect(none.findingsCache).toBeUndefined();
    expect(cold.findingsCache).toEqual({ hits: 0, misses: TENANTS });
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    // The findings are there to replay: one per tenant that renders the ConfigMap, the waiver still applied.
    const labels = none.diagnostics.filter((d) => d.ruleId === 'k8s/label-syntax');
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels.filter((d) => d.waived).map((d) => d.tenant)).toEqual(['test-tenant-a']);
    expect(count(none.diagnostics, 'schema/invalid')).toBe(labels.length);
    expect(count(warm.diagnostics, 'k8s/label-syntax')).toBe(labels.length);
    expect(warm.diagnostics.filter((d) => d.waived).map((d) => d.tenant)).toEqual(['test-tenant-a']);
    expect(outputs(cold)).toEqual(outputs(none));
    expect(outputs(warm)).toEqual(outputs(none));

    // The CLI says what was replayed with --timings, and prints the same report.
    const timed = await cli(root, 'check', '--format', 'json', '--allow-no-base', '--timings', '--cache-dir', dir);
    const plain = await cli(root, 'check', '--format', 'json', '--allow-no-base', '--no-cache');
    expect(timed.stdout).toBe(plain.stdout);
    expect(timed.exitCode).toBe(plain.exitCode);
    expect(timed.stderr).toContain(`findings  ${TENANTS} tenants from the cache, 0 checked`);
  });

  describe('checks again exactly the tenants whose objects or inputs changed', () => {
    const tenantA = 'rendered/ai-agents-test-tenant-a';
    type Case = {
      name: string;
      edits?: InputEdit[];
      /** Runs after the edits; render again unless the case is about the committed tree. */
      after?: (root: string, dir: string) => Promise<void>;
      render?: boolean;
      options?: Partial<PipelineOptions>;
      toolId?: string;
      expected: { hits: number; misses: number };
    };
    const cases: Case[] = [
      { name: 'a tenant template', edits: [{ file: 'templates/tenant/configmap-extra.yaml.ejs', from: 'COUNT: 5', to: 'COUNT: 6' }], render: true, expected: { hits: 0, misses: TENANTS } },
      { name: 'a platform key', edits: [{ file: 'tenants.yaml', from: 'repository: ghcr.io/example/ai-agents', to: 'repository: ghcr.io/example/other' }], render: true, expected: { hits: 0, misses: TENANTS } },
      // Only cache-premium is on the premium tier.
      { name: 'a tier definition', edits: [{ file: 'tenants.yaml', from: 'default: { cpu: "1", memory: 1Gi }', to: 'default: { cpu: "1", memory: 2Gi }' }], render: true, expected: { hits: TENANTS - 1, misses: 1 } },
      { name: "a tenant's entry", edits: [{ file: 'tenants.yaml', from: '    config:\n      LOG_LEVEL: debug', to: '    config:\n      LOG_LEVEL: warn' }], render: true, expected: { hits: TENANTS - 1, misses: 1 } },
      // The waiver is applied after replay; the entry itself is the tenant's, so its findings are checked again.
      { name: "a tenant's waiver", edits: [{ file: 'tenants.yaml', from: waiver, to: '' }], render: true, expected: { hits: TENANTS - 1, misses: 1 } },
      { name: 'the tool version', toolId: 'tenantctl 9.9.9+other-build', expected: { hits: 0, misses: TENANTS } },
      { name: 'the target Kubernetes version', options: { schema: { kubernetesVersion: parseMinorVersion('1.25')! } }, expected: { hits: 0, misses: TENANTS } },
      // A hand edit: the object checked is the committed one, so the tenant is neither replayed nor stored.
      { name: 'a committed file', edits: [{ file: `${tenantA}/workloads/configmap-extra.yaml`, from: 'COUNT: 5', to: 'COUNT: 7' }], expected: { hits: TENANTS - 1, misses: 0 } },
      {
        name: 'a committed file render does not write, in a tenant namespace',
        after: async (root) => writeFile(path.join(root, `${tenantA}/workloads/stray.yaml`), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: ai-agents-test-tenant-a\ndata:\n  X: 1\n'),
        expected: { hits: TENANTS - 1, misses: 0 },
      },
      {
        // One damaged byte and the pack's checksum fails: nothing in it is believed, so every tenant is checked again.
        name: 'a damaged entry',
        after: async (_root, dir) => {
          const bytes = await readFile(packFile(dir, 'findings'));
          const at = bytes.indexOf('bad key');
          expect(at).toBeGreaterThan(0);
          bytes[at] = 'B'.charCodeAt(0);
          await writeFile(packFile(dir, 'findings'), bytes);
        },
        expected: { hits: 0, misses: TENANTS },
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const root = await repoWithFindings();
        const dir = await cacheDir();
        const cache = () => new RenderCache(dir, c.toolId ? { toolId: c.toolId } : {});
        expect((await check(root, new RenderCache(dir))).findingsCache).toEqual({ hits: 0, misses: TENANTS });
        await applyInputEdits(root, c.edits ?? []);
        await c.after?.(root, dir);
        if (c.render) expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
        const cached = await check(root, cache(), c.options);
        expect(cached.findingsCache).toEqual(c.expected);
        expect(outputs(cached)).toEqual(outputs(await check(root, undefined, c.options)));
        // What was checked afresh is stored: the next run replays it (a tenant left out stays out).
        expect((await check(root, cache(), c.options)).findingsCache).toEqual({ hits: c.expected.hits + c.expected.misses, misses: 0 });
      });
    }
  });

  it('keeps a finding that JSON would change out of the cache (a value like .inf)', async () => {
    const root = await repoWithFindings();
    await applyInputEdits(root, [{ file: 'templates/tenant/configmap-extra.yaml.ejs', from: 'COUNT: 5', to: 'COUNT: .inf' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const dir = await cacheDir();
    const none = await check(root);
    const actual = none.diagnostics.find((d) => d.ruleId === 'schema/invalid' && d.field?.pointer === '/data/COUNT')?.field?.actual;
    expect(actual).toBe(Infinity);
    await check(root, new RenderCache(dir));
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache!.hits).toBe(1);
    expect(outputs(warm)).toEqual(outputs(none));
  });
});

describe('Services that select no pods (k8s/service-selector-targets reads only its own namespace)', () => {
  it('are reported from the cache for unchanged tenants, and again for a tenant whose namespace gains the pods', async () => {
    const root = await repoWithFindings();
    await writeFile(
      path.join(root, 'templates/tenant/service-lonely.yaml.ejs'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: lonely\n  namespace: <%- v(tenant.namespace) %>\nspec:\n  selector:\n    app: lonely\n  ports:\n    - port: 80\n',
    );
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const dir = await cacheDir();
    const none = await check(root);
    const lonely = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'k8s/service-selector-targets').map((d) => d.tenant);
    expect(lonely(none).length).toBeGreaterThanOrEqual(TENANTS - 1);
    expect(lonely(none)).toContain('cache-plain');
    expect(lonely(none)).toContain('test-tenant-a');
    await check(root, new RenderCache(dir));
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));

    // Pods with the label, put in tenant a's namespace from tenant b's folder: tenant a is checked again, and its Service now selects them.
    await writeFile(
      path.join(root, 'rendered/ai-agents-test-tenant-b/workloads/lonely-pods.yaml'),
      ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: lonely, namespace: ai-agents-test-tenant-a}', 'spec:', '  selector: {matchLabels: {app: lonely}}', '  template:', '    metadata: {labels: {app: lonely}}', '    spec: {containers: [{name: c, image: busybox}]}', ''].join('\n'),
    );
    const after = await check(root, new RenderCache(dir));
    expect(lonely(after)).not.toContain('test-tenant-a');
    expect(outputs(after)).toEqual(outputs(await check(root)));

    // Replayed, not found again: an entry rewritten under its own key without the finding drops it from the report.
    const cache = new RenderCache(dir);
    for (const key of (await packedKeys(dir, 'findings')).get('cache-plain') ?? []) {
      const f = cache.getFindings('cache-plain', key) as { rules: { ruleId: string }[] };
      cache.putFindings('cache-plain', key, { ...f, rules: f.rules.filter((d) => d.ruleId !== 'k8s/service-selector-targets') });
    }
    cache.saveFindings();
    expect(lonely(await check(root, new RenderCache(dir)))).not.toContain('cache-plain');
  });
});

describe('DNS egress (network/dns-egress judges each namespace by its own policies)', () => {
  it('is reported from the cache for unchanged tenants, and again for a tenant whose namespace gains a policy allowing DNS', async () => {
    const root = await repoWithFindings();
    // Every tenant's DNS policy allows UDP only: each namespace denies DNS over TCP.
    await applyInputEdits(root, [{ file: 'templates/tenant/networkpolicy-allow-egress-dns.yaml.ejs', from: '        - protocol: TCP\n          port: <%- v(platform.dns.port) %>\n', to: '' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const tcp = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'network/dns-egress' && d.message.includes('over TCP')).map((d) => d.tenant).sort();
    const none = await check(root);
    expect(tcp(none)).toEqual(['cache-gone', 'cache-plain', 'cache-premium', 'test-tenant-a', 'test-tenant-b']);
    const dir = await cacheDir();
    await check(root, new RenderCache(dir));
    const cache = new RenderCache(dir);
    const [key] = (await packedKeys(dir, 'findings')).get('cache-plain')!;
    const stored = cache.getFindings('cache-plain', key!) as { rules: Diagnostic[] };
    expect(stored.rules.filter((d) => d.ruleId === 'network/dns-egress').map((d) => d.file?.path)).toEqual(['rendered/ai-agents-cache-plain/networkpolicy-allow-egress-to-dns.yaml']);
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));

    // A policy allowing DNS over TCP, put in tenant a's namespace from tenant b's folder: tenant a is checked again, and its namespace now allows it.
    await writeFile(
      path.join(root, 'rendered/ai-agents-test-tenant-b/networkpolicy-dns-tcp.yaml'),
      ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: dns-tcp, namespace: ai-agents-test-tenant-a}', 'spec:', '  podSelector: {}', '  policyTypes: [Egress]', '  egress:', '    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]', '      ports: [{protocol: TCP, port: 53}]', ''].join('\n'),
    );
    const after = await check(root, new RenderCache(dir));
    expect(tcp(after)).toEqual(['cache-gone', 'cache-plain', 'cache-premium', 'test-tenant-b']);
    expect(outputs(after)).toEqual(outputs(await check(root)));

    // Replayed, not found again: an entry rewritten under its own key without the finding drops it from the report.
    cache.putFindings('cache-plain', key!, { ...stored, rules: stored.rules.filter((d) => d.ruleId !== 'network/dns-egress') });
    cache.saveFindings();
    expect(tcp(await check(root, new RenderCache(dir)))).toEqual(['cache-gone', 'cache-premium', 'test-tenant-b']);
  });
});

describe('namespaceSelectors (network/namespace-selector asks which namespaces the tree knows)', () => {
  it('are replayed while every answer holds, and checked again for every tenant once a namespace gains the label', async () => {
    const root = await repoWithFindings();
    // Every tenant admits its api from namespaces labelled team=obs, which no namespace carries.
    await writeFile(
      path.join(root, 'templates/tenant/networkpolicy-allow-team.yaml.ejs'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-team\n  namespace: <%- v(tenant.namespace) %>\nspec:\n  podSelector: {}\n  policyTypes: ["Ingress"]\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              team: obs\n',
    );
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const dead = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'network/namespace-selector').map((d) => d.tenant).sort();
    const none = await check(root);
    expect(dead(none)).toEqual(['cache-gone', 'cache-plain', 'cache-premium', 'test-tenant-a', 'test-tenant-b']);
    const dir = await cacheDir();
    await check(root, new RenderCache(dir));
    // The question is kept with the finding.
    const [key] = (await packedKeys(dir, 'findings')).get('cache-plain')!;
    const stored = new RenderCache(dir).getFindings('cache-plain', key!) as { reads: unknown[] };
    expect(stored.reads).toContainEqual(['selector', '{"matchLabels":{"team":"obs"}}', false]);
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));

    // A cluster template renders a Namespace with the label: no tenant's objects or inputs changed, but its answer did.
    await writeFile(path.join(root, 'templates/cluster/namespace-monitoring.yaml.ejs'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n  labels:\n    team: obs\n');
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const after = await check(root, new RenderCache(dir));
    expect(after.findingsCache).toEqual({ hits: 0, misses: TENANTS });
    expect(dead(after)).toEqual([]);
    expect(outputs(after)).toEqual(outputs(await check(root)));
  });
});

describe('ingress ports by name (isolation/network-allow-scope reads only its own namespace)', () => {
  it('resolve through the tenant\'s own containers, and their findings are kept and replayed per tenant', async () => {
    const root = await repoWithFindings();
    // Every tenant's ingress policy names port "admin"; only tenant a's api container declares it, at a port tenants.yaml does not allow.
    await applyInputEdits(root, [
      { file: 'templates/tenant/networkpolicy-allow-ingress-api.yaml.ejs', from: 'port: <%- apiPort %>', to: 'port: admin' },
      { file: 'templates/tenant/deployment-api.yaml.ejs', from: '          ports:\n', to: "          ports:\n<% if (tenant.id === 'test-tenant-a') { -%>\n            - name: admin\n              containerPort: 9000\n              protocol: TCP\n<% } -%>\n" },
    ]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const ports = (r: PipelineResult) => Object.fromEntries(r.diagnostics.filter((d) => d.ruleId === 'isolation/network-allow-scope').map((d) => [d.tenant, d.field?.actual]));
    const none = await check(root);
    expect(ports(none)).toMatchObject({ 'test-tenant-a': 'TCP/9000', 'test-tenant-b': 'TCP/admin', 'cache-plain': 'TCP/admin' });
    const dir = await cacheDir();
    await check(root, new RenderCache(dir));
    // Stored with the tenant's other local findings: a warm run does not look at its policies again.
    const cache = new RenderCache(dir);
    for (const [tenant, port] of [['test-tenant-a', 'TCP/9000'], ['cache-plain', 'TCP/admin']] as const) {
      const [key] = (await packedKeys(dir, 'findings')).get(tenant)!;
      const stored = cache.getFindings(tenant, key!) as { rules: Diagnostic[] };
      expect(stored.rules.filter((d) => d.ruleId === 'isolation/network-allow-scope').map((d) => d.field?.actual)).toEqual([port]);
    }
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));
  });
});

describe('other tenants local rules looked up (RuleContext.tenantRef)', () => {
  it('are kept with the findings: a tenant is checked again when an answer changes, and only that tenant', async () => {
    const root = await repoWithFindings();
    const peer = 'api.ai-agents-test-newcomer.svc.cluster.local';
    // cache-plain's ConfigMap names the namespace of a tenant tenants.yaml does not have yet.
    await applyInputEdits(root, [{ file: 'tenants.yaml', from: '    name: Cache Plain\n    tier: standard\n', to: `    name: Cache Plain\n    tier: standard\n    config:\n      PEER: ${peer}\n` }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const confined = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'isolation/namespace-confinement').map((d) => `${d.tenant}: ${d.message}`);
    expect(confined(await check(root))).toEqual([]);
    const dir = await cacheDir();
    await check(root, new RenderCache(dir));
    const cache = new RenderCache(dir);
    const readsOf = async (tenant: string) => ((cache.getFindings(tenant, (await packedKeys(dir, 'findings')).get(tenant)![0]!) as { reads?: unknown[] }).reads ?? []).map((r) => JSON.stringify(r));
    expect(await readsOf('cache-plain')).toContain(JSON.stringify(['namespace', 'ai-agents-test-newcomer', null]));
    expect(await readsOf('cache-premium')).not.toContain(JSON.stringify(['namespace', 'ai-agents-test-newcomer', null]));
    expect((await check(root, new RenderCache(dir))).findingsCache).toEqual({ hits: TENANTS, misses: 0 });

    // The tenant arrives: the ConfigMap now reaches into its namespace.
    await writeFile(path.join(root, 'tenants.yaml'), `${await readFile(path.join(root, 'tenants.yaml'), 'utf8')}\n  - id: test-newcomer\n    name: Newcomer\n    tier: standard\n`);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const after = await check(root, new RenderCache(dir));
    expect(confined(after)).toEqual(['cache-plain: references namespace ai-agents-test-newcomer of tenant test-newcomer']);
    // cache-plain is checked again; the newcomer is new; every other tenant is replayed.
    expect(after.findingsCache).toEqual({ hits: TENANTS - 1, misses: 2 });
    expect(outputs(after)).toEqual(outputs(await check(root)));
  });
});

describe('admission outcomes of unchanged tenants', () => {
  /** Five tenants, the guardrails policy unbound (every tenant's guardrails open), and a policy that refuses and fails on tenant ConfigMaps. */
  async function repoWithAdmissionFindings(): Promise<string> {
    const root = await repoWithFindings();
    await rm(path.join(root, 'templates/cluster/validatingadmissionpolicybinding-tenant-guardrails.yaml.ejs'));
    await writeFile(
      path.join(root, 'templates/cluster/validatingadmissionpolicy-test-configmaps.yaml.ejs'),
      [
        'apiVersion: admissionregistration.k8s.io/v1',
        'kind: ValidatingAdmissionPolicy',
        'metadata:',
        '  name: test-configmaps',
        'spec:',
        '  failurePolicy: Fail',
        '  matchConstraints:',
        '    resourceRules:',
        '      - apiGroups: [""]',
        '        apiVersions: ["*"]',
        '        operations: ["CREATE", "UPDATE"]',
        '        resources: ["configmaps"]',
        '  validations:',
        '    - expression: "object.metadata.name != \'tenant-config\'"',
        '    - expression: "object.data[\'MISSING\'] == \'x\'"',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(root, 'templates/cluster/validatingadmissionpolicybinding-test-configmaps.yaml.ejs'),
      [
        'apiVersion: admissionregistration.k8s.io/v1',
        'kind: ValidatingAdmissionPolicyBinding',
        'metadata:',
        '  name: test-configmaps',
        'spec:',
        '  policyName: test-configmaps',
        '  validationActions: [Deny]',
        '',
      ].join('\n'),
    );
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    return root;
  }

  it('replays what each tenant\'s requests showed, and the report is the same as evaluating them again', async () => {
    const root = await repoWithAdmissionFindings();
    const dir = await cacheDir();
    const none = await check(root);
    const messages = none.diagnostics.filter((d) => d.ruleId.startsWith('admission/')).map((d) => d.message);
    // Aggregated across tenants: the order tenants are seen in decides the first subject and the "and N more" list.
    expect(messages.some((m) => m.includes('can delete the NetworkPolicy guardrail') && m.includes('more:'))).toBe(true);
    expect(messages.some((m) => m.includes('is refused by policy test-configmaps') && m.includes('more:'))).toBe(true);
    expect(messages.some((m) => m.includes('policy test-configmaps fails to evaluate') && m.includes('more:'))).toBe(true);
    await check(root, new RenderCache(dir));
    expect((await packedKeys(dir, 'admission')).size).toBeGreaterThanOrEqual(TENANTS - 1);
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));

    // The warm run reads what was stored: an entry rewritten under its own key (one tenant's guardrail probes left out) changes the report.
    const keys = (await packedKeys(dir, 'admission')).get('cache-plain') ?? [];
    expect(keys.length).toBeGreaterThan(0);
    const cache = new RenderCache(dir);
    for (const key of keys) {
      const outcome = cache.getFindings('cache-plain', key, 'admission') as { guardrails: unknown[]; objects: Record<string, unknown[]> };
      expect(outcome.guardrails.length).toBeGreaterThan(0);
      // Only the objects whose requests showed something are kept: here the tenant's ConfigMaps, which the test policy fails on.
      expect(Object.keys(outcome.objects).length).toBeGreaterThan(0);
      expect(Object.keys(outcome.objects).every((f) => /\/configmap-[^/]+\.yaml$/.test(f))).toBe(true);
      cache.putFindings('cache-plain', key, { ...outcome, guardrails: [] }, 'admission');
    }
    cache.saveFindings();
    const edited = await check(root, new RenderCache(dir));
    expect(outputs(edited)).not.toEqual(outputs(none));
  });

  it('evaluates again when the policies change, though no tenant did', async () => {
    const root = await repoWithAdmissionFindings();
    const { warm, none } = await afterSharedEdit(root, { file: 'templates/cluster/validatingadmissionpolicy-test-configmaps.yaml.ejs', from: "!= 'tenant-config'", to: "!= 'extra'" });
    const refused = (r: PipelineResult) => r.diagnostics.filter((d) => d.message.includes('is refused by policy test-configmaps')).map((d) => d.message);
    expect(refused(warm).join('\n')).toContain('ConfigMap ai-agents-cache-plain/extra');
    expect(outputs(warm)).toEqual(outputs(none));
  });
});

describe('local rules', () => {
  type Ctx = Parameters<NonNullable<AnyRule['checkManifest']>>[1];
  let manifests: Manifest[] = [];
  let config: TenantsConfig;
  beforeAll(async () => {
    const r = await check(await tempRepo({ rendered: true }));
    manifests = r.manifests;
    config = r.config!;
    expect(manifests.length).toBeGreaterThan(10);
  });
  const rule = (read: (m: Manifest, ctx: Ctx) => unknown): Record<string, AnyRule> => ({
    'k8s/object-size': { meta: { id: 'k8s/object-size', local: true, messages: {} }, checkManifest: (m, ctx) => void read(m, ctx) },
  });

  it('may read their own namespace and the platform settings', () => {
    let looked = 0;
    const rules = rule((m, ctx) => {
      const ns = m.object.metadata?.namespace;
      if (ns === undefined) return ctx.platform;
      ctx.tenantOfNamespace(ns);
      if (ctx.lookup('ConfigMap', ns, 'tenant-config')) looked++;
      if (!ctx.inNamespace(ns).includes(m)) throw new Error(`${m.file} is not among the objects of its own namespace`);
      return ctx.platform;
    });
    expect(runRules({ manifests, rules })).toEqual([]);
    expect(looked).toBeGreaterThan(10);
  });

  it('may look up any tenant by id or namespace, and each question and answer is recorded for the tenant being checked', () => {
    const reads = new Map<string, TenantRead[]>();
    const seen: unknown[] = [];
    const rules = rule((_m, ctx) => {
      seen.push(ctx.tenantRef('namespace', 'ai-agents-test-tenant-b'), ctx.tenantRef('id', 'nobody'), ctx.tenantRef('namespace', 'database'));
    });
    const unitOf = (m: Manifest) => (m.object.metadata?.namespace === 'ai-agents-test-tenant-a' ? 'test-tenant-a' : undefined);
    runRules({ manifests, rules, config, local: { unitOf, replayed: new Set(), findings: [], store: () => undefined, read: (unit, r) => pushTo(reads, unit, r) } });
    // Only the id and the namespace: nothing else of the tenant is there to judge by.
    expect(seen[0]).toEqual({ id: 'test-tenant-b', namespace: 'ai-agents-test-tenant-b' });
    expect(seen.slice(1, 3)).toEqual([undefined, undefined]);
    expect([...reads.keys()]).toEqual(['test-tenant-a']);
    // A name without the namespace prefix can never be a tenant's while the platform settings (part of the key) stay: not recorded.
    expect(new Set(reads.get('test-tenant-a')!.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify(['namespace', 'ai-agents-test-tenant-b', 'test-tenant-b']), JSON.stringify(['id', 'nobody', null])]));
  });

  it('are not run for a replayed tenant, and see every object of the namespace of a tenant they check', () => {
    const calls: [string, number][] = [];
    const rules: Record<string, AnyRule> = { 'quota/present': { meta: { id: 'quota/present', local: true, messages: {} }, checkTenant: (t, objects) => void calls.push([t.id, objects.length]) } };
    const [a, b] = config.tenants;
    const tenantOf = new Map(config.tenants.map((t) => [t.namespace, t.id]));
    const unitOf = (m: Manifest) => tenantOf.get(namespaceOfManifest(m) ?? '');
    runRules({ manifests, rules, config, local: { unitOf, replayed: new Set([a!.id]), findings: [], store: () => undefined, read: () => undefined } });
    expect(calls).toEqual([[b!.id, manifests.filter((m) => namespaceOfManifest(m) === b!.namespace).length]]);
    expect(calls[0]![1]).toBeGreaterThan(5);
  });

  const beyond: [string, (m: Manifest, ctx: Ctx) => unknown][] = [
    ['every object', (_m, ctx) => ctx.all],
    ['the tenant list', (_m, ctx) => ctx.tenants],
    ['objects by kind', (_m, ctx) => ctx.ofKind('Secret')],
    ['a tree-wide index', (_m, ctx) => ctx.shared('x', () => 1)],
    ['an object in namespace database', (m, ctx) => m.object.metadata?.namespace !== 'database' && ctx.lookup('Service', 'database', 'postgresql')],
    ['the objects in namespace database', (m, ctx) => m.object.metadata?.namespace !== 'database' && ctx.inNamespace('database')],
  ];
  for (const [what, read] of beyond) {
    it(`may not read ${what}: the engine refuses, so a rule marked local cannot depend on other tenants`, () => {
      expect(() => runRules({ manifests, rules: rule(read) })).toThrow(`is marked local but read ${what}`);
    });
  }
});

describe('quota reports of unchanged tenants', () => {
  const quotaSection = (r: PipelineResult) => r.sections.find((s) => s.kind === 'quota-headroom')!.json as { tenant: string; resources: { resource: string; hard: number; steady: number }[] }[];

  it('replays each tenant\'s rows exactly (amounts kept exact), and reads what was stored', async () => {
    const root = await repoWithFindings();
    const dir = await cacheDir();
    const none = await check(root);
    await check(root, new RenderCache(dir));
    expect((await packedKeys(dir, 'quota')).size).toBe(TENANTS);
    const warm = await check(root, new RenderCache(dir));
    expect(outputs(warm)).toEqual(outputs(none));
    expect(quotaSection(warm).find((q) => q.tenant === 'cache-premium')!.resources.length).toBeGreaterThan(0);

    // An entry rewritten under its own key (the CPU quota doubled) is what the warm report shows.
    const [key] = (await packedKeys(dir, 'quota')).get('cache-premium')!;
    const cache = new RenderCache(dir);
    const stored = cache.getFindings('cache-premium', key!, 'quota') as { rows: { resource: string; hard: string }[] };
    const cpu = stored.rows.find((r) => r.resource === 'requests.cpu')!;
    cache.putFindings('cache-premium', key!, { ...stored, rows: stored.rows.map((r) => (r === cpu ? { ...r, hard: String(BigInt(r.hard) * 2n) } : r)) }, 'quota');
    cache.saveFindings();
    const edited = quotaSection(await check(root, new RenderCache(dir))).find((q) => q.tenant === 'cache-premium')!;
    const fresh = quotaSection(none).find((q) => q.tenant === 'cache-premium')!;
    expect(edited.resources.find((r) => r.resource === 'requests.cpu')!.hard).toBe(2 * fresh.resources.find((r) => r.resource === 'requests.cpu')!.hard);
    // A stored entry of another shape is a miss, not a report.
    cache.putFindings('cache-premium', key!, { ...stored, rows: [{ ...cpu, hard: '1.5' }] }, 'quota');
    cache.saveFindings();
    expect(outputs(await check(root, new RenderCache(dir)))).toEqual(outputs(none));
  });

  it('computes again for a tenant whose namespace holds an object another folder put there', async () => {
    const root = await repoWithFindings();
    const dir = await cacheDir();
    const cold = await check(root, new RenderCache(dir));
    // A Deployment in tenant a's namespace, committed in tenant b's folder: tenant a's usage grows.
    await writeFile(
      path.join(root, 'rendered/ai-agents-test-tenant-b/workloads/intruder.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: intruder, namespace: ai-agents-test-tenant-a}',
        'spec:',
        '  replicas: 3',
        '  selector: {matchLabels: {app: intruder}}',
        '  template:',
        '    metadata: {labels: {app: intruder}}',
        '    spec:',
        '      containers: [{name: c, image: busybox, resources: {requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}}]',
        '',
      ].join('\n'),
    );
    const warm = await check(root, new RenderCache(dir));
    const none = await check(root);
    expect(outputs(warm)).toEqual(outputs(none));
    const cpu = (r: PipelineResult) => quotaSection(r).find((q) => q.tenant === 'test-tenant-a')!.resources.find((x) => x.resource === 'requests.cpu')!.steady;
    // Three more pods of one CPU each than the report the cache holds.
    expect(cpu(warm)).toBe(cpu(cold) + 3);
  });
});

describe('network flows of unchanged tenants', () => {
  /** Five tenants whose DNS egress opens the wrong UDP port: every tenant's declared DNS flow is blocked, blamed on its own policy. */
  async function repoWithBlockedFlows(): Promise<string> {
    const root = await repoWithFindings();
    await applyInputEdits(root, [{ file: 'templates/tenant/networkpolicy-allow-egress-dns.yaml.ejs', from: '- protocol: UDP\n          port: <%- v(platform.dns.port) %>', to: '- protocol: UDP\n          port: 5353' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    return root;
  }
  const blocked = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'isolation/declared-flow-blocked');
  const matrix = (r: PipelineResult) => r.sections.find((s) => s.title === 'Tenant isolation matrix')!.text;

  it('replays what each tenant\'s flows showed, at the policy line they blamed, and the report is the same as checking them again', async () => {
    const root = await repoWithBlockedFlows();
    const dir = await cacheDir();
    const none = await check(root);
    expect(blocked(none).length).toBeGreaterThanOrEqual(TENANTS - 1);
    for (const d of blocked(none)) {
      expect(d.file?.path).toMatch(/networkpolicy-allow-egress-to-dns\.yaml$/);
      expect(d.field?.pointer).toMatch(/^\/spec\/egress\//);
    }
    await check(root, new RenderCache(dir));
    const stored = await packedKeys(dir, 'flows');
    expect(stored.size).toBeGreaterThanOrEqual(TENANTS - 1);
    const warm = await check(root, new RenderCache(dir));
    expect(warm.findingsCache).toEqual({ hits: TENANTS, misses: 0 });
    expect(outputs(warm)).toEqual(outputs(none));

    // The warm run reads what was stored: an entry rewritten under its own key (its findings and its connections left out) changes the report.
    const keys = stored.get('cache-plain') ?? [];
    expect(keys.length).toBeGreaterThan(0);
    const cache = new RenderCache(dir);
    for (const key of keys) {
      const flows = cache.getFindings('cache-plain', key, 'flows') as { evaluations: number; findings: unknown[] };
      expect(flows.findings.length).toBeGreaterThan(0);
      cache.putFindings('cache-plain', key, { ...flows, evaluations: 0, findings: [] }, 'flows');
    }
    cache.saveFindings();
    const edited = await check(root, new RenderCache(dir));
    expect(blocked(edited).filter((d) => d.tenant === 'cache-plain')).toEqual([]);
    expect(blocked(edited).length).toBeLessThan(blocked(none).length);
    expect(matrix(edited)).not.toEqual(matrix(none));

    // An entry of another shape, or one blaming a policy that is not there, is a miss: checked again.
    for (const key of keys) cache.putFindings('cache-plain', key, { checked: 1, blocked: 0, evaluations: 1, findings: [{ ruleId: 'isolation/declared-flow-blocked', message: 'x', blame: { namespace: 'ai-agents-cache-plain', name: 'no-such-policy', pointer: '/spec' } }] }, 'flows');
    cache.saveFindings();
    expect(outputs(await check(root, new RenderCache(dir)))).toEqual(outputs(none));
    for (const key of keys) cache.putFindings('cache-plain', key, { checked: -1, blocked: 0, evaluations: 0, findings: [] }, 'flows');
    cache.saveFindings();
    expect(outputs(await check(root, new RenderCache(dir)))).toEqual(outputs(none));
  });

  it('checks again a tenant whose namespace holds a policy another folder put there', async () => {
    const root = await repoWithBlockedFlows();
    const dir = await cacheDir();
    await check(root, new RenderCache(dir));
    // An egress policy in tenant a's namespace, committed in tenant b's folder: tenant a's pods may now send anywhere.
    await writeFile(
      path.join(root, 'rendered/ai-agents-test-tenant-b/networkpolicy-intruder.yaml'),
      ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: intruder, namespace: ai-agents-test-tenant-a}', 'spec:', '  podSelector: {}', '  policyTypes: [Egress]', '  egress: [{}]', ''].join('\n'),
    );
    const warm = await check(root, new RenderCache(dir));
    const undeclared = warm.diagnostics.filter((d) => d.ruleId === 'isolation/undeclared-flow' && d.tenant === 'test-tenant-a');
    expect(undeclared.length).toBeGreaterThan(0);
    expect(undeclared.some((d) => d.file?.path === 'rendered/ai-agents-test-tenant-b/networkpolicy-intruder.yaml')).toBe(true);
    expect(outputs(warm)).toEqual(outputs(await check(root)));
  });

  it('checks again when the shared services\' policies change, though no tenant did', async () => {
    const root = await repoWithBlockedFlows();
    const { warm, none } = await afterSharedEdit(root, { file: 'templates/cluster/networkpolicy-database-redis.yaml.ejs', from: 'port: <%- v(platform.database.redis.port) %>', to: 'port: 6380' });
    const redis = blocked(warm).filter((d) => d.message.includes('redis'));
    expect(redis.length).toBeGreaterThanOrEqual(TENANTS - 1);
    expect(outputs(warm)).toEqual(outputs(none));
  });
});

describe('network model of unchanged tenants (their workloads and Services)', () => {
  it('is kept per tenant and replayed: the report is the same as reading the objects, and what was kept is what the proof reads', async () => {
    const root = await repoWithFindings();
    // Every tenant's pods labelled role=probe admit any pod of any namespace: none runs one, so no path is open.
    await writeFile(
      path.join(root, 'templates/tenant/networkpolicy-allow-probe.yaml.ejs'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-probe\n  namespace: <%- v(tenant.namespace) %>\nspec:\n  podSelector:\n    matchLabels:\n      role: probe\n  policyTypes: ["Ingress"]\n  ingress:\n    - from:\n        - namespaceSelector: {}\n',
    );
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const paths = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'isolation/cross-tenant-path');
    const dir = await cacheDir();
    const none = await check(root);
    expect(paths(none)).toEqual([]);
    await check(root, new RenderCache(dir));
    const stored = await packedKeys(dir, 'network');
    // cache-gone is decommissioned: it has policies and no workloads, and is kept for its policies.
    expect([...stored.keys()].sort()).toEqual(['cache-gone', 'cache-plain', 'cache-premium', 'test-tenant-a', 'test-tenant-b']);
    const warm = await check(root, new RenderCache(dir));
    expect(outputs(warm)).toEqual(outputs(none));

    // cache-plain's kept worker now carries role=probe: the warm run's proof finds the paths into it, so it read the entry, not the Deployment.
    const cache = new RenderCache(dir);
    const keys = stored.get('cache-plain')!;
    const kept = (key: string, from = cache) => from.getFindings('cache-plain', key, 'network') as { workloads: { name: string; labels: Record<string, string> }[] };
    for (const key of keys) {
      const network = kept(key);
      expect(network.workloads.map((w) => w.name).sort()).toEqual(['api', 'worker']);
      cache.putFindings('cache-plain', key, { ...network, workloads: network.workloads.map((w) => (w.name === 'worker' ? { ...w, labels: { ...w.labels, role: 'probe' } } : w)) }, 'network');
    }
    cache.saveFindings();
    const opened = paths(await check(root, new RenderCache(dir)));
    expect(opened.length).toBeGreaterThan(0);
    // The pairs into cache-plain are evaluated with its policies, modelled from its objects only now: allow-probe is what admits them.
    for (const d of opened) expect([d.tenant, d.message]).toEqual(['cache-plain', expect.stringMatching(/^cross-tenant path: tenant cache-plain admits pods of tenant [^ ]+: .* → ai-agents-cache-plain\/worker on .* is allowed by ai-agents-cache-plain\/allow-probe;/)]);
    // What the matrix and the search read of cache-plain's policies is the kept surface: renamed there, renamed in the report.
    const listed = (r: PipelineResult) => (r.sections.find((x) => x.kind === 'tenant-matrix')!.json as TenantMatrixJson).policies['cache-plain']!.ingress;
    expect(listed(none)).toContain('allow-probe');
    for (const key of keys) {
      const network = cache.getFindings('cache-plain', key, 'network') as { policies: { policies: [string, boolean, boolean][] } };
      cache.putFindings('cache-plain', key, { ...network, policies: { ...network.policies, policies: network.policies.policies.map(([n, i, e]) => [`kept-${n}`, i, e]) } }, 'network');
    }
    cache.saveFindings();
    expect(listed(await check(root, new RenderCache(dir)))).toEqual(listed(none).map((n) => `kept-${n}`));

    // An entry of another shape is a miss: the objects are read, and kept again.
    for (const key of keys) cache.putFindings('cache-plain', key, { namespace: 'ai-agents-cache-plain', workloads: [{ id: 'x', namespace: 'ai-agents-cache-plain' }], services: [] }, 'network');
    cache.saveFindings();
    expect(outputs(await check(root, new RenderCache(dir)))).toEqual(outputs(none));
    expect(kept((await packedKeys(dir, 'network')).get('cache-plain')![0]!, new RenderCache(dir)).workloads.map((w) => w.labels.role)).toEqual([undefined, undefined]);
    // So is one without the surface of its policies, or with a surface of another shape: the policies are read, and their surface kept again.
    const good = (await packedKeys(dir, 'network')).get('cache-plain')![0]!;
    const whole = new RenderCache(dir).getFindings('cache-plain', good, 'network') as Record<string, unknown>;
    for (const wrong of [{ ...whole, policies: undefined }, { ...whole, policies: { ...(whole.policies as object), ingress: { all: false, selectors: [[]] } } }]) {
      const edit = new RenderCache(dir);
      edit.putFindings('cache-plain', good, wrong, 'network');
      edit.saveFindings();
      expect(outputs(await check(root, new RenderCache(dir)))).toEqual(outputs(none));
      expect(new RenderCache(dir).getFindings('cache-plain', good, 'network')).toEqual(whole);
    }
  });
});

describe('the kept surface of a tenant\'s policies', () => {
  it('is matched against the namespaces of each run: a tenant that newly carries a label a kept policy admits is found', async () => {
    const root = await repoWithFindings();
    // Every tenant admits ingress from the namespaces of premium tenants; only cache-premium is one.
    await applyInputEdits(root, [{ file: 'templates/tenant/namespace.yaml.ejs', from: '    tenant: <%- v(tenant.id) %>\n', to: '    tenant: <%- v(tenant.id) %>\n    tier: <%- v(tenant.tierName) %>\n' }]);
    await writeFile(
      path.join(root, 'templates/tenant/networkpolicy-allow-premium.yaml.ejs'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-premium\n  namespace: <%- v(tenant.namespace) %>\nspec:\n  podSelector: {}\n  policyTypes: ["Ingress"]\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              tier: premium\n',
    );
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const from = (r: PipelineResult) => [...new Set(r.diagnostics.filter((d) => d.ruleId === 'isolation/cross-tenant-path').map((d) => / admits pods of tenant ([^:]+):/.exec(d.message)?.[1]))].sort();
    const dir = await cacheDir();
    await check(root, new RenderCache(dir));
    expect(from(await check(root, new RenderCache(dir)))).toEqual(['cache-premium']);

    // cache-plain becomes premium: its Namespace now carries the label every other tenant's kept policy admits.
    await applyInputEdits(root, [{ file: 'tenants.yaml', from: '    name: Cache Plain\n    tier: standard\n', to: '    name: Cache Plain\n    tier: premium\n' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const warm = await check(root, new RenderCache(dir));
    // Only cache-plain was checked again: the others' surfaces were the kept ones, matched against this run's namespaces.
    expect(warm.findingsCache).toEqual({ hits: TENANTS - 1, misses: 1 });
    expect(from(warm)).toEqual(['cache-plain', 'cache-premium']);
    expect(outputs(warm)).toEqual(outputs(await check(root)));
  });
});

describe('the RBAC proof', () => {
  it('is replayed whole while nothing it reads changed, and made again when an RBAC object changes or is edited by hand', async () => {
    const root = await repoWithFindings();
    const dir = await cacheDir();
    const rbac = (r: PipelineResult) => r.sections.find((s) => s.title === 'RBAC')!.text;
    const guardrails = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'isolation/rbac-guardrails').map((d) => d.tenant).sort();
    const none = await check(root);
    expect(guardrails(none)).toEqual([]);
    await check(root, new RenderCache(dir));
    const [key, ...more] = (await packedKeys(dir, 'rbac')).get('(rbac proof)')!;
    expect(more).toEqual([]);
    expect(outputs(await check(root, new RenderCache(dir)))).toEqual(outputs(none));

    // Replayed, not made again: the kept proof rewritten under its own key is what the warm run reports.
    const cache = new RenderCache(dir);
    const kept = cache.getFindings('(rbac proof)', key!, 'rbac') as { section: { text: string } };
    expect(kept.section.text).toBe(rbac(none));
    cache.putFindings('(rbac proof)', key!, { ...kept, section: { ...kept.section, text: 'kept\n' } }, 'rbac');
    cache.saveFindings();
    expect(rbac(await check(root, new RenderCache(dir)))).toBe('kept\n');
    // A tier changes: no RBAC object, guardrail or tenant id does, so the proof is still the kept one.
    await applyInputEdits(root, [{ file: 'tenants.yaml', from: '    name: Cache Plain\n    tier: standard\n', to: '    name: Cache Plain\n    tier: premium\n' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    expect(rbac(await check(root, new RenderCache(dir)))).toBe('kept\n');

    // Every tenant's Role may now write its ResourceQuota: the proof is made again, and finds it.
    await applyInputEdits(root, [{ file: 'templates/tenant/role.yaml.ejs', from: 'rules:\n', to: 'rules:\n  - apiGroups: [""]\n    resources: ["resourcequotas"]\n    verbs: ["update"]\n' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const edited = await check(root, new RenderCache(dir));
    expect(guardrails(edited)).toEqual(['cache-gone', 'cache-plain', 'cache-premium', 'test-tenant-a', 'test-tenant-b']);
    expect(outputs(edited)).toEqual(outputs(await check(root)));

    // A RoleBinding edited by hand in the committed tree is read from disk: the proof is made, whatever was kept.
    const binding = path.join(root, 'rendered/ai-agents-test-tenant-a/rolebinding-tenant-test-tenant-a-rolebinding.yaml');
    const text = await readFile(binding, 'utf8');
    await writeFile(binding, text.replace(/(subjects:\n)/, '$1  - kind: ServiceAccount\n    name: sa-test-tenant-b\n    namespace: ai-agents-test-tenant-b\n'));
    const handEdited = await check(root, new RenderCache(dir));
    expect(handEdited.diagnostics.some((d) => d.ruleId === 'isolation/rbac-cross-tenant')).toBe(true);
    expect(outputs(handEdited)).toEqual(outputs(await check(root)));
    // Edited by hand again, now without the grant: made again too, not replayed as the last hand edit left it.
    await writeFile(binding, `# reviewed\n${text}`);
    const again = await check(root, new RenderCache(dir));
    expect(again.diagnostics.some((d) => d.ruleId === 'isolation/rbac-cross-tenant')).toBe(false);
    expect(outputs(again)).toEqual(outputs(await check(root)));
  });

  it('is made again when a guardrail object is renamed, though no RBAC object changed', async () => {
    const root = await repoWithFindings();
    // Every tenant's Role may update the ResourceQuota named tenant-quota: a guardrail change, found for every tenant.
    await applyInputEdits(root, [{ file: 'templates/tenant/role.yaml.ejs', from: 'rules:\n', to: 'rules:\n  - apiGroups: [""]\n    resources: ["resourcequotas"]\n    resourceNames: ["tenant-quota"]\n    verbs: ["update"]\n' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const dir = await cacheDir();
    const guardrails = (r: PipelineResult) => r.diagnostics.filter((d) => d.ruleId === 'isolation/rbac-guardrails').map((d) => d.tenant).sort();
    expect(guardrails(await check(root, new RenderCache(dir)))).toEqual(['cache-gone', 'cache-plain', 'cache-premium', 'test-tenant-a', 'test-tenant-b']);
    // The quota is renamed; the Roles are as they were, and now name a quota no namespace holds.
    await applyInputEdits(root, [{ file: 'templates/tenant/resourcequota.yaml.ejs', from: '  name: tenant-quota\n', to: '  name: tenant-quota-v2\n' }]);
    expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
    const warm = await check(root, new RenderCache(dir));
    expect(guardrails(warm)).toEqual([]);
    expect(outputs(warm)).toEqual(outputs(await check(root)));
  });
});

describe('the findings packs', () => {
  it('keep the two newest entries of each tenant in one file per kind, and are written only when an entry changed', async () => {
    const dir = await cacheDir();
    const cache = new RenderCache(dir);
    cache.putFindings('t1', 'k1', { schema: [], rules: ['one'] });
    cache.putFindings('t1', 'k2', { schema: [], rules: ['two'] });
    cache.putFindings('t2', 'k1', { n: 1 }, 'quota');
    expect(existsSync(packFile(dir, 'findings'))).toBe(false);
    cache.saveFindings();
    const reread = new RenderCache(dir);
    expect(reread.getFindings('t1', 'k1')).toEqual({ schema: [], rules: ['one'] });
    expect(reread.getFindings('t1', 'k2')).toEqual({ schema: [], rules: ['two'] });
    expect(reread.getFindings('t2', 'k1', 'quota')).toEqual({ n: 1 });
    expect(reread.getFindings('t2', 'k1')).toBeUndefined();
    // A third key pushes out the oldest.
    reread.putFindings('t1', 'k3', { three: 3 });
    reread.saveFindings();
    expect(await packedKeys(dir, 'findings')).toEqual(new Map([['t1', ['k3', 'k2']]]));
    expect(new RenderCache(dir).getFindings('t1', 'k1')).toBeUndefined();
    // The same findings again change nothing: the file is not rewritten.
    const before = statSync(packFile(dir, 'findings')).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const same = new RenderCache(dir);
    same.putFindings('t1', 'k3', { three: 3 });
    same.saveFindings();
    expect(statSync(packFile(dir, 'findings')).mtimeMs).toBe(before);
  });

  it('replace the per-tenant folders earlier versions kept, which are never read again', async () => {
    const dir = await cacheDir();
    for (const kind of ['findings', 'quota', 'admission']) {
      await mkdir(path.join(dir, kind, 't1'), { recursive: true });
      await writeFile(path.join(dir, kind, 't1', 'k1'), 'an entry of the earlier layout');
    }
    const cache = new RenderCache(dir);
    cache.putFindings('t1', 'k1', { schema: [], rules: [] });
    cache.saveFindings();
    for (const kind of ['findings', 'quota', 'admission']) expect(existsSync(path.join(dir, kind))).toBe(false);
    expect(new RenderCache(dir).getFindings('t1', 'k1')).toEqual({ schema: [], rules: [] });
  });
});
