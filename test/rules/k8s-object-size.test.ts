import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/manifest/types.js';
import { runRules } from '../../src/rules/engine.js';
import { objectSize } from '../../src/rules/k8s/object-size.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'k8s/object-size';
const mib = 1024 * 1024;

describe('k8s/object-size', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(objectSize);
    expect(diagnostics).toEqual([]);
  });

  it('fails on ConfigMap data over 1 MiB', async () => {
    const file = `${tenantA}/workloads/configmap-tenant-config.yaml`;
    const { diagnostics, fixture } = await runRule(objectSize, [{ file, from: '  LOG_LEVEL: info\n', to: `  LOG_LEVEL: info\n  PROMPTS: ${'p'.repeat(mib)}\n` }]);
    const d = expectFinding(diagnostics, fixture, id, file, 'data:\n  CELERY');
    expect(d.message).toContain('Too long: must have at most 1048576 bytes');
  });

  it('fails on a Deployment serialised over 1 MiB', async () => {
    const file = `${tenantA}/workloads/deployment-api.yaml`;
    const { diagnostics, fixture } = await runRule(objectSize, [
      { file, from: '  namespace: ai-agents-test-tenant-a\n', to: `  namespace: ai-agents-test-tenant-a\n  annotations:\n    example.com/blob: ${'b'.repeat(mib)}\n` },
    ]);
    expect(expectFinding(diagnostics, fixture, id, file, 'apiVersion').message).toMatch(/^Deployment api is \d+ bytes serialised/);
  });

  it('counts Secret data decoded, not as base64', async () => {
    const file = `${tenantA}/secret-blob.yaml`;
    const secret = (bytes: number) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: blob\n  namespace: ai-agents-test-tenant-a\ndata:\n  blob: ${Buffer.alloc(bytes, 1).toString('base64')}\n`;
    // Exactly 1 MiB decoded is allowed although its base64 text is a third larger.
    expect((await runRule(objectSize, [{ file, text: secret(mib) }])).diagnostics.filter((d) => d.field?.pointer === '/data')).toEqual([]);
    const { diagnostics, fixture } = await runRule(objectSize, [{ file, text: secret(mib + 1) }]);
    expect(expectFinding(diagnostics, fixture, id, file, 'data:\n  blob').field?.actual).toBe(mib + 1);
  });
});

describe('k8s/object-size on an object that came as JSON', () => {
  const deployment = (blob: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'ns', annotations: { 'example.com/blob': blob } }, spec: {} });
  const manifest = (object: object, jsonLength: number): Manifest => ({ object: object as Manifest['object'], file: 'rendered/ns/deployment.yaml', docIndex: 0, locate: () => ({ line: 1, column: 1 }), jsonLength });
  const check = (m: Manifest) => runRules({ manifests: [m], rules: { [id]: objectSize } });

  it('reports it over the limit, from the length it came with', () => {
    const o = deployment('b'.repeat(mib));
    const [d] = check(manifest(o, JSON.stringify(o).length));
    expect(d?.ruleId).toBe(id);
    expect(d?.field?.actual).toBe(Buffer.byteLength(JSON.stringify(o)));
  });

  it('does not serialise it again when its length is far below the limit', () => {
    const o = { ...deployment('small'), toJSON: () => { throw new Error('serialised again'); } };
    expect(check(manifest(o, 300))).toEqual([]);
    // Without the length it is serialised (and here that throws): the shortcut is what kept it from it.
    expect(() => runRules({ manifests: [{ ...manifest(o, 0), jsonLength: undefined } as unknown as Manifest], rules: { [id]: objectSize } })).toThrow('serialised again');
  });
});
