import { describe, expect, it } from 'vitest';
import { nameFormatOf, nameSyntax } from '../../src/rules/k8s/name-syntax.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/name-syntax';

describe('k8s/name-syntax', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(nameSyntax);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a Service name with a dot (Services are DNS-1035 labels)', async () => {
    const file = `${tenantA}/workloads/service-api.yaml`;
    const { diagnostics, fixture } = await runRule(nameSyntax, [{ file, from: '  name: api\n', to: '  name: api.v2\n' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'name: api.v2');
    expect(d.message).toContain('DNS-1035 label');
    expect(d.field).toMatchObject({ pointer: '/metadata/name', actual: 'api.v2' });
  });

  it('fails on an upper-case Deployment name', async () => {
    const file = `${tenantA}/workloads/deployment-api.yaml`;
    const { diagnostics, fixture } = await runRule(nameSyntax, [{ file, from: '  name: api\n', to: '  name: API\n' }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'name: API').message).toContain('RFC 1123 subdomain');
  });

  it('accepts dots in a ConfigMap name and a colon in a Role name', async () => {
    const { diagnostics } = await runRule(nameSyntax, [
      { file: `${tenantA}/workloads/configmap-tenant-config.yaml`, from: '  name: tenant-config', to: '  name: tenant.config' },
      { file: `${tenantA}/role-tenant-test-tenant-a-role.yaml`, from: '  name: tenant-test-tenant-a-role', to: '  name: "system:Tenant-Role"' },
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a Role name with a slash', async () => {
    const file = `${tenantA}/role-tenant-test-tenant-a-role.yaml`;
    const { diagnostics, fixture } = await runRule(nameSyntax, [{ file, from: '  name: tenant-test-tenant-a-role', to: '  name: tenant/role' }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'name: tenant/role').message).toContain("may not contain '/'");
  });

  it('fails on a namespace that is not a DNS-1123 label', async () => {
    const file = `${tenantA}/workloads/configmap-tenant-config.yaml`;
    const { diagnostics, fixture } = await runRule(nameSyntax, [{ file, from: '  namespace: ai-agents-test-tenant-a', to: '  namespace: ai-agents.tenant-a' }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'namespace: ai-agents.tenant-a');
    expect(d.field?.pointer).toBe('/metadata/namespace');
  });

  it('fails on a CronJob name longer than 52 characters', async () => {
    const file = `${tenantA}/cronjob-report.yaml`;
    const name = 'r'.repeat(53);
    const text = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: ${name}\n  namespace: ai-agents-test-tenant-a\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: report\n              image: busybox\n`;
    const { diagnostics, fixture } = await runRule(nameSyntax, [{ file, text }]);
    expect(expectFinding(diagnostics, fixture, id, file, `name: ${name}`).message).toContain('no more than 52 characters');
  });

  it.each([
    ['Namespace', 'tenant.a', false],
    ['Namespace', 'a'.repeat(63), true],
    ['Namespace', 'a'.repeat(64), false],
    ['Service', '1api', false],
    ['Service', 'api-1', true],
    ['StatefulSet', 'db.primary', false],
    ['Deployment', 'api.v2', true],
    ['Deployment', 'api-', false],
    ['ConfigMap', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    ['ConfigMap', 'a'.repeat(254), false],
    ['ClusterRole', 'system:aggregate-to-view', true],
    ['ClusterRoleBinding', '..', false],
    ['RoleBinding', 'a%20b', false],
    ['Widget', 'my.widget', true],
    ['Widget', 'My_Widget', false],
  ])('%s named %s: format check valid = %s', (kind, name, valid) => {
    expect(nameFormatOf(kind).check(name) === undefined).toBe(valid);
  });
});
