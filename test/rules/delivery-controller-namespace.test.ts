import { afterAll, describe, expect, it } from 'vitest';
import { controllerNamespace } from '../../src/rules/delivery/controller-namespace.js';
import { bundledTenants, cleanupTempRepos, type InputEdit } from '../helpers.js';
import { runRuleRendered } from './harness.js';

afterAll(cleanupTempRepos);

const id = 'delivery/controller-namespace';
const PLATFORM = 'templates/gitops/argocd/global/appproject-platform.yaml.ejs';
const GITOPS = 'templates/gitops/argocd/global/appproject-gitops.yaml.ejs';

describe(id, async () => {
  const bundled = await bundledTenants();
  const run = (tenants: string, edits: readonly InputEdit[] = []) => runRuleRendered(controllerNamespace, tenants, edits);

  it('passes on the rendered tree: only the gitops project reaches argocd, and only for the three Argo CD kinds', async () => {
    expect(await run(bundled)).toEqual([]);
  });

  it('fails when the platform project reaches argocd as well (any namespaced kind could be written there)', async () => {
    const ds = await run(bundled, [{ file: PLATFORM, from: '  destinations:\n', to: '  destinations:\n    - server: <%- v(gitops.inClusterServer) %>\n      namespace: <%- v(gitops.namespace) %>\n' }]);
    expect(ds.map((d) => [d.ruleId, d.file?.path, d.message])).toEqual([
      [id, 'rendered/argocd/appproject-ai-agents-platform.yaml', "AppProject argocd/ai-agents-platform lets its Applications write every namespaced kind in argocd, the Argo CD controller's namespace (argocd-cm, argocd-rbac-cm, repository Secrets): only Application, ApplicationSet and AppProject may be written there"],
    ]);
    expect(ds[0]!.file?.line).toBeGreaterThan(1);
  });

  it('fails when a tenant namespace prefix glob also matches the controller namespace', async () => {
    const ds = await run(bundled.replace('namespacePrefix: ai-agents-', 'namespacePrefix: argo'));
    expect(ds.map((d) => d.message)).toEqual([expect.stringContaining('AppProject argocd/ai-agents-platform lets its Applications write every namespaced kind in argocd')]);
  });

  it('fails when the gitops project allows any other kind, or a wildcard', async () => {
    const ds = await run(bundled, [{ file: GITOPS, from: '  namespaceResourceWhitelist:\n', to: '  namespaceResourceWhitelist:\n    - group: ""\n      kind: ConfigMap\n    - group: "*"\n      kind: "*"\n' }]);
    expect(ds.map((d) => d.message)).toEqual([expect.stringContaining('write core/ConfigMap, */* in argocd')]);
  });
});
