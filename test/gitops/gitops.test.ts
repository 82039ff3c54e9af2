import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse.js';
import type { KubeObject, Manifest } from '../../src/manifest/types.js';
import { loadSchemaRegistry, validateManifests } from '../../src/schema/validate.js';
import { bundledTenants, cleanupTempRepos, cli, repoRoot, tempRepo, treeOf } from '../helpers.js';
import { readTree } from '../../src/tree/read.js';
import { expandApplicationSet } from './appset.js';

afterAll(cleanupTempRepos);

const base = await bundledTenants();

function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture anchor not found: ${from}`);
  return text.replace(from, to);
}

const flux = edit(base, '    tool: argocd\n', '    tool: flux\n').replace('    namespace: argocd\n', '    namespace: flux-system\n');

function twoClusters(text: string): string {
  return edit(
    edit(text, 'tenants:\n  - id: test-tenant-a\n    name: Test Tenant A\n', 'clusters:\n  - name: east\n    server: https://east.example.com:6443\n  - name: west\n    server: https://west.example.com:6443\n\ntenants:\n  - id: test-tenant-a\n    name: Test Tenant A\n    cluster: east\n'),
    '  - id: test-tenant-b\n    name: Test Tenant B\n',
    '  - id: test-tenant-b\n    name: Test Tenant B\n    cluster: west\n',
  );
}

function manifestsOf(tree: Map<string, string>): Manifest[] {
  const out: Manifest[] = [];
  for (const [file, text] of tree) {
    if (file.endsWith('/kustomization.yaml')) continue;
    out.push(...parseManifests(text, { file }).manifests);
  }
  return out;
}

function find(ms: Manifest[], kind: string, name: string): Manifest & { object: KubeObject & { spec?: any } } {
  const m = ms.find((x) => x.object.kind === kind && x.object.metadata?.name === name);
  if (!m) throw new Error(`no ${kind} ${name} among ${ms.map((x) => `${x.object.kind}/${x.object.metadata?.name}`).join(', ')}`);
  return m as Manifest & { object: KubeObject & { spec?: any } };
}

async function renderWith(tenants: string): Promise<{ root: string; tree: Map<string, string>; manifests: Manifest[] }> {
  const root = await tempRepo({ tenants });
  const r = await cli(root, 'render');
  expect(r.stderr ?? '', r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  const tree = await treeOf(root);
  return { root, tree, manifests: manifestsOf(tree) };
}

const registry = loadSchemaRegistry({});

describe('Argo CD delivery in the bundled tree', async () => {
  const tree = await readTree(path.join(repoRoot, 'rendered'), 'rendered');
  const ms = manifestsOf(tree);

  it('every object validates against the strict schemas', () => {
    expect(validateManifests(ms, registry)).toEqual([]);
    expect(ms.filter((m) => m.object.apiVersion === 'argoproj.io/v1alpha1').map((m) => m.object.kind).sort()).toEqual([
      'AppProject', 'AppProject', 'AppProject', 'AppProject', 'Application', 'Application', 'ApplicationSet',
    ]);
  });

  it("confines what is synced into the controller's namespace to Application, ApplicationSet and AppProject", () => {
    const root = find(ms, 'Application', 'ai-agents-platform-root').object;
    const gitops = find(ms, 'AppProject', root.spec.project).object.spec;
    expect(root.spec.project).toBe('ai-agents-platform-gitops');
    expect(gitops.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(gitops.clusterResourceWhitelist).toEqual([]);
    const allowed = new Set(gitops.namespaceResourceWhitelist.map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`));
    expect([...allowed].sort()).toEqual(['argoproj.io/AppProject', 'argoproj.io/Application', 'argoproj.io/ApplicationSet']);
    // Everything the root syncs passes its project, so narrowing it breaks nothing.
    const synced = ms.filter((m) => m.file.startsWith(`${root.spec.source.path}/`));
    expect(synced.length).toBeGreaterThan(0);
    for (const m of synced) {
      expect(allowed.has(`${m.object.apiVersion.split('/')[0]}/${m.object.kind}`), m.file).toBe(true);
      expect(m.object.metadata?.namespace).toBe('argocd');
    }
    // The platform project, used by the platform Application, has no destination there at all.
    const platform = find(ms, 'Application', 'ai-agents-platform').object;
    const destinations = find(ms, 'AppProject', platform.spec.project).object.spec.destinations as { namespace: string }[];
    expect(destinations.map((d) => d.namespace)).toEqual(['database', 'ai-agents-*']);
    expect(ms.filter((m) => !m.file.startsWith('rendered/argocd/') && m.object.metadata?.namespace === 'argocd')).toEqual([]);
  });

  it('gives each tenant a project confined to its namespace, without cluster objects or guardrails', () => {
    const p = find(ms, 'AppProject', 'tenant-test-tenant-a').object.spec;
    expect(p.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'ai-agents-test-tenant-a' }]);
    expect(p.sourceRepos).toEqual(['https://github.com/example/ai-agents-tenants.git']);
    expect(p.clusterResourceWhitelist).toEqual([]);
    expect(p.namespaceResourceBlacklist.map((k: { kind: string }) => k.kind).sort()).toEqual(['LimitRange', 'NetworkPolicy', 'ResourceQuota', 'Role', 'RoleBinding']);
    // An allow-list, not only a blacklist: a CNI's policy CRD or an Ingress is not a tenant's to apply.
    expect(p.namespaceResourceWhitelist.map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`).sort()).toEqual(['/ConfigMap', '/Pod', '/Secret', '/Service', 'apps/Deployment', 'autoscaling/HorizontalPodAutoscaler']);
  });

  it('keeps each tenant project until no Application uses it (decommissioning cannot strand the Application)', () => {
    // Argo CD issues 4369 and 21111: an Application whose project is deleted first is stuck in
    // "DeletionError ... appproject not found"; the project finalizer (argo-cd PR 3967) holds the project.
    for (const m of ms.filter((x) => x.object.kind === 'AppProject' && x.object.metadata?.labels?.['platform.ai-agents.io/tenant'])) {
      expect(m.object.metadata?.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    }
  });

  it("the project's allow-list and the tenant Role (what Flux impersonates) grant the same kinds", () => {
    const p = find(ms, 'AppProject', 'tenant-test-tenant-a').object.spec;
    const role = find(ms, 'Role', 'tenant-test-tenant-a-role').object as unknown as { rules: { apiGroups: string[]; resources: string[] }[] };
    const plural = (kind: string) => (kind === 'HorizontalPodAutoscaler' ? 'horizontalpodautoscalers' : `${kind.toLowerCase()}s`);
    const fromProject = p.namespaceResourceWhitelist.map((k: { group: string; kind: string }) => `${k.group}/${plural(k.kind)}`).sort();
    const fromRole = role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))).sort();
    expect(fromProject).toEqual(fromRole);
  });

  it('deleting or renaming the ApplicationSet cannot cascade into workloads: it preserves resources and its template lists no finalizer (one listed there would win)', () => {
    const set = find(ms, 'ApplicationSet', 'ai-agents-platform-tenants').object;
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(set.spec.template.metadata.finalizers).toBeUndefined();
  });

  it('retries failed syncs with backoff in every Application, the generated ones included', () => {
    const apps = [...ms.filter((m) => m.object.kind === 'Application').map((m) => m.object.spec), find(ms, 'ApplicationSet', 'ai-agents-platform-tenants').object.spec.template.spec];
    expect(apps).toHaveLength(3);
    for (const spec of apps) expect(spec.syncPolicy.retry).toEqual({ limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } });
  });

  it('syncs the platform first and each tenant workloads folder with prune and self-heal', () => {
    const platform = find(ms, 'Application', 'ai-agents-platform').object;
    expect(platform.metadata?.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(platform.spec.source.path).toBe('rendered');
    const set = find(ms, 'ApplicationSet', 'ai-agents-platform-tenants').object;
    expect(Number(set.metadata?.annotations?.['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(-1);
    expect(set.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: true });
    expect(expandApplicationSet(set, tree.keys())).toEqual([
      { name: 'tenant-test-tenant-a', project: 'tenant-test-tenant-a', namespace: 'ai-agents-test-tenant-a', path: 'rendered/ai-agents-test-tenant-a/workloads', server: 'https://kubernetes.default.svc' },
      { name: 'tenant-test-tenant-b', project: 'tenant-test-tenant-b', namespace: 'ai-agents-test-tenant-b', path: 'rendered/ai-agents-test-tenant-b/workloads', server: 'https://kubernetes.default.svc' },
    ]);
    // Every generated project exists as an AppProject confined to the generated namespace.
    for (const app of expandApplicationSet(set, tree.keys())) {
      expect(find(ms, 'AppProject', app.project).object.spec.destinations).toEqual([{ server: app.server, namespace: app.namespace }]);
    }
  });

  it('keeps guardrails out of the tenant workloads folders and workloads out of the platform entry', () => {
    const workloads = [...tree.keys()].filter((p) => p.includes('/workloads/') && !p.endsWith('kustomization.yaml'));
    expect(workloads.length).toBe(10);
    for (const p of workloads) expect(p).toMatch(/\/(configmap|deployment|service|horizontalpodautoscaler)-[^/]+\.yaml$/);
    expect(tree.get('rendered/ai-agents-test-tenant-a/kustomization.yaml')).not.toContain('workloads');
    expect(tree.get('rendered/kustomization.yaml')).not.toContain('argocd');
  });

  it('protects tenant Namespaces from pruning and deletion', () => {
    const ns = find(ms, 'Namespace', 'ai-agents-test-tenant-a').object;
    expect(ns.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });
});

describe('Flux delivery', () => {
  it('renders a GitRepository, a platform Kustomization and an impersonating Kustomization per tenant, all valid', async () => {
    const { tree, manifests } = await renderWith(flux);
    expect(validateManifests(manifests, registry)).toEqual([]);
    expect(manifests.some((m) => m.object.apiVersion.startsWith('argoproj.io'))).toBe(false);
    find(manifests, 'GitRepository', 'ai-agents-platform');
    const platform = find(manifests, 'Kustomization', 'ai-agents-platform').object;
    expect(platform.metadata?.namespace).toBe('flux-system');
    expect(platform.spec).toMatchObject({ path: './rendered', prune: true });
    // Flux's multi-tenancy lockdown (--no-cross-namespace-refs, --default-service-account): every
    // reference stays in flux-system and every Kustomization names the account it impersonates.
    expect(platform.spec.serviceAccountName).toBe('kustomize-controller');
    const t = find(manifests, 'Kustomization', 'tenant-test-tenant-a').object;
    expect(t.metadata?.namespace).toBe('flux-system');
    expect(t.spec).toEqual({
      interval: '10m',
      path: './rendered/ai-agents-test-tenant-a/workloads',
      prune: true,
      serviceAccountName: 'tenant-test-tenant-a',
      targetNamespace: 'ai-agents-test-tenant-a',
      sourceRef: { kind: 'GitRepository', name: 'ai-agents-platform' },
      dependsOn: [{ name: 'ai-agents-platform' }],
    });
    // The delivery account exists in flux-system and is bound to the tenant Role in the tenant namespace only.
    expect(find(manifests, 'ServiceAccount', 'tenant-test-tenant-a').object.metadata?.namespace).toBe('flux-system');
    const binding = manifests.find((m) => m.object.kind === 'RoleBinding' && (m.object as { subjects?: { name: string }[] }).subjects?.some((x) => x.name === 'tenant-test-tenant-a'))!.object as unknown as { metadata: { namespace: string }; roleRef: { name: string }; subjects: unknown[] };
    expect([binding.metadata.namespace, binding.roleRef.name, binding.subjects]).toEqual(['ai-agents-test-tenant-a', 'tenant-test-tenant-a-role', [{ kind: 'ServiceAccount', name: 'tenant-test-tenant-a', namespace: 'flux-system' }]]);
    expect(find(manifests, 'Namespace', 'ai-agents-test-tenant-a').object.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(tree.has('rendered/flux-system/kustomization.yaml')).toBe(false);
    expect(tree.has('rendered/flux-system/kustomization-ai-agents-platform.yaml')).toBe(true);
    expect(tree.get('rendered/kustomization.yaml')).not.toContain('flux-system');
  });

  it('lets the impersonated ServiceAccount apply every workload kind and no guardrail kind', async () => {
    const { manifests } = await renderWith(flux);
    const role = find(manifests, 'Role', 'tenant-test-tenant-a-role').object as unknown as { rules: { resources: string[] }[] };
    const resources = role.rules.flatMap((r) => r.resources);
    for (const r of ['configmaps', 'deployments', 'services', 'horizontalpodautoscalers']) expect(resources).toContain(r);
    for (const r of ['resourcequotas', 'limitranges', 'networkpolicies', 'roles', 'rolebindings']) expect(resources).not.toContain(r);
  });
});

describe('two clusters', () => {
  for (const tool of ['argocd', 'flux'] as const) {
    it(`${tool}: each tenant lands on exactly one cluster and each cluster entry point is valid`, async () => {
      const { tree, manifests } = await renderWith(twoClusters(tool === 'flux' ? flux : base));
      expect(validateManifests(manifests, registry)).toEqual([]);
      const nsFiles = [...tree.keys()].filter((p) => /\/namespace-ai-agents-test-tenant-[ab]\.yaml$/.test(p)).sort();
      expect(nsFiles).toEqual(['rendered/east/_cluster/namespace-ai-agents-test-tenant-a.yaml', 'rendered/west/_cluster/namespace-ai-agents-test-tenant-b.yaml']);
      expect([...tree.keys()].filter((p) => p.includes('test-tenant-a/workloads/deployment-api')).length).toBe(1);
      for (const c of ['east', 'west']) {
        expect(tree.get(`rendered/${c}/kustomization.yaml`)).toContain('_cluster');
        expect(tree.has(`rendered/${c}/database/networkpolicy-allow-tenants-to-redis.yaml`)).toBe(true);
      }
      expect(tree.has('rendered/kustomization.yaml')).toBe(false);
      if (tool === 'argocd') {
        const east = find(manifests, 'Application', 'ai-agents-platform-east').object;
        expect(east.spec.source.path).toBe('rendered/east');
        expect(east.spec.destination.server).toBe('https://east.example.com:6443');
        const set = find(manifests, 'ApplicationSet', 'ai-agents-platform-tenants').object;
        expect(expandApplicationSet(set, tree.keys()).map((e) => [e.server, e.path])).toEqual([
          ['https://east.example.com:6443', 'rendered/east/ai-agents-test-tenant-a/workloads'],
          ['https://west.example.com:6443', 'rendered/west/ai-agents-test-tenant-b/workloads'],
        ]);
        expect(find(manifests, 'AppProject', 'tenant-test-tenant-b').object.spec.destinations).toEqual([{ server: 'https://west.example.com:6443', namespace: 'ai-agents-test-tenant-b' }]);
      } else {
        for (const c of ['east', 'west']) {
          // The cluster's bootstrap path: no kustomization.yaml (Flux generates one with its own folder).
          expect(tree.has(`rendered/${c}/flux-system/kustomization.yaml`)).toBe(false);
          expect(tree.has(`rendered/${c}/flux-system/gitrepository-ai-agents-platform.yaml`)).toBe(true);
          expect(tree.has(`rendered/${c}/flux-system/kustomization-ai-agents-platform-${c}.yaml`)).toBe(true);
          expect(tree.get(`rendered/${c}/kustomization.yaml`)).not.toContain('flux-system');
        }
        expect(find(manifests, 'Kustomization', 'ai-agents-platform-west').object.spec.path).toBe('./rendered/west');
      }
    });
  }

  it('rejects an unknown cluster with a suggestion at the line of the reference', async () => {
    const text = twoClusters(base).replace('    cluster: west\n', '    cluster: wset\n');
    const root = await tempRepo({ tenants: text });
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    const line = text.slice(0, text.indexOf('cluster: wset')).split('\n').length;
    expect(r.stderr).toContain(`tenants.yaml:${line}:`);
    expect(r.stderr).toContain('cluster "wset" is not listed under clusters');
    expect(r.stderr).toContain('did you mean "west"');
  });

  it('requires a cluster when several are listed', async () => {
    const text = twoClusters(base).replace('    cluster: west\n', '');
    const root = await tempRepo({ tenants: text });
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('does not say which cluster it runs on');
  });
});

describe('decommissioned tenants', () => {
  it('Argo CD: keep the Namespace (marked), guardrails and project; an empty workloads folder keeps their Application, which prunes the workloads', async () => {
    const text = edit(base, '    name: Test Tenant B\n', '    name: Test Tenant B\n    decommissioned: true\n');
    const { tree, manifests } = await renderWith(text);
    expect(validateManifests(manifests, registry)).toEqual([]);
    const ns = find(manifests, 'Namespace', 'ai-agents-test-tenant-b').object;
    expect(ns.metadata?.annotations?.['platform.ai-agents.io/decommissioned']).toBe('true');
    // Deleting the Application would not delete the workloads (the ApplicationSet preserves them): it must stay and prune.
    expect([...tree.keys()].filter((p) => p.startsWith('rendered/ai-agents-test-tenant-b/workloads/'))).toEqual(['rendered/ai-agents-test-tenant-b/workloads/kustomization.yaml']);
    expect(tree.get('rendered/ai-agents-test-tenant-b/workloads/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
    expect(tree.has('rendered/ai-agents-test-tenant-b/resourcequota-tenant-quota.yaml')).toBe(true);
    expect(find(manifests, 'AppProject', 'tenant-test-tenant-b').object.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'ai-agents-test-tenant-b' }]);
    const set = find(manifests, 'ApplicationSet', 'ai-agents-platform-tenants').object;
    expect(expandApplicationSet(set, tree.keys()).map((e) => e.project)).toEqual(['tenant-test-tenant-a', 'tenant-test-tenant-b']);
    expect(set.spec.template.spec.syncPolicy.automated.allowEmpty).toBe(true);
  });

  it('Flux: keep the Namespace and guardrails; the tenant Kustomization goes and garbage-collects the workloads', async () => {
    const text = edit(flux, '    name: Test Tenant B\n', '    name: Test Tenant B\n    decommissioned: true\n');
    const { tree, manifests } = await renderWith(text);
    expect(validateManifests(manifests, registry)).toEqual([]);
    expect([...tree.keys()].some((p) => p.startsWith('rendered/ai-agents-test-tenant-b/workloads/'))).toBe(false);
    expect(tree.has('rendered/ai-agents-test-tenant-b/resourcequota-tenant-quota.yaml')).toBe(true);
    expect(manifests.some((m) => m.object.kind === 'Kustomization' && m.object.metadata?.name === 'tenant-test-tenant-b')).toBe(false);
  });

  it('lose database access in the same change that withdraws their workloads (a pod left behind cannot reach PostgreSQL)', async () => {
    const text = edit(base, '    name: Test Tenant B\n', '    name: Test Tenant B\n    decommissioned: true\n');
    const root = await tempRepo({ tenants: text });
    expect((await cli(root, 'render')).exitCode).toBe(0);
    const pod = (ns: string, name: string, labels: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(root, 'rendered', 'pods.json'), `{"apiVersion":"v1","kind":"List","items":[${pod('database', 'postgresql-0', { app: 'ai-agents-postgresql' })},${pod('ai-agents-test-tenant-b', 'leftover', { app: 'x' })},${pod('ai-agents-test-tenant-a', 'api-0', { 'app.kubernetes.io/component': 'api' })}]}`);
    const reach = (from: string) => cli(root, 'reach', '--manifests', 'rendered', '--from', from, '--to', 'database/postgresql-0', '--port', '5432');
    expect((await reach('ai-agents-test-tenant-b/leftover')).exitCode).toBe(1);
    expect((await reach('ai-agents-test-tenant-a/api-0')).exitCode).toBe(0);
  });
});

describe('private repositories', () => {
  it('Flux: platform.gitops.secretRef becomes the GitRepository secretRef', async () => {
    const { manifests } = await renderWith(flux.replace('    namespace: flux-system\n', '    namespace: flux-system\n    secretRef: tenants-repo-credentials\n'));
    expect(validateManifests(manifests, registry)).toEqual([]);
    expect(find(manifests, 'GitRepository', 'ai-agents-platform').object.spec.secretRef).toEqual({ name: 'tenants-repo-credentials' });
    const without = await renderWith(flux);
    expect(find(without.manifests, 'GitRepository', 'ai-agents-platform').object.spec.secretRef).toBeUndefined();
  });

  it('Argo CD: secretRef is an input error that says how Argo CD takes credentials', async () => {
    const text = base.replace('    namespace: argocd\n', '    namespace: argocd\n    secretRef: tenants-repo-credentials\n');
    const root = await tempRepo({ tenants: text });
    const r = await cli(root, 'render');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`tenants.yaml:${text.split('\n').findIndex((l) => l.includes('secretRef:')) + 1}:`);
    expect(r.stderr).toContain('secretRef applies to Flux only');
    expect(r.stderr).toContain('argocd.argoproj.io/secret-type: repository');
  });
});
