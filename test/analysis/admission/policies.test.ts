import { afterAll, describe, expect, it } from 'vitest';
import { admissionFindings } from '../../../src/analysis/admission/index.js';
import { rawSchemas } from '../../../src/schema/raw.js';
import { headOf } from '../../../src/manifest/types.js';
import type { SchemaSource } from '../../../src/analysis/admission/index.js';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundledTenants, cleanupTempRepos, cli, renderedWith, repoRoot, tempDir, tempRepo, type InputEdit } from '../../helpers.js';

afterAll(cleanupTempRepos);

const src = rawSchemas() as SchemaSource;
const T = 'templates/cluster/';
const PODS = `${T}validatingadmissionpolicy-tenant-pods.yaml.ejs`;
const GUARD = `${T}validatingadmissionpolicy-tenant-guardrails.yaml.ejs`;
const LABELS = `${T}validatingadmissionpolicy-tenant-namespace-labels.yaml.ejs`;

async function findings(edits: InputEdit[], tenants?: string) {
  const r = await renderedWith(tenants ?? (await bundledTenants()), edits);
  const ds = admissionFindings(r.render!.manifests, r.config!, src);
  const text = (path: string) => r.render!.files.get(path)!;
  return { ds, text };
}

/** Line (1-based) of the first line of `file` containing `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('admission policies in check', () => {
  it('the bundled tree has none', async () => {
    expect((await findings([])).ds).toEqual([]);
  });

  it('a typo in CEL fails with the rule id at the expression line', async () => {
    const { ds, text } = await findings([{ file: PODS, from: '"variables.serviceAccount == variables.expectedServiceAccount"', to: '"variables.serviceAccount == = variables.expectedServiceAccount"' }]);
    const file = 'rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-pods.yaml';
    const syntax = ds.filter((d) => d.ruleId === 'admission/policy' && /CEL syntax error/.test(d.message));
    expect(syntax.map((d) => [d.file?.path, d.file?.line])).toEqual([[file, lineOf(text(file), '== = variables')]]);
  });

  it('an unknown field is reported against the schemas of the matched kinds', async () => {
    const { ds, text } = await findings([{ file: `${T}validatingadmissionpolicy-tenant-services.yaml.ejs`, from: '!has(object.spec.externalIPs) ||', to: '!has(object.spec.externalIP) ||' }]);
    const file = 'rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-services.yaml';
    const d = ds.find((x) => /has no field 'externalIP'/.test(x.message));
    expect(d?.ruleId).toBe('admission/policy');
    expect([d?.file?.path, d?.file?.line]).toEqual([file, lineOf(text(file), 'object.spec.externalIP)')]);
  });

  it('an unknown function and an undeclared variable are reported', async () => {
    const { ds } = await findings([
      { file: PODS, from: '"variables.template.spec"', to: '"variables.template.spec.orValue(null)"' },
      { file: PODS, from: `"variables.spec.containers + `, to: `"containerz + ` },
    ]);
    const messages = ds.filter((d) => d.ruleId === 'admission/policy').map((d) => d.message);
    expect(messages.some((m) => /function 'orValue' is not available/.test(m))).toBe(true);
    expect(messages.some((m) => /undeclared reference to 'containerz'/.test(m))).toBe(true);
  });

  it('a wrong controller username locks the controller out of its own guardrails', async () => {
    const { ds, text } = await findings([{ file: GUARD, from: 'request.userInfo.username in ${admission.celList(admission.controllers)}', to: "request.userInfo.username in ['system:serviceaccount:argocd:argocd-server']" }]);
    const lockout = ds.filter((d) => d.ruleId === 'admission/policy' && /is refused by policy ai-agents-tenant-guardrails/.test(d.message));
    expect(lockout).toHaveLength(1);
    const file = 'rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-guardrails.yaml';
    expect([lockout[0]!.file?.path, lockout[0]!.file?.line]).toEqual([file, lineOf(text(file), 'argocd-server')]);
    expect(lockout[0]!.message).toMatch(/system:serviceaccount:argocd:argocd-application-controller applying the rendered/);
    expect(lockout[0]!.message).toMatch(/and \d+ more/);
  });

  it('a missing binding leaves the policy without effect and the guardrails uncovered', async () => {
    const { ds } = await findings([{ remove: `${T}validatingadmissionpolicybinding-tenant-guardrails.yaml.ejs` }]);
    const policy = ds.filter((d) => d.ruleId === 'admission/policy');
    expect(policy.map((d) => [d.file?.path, d.file?.line, d.message])).toEqual([
      ['rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-guardrails.yaml', 4, 'policy ai-agents-tenant-guardrails has no ValidatingAdmissionPolicyBinding, so the cluster never evaluates it'],
    ]);
    const coverage = ds.filter((d) => d.ruleId === 'admission/coverage').map((d) => d.message);
    for (const kind of ['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'Role', 'RoleBinding']) {
      expect(coverage.some((m) => m.includes(`delete the ${kind} guardrail of tenant test-tenant-a`)), kind).toBe(true);
    }
  });

  it('a guardrail kind missing from the policy is uncovered, at the object', async () => {
    const { ds } = await findings([{ file: GUARD, from: 'const groups = [...new Set(admission.guardrails.map((g) => g.group))];', to: "const groups = [...new Set(admission.guardrails.map((g) => g.group))].filter((g) => g !== 'networking.k8s.io');" }]);
    const coverage = ds.filter((d) => d.ruleId === 'admission/coverage');
    expect(coverage.length).toBeGreaterThan(0);
    expect(coverage.every((d) => /NetworkPolicy/.test(d.message))).toBe(true);
    expect(coverage.find((d) => /delete the NetworkPolicy/.test(d.message))?.file?.path).toMatch(/^rendered\/ai-agents-test-tenant-a\/networkpolicy-/);
  });

  it('the namespace label policy with a namespaceSelector lets an update that removes the label through', async () => {
    const { ds } = await findings([{ file: LABELS, from: '  matchConstraints:\n', to: '  matchConstraints:\n    namespaceSelector:\n      matchLabels:\n        <%- v(platform.tenantNamespaceLabel.key) %>: <%- v(platform.tenantNamespaceLabel.value) %>\n' }]);
    const coverage = ds.filter((d) => d.ruleId === 'admission/coverage').map((d) => d.message);
    expect(coverage.some((m) => m.startsWith('a platform admin outside Git can remove the label platform.ai-agents.io/tenant-namespace from the Namespace of tenant test-tenant-a'))).toBe(true);
    expect(coverage.some((m) => /change the label tenant/.test(m))).toBe(false);
  });

  it('Flux: workloads are applied as the tenant\'s delivery ServiceAccount and still admitted; a waived finding that admission refuses is reported', async () => {
    const flux = (await bundledTenants()).replace('tool: argocd', 'tool: flux');
    expect((await findings([], flux)).ds).toEqual([]);
    const { ds } = await findings([{ file: 'templates/tenant/deployment-api.yaml.ejs', from: 'image: <%- v(tenant.image) %>', to: 'image: "docker.io/library/nginx:1.27"' }], flux);
    const refused = ds.filter((d) => /is refused by policy ai-agents-tenant-pods/.test(d.message));
    expect(refused.map((d) => [d.message.split(' applying')[0], d.file?.path])).toEqual([
      ['system:serviceaccount:argocd:tenant-test-tenant-a', 'rendered/ai-agents-test-tenant-a/workloads/deployment-api.yaml'],
      ['system:serviceaccount:argocd:tenant-test-tenant-b', 'rendered/ai-agents-test-tenant-b/workloads/deployment-api.yaml'],
    ]);
  });

  it('the controller identity follows platform.gitops, or platform.admission.controllers', async () => {
    const flux = (await bundledTenants()).replace('tool: argocd', 'tool: flux').replace('    namespace: argocd\n', '    namespace: flux-system\n');
    const r = await renderedWith(flux);
    const guard = r.render!.files.get('rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-guardrails.yaml')!;
    expect(guard).toContain('request.userInfo.username in ["system:serviceaccount:flux-system:kustomize-controller"]');
    const custom = (await bundledTenants()).replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    controllers: [system:serviceaccount:gitops:applier, system:serviceaccount:argocd:argocd-application-controller]\n');
    const c = await renderedWith(custom);
    expect(c.render!.files.get('rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-guardrails.yaml')).toContain('["system:serviceaccount:gitops:applier", "system:serviceaccount:argocd:argocd-application-controller"]');
    expect(admissionFindings(c.render!.manifests, c.config!, src)).toEqual([]);
  });

  it('Audit mode still covers every guardrail (failures are recorded, not refused)', async () => {
    const audit = (await bundledTenants()).replace('    namespace: argocd\n', '    namespace: argocd\n  admission:\n    validationActions: [Audit]\n');
    const r = await renderedWith(audit);
    const binding = r.render!.files.get('rendered/_cluster/validatingadmissionpolicybinding-ai-agents-tenant-guardrails.yaml')!;
    expect(binding).toMatch(/validationActions:\n\s+- Audit/);
    expect(admissionFindings(r.render!.manifests, r.config!, src)).toEqual([]);
  });
});

describe('lockout without reading objects no policy takes', () => {
  it('decides from the head: an object of a kind no policy matches is never parsed, the others are, and the findings are the same', async () => {
    const r = await renderedWith(await bundledTenants());
    const baseline = admissionFindings(r.render!.manifests, r.config!, src);
    const read = new Set<string>();
    // The same manifests, each reporting when its object is read (stages that only index read the head).
    const watched = r.render!.manifests.map((m) => ({ ...m, head: headOf(m), locate: m.locate, get object() {
      read.add(`${headOf(m).kind} ${m.file}`);
      return m.object;
    } }));
    expect(admissionFindings(watched, r.config!, src)).toEqual(baseline);
    const kinds = new Set([...read].map((k) => k.split(' ')[0]));
    // The bundled policies take pods' controllers, Services, Namespaces and the guardrails; nothing takes a ConfigMap.
    expect(kinds.has('ConfigMap')).toBe(false);
    expect(kinds.has('Deployment')).toBe(true);
    expect(kinds.has('Service')).toBe(true);
  });
});

describe('malformed admission objects (schema validation reports them; the evaluator must not crash)', () => {
  const policy = (spec: unknown) => `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: broken\nspec: ${JSON.stringify(spec)}\n`;
  const binding = `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: broken\nspec:\n  policyName: broken\n  validationActions: [Deny]\n`;
  it.each([
    ['validations is a string', { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] }, validations: 'false' }],
    ['matchConstraints is null', { matchConstraints: null, validations: [{ expression: 'false' }] }],
    ['resource rule fields are strings', { matchConstraints: { resourceRules: [{ apiGroups: '*', apiVersions: '*', operations: '*', resources: '*' }] }, validations: [{ expression: 'false' }] }],
    ['expression is a number', { matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, matchConditions: [{ name: 'x', expression: 42 }], variables: [null], validations: [{ expression: 7 }, null] }],
    ['selector is a string', { matchConstraints: { namespaceSelector: 'all', resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, validations: [{ expression: 'true' }] }],
    ['a deeply nested expression', { matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, validations: [{ expression: `${'('.repeat(2000)}true${')'.repeat(2000)}` }] }],
  ])('%s', async (_name, spec) => {
    const { runPipeline } = await import('../../../src/pipeline.js');
    const { parseManifests } = await import('../../../src/manifest/parse.js');
    const r = await renderedWith(await bundledTenants());
    const extra = parseManifests(`${policy(spec)}---\n${binding}`, { file: 'rendered/_cluster/broken.yaml' }).manifests;
    const result = await runPipeline({ root: '.', manifests: [...r.render!.manifests, ...extra], config: r.config!, stages: ['schema', 'rules', 'proofs'] });
    const ids = new Set(result.diagnostics.map((d) => d.ruleId));
    expect(ids.has('schema/invalid') || ids.has('admission/policy')).toBe(true);
    expect([...ids].filter((id) => id.startsWith('internal'))).toEqual([]);
  });
});

describe('verify checks admission policies in any manifests', () => {
  it('a CEL error in a policy outside a tenants repository is reported at its line, exit 1', async () => {
    const dir = await tempDir('tenantctl-vap-');
    const text = (await readFile(path.join(repoRoot, 'rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-pods.yaml'), 'utf8')).replace('expression: variables.serviceAccount == variables.expectedServiceAccount', 'expression: variables.serviceAccount === variables.expectedServiceAccount');
    const binding = await readFile(path.join(repoRoot, 'rendered/_cluster/validatingadmissionpolicybinding-ai-agents-tenant-pods.yaml'), 'utf8');
    await writeFile(path.join(dir, 'vap.yaml'), `${text}---\n${binding}`);
    const r = await cli(dir, 'verify', 'vap.yaml', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; message: string; file?: { path: string; line: number } }[] }).diagnostics;
    expect(ds.map((d) => [d.ruleId, d.file?.line, /CEL syntax error/.test(d.message)])).toEqual([['admission/policy', lineOf(text, '=== variables'), true]]);
  });
});

describe('check in a repository whose policy template is broken', () => {
  it.each([
    ['a typo in CEL', 'validatingadmissionpolicy-tenant-services.yaml.ejs', '"!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0"', '"!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0)"', 'size(object.spec.externalIPs) == 0)'],
    ['a wrong controller username', 'validatingadmissionpolicy-tenant-guardrails.yaml.ejs', 'request.userInfo.username in ${admission.celList(admission.controllers)}', "request.userInfo.username in ['system:serviceaccount:argocd:argocd-repo-server']", 'argocd-repo-server'],
  ])('%s: exit 1, admission/policy at the line to fix', async (_name, template, from, to, needle) => {
    const root = await tempRepo();
    const file = path.join(root, 'templates/cluster', template);
    await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const r = await cli(root, 'check', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const rendered = `rendered/_cluster/${template.replace('.yaml.ejs', '').replace('validatingadmissionpolicy-', 'validatingadmissionpolicy-ai-agents-')}.yaml`;
    const text = await readFile(path.join(root, rendered), 'utf8');
    const ds = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; file?: { path: string; line: number } }[] }).diagnostics.filter((d) => d.ruleId === 'admission/policy');
    expect(ds.map((d) => [d.file?.path, d.file?.line])).toEqual([[rendered, lineOf(text, needle)]]);
  });

  it('a missing binding: exit 1, admission/policy at the policy and admission/coverage for what it leaves open', async () => {
    const root = await tempRepo();
    const { rm } = await import('node:fs/promises');
    await rm(path.join(root, 'templates/cluster/validatingadmissionpolicybinding-tenant-namespace-labels.yaml.ejs'));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const r = await cli(root, 'check', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; message: string; file?: { path: string } }[] }).diagnostics;
    expect(ds.filter((d) => d.ruleId === 'admission/policy').map((d) => d.file?.path)).toEqual(['rendered/_cluster/validatingadmissionpolicy-ai-agents-tenant-namespace-labels.yaml']);
    expect(ds.filter((d) => d.ruleId === 'admission/coverage').map((d) => d.message.split(' of tenant')[0]).sort()).toEqual([
      'a platform admin outside Git can change the label tenant of the Namespace',
      'a platform admin outside Git can create a Namespace carrying platform.ai-agents.io/tenant-namespace, like the one',
      'a platform admin outside Git can remove the label platform.ai-agents.io/tenant-namespace from the Namespace',
    ]);
  });
});
