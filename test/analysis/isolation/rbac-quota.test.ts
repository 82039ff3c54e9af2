import { describe, expect, it } from 'vitest';
import { tenantQuotas, type QuotaReplay, type TenantQuota } from '../../../src/analysis/isolation/quota.js';
import { proveIsolation } from '../../../src/analysis/proofs.js';
import { namespaceOfManifest } from '../../../src/manifest/types.js';
import { sortKeysDeep } from '../../../src/output/json.js';
import { fixture, manifestsOf, tenantA, type Edit } from '../../rules/harness.js';
import { renderedFile } from './synthetic.js';

async function prove(edits: Edit[] = []) {
  const f = await fixture(edits);
  return proveIsolation(manifestsOf(f), f.config);
}

const section = (r: Awaited<ReturnType<typeof prove>>, title: string) => r.sections.find((s) => s.title === title)!;

describe('RBAC proof', () => {
  it('the bundled tree: nothing cross-tenant, nothing cluster-wide, no guardrail changes, admins complete', async () => {
    const r = await prove();
    expect(r.diagnostics).toEqual([]);
    expect(section(r, 'RBAC').json).toEqual({
      serviceAccounts: 4,
      tenantNamespaces: 2,
      crossTenantGrants: 0,
      clusterScopedGrants: 0,
      guardrailChanges: 0,
      platformAdminNamespaces: 2,
    });
    expect(section(r, 'RBAC').text).toContain('platform-admins: full access in 2/2 tenant namespaces');
  });

  it("a RoleBinding in tenant A naming tenant B's ServiceAccount is a cross-tenant grant", async () => {
    const r = await prove([
      {
        file: await renderedFile(tenantA, 'rolebinding-tenant-test-tenant-a-rolebinding.yaml'),
        from: '    namespace: ai-agents-test-tenant-a\n',
        to: '    namespace: ai-agents-test-tenant-a\n  - kind: ServiceAccount\n    name: sa-test-tenant-b\n    namespace: ai-agents-test-tenant-b\n',
      },
    ]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/rbac-cross-tenant');
    expect(d).toBeDefined();
    expect(d!.message).toContain('system:serviceaccount:ai-agents-test-tenant-b:sa-test-tenant-b');
    expect(d!.message).toContain('namespace ai-agents-test-tenant-a');
    expect(d!.file?.path).toBe(await renderedFile(tenantA, 'rolebinding-tenant-test-tenant-a-rolebinding.yaml'));
    expect(d!.field?.pointer).toBe('/subjects/1');
    expect(d!.tenant).toBe('test-tenant-b');
  });

  it('a tenant Role that can update its ResourceQuota breaks the guardrails', async () => {
    const r = await prove([{ file: await renderedFile(tenantA, 'role-tenant-test-tenant-a-role.yaml'), from: '      - secrets\n', to: '      - secrets\n      - resourcequotas\n' }]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/rbac-guardrails' && x.message.includes('"tenant-quota"'));
    expect(d, r.diagnostics.map((x) => x.message).join('\n')).toBeDefined();
    expect(d!.message).toContain('system:serviceaccount:ai-agents-test-tenant-a:sa-test-tenant-a can update, patch, delete resourcequotas');
    expect(d!.file?.path).toBe(await renderedFile(tenantA, 'role-tenant-test-tenant-a-role.yaml'));
    expect(d!.field?.pointer).toBe('/rules/0');
  });

  it('a ClusterRoleBinding to a tenant ServiceAccount is cluster-scoped access', async () => {
    const crb = [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata:',
      '  name: tenant-nodes',
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      '  name: node-reader',
      'subjects:',
      '  - kind: ServiceAccount',
      '    name: sa-test-tenant-a',
      '    namespace: ai-agents-test-tenant-a',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata:',
      '  name: node-reader',
      'rules:',
      '  - apiGroups: [""]',
      '    resources: [nodes]',
      '    verbs: [get]',
      '',
    ].join('\n');
    const r = await prove([{ file: 'rendered/_cluster/clusterrolebinding-tenant-nodes.yaml', text: crb }]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/rbac-cluster-scope');
    expect(d).toBeDefined();
    expect(d!.file?.path).toBe('rendered/_cluster/clusterrolebinding-tenant-nodes.yaml');
  });

  it('platform admins without their RoleBinding in a namespace are reported', async () => {
    const r = await prove([{ file: await renderedFile(tenantA, 'rolebinding-platform-admin.yaml'), remove: true }]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/platform-admin-access');
    expect(d).toBeDefined();
    expect(d!.tenant).toBe('test-tenant-a');
    expect(d!.message).toContain('group platform-admins cannot get/list/create/update/patch/delete pods');
  });
});

describe('quota headroom report', () => {
  it('tabulates every scenario per tenant', async () => {
    const r = await prove();
    const q = section(r, 'Quota headroom');
    expect(q.text).toMatch(/test-tenant-a\s+limits\.cpu\s+4\s+1\s+2\s+2\s+3\s+1\n/);
    expect(q.text).toContain('all 2 tenants fit their quotas in every scenario');
    const json = q.json as { tenant: string; fits: boolean; resources: { resource: string; rolloutAtHpaMax: number }[] }[];
    expect(json.map((t) => t.tenant)).toEqual(['test-tenant-a', 'test-tenant-b']);
    expect(json[0]!.resources.find((x) => x.resource === 'requests.cpu')!.rolloutAtHpaMax).toBe(1.5);
    // Built in sorted key order, so the JSON output serialises it without a copy.
    expect(sortKeysDeep(json)).toBe(json);
  });

  it('a deployment asking for 5 cores is reported as not fitting (the finding itself is quota/fit)', async () => {
    const r = await prove([{ file: await renderedFile(tenantA, 'deployment-api.yaml'), from: '              cpu: 500m\n', to: '              cpu: "5"\n' }]);
    const q = section(r, 'Quota headroom');
    expect(q.text).toContain('1 of 2 tenants do not fit: test-tenant-a');
    expect(r.diagnostics.filter((d) => d.ruleId.startsWith('quota/'))).toEqual([]);
  });
});


describe('quota report kept from an earlier run', () => {
  it('is taken for a tenant whose namespace holds only its own objects, and made again for one holding another', async () => {
    const f = await fixture();
    const manifests = manifestsOf(f);
    const fresh = tenantQuotas(manifests, f.config);
    const [a, b] = f.config.tenants;
    const kept = (id: string): TenantQuota => ({ tenant: id, fits: true, rejections: 0, rows: [] });
    const recorded: string[] = [];
    const nsOf = new Map(f.config.tenants.map((t) => [t.namespace, t.id]));
    // One object in tenant a's namespace is not its own: every other object is its namespace's tenant's.
    const foreign = manifests.find((m) => m.object.metadata?.namespace === a!.namespace && m.object.kind === 'ConfigMap')!;
    const replay: QuotaReplay = {
      unitOf: (m) => (m === foreign ? undefined : nsOf.get(namespaceOfManifest(m) ?? '')),
      recorded: kept,
      record: (id) => recorded.push(id),
    };
    const reports = tenantQuotas(manifests, f.config, replay);
    expect(reports.find((q) => q.tenant === b!.id)).toEqual(kept(b!.id));
    expect(reports.find((q) => q.tenant === a!.id)).toEqual(fresh.find((q) => q.tenant === a!.id));
    expect(fresh.find((q) => q.tenant === a!.id)!.rows.length).toBeGreaterThan(0);
    expect(recorded).toEqual([]);
  });
});
