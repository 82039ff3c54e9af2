import type { KubeObject } from '../../manifest/types.js';
import { compile, isCompileError, toCel } from './cel.js';
import { resourcesMatch } from './match.js';
import { memoKey, readPaths } from './memo.js';
import type { AdmissionRequest, Decision, Verdict } from './model.js';
import type { Binding, Policy, PolicySet } from './policy.js';
import { isExemptConfiguration } from './resources.js';

/** Namespaces of the cluster, by name: `namespaceObject` and namespaceSelector read them. */
export type NamespaceLookup = (name: string) => KubeObject | undefined;

function requestValue(r: AdmissionRequest): Map<string, unknown> {
  return toCel(requestPlain(r)) as Map<string, unknown>;
}

function requestPlain(r: AdmissionRequest): Record<string, unknown> {
  return {
    uid: '',
    kind: r.kind,
    resource: r.resource,
    ...(r.subResource ? { subResource: r.subResource } : {}),
    requestKind: r.kind,
    requestResource: r.resource,
    name: r.name,
    namespace: r.namespace ?? '',
    operation: r.operation,
    userInfo: { username: r.user.username, groups: [...r.user.groups] },
    dryRun: false,
  };
}

const namespaceValues = new WeakMap<KubeObject, unknown>();

/**
 * The variables of one request as CEL sees them. Getters build each value on
 * first read (a Deployment is converted only if an expression reads `object`);
 * `variables` is set per evaluation stage.
 */
class Activation {
  variables = new Map<string, unknown>();
  readonly params = null;
  private objectValue?: unknown;
  private oldObjectValue?: unknown;
  private requestValueMemo?: unknown;

  constructor(
    private readonly r: AdmissionRequest,
    private readonly namespace: KubeObject | null,
  ) {}

  get object(): unknown {
    if (this.objectValue === undefined) this.objectValue = this.r.object === null ? null : toCel(this.r.object);
    return this.objectValue;
  }
  get oldObject(): unknown {
    if (this.oldObjectValue === undefined) this.oldObjectValue = this.r.oldObject === null ? null : toCel(this.r.oldObject);
    return this.oldObjectValue;
  }
  get request(): unknown {
    return (this.requestValueMemo ??= requestValue(this.r));
  }
  get namespaceObject(): unknown {
    const ns = this.namespace;
    if (ns === null) return null;
    if (!namespaceValues.has(ns)) namespaceValues.set(ns, toCel(ns));
    return namespaceValues.get(ns);
  }
}

type Outcome = { value: unknown } | { error: string };


const pathsOf = new Map<string, ReturnType<typeof readPaths>>();
/** Expression text → key of the values it reads → outcome. */
const memo = new Map<string, Map<string, Outcome>>();
let memoSize = 0;
const MEMO_LIMIT = 200_000;

/** Evaluates, or reuses the result for the same expression over the same values at the paths it reads. */
function evalExpr(text: string, bindings: Record<string, unknown>, plain?: Plain): Outcome {
  const c = compile(text);
  if (isCompileError(c)) return { error: `compile error: ${c.message}` };
  if (!plain) return c.run(bindings);
  if (!pathsOf.has(text)) pathsOf.set(text, readPaths(c.ast));
  const paths = pathsOf.get(text);
  if (!paths) return c.run(bindings);
  const key = memoKey(paths, (root) => plain[root as keyof Plain]());
  let byKey = memo.get(text);
  const hit = byKey?.get(key);
  if (hit) return hit;
  const out = c.run(bindings);
  if (memoSize >= MEMO_LIMIT) {
    memo.clear();
    memoSize = 0;
  }
  byKey = memo.get(text);
  if (!byKey) memo.set(text, (byKey = new Map()));
  byKey.set(key, out);
  memoSize++;
  return out;
}

/** The plain JSON of a request's variables, for memo keys. */
type Plain = Record<'object' | 'oldObject' | 'request' | 'namespaceObject' | 'params', () => unknown>;

const NO_ACTIONS: readonly string[] = [];

/** The variables of a policy that declares none, and of every matchCondition (which see none): only read, never set. */
const NO_VARIABLES = new Map<string, unknown>();

/** A failure of validation `validation` (-1: a matchCondition) of the policy under the binding. */
function verdictOf(policy: Policy, binding: Binding, message: string, validation: number, pointer: string, error?: string): Verdict {
  return { policy: policy.name, binding: binding.name, actions: binding.spec.validationActions ?? NO_ACTIONS, message, validation, pointer, ...(error ? { error } : {}) };
}

/**
 * One policy under one binding: every failed validation (the API server
 * evaluates them all, records each in the audit and warnings, and words a
 * refusal from the first), pushed onto `failed`. None: not matched, skipped,
 * or all held. Run for every policy and binding of every request, so what it
 * builds for a request that no rule takes is nothing.
 */
