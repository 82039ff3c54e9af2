import { describe, expect, it } from 'vitest';
import { labelSyntax } from '../../src/rules/k8s/label-syntax.js';
import { labelValue, qualifiedName } from '../../src/manifest/names.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/label-syntax';
const nsFile = 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml';

describe('k8s/label-syntax', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(labelSyntax);
    expect(diagnostics).toEqual([]);
  });

  it('fails on an upper-case label key prefix', async () => {
    const { diagnostics, fixture } = await runRule(labelSyntax, [{ file: nsFile, from: '    app: ai-agents\n', to: '    app: ai-agents\n    Platform.AI/owner: team-a\n' }]);
    const d = expectFinding(diagnostics, fixture, id, nsFile, 'Platform.AI/owner');
    expect(d.message).toContain('prefix part');
    expect(d.field?.pointer).toBe('/metadata/labels/Platform.AI~1owner');
  });

  it('fails on a label value with spaces', async () => {
    const file = `${tenantA}/workloads/configmap-tenant-config.yaml`;
    const { diagnostics, fixture } = await runRule(labelSyntax, [{ file, from: '    tenant: test-tenant-a', to: '    tenant: Test Tenant A' }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'tenant: Test Tenant A').message).toContain('a valid label must be an empty string');
  });

  it('fails on a pod template label value longer than 63 characters', async () => {
    const file = `${tenantA}/workloads/deployment-api.yaml`;
    const long = 'x'.repeat(64);
    const { diagnostics, fixture } = await runRule(labelSyntax, [{ file, from: '        managed-by: ai-agents-platform\n', to: `        managed-by: ${long}\n` }]);
    const d = expectFinding(diagnostics, fixture, id, file, `managed-by: ${long}`);
    expect(d.field?.pointer).toBe('/spec/template/metadata/labels/managed-by');
  });

  it('fails on a matchLabels value that is not a label value', async () => {
    const file = 'rendered/database/networkpolicy-allow-tenants-to-redis.yaml';
    const { diagnostics, fixture } = await runRule(labelSyntax, [{ file, from: 'tenant-namespace: "true"', to: 'tenant-namespace: "true!"' }]);
    expectFinding(diagnostics, fixture, id, file, 'tenant-namespace: "true!"');
  });

  it('fails on a Service selector key with two slashes', async () => {
    const file = `${tenantA}/workloads/service-api.yaml`;
    const { diagnostics, fixture } = await runRule(labelSyntax, [{ file, from: '  selector:\n', to: '  selector:\n    example.com/team/name: api\n' }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'example.com/team/name').field?.pointer).toBe('/spec/selector/example.com~1team~1name');
  });

  it('fails on an annotation key with a space, but not on upper case in it', async () => {
    const { diagnostics, fixture } = await runRule(labelSyntax, [
      { file: nsFile, from: 'platform.ai-agents.io/display-name:', to: 'platform.ai-agents.io/display name:' },
      { file: nsFile, from: 'platform.ai-agents.io/tier:', to: 'Platform.AI-Agents.io/Tier:' },
    ]);
    expectFinding(diagnostics, fixture, id, nsFile, 'display name');
    expect(diagnostics).toHaveLength(1);
  });

  it('fails when annotations total more than 256 KiB', async () => {
    const { diagnostics, fixture } = await runRule(labelSyntax, [
      { file: nsFile, from: '    platform.ai-agents.io/tier: standard\n', to: `    platform.ai-agents.io/tier: standard\n    example.com/blob: ${'x'.repeat(262_144)}\n` },
    ]);
    expect(expectFinding(diagnostics, fixture, id, nsFile, 'annotations:').message).toContain('at most 262144 bytes');
  });

  it('skips generator placeholders, which are substituted before the API server sees them', async () => {
    const file = `${tenantA}/applicationset-tenants.yaml`;
    const text =
      'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: tenants\n  namespace: argocd\nspec:\n  template:\n    metadata:\n      name: "tenant-{{.tenant}}"\n      labels:\n        tenant: "{{.tenant}}"\n        "{{.labelKey}}": x\n';
    const { diagnostics } = await runRule(labelSyntax, [{ file, text }]);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a placeholder outside an ApplicationSet, where nothing substitutes it', async () => {
    const file = `${tenantA}/workloads/configmap-tenant-config.yaml`;
    const { diagnostics, fixture } = await runRule(labelSyntax, [{ file, from: '    tenant: test-tenant-a', to: '    tenant: "{{.tenant}}"' }]);
    expectFinding(diagnostics, fixture, id, file, 'tenant: "{{.tenant}}"');
  });

  it.each([
    ['plain name', 'app', true],
    ['mixed-case name with _ and .', 'App_Name.v1', true],
    ['prefixed', 'app.kubernetes.io/name', true],
    ['prefixed, dotted name', 'kubernetes.io/metadata.name', true],
    ['empty prefix', '/name', false],
    ['empty name', 'example.com/', false],
    ['two slashes', 'a/b/c', false],
    ['leading underscore', '_app', false],
    ['trailing hyphen', 'app-', false],
    ['254-character prefix', `${'p'.repeat(254)}/name`, false],
    // Upstream bounds the subdomain as a whole, not each of its labels.
    ['253-character single-label prefix', `${'p'.repeat(253)}/name`, true],
    ['upper-case prefix', 'Example.com/name', false],
    ['64-character name', `example.com/${'n'.repeat(64)}`, false],
    ['63-character name', `example.com/${'n'.repeat(63)}`, true],
  ])('key: %s (valid = %s)', (_what, key, valid) => {
    expect(qualifiedName(key) === undefined).toBe(valid);
  });

  it.each([
    ['', true],
    ['true', true],
    ['v1.2_rc-3', true],
    ['-x', false],
    ['x.', false],
    ['a b', false],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
  ])('value %s valid = %s', (value, valid) => {
    expect(labelValue(value) === undefined).toBe(valid);
  });
});
