import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { CrdError, crdSchemas } from '../../src/schema/crd.js';
import { loadSchemaRegistry, SchemaLoadError, validateManifests } from '../../src/schema/validate.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function check(yaml: string, registry: ReturnType<typeof loadSchemaRegistry>) {
  const { manifests } = parseManifests(yaml, { file: 'x.yaml' });
  return sortDiagnostics(validateManifests(manifests, registry)).map((d) => `${d.file?.line} ${d.ruleId} ${d.message}`);
}

describe('--crd', () => {
  const registry = loadSchemaRegistry({ crdFiles: [fixtures + 'crd-widget.yaml'] });
  const widget = (spec: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n${spec}`;

  it('accepts a conforming custom resource, honouring int-or-string, nullable and preserve-unknown-fields', () => {
    expect(check(widget('  size: small\n  port: 8080\n  note: null\n  extra: {anything: [1, 2]}\n  labels: {a: b}\n'), registry)).toEqual([]);
    expect(check(widget('  size: large\n  port: http\n'), registry)).toEqual([]);
  });

  it('rejects unknown fields, bad enums, wrong types and missing required fields with lines', () => {
    expect(check(widget('  size: medium\n  colour: red\n  labels: {a: 1}\n'), registry)).toEqual([
      '5 schema/invalid spec.size: "medium" is not an allowed value (allowed: "small", "large")',
      '6 schema/invalid spec.colour: unknown field (allowed: extra, labels, note, port, size)',
      '7 schema/invalid spec.labels.a: expected string, got integer 1',
    ]);
    expect(check(widget('  port: true\n'), registry)).toEqual([
      '4 schema/invalid spec.size: missing required field',
      '5 schema/invalid spec.port: expected integer or string, got boolean true',
    ]);
  });

  it('makes one schema per served version, fixed apiVersion and kind', () => {
    const text = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Cluster
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
    - {name: v0, served: false, storage: false, schema: {openAPIV3Schema: {type: object}}}
`;
    const schemas = crdSchemas(text, 'g.yaml');
    expect(schemas.map((s) => `${s.apiVersion} ${s.kind}`)).toEqual(['example.com/v1 Gadget']);
    expect(schemas[0]!.schema).toMatchObject({ additionalProperties: false, required: ['apiVersion', 'kind'] });
  });

  it('refuses a CRD with an alias without its anchor as a CRD error naming the alias', () => {
    const text = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec: *nowhere\n';
    expect(() => crdSchemas(text, 'g.yaml')).toThrow(new CrdError('g.yaml: document 1: alias *nowhere refers to no anchor &nowhere before it'));
  });
});

describe('--schema-location', () => {
  const registry = loadSchemaRegistry({ schemaLocation: fixtures + 'location' });

  it('validates against a kubeconform-layout directory with shared definitions', () => {
    expect(check('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n', registry)).toEqual([]);
    expect(check('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {}}\n', registry)).toEqual([
      '3 schema/invalid metadata.labels: unknown field (allowed: name, namespace)',
    ]);
  });

  it('accepts standalone schemas without shared definitions', () => {
    expect(check('apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {}\n', registry)).toEqual([
      '4 schema/invalid data: unknown field (allowed: apiVersion, kind, metadata, stringData)',
    ]);
  });

  it('only searches the given directories unless "default" is listed', () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n';
    expect(check(ns, registry)[0]).toMatch(/^2 schema\/unknown-kind no schema for v1 Namespace/);
    expect(check(ns, loadSchemaRegistry({ schemaLocation: [fixtures + 'location', 'default'] }))).toEqual([]);
  });

  it('fails loudly on a missing directory', () => {
    expect(() => loadSchemaRegistry({ schemaLocation: fixtures + 'nope' })).toThrow(SchemaLoadError);
  });
});
