import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { KubeObject, Manifest } from '../../manifest/types.js';

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

export interface PolicySet {
  policies: Policy[];
  bindings: Binding[];
}

const isGroup = (o: KubeObject) => o.apiVersion.startsWith('admissionregistration.k8s.io/');

/** The ValidatingAdmissionPolicies and bindings of a tree, in file order. */
export function policiesOf(manifests: readonly Manifest[]): PolicySet {
  const policies: Policy[] = [];
  const bindings: Binding[] = [];
  for (const m of manifests) {
    const o = m.object as KubeObject & { spec?: unknown };
    if (!isGroup(o)) continue;
    const name = o.metadata?.name ?? '';
    if (o.kind === 'ValidatingAdmissionPolicy') policies.push({ name, spec: (o.spec ?? {}) as PolicySpec, manifest: m });
    else if (o.kind === 'ValidatingAdmissionPolicyBinding') bindings.push({ name, spec: (o.spec ?? {}) as BindingSpec, manifest: m });
  }
  return { policies, bindings };
}
