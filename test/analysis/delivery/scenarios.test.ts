import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deletions, SEMANTICS } from '../../../src/analysis/delivery/index.js';
import { deliveryStage } from '../../../src/pipeline.js';
import type { SemanticsRow } from '../../../src/analysis/delivery/model.js';
import { bundledTenants, cleanupTempRepos, cli, repoRoot, renderedWith, type InputEdit } from '../../helpers.js';

import { commitAll, git, gitRepo } from '../../lifecycle/git-fixture.js';

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

async function verdict(base: { tenants: string; edits?: Edit[] }, head: { tenants: string; edits?: Edit[] }) {
  const b = await side(base.tenants, base.edits);
  const h = await side(head.tenants, head.edits);
  return deliveryStage(b.config!, b.render!, h.config!, h.render!, []);
}

const APPSET = 'templates/gitops/argocd/global/applicationset-tenants.yaml.ejs';

describe('what the GitOps controller does with a change', async () => {
  const bundled = await bundledTenants();
  const twoClusters = await readFile(path.join(repoRoot, 'test/golden/cases/two-clusters/tenants.yaml'), 'utf8');
  const flux = bundled.replace('tool: argocd', 'tool: flux');
  const renamed = (t: string) => t.replace(/managedBy: .*/, 'managedBy: ai-agents-core');

  // Each row: a change a pull request can make, the documented behaviour it triggers, and the verdict.
  const rows: { name: string; semantics: SemanticsRow[]; base: { tenants: string; edits?: Edit[] }; head: { tenants: string; edits?: Edit[] }; findings: string[]; tenants?: string[] }[] = [
    {
      name: 'rename managedBy (Argo CD): the ApplicationSet is replaced, its Applications and their workloads deleted',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appsetCascade, SEMANTICS.appFinalizer],
      base: { tenants: bundled },
      head: { tenants: renamed(bundled) },
      findings: ['delivery/cascade-deletion'],
      tenants: ['test-tenant-a', 'test-tenant-b'],
    },
    {
      name: 'rename managedBy with preserveResourcesOnDeletion already merged: Applications go, workloads stay',
      semantics: [SEMANTICS.appsetCascade],
      base: { tenants: bundled, edits: [{ file: APPSET, from: '  goTemplate: true\n', to: '  goTemplate: true\n  syncPolicy:\n    preserveResourcesOnDeletion: true\n' }] },
      head: { tenants: renamed(bundled), edits: [{ file: APPSET, from: '  goTemplate: true\n', to: '  goTemplate: true\n  syncPolicy:\n    preserveResourcesOnDeletion: true\n' }] },
      findings: [],
    },
    {
      name: 'rename managedBy when generated Applications carry no resources finalizer: nothing cascades',
      semantics: [SEMANTICS.appFinalizer],
      base: { tenants: bundled, edits: [{ file: APPSET, from: '      finalizers:\n        - resources-finalizer.argocd.argoproj.io\n', to: '' }] },
      head: { tenants: renamed(bundled), edits: [{ file: APPSET, from: '      finalizers:\n        - resources-finalizer.argocd.argoproj.io\n', to: '' }] },
      findings: [],
    },
    {
      name: 'drop the DNS egress policy template: pruned from namespaces that stay',
      semantics: [SEMANTICS.autoPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ remove: DNS }] },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
    },
    {
      name: 'drop the DNS egress policy template under Flux: pruned just the same',
      semantics: [SEMANTICS.fluxPrune],
      base: { tenants: flux },
      head: { tenants: flux, edits: [{ remove: DNS }] },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
    },
    {
      name: 'drop the LimitRange template: kept with the namespace (Prune=false), nothing is deleted',
      semantics: [SEMANTICS.noPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ remove: 'templates/tenant/limitrange.yaml.ejs' }] },
      findings: [],
    },
    {
      name: 'drop the LimitRange template under Flux: kept with the namespace (prune: disabled)',
      semantics: [SEMANTICS.fluxNoPrune],
      base: { tenants: flux },
      head: { tenants: flux, edits: [{ remove: 'templates/tenant/limitrange.yaml.ejs' }] },
      findings: [],
    },
    {
      name: 'decommission a tenant: its workloads go, as intended',
      semantics: [SEMANTICS.appsetCascade],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('  - id: test-tenant-a\n', '  - id: test-tenant-a\n    decommissioned: true\n') },
      findings: [],
    },
    {
      name: 'move a tenant to another cluster: its workloads and guardrails leave the cluster it was on',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appsetCascade],
      base: { tenants: twoClusters },
      head: { tenants: twoClusters.replace('    cluster: us-east\n', '    cluster: eu-west\n') },
      findings: ['delivery/cascade-deletion', ...Array(PRUNED_GUARDRAILS_PER_TENANT).fill('delivery/guardrail-removed')],
    },
    {
      name: 'change the GitOps namespace: every Argo CD object is recreated elsewhere, the old ApplicationSet deleted with its Applications',
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appsetCascade, SEMANTICS.appFinalizer],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('    namespace: argocd\n', '    namespace: gitops\n') },
      findings: ['delivery/cascade-deletion'],
      tenants: ['test-tenant-a', 'test-tenant-b'],
    },
    {
      name: 'change the namespace prefix: every tenant moves to a new namespace, its workloads leave the old one',
      semantics: [SEMANTICS.appsetCascade],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('namespacePrefix: ai-agents-', 'namespacePrefix: agents-') },
      findings: ['delivery/cascade-deletion', 'delivery/cascade-deletion'],
    },
    {
      name: 'switch from Argo CD to Flux in one change: the Argo CD objects are pruned and cascade',
      semantics: [SEMANTICS.appsetCascade],
      base: { tenants: bundled },
      head: { tenants: flux },
      findings: ['delivery/cascade-deletion'],
      tenants: ['test-tenant-a', 'test-tenant-b'],
    },
    {
      name: 'change repoURL: the same Applications, updated in place, delete nothing',
      semantics: [],
      base: { tenants: bundled },
      head: { tenants: bundled.replace('repoURL: https://github.com/example/ai-agents-tenants.git', 'repoURL: https://github.com/example/tenants-moved.git') },
      findings: [],
    },
    {
      name: 'rename a workload object in a template: a delete plus a create, nothing a tenant relies on is lost',
      semantics: [SEMANTICS.autoPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ file: 'templates/tenant/configmap.yaml.ejs', from: 'name: tenant-config', to: 'name: tenant-settings' }] },
      findings: [],
    },
    {
      name: 'rename a guardrail in a template: the old one is pruned (Argo CD prunes in the same wave unless PruneLast)',
      semantics: [SEMANTICS.autoPrune],
      base: { tenants: bundled },
      head: { tenants: bundled, edits: [{ file: DNS, from: 'name: allow-egress-to-dns', to: 'name: allow-dns' }] },
      findings: ['delivery/guardrail-removed', 'delivery/guardrail-removed'],
    },
    {
      name: 'remove a tenant without decommissioning: not a delivery hazard for tenants that stay (lifecycle/tenant-removal guards it)',
      semantics: [],
      base: { tenants: bundled },
      head: { tenants: bundled.replace(/  - id: test-tenant-a\n(?: {4}.*\n)*\n?/, '') },
      findings: [],
    },
    {
      name: "remove a cluster, moving its tenant to the one that stays: the cluster's platform Application is deleted and cascades (its objects there go with it, the kept ones excepted)",
      semantics: [SEMANTICS.autoPrune, SEMANTICS.appFinalizer],
      base: { tenants: twoClusters },
      head: { tenants: twoClusters.replace('  - name: us-east\n    server: https://us-east.k8s.example.com\n', '').replace('    cluster: us-east\n', '    cluster: eu-west\n') },
      findings: ['delivery/cascade-deletion'],
      tenants: ['test-tenant-b'],
    },
    { name: 'add a tenant', semantics: [], base: { tenants: bundled }, head: { tenants: `${bundled.trimEnd()}\n  - id: acme\n    name: Acme\n` }, findings: [] },
    { name: 'change a tier', semantics: [], base: { tenants: bundled }, head: { tenants: bundled.replace(/(id: test-tenant-a\n(?: {4}.*\n)*? {4}tier: )standard/, '$1premium') }, findings: [] },
    { name: 'no change', semantics: [], base: { tenants: bundled }, head: { tenants: bundled }, findings: [] },
  ];

  it('cites the documentation page and sentence of every semantic rule it applies', () => {
    for (const row of Object.values(SEMANTICS)) {
      expect(row.source).toMatch(/^https:\/\/(argo-cd\.readthedocs\.io|fluxcd\.io)\//);
      expect(row.quote.length).toBeGreaterThan(40);
    }
    const used = new Set(rows.flatMap((r) => r.semantics));
    expect(Object.values(SEMANTICS).filter((s) => !used.has(s))).toEqual([]);
  });

  it.each(rows)('$name', async (row) => {
    const found = await verdict(row.base, row.head);
    expect(found.map((d) => d.ruleId)).toEqual(row.findings);
    if (row.tenants) for (const t of row.tenants) expect(found[0]!.message).toContain(t);
  });

  it.each([
    ['Argo CD', bundled],
    ['Flux', flux],
  ])('%s: decommission then remove never leaves the namespace without deny-all, quota, LimitRange or admin binding, nor with database access', async (_tool, tenants) => {
    const decommissioned = tenants.replace('  - id: test-tenant-a\n', '  - id: test-tenant-a\n    decommissioned: true\n');
    const removed = tenants.replace(/  - id: test-tenant-a\n(?: {4}.*\n)*\n?/, '');
    expect(removed).not.toContain('test-tenant-a');
    const sides = await Promise.all([tenants, decommissioned, removed].map((t) => side(t)));
    const ns = 'ai-agents-test-tenant-a';
    const live = (i: number) => sides[i]!.render!.manifests.filter((m) => m.object.metadata?.namespace === ns || m.object.metadata?.name === ns);
    const deliverySide = (i: number) => ({ manifests: sides[i]!.render!.manifests, files: sides[i]!.render!.files.keys(), tenantOfNamespace: new Map(sides[i]!.config!.tenants.map((t) => [t.namespace, t.id])) });
    // Step 1: decommission. The workloads go and so does the database egress; the core guardrails stay.
    const step1 = deletions(deliverySide(0), deliverySide(1)).filter((d) => d.tenant === 'test-tenant-a').map((d) => `${d.object.object.kind}/${d.object.object.metadata?.name}`);
    expect(step1).toContain('NetworkPolicy/allow-egress-to-database');
    expect(step1).toEqual(expect.arrayContaining(['Deployment/api', 'Deployment/worker']));
    // Step 2: remove. What is pruned never includes the core guardrails or the Namespace.
    const step2 = new Set(deletions(deliverySide(1), deliverySide(2)).filter((d) => d.tenant === 'test-tenant-a').map((d) => `${d.object.object.kind}/${d.object.object.metadata?.name}`));
    const kept = live(1).map((m) => `${m.object.kind}/${m.object.metadata?.name}`).filter((k) => !step2.has(k));
    expect(kept).toEqual(expect.arrayContaining([`Namespace/${ns}`, 'NetworkPolicy/default-deny-all', 'ResourceQuota/tenant-quota', 'LimitRange/tenant-limits', 'RoleBinding/platform-admin']));
    expect(kept).not.toContain('NetworkPolicy/allow-egress-to-database');
  });

  it('check --base fails the rename with the blast radius, in a real repository', async () => {
    const root = await gitRepo();
    await cli(root, 'render');
    await commitAll(root, 'rendered');
    git(root, 'checkout', '-q', '-b', 'rename');
    await writeFile(path.join(root, 'tenants.yaml'), renamed(await readFile(path.join(root, 'tenants.yaml'), 'utf8')));
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const plan = await cli(root, 'plan', '--base', 'main');
    expect(plan.stdout.split('\n')[0]).toMatch(/; 1 unintended deletion\(s\) by the GitOps controller$/);
    expect(plan.stdout.split('\n')[1]).toMatch(/^! delivery\/cascade-deletion: merging would delete 10 live object/);
    const r = await cli(root, 'check', '--base', 'main');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/error +delivery\/cascade-deletion +merging would delete 10 live object\(s\) of 2 tenant\(s\) that stay in tenants\.yaml: test-tenant-a, test-tenant-b; cause: ApplicationSet argocd\/ai-agents-platform-tenants is removed from Git \(the head has ApplicationSet argocd\/ai-agents-core-tenants in its place/);
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
    expect(r.stdout).toMatch(/delivery\/cascade-deletion .*test-tenant-b/);
    expect(r.stdout).toContain('delivery/guardrail-removed');
    const allowed = await cli(root, 'check', '--base', 'main', '--allow-removal', 'test-tenant-b');
    expect(allowed.stdout).not.toContain('delivery/');
    expect(allowed.exitCode).toBe(0);
  });
});
