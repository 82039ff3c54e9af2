import { readFileSync } from 'node:fs';
import { unresolvedAlias, unresolvedAliasMessage } from '../manifest/yaml-bounds.js';
import { yamlLib } from '../manifest/lazy.js';

export type JsonObject = { [key: string]: unknown };

export interface CrdSchema {
  apiVersion: string;
  kind: string;
  schema: JsonObject;
}

export class CrdError extends Error {}

/**
 * JSON Schema keywords an openAPIV3Schema may carry that Ajv should enforce.
 * Everything else (descriptions, x-kubernetes-validations CEL, defaults) is
 * dropped: it either constrains nothing structural or needs a Kubernetes runtime.
 */
const KEPT = new Set([
  'type', 'format', 'enum', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties',
  'maxProperties', 'required',
]);

/**
 * openAPIV3Schema (structural schema) → strict JSON Schema: objects reject
 * unknown fields unless the CRD says x-kubernetes-preserve-unknown-fields or
 * gives additionalProperties; x-kubernetes-int-or-string accepts both types;
 * nullable accepts null.
 */
export function strictSchema(node: JsonObject, where = ''): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) if (KEPT.has(k)) out[k] = v;
  // Older CRDs spell draft-04 exclusive bounds as booleans; Ajv wants the bound itself.
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof node[flag] !== 'boolean') continue;
    delete out[flag];
    if (node[flag] === true && typeof node[bound] === 'number') {
      out[flag] = node[bound];
      delete out[bound];
    }
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
  }
  if (node['x-kubernetes-embedded-resource'] === true && !preserve) {
    const embedded = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    };
    node = { ...node, properties: { ...embedded, ...(node.properties as JsonObject | undefined) } };
  }
  if (isObject(node.properties)) {
    const props: JsonObject = {};
    for (const [name, sub] of Object.entries(node.properties)) {
      if (!isObject(sub)) throw new CrdError(`${where}/properties/${name}: not a schema object`);
      props[name] = strictSchema(sub, `${where}/properties/${name}`);
    }
    out.properties = props;
  }
  if (isObject(node.items)) out.items = strictSchema(node.items, `${where}/items`);
  if (isObject(node.additionalProperties)) {
    out.additionalProperties = strictSchema(node.additionalProperties, `${where}/additionalProperties`);
  } else if (typeof node.additionalProperties === 'boolean') {
    out.additionalProperties = node.additionalProperties;
  } else if (!preserve && (node.type === 'object' || isObject(node.properties))) {
    out.additionalProperties = false;
  }
  for (const combiner of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[combiner];
    // With int-or-string the anyOf only restates the two types already allowed.
    if (Array.isArray(list) && node['x-kubernetes-int-or-string'] !== true) {
      out[combiner] = list.map((s, i) => (isObject(s) ? combinerBranch(s, `${where}/${combiner}/${i}`) : s));
    }
  }
  if (isObject(node.not)) out.not = combinerBranch(node.not, `${where}/not`);
  if (node.nullable === true) return allowNull(out);
  return out;
}

/**
 * Structural-schema branches only add value constraints to what the parent
 * declares; converting them strictly would reject the parent's fields.
 */
function combinerBranch(node: JsonObject, where: string): JsonObject {
  const branch = strictSchema({ ...node, 'x-kubernetes-preserve-unknown-fields': true }, where);
  if (branch.properties) {
    const props = branch.properties as JsonObject;
    for (const k of Object.keys(props)) props[k] = combinerBranch(props[k] as JsonObject, `${where}/properties/${k}`);
  }
  return branch;
}

function allowNull(s: JsonObject): JsonObject {
  if (s.type === undefined) return s;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const out: JsonObject = { ...s, type: [...types, 'null'] };
  if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
  return out;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One strict schema per served version of each CustomResourceDefinition in `text`. */
export function crdSchemas(text: string, file: string): CrdSchema[] {
  const out: CrdSchema[] = [];
  yamlLib().parseAllDocuments(text, { uniqueKeys: true }).forEach((doc, i) => {
    if (doc.errors.length > 0) throw new CrdError(`${file}: document ${i + 1}: ${doc.errors[0]!.message.split('\n')[0]}`);
    let crd: JsonObject | null;
    try {
      crd = doc.toJS() as JsonObject | null;
    } catch (e) {
      const alias = unresolvedAlias(e, text, doc.range?.[0]);
      if (!alias) throw e;
      throw new CrdError(`${file}: document ${i + 1}: ${unresolvedAliasMessage(alias.name).message}`);
    }
    if (crd === null) return;
    if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition' || crd.apiVersion !== 'apiextensions.k8s.io/v1') {
      throw new CrdError(`${file}: document ${i + 1} is not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
    }
    const spec = isObject(crd.spec) ? crd.spec : {};
    const group = spec.group;
    const kind = isObject(spec.names) ? spec.names.kind : undefined;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec.versions)) {
      throw new CrdError(`${file}: document ${i + 1}: spec.group, spec.names.kind and spec.versions are required`);
    }
    for (const v of spec.versions as JsonObject[]) {
      if (v.served === false) continue;
      const apiVersion = `${group}/${String(v.name)}`;
      const root = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
      if (!isObject(root)) throw new CrdError(`${file}: ${apiVersion} ${kind} has no schema.openAPIV3Schema`);
      out.push({ apiVersion, kind, schema: rootSchema(root, apiVersion, kind) });
    }
  });
  return out;
}

/** The API server owns apiVersion, kind and metadata; the CRD schema only describes the rest. */
function rootSchema(root: JsonObject, apiVersion: string, kind: string): JsonObject {
  const schema = strictSchema({ type: 'object', ...root });
  const properties = { ...(schema.properties as JsonObject | undefined) };
  properties.apiVersion = { type: 'string', enum: [apiVersion] };
  properties.kind = { type: 'string', enum: [kind] };
  properties.metadata = { type: 'object' };
  const required = new Set([...((schema.required as string[] | undefined) ?? []), 'apiVersion', 'kind']);
  return { ...schema, properties, required: [...required] };
}

export function crdSchemasFromFile(file: string): CrdSchema[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CrdError(`cannot read CRD file ${file}: ${(e as Error).message}`, { cause: e });
  }
  return crdSchemas(text, file);
}
