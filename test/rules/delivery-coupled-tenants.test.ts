import { afterAll, describe, expect, it } from 'vitest';
import { coupled } from '../../src/rules/delivery/coupled.js';
import { cleanupTempRepos, fluxTenants, type InputEdit } from '../helpers.js';
import { fluxTenantKustomizationsInTenantNamespaces as inTenantNamespaces, runRuleRendered } from './harness.js';

afterAll(cleanupTempRepos);

const id = 'delivery/coupled-tenants';
const PLATFORM = 'templates/gitops/flux/cluster/kustomization-platform.yaml.ejs';
const TENANT = 'templates/gitops/flux/tenant/kustomization-tenant.yaml.ejs';

describe(id, async () => {
  const flux = await fluxTenants();
  const run = (edits: readonly InputEdit[] = []) => runRuleRendered(coupled, flux, edits);

  it('passes on the rendered Flux tree (the platform does not wait for the tenants it applies)', async () => {
    expect(await run()).toEqual([]);
  });

  it('passes even when the platform waits: it does not apply the tenant Kustomizations (they sit in the GitOps folder, next to it)', async () => {
    expect(await run([{ file: PLATFORM, from: '  prune: true\n', to: '  prune: true\n  wait: true\n' }])).toEqual([]);
  });

  it('fails when the platform Kustomization waits for the tenant Kustomizations it applies, which depend on it', async () => {
    const ds = await run([{ file: PLATFORM, from: '  prune: true\n', to: '  prune: true\n  wait: true\n' }, ...inTenantNamespaces]);
    expect(ds.map((d) => [d.ruleId, d.file?.path, d.message])).toEqual([
      [id, 'rendered/flux-system/kustomization-ai-agents-platform.yaml', 'Kustomization flux-system/ai-agents-platform waits for the health of the 2 Kustomization(s) it applies (ai-agents-test-tenant-a/tenant-test-tenant-a, ai-agents-test-tenant-b/tenant-test-tenant-b), which depend on it: a cycle, so none becomes Ready and one failing tenant holds back the others'],
    ]);
    expect(ds[0]!.file?.line).toBeGreaterThan(1);
  });

  it('passes when the platform waits but the tenants do not depend on it', async () => {
    const ds = await run([
      { file: PLATFORM, from: '  prune: true\n', to: '  prune: true\n  wait: true\n' },
      ...inTenantNamespaces.slice(0, 1),
      { file: TENANT, from: '  dependsOn:\n    - name: <%- v(gitops.platformNameFor(gitops.cluster)) %>\n', to: '' },
    ]);
    expect(ds).toEqual([]);
  });
});
