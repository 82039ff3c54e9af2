import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeFor, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { renderInMemory, runPipeline } from '../../src/pipeline.js';
import { cleanupTempRepos, lineOf, repoRoot, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const A = 'rendered/ai-agents-test-tenant-a';
const W = `${A}/workloads`;

interface Row {
  name: string;
  /** A file of the repository copy: a rendered file (hand edit) or a template (then render runs first). */
  file: string;
  from: string;
  to: string;
  rule: string;
  /** The finding's file and the text on its line, after the edit (and render). */
  at: string;
  needle: string;
  nth?: number;
}

// Realistic mistakes, each as a reviewer would see it in a pull request, run through `tenantctl check`.
const rows: Row[] = [
  { name: 'typo in a template field', file: 'templates/tenant/deployment-api.yaml.ejs', from: 'serviceAccountName:', to: 'serviceAcountName:', rule: 'schema/invalid', at: `${W}/deployment-api.yaml`, needle: 'serviceAcountName' },
  { name: 'wrong type in a template', file: 'templates/tenant/deployment-worker.yaml.ejs', from: 'revisionHistoryLimit: 3', to: 'revisionHistoryLimit: "three"', rule: 'schema/invalid', at: `${W}/deployment-worker.yaml`, needle: 'revisionHistoryLimit' },
  { name: 'float replicas in a template', file: 'templates/tenant/hpa-worker.yaml.ejs', from: 'maxReplicas: <%- v(tenant.worker.autoscaling.maxReplicas) %>', to: 'maxReplicas: 2.5', rule: 'schema/invalid', at: `${W}/horizontalpodautoscaler-worker.yaml`, needle: 'maxReplicas' },
  { name: 'default deny loses Egress', file: `${A}/networkpolicy-default-deny-all.yaml`, from: '    - Egress\n', to: '', rule: 'isolation/default-deny', at: `${A}/networkpolicy-default-deny-all.yaml`, needle: 'policyTypes' },
  { name: 'pod runs as the default ServiceAccount', file: `${W}/deployment-api.yaml`, from: 'serviceAccountName: sa-test-tenant-a', to: 'serviceAccountName: default', rule: 'isolation/service-account', at: `${W}/deployment-api.yaml`, needle: 'serviceAccountName' },
  { name: 'token mounted without need', file: `${W}/deployment-worker.yaml`, from: 'automountServiceAccountToken: false', to: 'automountServiceAccountToken: true', rule: 'isolation/service-account', at: `${W}/deployment-worker.yaml`, needle: 'automountServiceAccountToken' },
  { name: 'ingress namespace selected by a name= label', file: `${A}/networkpolicy-allow-ingress-to-api.yaml`, from: 'kubernetes.io/metadata.name: ingress-nginx', to: 'name: ingress-nginx', rule: 'network/namespace-selector', at: `${A}/networkpolicy-allow-ingress-to-api.yaml`, needle: 'name: ingress-nginx' },
  { name: 'namespace and pod selectors OR-ed', file: `${A}/networkpolicy-allow-ingress-to-api.yaml`, from: '          podSelector:\n            matchLabels:\n              app.kubernetes.io/name: ingress-nginx', to: '        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: ingress-nginx', rule: 'network/or-peer', at: `${A}/networkpolicy-allow-ingress-to-api.yaml`, needle: '- namespaceSelector' },
  { name: 'DNS over UDP dropped', file: `${A}/networkpolicy-allow-egress-to-dns.yaml`, from: '        - port: 53\n          protocol: UDP\n', to: '', rule: 'network/dns-egress', at: `${A}/networkpolicy-allow-egress-to-dns.yaml`, needle: 'ports' },
  { name: 'cloud metadata range reachable', file: `${A}/networkpolicy-allow-egress-to-external.yaml`, from: '              - 169.254.0.0/16\n', to: '', rule: 'network/external-egress', at: `${A}/networkpolicy-allow-egress-to-external.yaml`, needle: 'except' },
  { name: 'ingress opened on another port', file: `${A}/networkpolicy-allow-ingress-to-api.yaml`, from: '        - port: 8000', to: '        - port: 8080', rule: 'isolation/network-allow-scope', at: `${A}/networkpolicy-allow-ingress-to-api.yaml`, needle: 'port: 8080' },
  { name: 'quota raised by hand', file: `${A}/resourcequota-tenant-quota.yaml`, from: '    pods: "10"', to: '    pods: "100"', rule: 'quota/present', at: `${A}/resourcequota-tenant-quota.yaml`, needle: 'pods:' },
  { name: 'NodePort quota removed', file: `${A}/resourcequota-tenant-quota.yaml`, from: '    services.nodeports: "0"\n', to: '', rule: 'quota/present', at: `${A}/resourcequota-tenant-quota.yaml`, needle: 'hard:' },
  { name: 'api scaled past the quota', file: `${W}/deployment-api.yaml`, from: '  replicas: 1', to: '  replicas: 6', rule: 'quota/fit', at: `${W}/deployment-api.yaml`, needle: 'replicas: 6' },
  { name: 'a worker asking for 5 cores', file: `${W}/deployment-worker.yaml`, from: '              cpu: 500m', to: '              cpu: "5"', rule: 'quota/fit', at: `${W}/deployment-worker.yaml`, needle: 'resources:' },
  { name: 'memory limit dropped', file: `${W}/deployment-api.yaml`, from: '              memory: 1Gi\n', to: '', rule: 'pod/resources', at: `${W}/deployment-api.yaml`, needle: 'limits:' },
  { name: 'privilege escalation allowed', file: `${W}/deployment-api.yaml`, from: 'allowPrivilegeEscalation: false', to: 'allowPrivilegeEscalation: true', rule: 'pod/security-standards', at: `${W}/deployment-api.yaml`, needle: 'allowPrivilegeEscalation' },
  { name: 'Pod Security lowered on the namespace', file: 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml', from: 'pod-security.kubernetes.io/enforce: restricted', to: 'pod-security.kubernetes.io/enforce: baseline', rule: 'namespace/labels', at: 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml', needle: 'pod-security.kubernetes.io/enforce:' },
  { name: 'tenant may edit its quota', file: `${A}/role-tenant-test-tenant-a-role.yaml`, from: '      - secrets\n', to: '      - secrets\n      - resourcequotas\n', rule: 'rbac/role-hygiene', at: `${A}/role-tenant-test-tenant-a-role.yaml`, needle: 'resourcequotas' },
  { name: 'wildcard verbs', file: `${A}/role-tenant-test-tenant-a-role.yaml`, from: '      - get\n', to: '      - "*"\n', rule: 'rbac/role-hygiene', at: `${A}/role-tenant-test-tenant-a-role.yaml`, needle: '"*"' },
  { name: "another tenant's ServiceAccount bound", file: `${A}/rolebinding-tenant-test-tenant-a-rolebinding.yaml`, from: '    namespace: ai-agents-test-tenant-a', to: '    namespace: ai-agents-test-tenant-b', rule: 'rbac/binding-subjects', at: `${A}/rolebinding-tenant-test-tenant-a-rolebinding.yaml`, needle: '- kind: ServiceAccount' },
  { name: 'config points at another tenant', file: `${W}/configmap-tenant-config.yaml`, from: 'REDIS_HOST: redis.database.svc.cluster.local', to: 'REDIS_HOST: api.ai-agents-test-tenant-b.svc.cluster.local', rule: 'isolation/namespace-confinement', at: `${W}/configmap-tenant-config.yaml`, needle: 'REDIS_HOST' },
  { name: 'Service exposed as NodePort', file: `${W}/service-api.yaml`, from: 'type: ClusterIP', to: 'type: NodePort', rule: 'workload/service-type', at: `${W}/service-api.yaml`, needle: 'type: NodePort' },
  { name: 'image on latest', file: `${W}/deployment-worker.yaml`, from: 'ghcr.io/example/ai-agents:1.4.2', to: 'ghcr.io/example/ai-agents:latest', rule: 'workload/image-pinned', at: `${W}/deployment-worker.yaml`, needle: 'image:' },
  { name: 'port name over 15 characters', file: `${W}/deployment-api.yaml`, from: '            - name: http\n', to: '            - name: http-metrics-endpoint\n', rule: 'k8s/container-port-names', at: `${W}/deployment-api.yaml`, needle: 'http-metrics-endpoint' },
  { name: 'selector does not match the template', file: `${W}/deployment-api.yaml`, from: '      app.kubernetes.io/component: api\n      app.kubernetes.io/name: ai-agents\n      tenant: test-tenant-a\n  strategy', to: '      app.kubernetes.io/component: apii\n      app.kubernetes.io/name: ai-agents\n      tenant: test-tenant-a\n  strategy', rule: 'k8s/selector-matches-template', at: `${W}/deployment-api.yaml`, needle: 'selector:' },
  { name: 'Service selects no pods', file: `${W}/service-api.yaml`, from: '    app.kubernetes.io/component: api\n    app.kubernetes.io/name: ai-agents\n    tenant: test-tenant-a\n  type', to: '    app.kubernetes.io/component: web\n    app.kubernetes.io/name: ai-agents\n    tenant: test-tenant-a\n  type', rule: 'k8s/service-selector-targets', at: `${W}/service-api.yaml`, needle: 'selector:' },
  { name: 'label value with a space', file: `${W}/configmap-tenant-config.yaml`, from: '    tenant: test-tenant-a', to: '    tenant: test tenant a', rule: 'k8s/label-syntax', at: `${W}/configmap-tenant-config.yaml`, needle: 'tenant: test tenant a' },
];

/**
 * The edit applied in memory and run through the pipeline's validation stages
 * (schema, rules, proofs) on the bundled tree, rendered once and shared: what
 * `check` reports for these objects, without copying the repository per row.
 * A template edit renders a temporary copy of the inputs (tenants.yaml and
 * templates only).
 */
async function checkAfter(row: Row): Promise<{ diagnostics: Diagnostic[]; text: string }> {
  let side = await bundled;
  let editedText: string | undefined;
  if (row.file.startsWith('templates/')) {
    const root = await tempRepo();
    const file = path.join(root, row.file);
    const before = await readFile(file, 'utf8');
    if (!before.includes(row.from)) throw new Error(`${row.file} does not contain ${JSON.stringify(row.from)}`);
    await writeFile(file, before.replace(row.from, row.to));
    side = await renderInMemory({ root });
  } else {
    const before = side.render!.files.get(row.file);
    if (before === undefined || !before.includes(row.from)) throw new Error(`${row.file} does not contain ${JSON.stringify(row.from)}`);
    editedText = before.replace(row.from, row.to);
  }
  const manifests = side.render!.manifests.filter((m) => editedText === undefined || m.file !== row.file);
  if (editedText !== undefined) {
    const origin = side.render!.manifests.find((m) => m.file === row.file)?.origin;
    manifests.push(...parseManifests(editedText, { file: row.file, ...(origin ? { origin } : {}) }).manifests);
  }
  const r = await runPipeline({ root: repoRoot, manifests, config: side.config!, stages: ['schema', 'rules', 'proofs'] });
  expect(exitCodeFor(r.diagnostics)).toBe(1);
  return { diagnostics: r.diagnostics, text: editedText ?? side.render!.files.get(row.at)! };
}

const bundled = renderInMemory({ root: repoRoot });

describe('realistic misconfigurations are caught by the right rule at the right line', () => {
  it('covers at least 25 cases', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it.each(rows)('$name → $rule', async (row) => {
    const { diagnostics, text } = await checkAfter(row);
    const line = lineOf(text, row.needle, row.nth);
    const hit = diagnostics.find((d) => d.ruleId === row.rule && d.file?.path === row.at && d.file.line === line);
    expect(hit, `${row.rule} at ${row.at}:${line}; got\n${diagnostics.map((d) => `${d.ruleId} ${d.file?.path}:${d.file?.line} ${d.message}`).join('\n')}`).toBeDefined();
    expect(hit!.tenant).toBe('test-tenant-a');
    if (row.file.startsWith('templates/')) expect(hit!.origin?.template).toBe(row.file);
  });
});
