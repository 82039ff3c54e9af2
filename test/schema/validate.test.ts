import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse.js';
import { loadSchemaRegistry, validateManifests } from '../../src/schema/validate.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const registry = loadSchemaRegistry();

function load(rel: string) {
  const text = readFileSync(fixtures + rel, 'utf8');
  const { manifests, diagnostics } = parseManifests(text, { file: `fixtures/${rel}`, origin: { template: 't.yaml', tenant: 'team-a' } });
  expect(diagnostics).toEqual([]);
  return { text, manifests };
}

describe('bundled schemas: valid manifests', () => {
  it.each(readdirSync(fixtures + 'valid'))('%s has no findings', (file) => {
    const { manifests } = load(`valid/${file}`);
    expect(manifests.length).toBeGreaterThan(0);
    expect(validateManifests(manifests, registry)).toEqual([]);
  });

  it('covers every kind tenantctl renders', () => {
    const kinds = load('valid/tenant-kinds.yaml').manifests.map((m) => m.object.kind);
    expect(kinds).toEqual([
      'Namespace', 'ResourceQuota', 'LimitRange', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole',
      'ConfigMap', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'NetworkPolicy',
    ]);
  });
});

describe('bundled schemas: invalid manifests', () => {
  it.each(readdirSync(fixtures + 'invalid'))('%s reports rule, line and message', (file) => {
    const { text, manifests } = load(`invalid/${file}`);
    const [, ruleId, line, expected] = /^# expect: (\S+) (\d+) (.*)$/m.exec(text) ?? [];
    const found = validateManifests(manifests, registry);
    expect(found).toHaveLength(1);
    const d = found[0]!;
    expect(d.ruleId).toBe(ruleId);
    expect(d.file).toMatchObject({ path: `fixtures/invalid/${file}`, line: Number(line) });
    expect(d.message).toContain(expected);
    expect(d).toMatchObject({ severity: 'error', kind: 'finding', tenant: 'team-a', origin: { template: 't.yaml' } });
    expect(d.object?.kind).toBe(manifests[0]!.object.kind);
  });

  it('reports the offending value and expectation, and suggests the nearest field', () => {
    const [typo] = validateManifests(load('invalid/deployment-typo.yaml').manifests, registry);
    expect(typo).toMatchObject({
      field: { pointer: '/spec/template/spec/serviceAcountName', actual: 'app' },
      hint: 'did you mean "serviceAccountName"?',
      file: { line: 11, column: 7 },
    });
    const [float] = validateManifests(load('invalid/deployment-float-replicas.yaml').manifests, registry);
    expect(float?.field).toEqual({ pointer: '/spec/replicas', actual: 1.5, expected: 'integer' });
  });

  it('reports every error of a failing object, without anyOf/null noise', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: s}',
      'spec:',
      '  type: Internal',
      '  selector: 5',
      '  ports: [{port: "80", protocl: TCP}]',
    ].join('\n');
    const { manifests } = parseManifests(text, { file: 'svc.yaml' });
    const found = validateManifests(manifests, registry);
    expect(found.map((d) => [d.file?.line, d.message])).toEqual(
      expect.arrayContaining([
        [5, expect.stringContaining('spec.type: "Internal" is not an allowed value')],
        [6, 'spec.selector: expected object, got integer 5'],
        [7, 'spec.ports[0].port: expected integer, got string "80"'],
        [7, expect.stringContaining('spec.ports[0].protocl: unknown field (allowed: protocol')],
      ]),
    );
    expect(found).toHaveLength(4);
    expect(found.some((d) => /null|anyOf|must match/.test(d.message))).toBe(false);
  });
});

describe('allow-list', () => {
  it('accepts an unknown kind only when allow-listed, by kind or by apiVersion/kind', () => {
    const { manifests } = load('invalid/unknown-kind.yaml');
    expect(validateManifests(manifests, loadSchemaRegistry({ allowKinds: ['Widget'] }))).toEqual([]);
    expect(validateManifests(manifests, loadSchemaRegistry({ allowKinds: ['example.com/v1/Widget'] }))).toEqual([]);
    expect(validateManifests(manifests, loadSchemaRegistry({ allowKinds: ['example.com/v2/Widget'] }))).toHaveLength(1);
  });
});
