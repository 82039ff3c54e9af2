import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { headOf, type KubeObject, type Manifest } from '../../manifest/types.js';

/** The parts of admissionregistration.k8s.io/v1 the evaluator reads. */
export interface RuleWithOperations {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
  resourceNames?: string[];
  scope?: string;
}

export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: RuleWithOperations[];
  excludeResourceRules?: RuleWithOperations[];
}

export interface NamedExpression {
  name: string;
  expression: string;
}

export interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

export interface PolicySpec {
  failurePolicy?: 'Fail' | 'Ignore';
  paramKind?: unknown;
  matchConstraints?: MatchResources;
  matchConditions?: NamedExpression[];
  variables?: NamedExpression[];
  validations?: Validation[];
}

export interface BindingSpec {
  policyName?: string;
  validationActions?: string[];
  matchResources?: MatchResources;
  paramRef?: unknown;
}

export interface Policy {
  name: string;
  spec: PolicySpec;
  manifest?: Manifest;
}

export interface Binding {
  name: string;
  spec: BindingSpec;
  manifest?: Manifest;
}

/** Never changed once built: the evaluator keeps what it works out of a set (evaluate.ts). */
export interface PolicySet {
  readonly policies: readonly Policy[];
  readonly bindings: readonly Binding[];
}

const isGroup = (o: { apiVersion: unknown }) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('admissionregistration.k8s.io/');

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Only the well-formed parts of an object the schema stage may already have
 * refused: a malformed field is dropped here (and reported there), never a crash.
 */
function rules(v: unknown): RuleWithOperations[] {
  return records(v).map((r) => {
    const out: RuleWithOperations = {};
    for (const k of ['apiGroups', 'apiVersions', 'resources', 'operations', 'resourceNames'] as const) {
      const list = strings(r[k]);
      if (list) out[k] = list;
    }
    const scope = str(r.scope);
    if (scope) out.scope = scope;
    return out;
  });
}

function matchResources(v: unknown): MatchResources | undefined {
  if (!isRecord(v)) return undefined;
  const m: MatchResources = { resourceRules: rules(v.resourceRules), excludeResourceRules: rules(v.excludeResourceRules) };
  if (isRecord(v.namespaceSelector)) m.namespaceSelector = v.namespaceSelector as LabelSelector;
  if (isRecord(v.objectSelector)) m.objectSelector = v.objectSelector as LabelSelector;
  return m;
}

const named = (v: unknown): NamedExpression[] => records(v).flatMap((x) => (typeof x.expression === 'string' ? [{ name: str(x.name) ?? '', expression: x.expression }] : []));

function policySpec(v: unknown): PolicySpec {
  if (!isRecord(v)) return {};
  const spec: PolicySpec = {
    matchConditions: named(v.matchConditions),
    variables: named(v.variables),
    validations: records(v.validations).flatMap((x) => {
      if (typeof x.expression !== 'string') return [];
      const out: Validation = { expression: x.expression };
      if (str(x.message) !== undefined) out.message = str(x.message)!;
      if (str(x.messageExpression) !== undefined) out.messageExpression = str(x.messageExpression)!;
      if (str(x.reason) !== undefined) out.reason = str(x.reason)!;
      return [out];
    }),
  };
  if (v.failurePolicy === 'Fail' || v.failurePolicy === 'Ignore') spec.failurePolicy = v.failurePolicy;
  if (v.paramKind !== undefined) spec.paramKind = v.paramKind;
  const m = matchResources(v.matchConstraints);
  if (m) spec.matchConstraints = m;
  return spec;
}

function bindingSpec(v: unknown): BindingSpec {
  if (!isRecord(v)) return {};
  const spec: BindingSpec = {};
  if (str(v.policyName) !== undefined) spec.policyName = str(v.policyName)!;
  const actions = strings(v.validationActions);
  if (actions) spec.validationActions = actions;
  const m = matchResources(v.matchResources);
  if (m) spec.matchResources = m;
  if (v.paramRef !== undefined) spec.paramRef = v.paramRef;
  return spec;
}

/** The ValidatingAdmissionPolicies and bindings of a tree, in file order. */
export function policiesOf(manifests: readonly Manifest[]): PolicySet {
  const policies: Policy[] = [];
  const bindings: Binding[] = [];
  for (const m of manifests) {
    // The head first: only admission objects are parsed.
    if (!isGroup(headOf(m))) continue;
    const o = m.object as KubeObject & { spec?: unknown };
    const name = str(o.metadata?.name) ?? '';
    if (o.kind === 'ValidatingAdmissionPolicy') policies.push({ name, spec: policySpec(o.spec), manifest: m });
    else if (o.kind === 'ValidatingAdmissionPolicyBinding') bindings.push({ name, spec: bindingSpec(o.spec), manifest: m });
  }
  return { policies, bindings };
}
