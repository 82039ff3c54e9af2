import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deletions, SEMANTICS } from '../../../src/analysis/delivery/index.js';
import { bootstrapPaths, deliveryStage } from '../../../src/pipeline.js';
import { differingFiles } from '../../../src/render/render.js';
import type { SemanticsRow } from '../../../src/analysis/delivery/model.js';
import { applyInputEdits, bundledTenants, cleanupTempRepos, cli, fluxTenants, repoRoot, renderedWith, type InputEdit } from '../../helpers.js';

import { branchWithTenants, commitAll, git, gitRepo } from '../../lifecycle/git-fixture.js';

/**
 * Guardrails pruned when a tenant's namespace stays: the four allow policies, the tenant Role and its
 * RoleBinding. Deny-all, ResourceQuota, LimitRange and the platform-admin RoleBinding are kept with
 * the namespace (Prune=false,Delete=false), like the Namespace itself.
 */
const PRUNED_GUARDRAILS_PER_TENANT = 6;
const DNS = 'templates/tenant/networkpolicy-allow-egress-dns.yaml.ejs';

afterAll(cleanupTempRepos);

type Edit = InputEdit;
const side = renderedWith;

const deliverySide = (r: Awaited<ReturnType<typeof side>>) => ({ manifests: r.render!.manifests, files: r.render!.files.keys(), tenantOfNamespace: new Map(r.config!.tenants.map((t) => [t.namespace, t.id])), bootstrapPaths: bootstrapPaths(r.render!) });

/** The check verdict, and what the controller does: each kind of object it deletes, and why (cascade or pruned). */
async function verdict(base: { tenants: string; edits?: Edit[] }, head: { tenants: string; edits?: Edit[] }) {
  const b = await side(base.tenants, base.edits);
  const h = await side(head.tenants, head.edits);
  const all = deletions(deliverySide(b), deliverySide(h));
  // Skipping the objects of files the head has unchanged finds the same deletions, in the same order.
  const differing = differingFiles(b.render, h.render);
  expect(deletions(deliverySide(b), deliverySide(h), undefined, (file) => !differing.has(file))).toEqual(all);
  const actions = [...new Set(all.map((d) => `${d.reason} ${d.object.object.kind}`))].sort();
  return { found: await deliveryStage(b.config!, b.render!, h.config!, h.render!, []), actions };
}

const APPSET = 'templates/gitops/argocd/global/applicationset-tenants.yaml.ejs';
const NO_PRESERVE: Edit = { file: APPSET, from: '  syncPolicy:\n    preserveResourcesOnDeletion: true\n', to: '' };
const TEMPLATE_FINALIZER: Edit = { file: APPSET, from: '        managed-by: <%- v(platform.labels.managedBy) %>\n    spec:\n', to: '        managed-by: <%- v(platform.labels.managedBy) %>\n      finalizers:\n        - resources-finalizer.argocd.argoproj.io\n    spec:\n' };
const NO_ALLOW_EMPTY: Edit = { file: APPSET, from: '          allowEmpty: true\n', to: '' };
const TENANT_PROJECT = 'templates/gitops/argocd/tenant/appproject-tenant.yaml.ejs';
const NO_PROJECT_FINALIZER: Edit = { file: TENANT_PROJECT, from: '  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n', to: '' };
const PROJECT_IN_WAVE_0: Edit = { file: 'templates/gitops/argocd/global/appproject-platform.yaml.ejs', from: '  annotations:\n    argocd.argoproj.io/sync-wave: "-2"\n', to: '' };
/** The tenant ApplicationSet as rendered before it preserved resources: the finalizer in its template, no preserve. */
const OLD_APPSET: Edit[] = [NO_PRESERVE, TEMPLATE_FINALIZER];

