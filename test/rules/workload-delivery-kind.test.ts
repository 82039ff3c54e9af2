import { afterAll, describe, expect, it } from 'vitest';
import { runRules } from '../../src/rules/engine.js';
import { deliveryKind } from '../../src/rules/workload/delivery-kind.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { cleanupTempRepos, fluxTenants, renderedWith } from '../helpers.js';
import { expectFinding, runRule, tenantA } from './harness.js';

afterAll(cleanupTempRepos);

const id = 'workload/delivery-kind';
const cilium = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: open-up\n  namespace: ai-agents-test-tenant-a\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEntities: [all]\n`;
const extraPolicy = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: ai-agents-test-tenant-a\nspec:\n  podSelector: {}\n  ingress:\n    - {}\n`;

describe(id, () => {
  it('passes on the bundled tree (Argo CD)', async () => {
    const { diagnostics } = await runRule(deliveryKind);
    expect(diagnostics).toEqual([]);
  });

  it("fails on a CNI policy in a tenant's workloads: the project's allow-list refuses it", async () => {
    const file = `${tenantA}/workloads/ciliumnetworkpolicy-open-up.yaml`;
    const { diagnostics, fixture } = await runRule(deliveryKind, [{ file, text: cilium }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'kind:');
    expect(d.message).toBe('CiliumNetworkPolicy is not a kind the tenant\'s Argo CD project tenant-test-tenant-a permits, so the sync of this folder fails with "not permitted in project"');
  });

  it('fails on a guardrail kind in workloads even if the allow-list were widened (the blacklist wins)', async () => {
    const file = `${tenantA}/workloads/networkpolicy-allow-all.yaml`;
    const widen = { file: 'rendered/argocd/appproject-tenant-test-tenant-a.yaml', from: '  namespaceResourceWhitelist:\n', to: '  namespaceResourceWhitelist:\n    - kind: "*"\n      group: "*"\n' };
    const { diagnostics, fixture } = await runRule(deliveryKind, [{ file, text: extraPolicy }, widen]);
    expectFinding(diagnostics, fixture, id, file, 'kind:');
  });

  it('passes on a platform object in the namespace folder (not delivered by the tenant)', async () => {
    const { diagnostics } = await runRule(deliveryKind, [{ file: `${tenantA}/networkpolicy-allow-all.yaml`, text: extraPolicy }]);
    expect(diagnostics).toEqual([]);
  });

  it('Flux: judged by what the tenant\'s delivery ServiceAccount, which the Kustomization impersonates, may create', async () => {
    const flux = await fluxTenants();
    const r = await renderedWith(flux);
    const run = (extra: string, file: string) => runRules({ manifests: [...r.render!.manifests, ...parseManifests(extra, { file }).manifests], rules: { [id]: deliveryKind }, config: r.config! });
    expect(runRules({ manifests: r.render!.manifests, rules: { [id]: deliveryKind }, config: r.config! })).toEqual([]);
    const ds = run(cilium, 'rendered/ai-agents-test-tenant-a/workloads/ciliumnetworkpolicy-open-up.yaml');
    expect(ds.map((d) => [d.ruleId, d.file?.path, d.message])).toEqual([
      [id, 'rendered/ai-agents-test-tenant-a/workloads/ciliumnetworkpolicy-open-up.yaml', 'CiliumNetworkPolicy (ciliumnetworkpolicys) cannot be created by system:serviceaccount:flux-system:tenant-test-tenant-a, whom Flux impersonates for this folder, so the Kustomization fails'],
    ]);
  });
});