function evaluateBinding(policy: Policy, binding: Binding, r: AdmissionRequest, namespaceObject: KubeObject | null, lazyBase: () => Activation, plain: Plain, word: boolean, failed: Verdict[]): void {
  if (!resourcesMatch(policy.spec.matchConstraints, r, namespaceObject, false)) return;
  // semantics: bindingScope
  if (!resourcesMatch(binding.spec.matchResources, r, namespaceObject, true)) return;
  const fail = (policy.spec.failurePolicy ?? 'Fail') === 'Fail';
  const base = lazyBase();
  const bindings = base as unknown as Record<string, unknown>;
  // semantics: matchConditions
  const conditions = policy.spec.matchConditions ?? [];
  let conditionError: { message: string; pointer: string } | undefined;
  base.variables = NO_VARIABLES;
  for (let j = 0; j < conditions.length; j++) {
    const c = conditions[j]!;
    const o = evalExpr(c.expression, bindings, plain);
    if ('error' in o) conditionError ??= { message: `matchCondition ${c.name}: ${o.error}`, pointer: `/spec/matchConditions/${j}/expression` };
    else if (o.value === false) return;
  }
  if (conditionError) {
    if (fail) failed.push(verdictOf(policy, binding, conditionError.message, -1, conditionError.pointer, conditionError.message));
    return;
  }
  // Variables are computed in order; one that fails is left out, so only a validation that reads it errors (as with the API server's lazy evaluation).
  const declared = policy.spec.variables ?? [];
  const variables = declared.length > 0 ? new Map<string, unknown>() : NO_VARIABLES;
  base.variables = variables;
  for (const v of declared) {
    const o = evalExpr(v.expression, bindings);
    if ('value' in o) variables.set(v.name, o.value);
  }
  const validations = policy.spec.validations ?? [];
  for (let i = 0; i < validations.length; i++) {
    const v = validations[i]!;
    const o = evalExpr(v.expression, bindings, plain);
    if ('error' in o) {
      // semantics: failurePolicy
      if (fail) failed.push(verdictOf(policy, binding, `validation ${i}: ${o.error}`, i, `/spec/validations/${i}/expression`, o.error));
      continue;
    }
    if (o.value === true) continue;
    let message = v.message ?? `failed expression: ${v.expression}`;
    if (v.messageExpression && word) {
      const m = evalExpr(v.messageExpression, bindings);
      if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '') message = m.value;
    }
    failed.push(verdictOf(policy, binding, message, i, `/spec/validations/${i}/expression`));
  }
}

const bindingIndex = new WeakMap<PolicySet, readonly (readonly [Policy, readonly Binding[]])[]>();

/** Each policy with the bindings that name it, in the set's order: worked out once per set, not per request. */
function boundPolicies(set: PolicySet): readonly (readonly [Policy, readonly Binding[]])[] {
  let pairs = bindingIndex.get(set);
  if (!pairs) {
    const byPolicy = new Map<string, Binding[]>();
    for (const b of set.bindings) {
      const list = byPolicy.get(b.spec.policyName ?? '');
      if (list) list.push(b);
      else byPolicy.set(b.spec.policyName ?? '', [b]);
    }
    pairs = set.policies.map((p) => [p, byPolicy.get(p.name) ?? []] as const);
    bindingIndex.set(set, pairs);
  }
  return pairs;
}

export interface AdmitOptions {
  /**
   * Evaluate messageExpressions for the failures' messages (default). A caller
   * that only asks whether a request is refused turns this off and gets each
   * validation's static message instead.
   */
  messageExpressions?: boolean;
}

/** What the cluster's ValidatingAdmissionPolicies decide about one request. */
export function admit(set: PolicySet, r: AdmissionRequest, namespaces: NamespaceLookup, opts: AdmitOptions = {}): Decision {
  const word = opts.messageExpressions ?? true;
  // semantics: exemptConfiguration
  if (isExemptConfiguration(r.resource)) return { allowed: true, failures: [] };
  const namespaceObject = r.namespace ? (namespaces(r.namespace) ?? null) : null;
  const failures: Verdict[] = [];
  // Each CEL value is built once per request, and only when an expression reads it.
  let base: Activation | undefined;
  const lazyBase = () => (base ??= new Activation(r, namespaceObject));
  let request: Record<string, unknown> | undefined;
  const plain: Plain = { object: () => r.object, oldObject: () => r.oldObject, request: () => (request ??= requestPlain(r)), namespaceObject: () => namespaceObject, params: () => null };
  // semantics: bindingRequired
  for (const [policy, bindings] of boundPolicies(set)) {
    for (const binding of bindings) evaluateBinding(policy, binding, r, namespaceObject, lazyBase, plain, word, failures);
  }
  // semantics: validationActions
  return { allowed: !failures.some((f) => f.actions.includes('Deny')), failures };
}
