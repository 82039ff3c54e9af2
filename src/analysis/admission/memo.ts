import type { Ast, Expr } from './cel.js';

/**
 * CEL is pure: an expression's value depends only on the parts of its
 * variables it reads. When those parts are plain field paths (`request.userInfo.username`,
 * `object.metadata.labels`), their values are a complete cache key, and the
 * many requests that share them (every object the controller applies passes
 * the same "not the controller" condition) are evaluated once.
 */

const MEMO_ROOTS = new Set(['object', 'oldObject', 'request', 'namespaceObject', 'params']);

type Chain = readonly (string | number)[];

/**
 * A field path an expression reads. `nullOnly`: every read of it compares it
 * with the null literal (`namespaceObject != null`), so only whether it is
 * null matters, not the value: a guard that tenants' distinct namespaces all
 * pass is then the same key for all of them.
 */
export interface Read {
  chain: Chain;
  nullOnly: boolean;
}

const isNullLiteral = (e: Expr | undefined): boolean => e?.exprKind.case === 'constExpr' && e.exprKind.value.constantKind.case === 'nullValue';

/** The field paths an expression reads, or undefined when it reads something a path cannot key (variables, a local bound to a value). */
export function readPaths(ast: Ast): Read[] | undefined {
  const reads: Read[] = [];
  let ok = true;
  const chainOf = (e: Expr): Chain | undefined => {
    const k = e.exprKind;
    if (k.case === 'identExpr') return MEMO_ROOTS.has(k.value.name) ? [k.value.name] : undefined;
    if (k.case === 'selectExpr') {
      const c = chainOf(k.value.operand!);
      return c ? [...c, k.value.field] : undefined;
    }
    if (k.case === 'callExpr' && k.value.function === '_[_]' && !k.value.target) {
      const key = k.value.args[1]?.exprKind;
      const c = chainOf(k.value.args[0]!);
      if (c && key?.case === 'constExpr' && key.value.constantKind.case === 'stringValue') return [...c, key.value.constantKind.value];
      return undefined;
    }
    return undefined;
  };
  const visit = (e: Expr): void => {
    const c = chainOf(e);
    if (c) {
      reads.push({ chain: c, nullOnly: false });
      return;
    }
    const k = e.exprKind;
    if (k.case === 'callExpr' && !k.value.target && (k.value.function === '_==_' || k.value.function === '_!=_') && k.value.args.length === 2) {
      // CEL's equality is heterogeneous: a value of any type equals null only when it is null, and never fails.
      const [a, b] = k.value.args as [Expr, Expr];
      const other = isNullLiteral(b) ? a : isNullLiteral(a) ? b : undefined;
      const chain = other && chainOf(other);
      if (chain) {
        reads.push({ chain, nullOnly: true });
        return;
      }
    }
    switch (k.case) {
      case 'identExpr':
        if (k.value.name === 'variables' || k.value.name === 'authorizer') ok = false;
        return;
      case 'selectExpr':
        return visit(k.value.operand!);
      case 'callExpr':
        if (k.value.target) visit(k.value.target);
        return k.value.args.forEach(visit);
      case 'comprehensionExpr': {
        const x = k.value;
        [x.iterRange!, x.accuInit!, x.loopCondition!, x.loopStep!, x.result!].forEach(visit);
        return;
      }
      case 'listExpr':
        return k.value.elements.forEach(visit);
      case 'structExpr':
        return k.value.entries.forEach((en) => {
          if (en.keyKind.case === 'mapKey') visit(en.keyKind.value);
          if (en.value) visit(en.value);
        });
      default:
        return;
    }
  };
  visit(ast.expr);
  return ok ? reads : undefined;
}

/**
 * What an expression can see of a path in plain JSON, as a key part. The walk
 * goes through own keys of objects only, as CEL selects map entries only, and
 * where it stops is part of the key: `has(oldObject.metadata.labels)` is false
 * when only the labels are absent but fails when oldObject is null or has no
 * metadata, so those must not share a key.
 */
function readKey(root: unknown, read: Read): string {
  const { chain } = read;
  let v = root;
  for (let i = 1; i < chain.length; i++) {
    const seg = chain[i]!;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return `!${i}:${keyPart(v)}`;
    if (!Object.hasOwn(v, seg)) return `?${i}`;
    v = (v as Record<string | number, unknown>)[seg];
  }
  if (read.nullOnly) return v === null ? 'n' : 'v';
  return keyPart(v);
}

/** The values an expression's reads see, as one key: equal keys, equal outcomes. */
export function memoKey(reads: readonly Read[], plain: (root: string) => unknown): string {
  let key = '';
  for (let i = 0; i < reads.length; i++) {
    const r = reads[i]!;
    key += (i === 0 ? '' : ',') + readKey(plain(r.chain[0] as string), r);
  }
  return key;
}

/** Forgetting old JSON only costs misses, as numbers are never reused. */
const JSON_LIMIT = 200_000;

/**
 * Objects in a key are written as a number standing for their JSON, so keys
 * stay short (a tenant's namespace object is read by every probe of that
 * tenant). Equal JSON gets the same number; each object is written once, as
 * objects read by expressions are never changed.
 */
const objectIds = new WeakMap<object, number>();
const idOfJson = new Map<string, number>();
let nextId = 0;

function keyPart(v: unknown): string {
  // Length first, so no string can run into the next part; unlike JSON, nothing to escape.
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  let id = objectIds.get(v);
  if (id === undefined) {
    const json = JSON.stringify(v);
    id = idOfJson.get(json);
    if (id === undefined) {
      if (idOfJson.size >= JSON_LIMIT) idOfJson.clear();
      id = nextId++;
      idOfJson.set(json, id);
    }
    objectIds.set(v, id);
  }
  return `#${id}`;
}
