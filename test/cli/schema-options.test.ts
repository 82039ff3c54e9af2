import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { cleanupTempRepos, cli, repoRoot, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const widgetTemplate = (size: string) => `apiVersion: example.com/v1
kind: Widget
metadata:
  name: gadget
  namespace: <%- v(tenant.namespace) %>
spec:
  size: ${size}
`;

/** A repository whose templates add a custom Widget per tenant. */
async function repoWithWidget(size: string): Promise<string> {
  const root = await tempRepo();
  await writeFile(path.join(root, 'templates/tenant/widget.yaml.ejs'), widgetTemplate(size));
  expect((await cli(root, 'render')).exitCode).toBe(0);
  return root;
}

function findings(stdout: string): Diagnostic[] {
  return (JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics;
}

const crd = path.join(repoRoot, 'test/schema/fixtures/crd-widget.yaml');

describe('check: schemas for custom kinds and other Kubernetes versions', () => {
  it('refuses a kind it has no schema for, naming it', async () => {
    const root = await repoWithWidget('small');
    const r = await cli(root, 'check', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const unknown = findings(r.stdout).filter((d) => d.ruleId === 'schema/unknown-kind');
    expect(unknown.map((d) => d.file?.path).sort()).toEqual([
      'rendered/ai-agents-test-tenant-a/workloads/widget-gadget.yaml',
      'rendered/ai-agents-test-tenant-b/workloads/widget-gadget.yaml',
    ]);
  });

  it('validates the custom kind against a CRD given with --crd', async () => {
    const good = await repoWithWidget('small');
    expect(findings((await cli(good, 'check', '--format', 'json', '--crd', crd)).stdout).filter((d) => d.ruleId.startsWith('schema/'))).toEqual([]);
    const bad = await repoWithWidget('medium');
    const r = await cli(bad, 'check', '--format', 'json', '--crd', crd);
    const invalid = findings(r.stdout).filter((d) => d.ruleId === 'schema/invalid');
    expect(invalid).toHaveLength(2);
    expect(invalid[0]!.file).toMatchObject({ path: 'rendered/ai-agents-test-tenant-a/workloads/widget-gadget.yaml', line: 7 });
    expect(invalid[0]!.message).toContain('small');
  });

  it('accepts an allow-listed kind without a schema', async () => {
    const root = await repoWithWidget('small');
    const { readFile } = await import('node:fs/promises');
    const file = path.join(root, 'tenants.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}\nvalidation:\n  allowKinds:\n    - example.com/v1/Widget\n`);
    await cli(root, 'render');
    const r = await cli(root, 'check', '--format', 'json');
    expect(findings(r.stdout).filter((d) => d.ruleId.startsWith('schema/'))).toEqual([]);
  });

  it('validates against a kubeconform-layout --schema-location instead of the bundled schemas', async () => {
    const root = await tempRepo({ rendered: true });
    const dir = path.join(root, 'other-version');
    await mkdir(dir);
    // A location with only a ConfigMap schema: every other kind now has no schema.
    await writeFile(path.join(dir, 'configmap-v1.json'), JSON.stringify({ type: 'object', required: ['apiVersion', 'kind', 'data'] }));
    const r = await cli(root, 'check', '--format', 'json', '--schema-location', dir);
    const ds = findings(r.stdout);
    expect(ds.some((d) => d.ruleId === 'schema/unknown-kind' && d.object?.kind === 'Deployment')).toBe(true);
    expect(ds.some((d) => d.ruleId === 'schema/unknown-kind' && d.object?.kind === 'ConfigMap')).toBe(false);
  });

  it('exits 2 when --schema-location does not exist', async () => {
    const root = await tempRepo({ rendered: true });
    const r = await cli(root, 'check', '--schema-location', path.join(root, 'missing'));
    expect(r.exitCode).toBe(2);
  });
});
