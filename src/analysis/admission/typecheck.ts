import { FUNCTIONS, offsetOf, type Ast, type Expr } from './cel.js';

/**
 * A static reading of an admission expression before any request reaches it,
 * in the spirit of the API server's type check of policies against the
 * schemas of the resources they match: unknown variables, functions outside
 * the supported libraries, and fields that no matched kind has. Values are
 * typed by the JSON schemas in schemas/kubernetes/ (a field unknown to every
 * matched kind is an error; a free-form or unknown type is dynamic).
 */

export type JsonSchema = {
  $ref?: string;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  type?: string | string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

export interface SchemaSource {
  /** The schema of a kind, or undefined when the bundle has none. */
  kind(apiVersion: string, kind: string): JsonSchema | undefined;
  /** A shared definition, by the name after `#/definitions/`. */
  definition(name: string): JsonSchema | undefined;
}

/** A value's type: dynamic, a union of schema nodes, or a known record (request, variables). */
export type Type = { dyn: true } | { schemas: JsonSchema[]; label: string } | { fields: ReadonlyMap<string, Type>; label: string };

export const DYN: Type = { dyn: true };

export function record(label: string, fields: Record<string, Type>): Type {
  return { fields: new Map(Object.entries(fields)), label };
}

/** `request` as admission.k8s.io/v1 AdmissionRequest defines it. */
export const REQUEST_TYPE: Type = record('request', {
  uid: DYN,
  kind: record('request.kind', { group: DYN, version: DYN, kind: DYN }),
  resource: record('request.resource', { group: DYN, version: DYN, resource: DYN }),
  subResource: DYN,
  requestKind: record('request.requestKind', { group: DYN, version: DYN, kind: DYN }),
  requestResource: record('request.requestResource', { group: DYN, version: DYN, resource: DYN }),
  requestSubResource: DYN,
  name: DYN,
  namespace: DYN,
  operation: DYN,
  userInfo: record('request.userInfo', { username: DYN, uid: DYN, groups: DYN, extra: DYN }),
  dryRun: DYN,
  options: DYN,
});

export interface TypeProblem {
  message: string;
  offset: number;
}

function flatten(s: JsonSchema, src: SchemaSource, out: JsonSchema[], depth = 0): void {
  if (depth > 20) return;
  if (s.$ref) {
    const d = src.definition(s.$ref.slice(s.$ref.lastIndexOf('/') + 1));
    if (d) flatten(d, src, out, depth + 1);
    return;
  }
  if (s.anyOf) {
    for (const b of s.anyOf) flatten(b, src, out, depth + 1);
    return;
  }
  if (s.type === 'null') return;
  out.push(s);
}

function nodes(t: Type, src: SchemaSource): JsonSchema[] | undefined {
  if (!('schemas' in t)) return undefined;
  const out: JsonSchema[] = [];
  for (const s of t.schemas) flatten(s, src, out);
  return out;
}

const freeForm = (n: JsonSchema) => n['x-kubernetes-preserve-unknown-fields'] || (!n.properties && n.additionalProperties === undefined && !n.items && (n.type === undefined || n.type === 'object'));

/** The type of `t.field`, or undefined when no alternative has the field. */
export function selectField(t: Type, field: string, src: SchemaSource): Type | undefined {
  if ('dyn' in t) return DYN;
  if ('fields' in t) return t.fields.get(field);
  const found: JsonSchema[] = [];
  for (const n of nodes(t, src) ?? []) {
    if (freeForm(n)) return DYN;
    const p = n.properties?.[field];
    if (p) found.push(p);
    else if (n.additionalProperties && typeof n.additionalProperties === 'object') found.push(n.additionalProperties);
  }
  return found.length ? { schemas: found, label: `${t.label}.${field}` } : undefined;
}

/** Element type of a list, or key type of a map (what a comprehension iterates). */
function elementOf(t: Type, src: SchemaSource): Type {
  const ns = nodes(t, src);
  if (!ns) return DYN;
  const items = ns.flatMap((n) => (n.items ? [n.items] : []));
  return items.length ? { schemas: items, label: `${'label' in t ? t.label : ''}[]` } : DYN;
}

export interface Scope {
  roots: ReadonlyMap<string, Type | string>;
}

/**
 * Problems in one parsed expression. `roots` maps each variable to its type,
 * or to the reason it cannot be used (params without paramKind, authorizer).
 */
export function typeCheck(ast: Ast, roots: ReadonlyMap<string, Type | string>, src: SchemaSource): { type: Type; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];
  const report = (e: Expr, message: string) => problems.push({ message, offset: offsetOf(ast, e) });

  const walk = (e: Expr, scope: ReadonlyMap<string, Type>): Type => {
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr': {
        const name = k.value.name;
        const local = scope.get(name);
        if (local) return local;
        if (name.startsWith('@') || name.startsWith('__')) return DYN;
        const root = roots.get(name);
        if (root === undefined) {
          report(e, `undeclared reference to '${name}'`);
          return DYN;
        }
        if (typeof root === 'string') {
          report(e, root);
          return DYN;
        }
        return root;
      }
      case 'selectExpr': {
        const operand = walk(k.value.operand!, scope);
        const t = selectField(operand, k.value.field, src);
        if (!t) {
          report(e, `${'label' in operand ? operand.label : 'value'} has no field '${k.value.field}'`);
          return DYN;
        }
        return t;
      }
      case 'callExpr': {
        const fn = k.value.function;
        const target = k.value.target ? walk(k.value.target, scope) : undefined;
        const args = k.value.args.map((a) => walk(a, scope));
        if (!FUNCTIONS.has(fn)) {
          report(e, `function '${fn}' is not available (CEL standard library and strings extension only)`);
          return DYN;
        }
        if (fn === '_[_]' && target === undefined) {
          const key = k.value.args[1]?.exprKind;
          if (key?.case === 'constExpr' && key.value.constantKind.case === 'stringValue') return selectField(args[0]!, key.value.constantKind.value, src) ?? DYN;
          return elementOf(args[0]!, src);
        }
        if (fn === '_?_:_') return union(args[1]!, args[2]!);
        return DYN;
      }
      case 'comprehensionExpr': {
        const c = k.value;
        const range = walk(c.iterRange!, scope);
        const inner = new Map(scope);
        inner.set(c.iterVar, elementOf(range, src));
        if (c.iterVar2) inner.set(c.iterVar2, DYN);
        walk(c.accuInit!, scope);
        inner.set(c.accuVar, DYN);
        walk(c.loopCondition!, inner);
        walk(c.loopStep!, inner);
        walk(c.result!, new Map([...scope, [c.accuVar, DYN]]));
        return DYN;
      }
      case 'listExpr':
        k.value.elements.forEach((x) => walk(x, scope));
        return DYN;
      case 'structExpr':
        k.value.entries.forEach((x) => {
          if (x.keyKind.case === 'mapKey') walk(x.keyKind.value, scope);
          if (x.value) walk(x.value, scope);
        });
        return DYN;
      default:
        return DYN;
    }
  };
  const type = walk(ast.expr, new Map());
  return { type, problems };
}

function union(a: Type, b: Type): Type {
  if ('schemas' in a && 'schemas' in b) return { schemas: [...a.schemas, ...b.schemas], label: a.label };
  // An empty literal ({} or []) on one side leaves the other side's type.
  if ('dyn' in a) return b;
  if ('dyn' in b) return a;
  return a;
}
