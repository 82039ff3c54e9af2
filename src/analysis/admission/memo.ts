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

/** The field paths an expression reads, or undefined when it reads something a path cannot key (variables, a local bound to a value). */
export function readPaths(ast: Ast): Chain[] | undefined {
  const chains: Chain[] = [];
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
      chains.push(c);
      return;
    }
    const k = e.exprKind;
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
  return ok ? chains : undefined;
}

/** The value at a path of plain JSON (undefined when absent, which `has()` distinguishes). */
export function valueAt(root: unknown, chain: Chain): unknown {
  let v = root;
  for (const seg of chain.slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