describe('what the GitOps controller does with a change', async () => {
  const bundled = await bundledTenants();
  const twoClusters = await readFile(path.join(repoRoot, 'test/golden/cases/two-clusters/tenants.yaml'), 'utf8');
  const flux = await fluxTenants(bundled);
  const renamed = (t: string) => t.replace(/managedBy: .*/, 'managedBy: ai-agents-core');
  const decommissioned = (t: string) => t.replace('  - id: test-tenant-a\n', '  - id: test-tenant-a\n    decommissioned: true\n');
  const withoutTenantA = (t: string) => t.replace(/  - id: test-tenant-a\n(?: {4}.*\n)*\n?/, '');
  /** A managedBy rename, with the same template edits on both sides. */
  const rename = (edits: Edit[] = []) => ({ base: { tenants: bundled, edits }, head: { tenants: renamed(bundled), edits } });
  /** The verdict when every tenant Application cascades: each tenant's workloads are deleted. */
  const everyTenantsWorkloadsDeleted = {
    findings: ['delivery/cascade-deletion'],
    actions: ['cascade ConfigMap', 'cascade Deployment', 'cascade HorizontalPodAutoscaler', 'cascade Service'],
    tenants: ['test-tenant-a', 'test-tenant-b'],
  };

  // Each row: a change a pull request can make, the documented behaviour it triggers, and the verdict.
  const rows: { name: string; semantics: SemanticsRow[]; base: { tenants: string; edits?: Edit[] }; head: { tenants: string; edits?: Edit[] }; findings: string[]; actions: string[]; tenants?: string[] }[] = [
    {
      name: 'rename managedBy (Argo CD): the ApplicationSet is replaced and its Applications deleted, but they carry no resources finalizer (preserveResourcesOnDeletion): the workloads stay',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appsetCascade, SEMANTICS.appsetFinalizer],
      ...rename(),
      findings: [],
      actions: [],
    },
    {
      name: 'rename managedBy from an ApplicationSet rendered before preserveResourcesOnDeletion (finalizer in its template): every tenant\'s workloads are deleted',
      semantics: [SEMANTICS.appsetCascade, SEMANTICS.appFinalizer],
      ...rename(OLD_APPSET),
      ...everyTenantsWorkloadsDeleted,
    },
    {
      name: 'rename managedBy with preserveResourcesOnDeletion but the finalizer listed in the template: the template wins, the workloads are deleted',
      semantics: [SEMANTICS.templateFinalizerWins],
      ...rename([TEMPLATE_FINALIZER]),
      ...everyTenantsWorkloadsDeleted,
    },
    {
      name: 'rename managedBy without preserveResourcesOnDeletion and no finalizer in the template: the controller adds the default finalizer, the workloads are deleted',
      semantics: [SEMANTICS.appsetFinalizer],
      ...rename([NO_PRESERVE]),
      ...everyTenantsWorkloadsDeleted,
    },
    {
      name: 'adopt preserveResourcesOnDeletion (the upgrade itself): the ApplicationSet is updated in place, nothing is deleted',
      semantics: [SEMANTICS.appsetFinalizer],
      base: { tenants: bundled, edits: OLD_APPSET },
      head: { tenants: bundled },
      findings: [],
      actions: [],
    },
    {
      name: 'drop the DNS egress policy template: pruned from namespaces that stay',
      semantics: [SEMANTICS.autoPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ remove: DNS }] },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
      actions: ['pruned NetworkPolicy'],
    },
    {
      name: 'drop the DNS egress policy template under Flux: pruned just the same',
      semantics: [SEMANTICS.fluxPrune],
      base: { tenants: flux },
      head: { tenants: flux, edits: [{ remove: DNS }] },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
      actions: ['pruned NetworkPolicy'],
    },
    {
      name: 'drop the LimitRange template: kept with the namespace (Prune=false), nothing is deleted',
      semantics: [SEMANTICS.noPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ remove: 'templates/tenant/limitrange.yaml.ejs' }] },
      findings: [],
      actions: [],
    },
    {
      name: 'drop the LimitRange template under Flux: kept with the namespace (prune: disabled)',
      semantics: [SEMANTICS.fluxNoPrune],
      base: { tenants: flux },
      head: { tenants: flux, edits: [{ remove: 'templates/tenant/limitrange.yaml.ejs' }] },
      findings: [],
      actions: [],
    },
    {
      name: 'decommission a tenant (Argo CD): its Application stays on an empty workloads folder and prunes the workloads and the database egress',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.allowEmpty],
      base: { tenants: bundled },
      head: { tenants: decommissioned(bundled) },
      findings: [],
      actions: ['pruned ConfigMap', 'pruned Deployment', 'pruned HorizontalPodAutoscaler', 'pruned NetworkPolicy', 'pruned Service'],
    },
    {
      name: 'decommission when the tenant Applications do not allow empty: Argo CD will not prune to nothing, the workloads keep running (only the database egress goes)',
      semantics: [SEMANTICS.allowEmpty],
      base: { tenants: bundled, edits: [NO_ALLOW_EMPTY] },
      head: { tenants: decommissioned(bundled), edits: [NO_ALLOW_EMPTY] },
      findings: [],
      actions: ['pruned NetworkPolicy'],
    },
    {
      name: 'move a tenant to another cluster: its allow policies and RBAC are pruned on the cluster it leaves (guarded like a removal); its workloads stay there unmanaged, behind deny-all',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appsetCascade],
      base: { tenants: twoClusters },
      head: { tenants: twoClusters.replace('    cluster: us-east\n', '    cluster: eu-west\n') },
      findings: [...Array(PRUNED_GUARDRAILS_PER_TENANT).fill('delivery/guardrail-removed')],
      actions: ['pruned NetworkPolicy', 'pruned Role', 'pruned RoleBinding', 'pruned ServiceAccount'],
    },
    {
      name: 'change the GitOps namespace: every Argo CD object is recreated elsewhere; the old ApplicationSet\'s Applications go, the workloads stay',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appsetCascade, SEMANTICS.appFinalizer],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('    namespace: argocd\n', '    namespace: gitops\n') },
      findings: [],
      actions: [],
    },
    {
      name: 'change the namespace prefix: every tenant moves to a new namespace; the old namespaces stay (Prune=false) and lose their allow policies and RBAC, their workloads stay unmanaged (guarded like a move, once per tenant)',
      semantics: [SEMANTICS.appsetCascade, SEMANTICS.noPrune],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('namespacePrefix: ai-agents-', 'namespacePrefix: agents-') },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
      actions: ['pruned NetworkPolicy', 'pruned Role', 'pruned RoleBinding', 'pruned ServiceAccount'],
    },
    {
      name: 'change the namespace prefix under Flux: each tenant Kustomization keeps its name and follows the new path, so it prunes the workloads left in the old namespace, which stays with its data (guarded like a move)',
      semantics: [SEMANTICS.fluxPrune, SEMANTICS.fluxNoPrune],
      base: { tenants: flux },
      head: { tenants: flux.replace('namespacePrefix: ai-agents-', 'namespacePrefix: agents-') },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
      actions: ['pruned ConfigMap', 'pruned Deployment', 'pruned HorizontalPodAutoscaler', 'pruned NetworkPolicy', 'pruned Role', 'pruned RoleBinding', 'pruned Service', 'pruned ServiceAccount'],
      tenants: ['test-tenant-a'],
    },
    {
      name: 'switch from Argo CD to Flux in one change: the Argo CD objects go without cascading into workloads, which Flux adopts',
      semantics: [SEMANTICS.appsetCascade],
      base: { tenants: bundled },
      head: { tenants: flux },
      findings: [],
      actions: [],
    },
    {
      name: 'change repoURL: the same Applications, updated in place, delete nothing',
      semantics: [],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('repoURL: https://github.com/example/ai-agents-tenants.git', 'repoURL: https://github.com/example/tenants-moved.git') },
      findings: [],
      actions: [],
    },
    {
      name: 'rename a workload object in a template: a delete plus a create, nothing a tenant relies on is lost',
      semantics: [SEMANTICS.autoPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ file: 'templates/tenant/configmap.yaml.ejs', from: 'name: tenant-config', to: 'name: tenant-settings' }] },
      findings: [],
      actions: ['pruned ConfigMap'],
    },
    {
      name: 'rename a guardrail in a template: the old one is pruned (Argo CD prunes in the same wave unless PruneLast)',
      semantics: [SEMANTICS.autoPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ file: DNS, from: 'name: allow-egress-to-dns', to: 'name: allow-dns' }] },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
      actions: ['pruned NetworkPolicy'],
    },
    {
      name: 'remove a tenant without decommissioning: not a delivery hazard for tenants that stay (lifecycle/tenant-removal guards it); its project, with the finalizer, outlives its Application',
      semantics: [SEMANTICS.projectFinalizer],
      base: { tenants: bundled },
      head: { tenants: withoutTenantA(bundled) },
      findings: [],
      actions: ['pruned AppProject', 'pruned NetworkPolicy', 'pruned Role', 'pruned RoleBinding', 'pruned ServiceAccount'],
    },
    {
      name: 'remove a tenant whose project lacks the project finalizer while its Application cascades (ApplicationSet as rendered before): the Application is stranded in "appproject not found"',
      semantics: [SEMANTICS.projectFinalizer],
      base: { tenants: bundled, edits: [...OLD_APPSET, NO_PROJECT_FINALIZER] },
      head: { tenants: withoutTenantA(bundled), edits: [...OLD_APPSET, NO_PROJECT_FINALIZER] },
      findings: ['delivery/stranded-application'],
      actions: ['cascade ConfigMap', 'cascade Deployment', 'cascade HorizontalPodAutoscaler', 'cascade Service', 'pruned AppProject', 'pruned NetworkPolicy', 'pruned Role', 'pruned RoleBinding', 'pruned ServiceAccount'],
      tenants: ['tenant-test-tenant-a'],
    },
    {
      name: 'AppProjects in sync wave 0 (as rendered before): the platform Application (wave -1) is created before its project',
      semantics: [SEMANTICS.syncWaves],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [PROJECT_IN_WAVE_0] },
      findings: ['delivery/stranded-application'],
      actions: [],
      tenants: ['ai-agents-platform'],
    },
    {
      name: "remove a cluster, moving its tenant to the one that stays: the cluster's platform Application is pruned; it has no finalizer, so nothing on that cluster is deleted",
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appFinalizer],
      base: { tenants: twoClusters },
      head: { tenants: twoClusters.replace('  - name: us-east\n    server: https://us-east.k8s.example.com\n', '').replace('    cluster: us-east\n', '    cluster: eu-west\n') },
      findings: [],
      actions: ['pruned Application'],
    },
    { name: 'add a tenant', semantics: [], base: { tenants: bundled }, head: { tenants: `${bundled.trimEnd()}\n  - id: acme\n    name: Acme\n` }, findings: [], actions: [] },
    { name: 'change a tier', semantics: [], base: { tenants: bundled }, head: { tenants: bundled.replace(/(id: test-tenant-a\n(?: {4}.*\n)*? {4}tier: )standard/, '$1premium') }, findings: [], actions: [] },
    { name: 'no change', semantics: [], base: { tenants: bundled }, head: { tenants: bundled }, findings: [], actions: [] },
  ];

  it('cites the documentation page and sentence of every semantic rule it applies', () => {
    for (const row of Object.values(SEMANTICS)) {
      expect(row.source).toMatch(/^https:\/\/(argo-cd\.readthedocs\.io|fluxcd\.io|github\.com\/(argoproj|fluxcd))\//);
      expect(row.quote.length).toBeGreaterThan(40);
    }
    const used = new Set(rows.flatMap((r) => r.semantics));
    expect(Object.values(SEMANTICS).filter((s) => !used.has(s))).toEqual([]);
  });

  for (const row of rows) {
    it(row.name, async () => {
      const { found, actions } = await verdict(row.base, row.head);
      expect(found.map((d) => d.ruleId)).toEqual(row.findings);
      expect(actions).toEqual(row.actions);
      if (row.tenants) for (const t of row.tenants) expect(found[0]!.message).toContain(t);
    });
  }

  it.each([
    ['Argo CD', bundled],
    ['Flux', flux],
  ])('%s: decommission then remove never leaves the namespace without deny-all, quota, LimitRange or admin binding, nor with database access', async (_tool, tenants) => {
    const removed = withoutTenantA(tenants);
    expect(removed).not.toContain('test-tenant-a');
    const sides = await Promise.all([tenants, decommissioned(tenants), removed].map((t) => side(t)));
    const ns = 'ai-agents-test-tenant-a';
    const live = (i: number) => sides[i]!.render!.manifests.filter((m) => m.object.metadata?.namespace === ns || m.object.metadata?.name === ns);
    const step = (from: number, to: number) => deletions(deliverySide(sides[from]!), deliverySide(sides[to]!)).filter((d) => d.tenant === 'test-tenant-a').map((d) => `${d.object.object.kind}/${d.object.object.metadata?.name}`);
    // Step 1: decommission. The workloads go and so does the database egress; the core guardrails stay.
    const step1 = step(0, 1);
    expect(step1).toContain('NetworkPolicy/allow-egress-to-database');
    expect(step1).toEqual(expect.arrayContaining(['Deployment/api', 'Deployment/worker']));
    // Step 2: remove. What is pruned never includes the core guardrails or the Namespace.
    const step2 = new Set(step(1, 2));
    const kept = live(1).map((m) => `${m.object.kind}/${m.object.metadata?.name}`).filter((k) => !step2.has(k));
    expect(kept).toEqual(expect.arrayContaining([`Namespace/${ns}`, 'NetworkPolicy/default-deny-all', 'ResourceQuota/tenant-quota', 'LimitRange/tenant-limits', 'RoleBinding/platform-admin']));
    expect(kept).not.toContain('NetworkPolicy/allow-egress-to-database');
  });

  it('check --base fails the rename with the blast radius in a repository whose ApplicationSet predates preserveResourcesOnDeletion', async () => {
    const root = await gitRepo();
    await applyInputEdits(root, OLD_APPSET);
    await cli(root, 'render');
    await commitAll(root, 'rendered');
    git(root, 'checkout', '-q', '-b', 'rename');
    await writeFile(path.join(root, 'tenants.yaml'), renamed(await readFile(path.join(root, 'tenants.yaml'), 'utf8')));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const plan = await cli(root, 'plan', '--base', 'main');
    // Deletions first: in the summary line, and first among the verdict's findings.
    expect(plan.stdout.split('\n')[0]).toMatch(/^Plan against main: 1 unintended deletion\(s\) by the GitOps controller; /);
    expect(plan.stdout.split('\n')[1]).toMatch(/^Verdict: `tenantctl check --base main` fails on the head \(exit 1\): /);
    expect(plan.stdout.split('\n')[2]).toMatch(/^ {2}! error delivery\/cascade-deletion .*: merging would delete 10 live object/);
    const r = await cli(root, 'check', '--base', 'main');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/error +delivery\/cascade-deletion +merging would delete 10 live object\(s\) of 2 tenant\(s\) that stay in tenants\.yaml: test-tenant-a, test-tenant-b; cause: ApplicationSet argocd\/ai-agents-platform-tenants is removed from Git \(the head has ApplicationSet argocd\/ai-agents-core-tenants in its place/);
  });

  it('check --base passes the same rename with the bundled ApplicationSet (it preserves resources on deletion)', async () => {
    const root = await gitRepo();
    await cli(root, 'render');
    await commitAll(root, 'rendered');
    git(root, 'checkout', '-q', '-b', 'rename');
    await writeFile(path.join(root, 'tenants.yaml'), renamed(await readFile(path.join(root, 'tenants.yaml'), 'utf8')));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const r = await cli(root, 'check', '--base', 'main');
    expect(r.stdout).not.toContain('delivery/');
    expect(r.exitCode).toBe(0);
  });

  it('removing a tier still in use is an input error at the tenant that names it, whatever the base', async () => {
    const root = await gitRepo(bundled.replace(/(id: test-tenant-b\n(?: {4}.*\n)*? {4}tier: )standard/, '$1premium'));
    await cli(root, 'render');
    await commitAll(root, 'rendered');
    const text = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    const withoutPremium = text.replace(/  premium:\n(?: {4}.*\n)+/, '');
    expect(withoutPremium).not.toContain('  premium:');
    await writeFile(path.join(root, 'tenants.yaml'), withoutPremium);
    const r = await cli(root, 'check', '--base', 'main');
    expect(r.exitCode).toBe(2);
    const line = withoutPremium.split('\n').findIndex((l) => l.trim() === 'tier: premium') + 1;
    expect(line).toBeGreaterThan(0);
    expect(r.stdout).toContain(`tenants.yaml:${line}:5  error  input/tenants-file  could not process: tier "premium" is not defined under tiers`);
    expect(r.stdout).toContain('hint: defined tiers: standard');
  });

  it('check --base guards a cluster move like a removal, and --allow-removal acknowledges it', async () => {
    const root = await gitRepo(twoClusters);
    await cli(root, 'render');
    await commitAll(root, 'rendered');
    git(root, 'checkout', '-q', '-b', 'move');
    await writeFile(path.join(root, 'tenants.yaml'), twoClusters.replace('    cluster: us-east\n', '    cluster: eu-west\n'));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const r = await cli(root, 'check', '--base', 'main');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/delivery\/guardrail-removed .*ai-agents-test-tenant-b/);
    const allowed = await cli(root, 'check', '--base', 'main', '--allow-removal', 'test-tenant-b');
    expect(allowed.stdout).not.toContain('delivery/');
    expect(allowed.exitCode).toBe(0);
  });

  it('says what happens to the workloads a namespace move leaves behind: Argo CD leaves them running, Flux prunes them', async () => {
    const prefixed = (t: string) => t.replace('namespacePrefix: ai-agents-', 'namespacePrefix: agents-');
    const argo = await verdict({ tenants: bundled }, { tenants: prefixed(bundled) });
    expect(argo.actions).not.toContain('pruned Deployment');
    expect(argo.found[0]!.message).toContain('with the data created there outside Git and its workloads, left running unmanaged,');
    const onFlux = await verdict({ tenants: flux }, { tenants: prefixed(flux) });
    expect(onFlux.actions).toContain('pruned Deployment');
    expect(onFlux.found[0]!.message).toContain('with the data created there outside Git (its workloads there are deleted),');
  });

  it('check --base guards a namespace move (a new namespacePrefix) like a removal, once per tenant, and --allow-removal acknowledges it', async () => {
    const root = await branchWithTenants('prefix', bundled.replace('namespacePrefix: ai-agents-', 'namespacePrefix: agents-'));
    const r = await cli(root, 'check', '--base', 'main', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const found = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; tenant?: string; message: string; detail?: string; hint?: string; file?: { path: string; line: number; column: number } }[] }).diagnostics.filter((d) => d.ruleId.startsWith('delivery/'));
    expect(found.map((d) => `${d.ruleId} ${d.tenant}`)).toEqual(['delivery/guardrail-removed test-tenant-a', 'delivery/guardrail-removed test-tenant-b']);
    // Reported at the change that moves them: the namespacePrefix line of tenants.yaml, which the pull request touches.
    const prefixLine = bundled.split('\n').findIndex((l) => l.trimStart().startsWith('namespacePrefix:')) + 1;
    expect(prefixLine).toBeGreaterThan(0);
    for (const d of found) expect(d.file).toEqual({ path: 'tenants.yaml', line: prefixLine, column: 3 });
    expect(found[0]!.message).toBe(
      'tenant test-tenant-a moves from namespace ai-agents-test-tenant-a to agents-test-tenant-a: ai-agents-test-tenant-a stays (its Namespace is protected from pruning) with the data created there outside Git and its workloads, left running unmanaged, while 6 of its guardrails are pruned',
    );
    expect(found[0]!.detail).toContain('  - NetworkPolicy ai-agents-test-tenant-a/allow-ingress-to-api  (rendered/ai-agents-test-tenant-a/networkpolicy-allow-ingress-to-api.yaml)');
    expect(found[0]!.hint).toContain('--allow-removal test-tenant-a');
    // One tenant acknowledged: only the other is reported; both: the move passes.
    const one = await cli(root, 'check', '--base', 'main', '--allow-removal', 'test-tenant-a');
    expect(one.stdout).not.toMatch(/guardrail-removed .*tenant test-tenant-a moves/);
    expect(one.stdout).toMatch(/guardrail-removed .*tenant test-tenant-b moves/);
    const allowed = await cli(root, 'check', '--base', 'main', '--allow-removal', 'test-tenant-a', '--allow-removal', 'test-tenant-b');
    expect(allowed.stdout).not.toContain('delivery/');
    expect(allowed.exitCode).toBe(0);
  });
});
