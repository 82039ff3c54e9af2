import { celEnv, isCelError, parse, plan, type CelEnv } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/**
 * CEL as the API server runs it for admission policies, on the
 * @bufbuild/cel evaluator (cel-spec conformant) with the strings extension
 * Kubernetes also enables. Kubernetes' own libraries (lists, regex find,
 * URLs, quantities, IPs, authorizer) are not available offline; a policy
 * that calls them is reported as not evaluable rather than guessed at.
 */

export type Ast = ReturnType<typeof parse>;
type Expr = Ast['expr'];

/** The variables an admission expression can read (Kubernetes docs, Validating Admission Policy). */
export const ROOTS = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables', 'authorizer'] as const;

/** Functions and operators of the CEL standard library and the strings extension that both Kubernetes and this evaluator provide. */
export const FUNCTIONS = new Set([
  '_&&_', '_||_', '!_', '_?_:_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '_*_', '_/_', '_%_', '-_', '_[_]', '@in',
  '@not_strictly_false', 'size', 'startsWith', 'endsWith', 'contains', 'matches', 'int', 'uint', 'double', 'string', 'bool', 'bytes', 'type', 'dyn',
  'duration', 'timestamp', 'getFullYear', 'getMonth', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds',
  'charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim', 'join', 'quote', 'format',
]);

let env: CelEnv | undefined;
const celEnvironment = () => (env ??= celEnv({ funcs: strings }));

export interface Compiled {
  ast: Ast;
  /** Bindings hold CEL values already (see toCel); getters are read only when an expression uses them. */
  run(bindings: Record<string, unknown>): { value: unknown } | { error: string };
}

export interface CompileError {
  message: string;
  /** 0-based offset in the expression. */
  offset: number;
}

const cache = new Map<string, Compiled | CompileError>();

/** Parses an expression once; later calls with the same text share the plan. */
export function compile(text: string): Compiled | CompileError {
  const hit = cache.get(text);
  if (hit) return hit;
  let out: Compiled | CompileError;
  try {
    const ast = parse(text);
    const program = plan(celEnvironment(), ast);
    out = {
      ast,
      run(bindings) {
        let r: unknown;
        try {
          r = program(bindings as never);
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
        return isCelError(r) ? { error: r.message } : { value: r };
      },
    };
  } catch (e) {
    const err = e as { location?: { start?: { offset?: number } }; message?: string };
    out = { message: String(err.message ?? e).replace(/^<input>:\d+:\d+: /, ''), offset: err.location?.start?.offset ?? 0 };
  }
  cache.set(text, out);
  return out;
}

export const isCompileError = (c: Compiled | CompileError): c is CompileError => !('ast' in c);

/** JSON to CEL values: objects become maps, integral numbers CEL ints (as the API server's unstructured conversion does). */
export function toCel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object' && !(v instanceof Map)) return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return v;
}


/** Offset of a node in the source text. */
export function offsetOf(ast: Ast, e: Expr): number {
  return Number(ast.sourceInfo?.positions[String(e.id)] ?? 0);
}

export type { Expr };
