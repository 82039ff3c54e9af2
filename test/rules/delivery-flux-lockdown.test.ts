import { afterAll, describe, expect, it } from 'vitest';
import { fluxLockdown } from '../../src/rules/delivery/flux-lockdown.js';
import { cleanupTempRepos, fluxTenants, type InputEdit } from '../helpers.js';
import { fluxTenantKustomizationsInTenantNamespaces, runRuleRendered } from './harness.js';

afterAll(cleanupTempRepos);

const id = 'delivery/flux-lockdown';
const PLATFORM = 'templates/gitops/flux/cluster/kustomization-platform.yaml.ejs';

describe(id, async () => {
  const flux = await fluxTenants();
  const run = (edits: readonly InputEdit[] = []) => runRuleRendered(fluxLockdown, flux, edits);

  it('passes on the rendered Flux tree: every reference stays in flux-system and every Kustomization names its account', async () => {
    expect(await run()).toEqual([]);
  });

  it('fails on the layout Flux lockdown breaks: tenant Kustomizations in tenant namespaces using the source and platform of flux-system', async () => {
    const ds = await run(fluxTenantKustomizationsInTenantNamespaces);
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
