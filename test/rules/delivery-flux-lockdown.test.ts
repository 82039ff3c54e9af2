import { afterAll, describe, expect, it } from 'vitest';
import { runRules } from '../../src/rules/engine.js';
import { fluxLockdown } from '../../src/rules/delivery/flux-lockdown.js';
import { bundledTenants, cleanupTempRepos, renderedWith } from '../helpers.js';

afterAll(cleanupTempRepos);

const id = 'delivery/flux-lockdown';
const TENANT = 'templates/gitops/flux/tenant/kustomization-tenant.yaml.ejs';
const PLATFORM = 'templates/gitops/flux/cluster/kustomization-platform.yaml.ejs';

describe(id, async () => {
  const flux = (await bundledTenants()).replace('tool: argocd', 'tool: flux').replace('    namespace: argocd\n', '    namespace: flux-system\n');
  const run = async (edits: { file: string; from: string; to: string }[] = []) => {
    const r = await renderedWith(flux, edits);
    return runRules({ manifests: r.render!.manifests, rules: { [id]: fluxLockdown }, config: r.config! });
  };

  it('passes on the rendered Flux tree: every reference stays in flux-system and every Kustomization names its account', async () => {
    expect(await run()).toEqual([]);
  });

  it('fails on the layout Flux lockdown breaks: tenant Kustomizations in tenant namespaces using the source and platform of flux-system', async () => {
    const ds = await run([
      { file: TENANT, from: '  namespace: <%- v(gitops.namespace) %>\n', to: '  namespace: <%- v(tenant.namespace) %>\n' },
      { file: TENANT, from: '    - name: <%- v(gitops.platformNameFor(gitops.cluster)) %>\n', to: '    - name: <%- v(gitops.platformNameFor(gitops.cluster)) %>\n      namespace: <%- v(gitops.namespace) %>\n' },
      { file: TENANT, from: '    name: <%- v(gitops.platformName) %>\n', to: '    name: <%- v(gitops.platformName) %>\n    namespace: <%- v(gitops.namespace) %>\n' },
    ]);
    expect(ds.filter((d) => d.file?.path === 'rendered/ai-agents-test-tenant-a/kustomization-tenant-test-tenant-a.yaml').map((d) => d.message)).toEqual([
      "Kustomization ai-agents-test-tenant-a/tenant-test-tenant-a refers to GitRepository ai-agents-platform in namespace flux-system: under Flux's lockdown (--no-cross-namespace-refs=true) it cannot reconcile",
      "Kustomization ai-agents-test-tenant-a/tenant-test-tenant-a refers to dependency ai-agents-platform in namespace flux-system: under Flux's lockdown (--no-cross-namespace-refs=true) it cannot reconcile",
    ]);
    expect(ds).toHaveLength(4);
    expect(ds.every((d) => d.ruleId === id)).toBe(true);
  });

  it('fails when a Kustomization names no account (the lockdown would impersonate the default one)', async () => {
    const ds = await run([{ file: PLATFORM, from: '  serviceAccountName: kustomize-controller\n', to: '' }]);
    expect(ds.map((d) => [d.file?.path, d.message])).toEqual([
      ['rendered/flux-system/kustomization-ai-agents-platform.yaml', "Kustomization flux-system/ai-agents-platform names no serviceAccountName: under Flux's lockdown (--default-service-account) it impersonates the default account instead of one given exactly its rights"],
    ]);
  });
});
