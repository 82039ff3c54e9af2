import type { SemanticsRow } from './model.js';

const API = 'Kubernetes API reference, admissionregistration.k8s.io/v1';
const VAP = 'Kubernetes docs, Validating Admission Policy (concepts)';

/** The behaviours match.ts and evaluate.ts implement; test/analysis/admission/semantics.test.ts has a row per entry. */
export const SEMANTICS = {
  excludeWins: {
    behaviour: 'a request matching both resourceRules and excludeResourceRules is not matched',
    source: `${API}, MatchResources`,
    quote: 'The exclude rules take precedence over include rules (if a resource matches both, it is excluded)',
  },
  resourceWildcards: {
    behaviour: "'*' matches every resource but no subresource; 'pods/*' every subresource of pods; '*/scale' every scale subresource; '*/*' everything",
    source: `${API}, NamedRuleWithOperations.resources`,
    quote: "'*' means all resources, but not subresources. 'pods/*' means all subresources of pods. '*/scale' means all scale subresources. '*/*' means all resources and their subresources.",
  },
  namespaceSelectorOnNamespace: {
    behaviour: "for a Namespace the namespaceSelector is matched against the object's own labels; other cluster-scoped objects always match",
    source: `${API}, MatchResources.namespaceSelector`,
    quote: 'If the object itself is a namespace, the matching is performed on object.metadata.labels. If the object is another cluster scoped resource, it never skips the policy.',
  },
  objectSelectorEither: {
    behaviour: 'objectSelector matches when the new or the old object matches; a null object does not match',
    source: `${API}, MatchResources.objectSelector`,
    quote: 'objectSelector is evaluated against both the oldObject and newObject that would be sent to the cel validation, and is considered to match if either object matches the selector. A null object (oldObject in the case of create, or newObject in the case of delete) [...] is not considered to match.',
  },
  matchConditions: {
    behaviour: 'any false matchCondition skips the policy; all true evaluates it; an error with none false rejects under failurePolicy Fail and skips under Ignore',
    source: `${API}, ValidatingAdmissionPolicySpec.matchConditions`,
    quote: '1. If ANY matchCondition evaluates to FALSE, the policy is skipped. 2. If ALL matchConditions evaluate to TRUE, the policy is evaluated. 3. If any matchCondition evaluates to an error (but none are FALSE): - If failurePolicy=Fail, reject the request - If failurePolicy=Ignore, the policy is skipped',
  },
  failurePolicy: {
    behaviour: 'a runtime error in a validation counts as a failure under failurePolicy Fail (the default) and is ignored under Ignore',
    source: `${API}, ValidatingAdmissionPolicySpec.failurePolicy`,
    quote: 'failurePolicy defines how to handle failures for the admission policy. Failures can occur from CEL expression parse errors, type check errors, runtime errors and invalid or mis-configured policy definitions or bindings. [...] Allowed values are Ignore or Fail. Defaults to Fail.',
  },
  nullObjects: {
    behaviour: 'object is null for DELETE, oldObject for CREATE, namespaceObject for cluster-scoped requests',
    source: VAP,
    quote: 'object - The object from the incoming request. The value is null for DELETE requests. oldObject - The existing object. The value is null for CREATE requests. [...] namespaceObject - The namespace object that the incoming object belongs to. The value is null for cluster-scoped resources.',
  },
  validationActions: {
    behaviour: 'Deny refuses the request; Warn and Audit let it through and only report',
    source: `${API}, ValidatingAdmissionPolicyBindingSpec.validationActions`,
    quote: 'Deny: Validation failure results in a denied request. Warn: Validation failure is reported to the request client in HTTP Warning headers [...] Audit: Validation failure is included in the published audit event of the request.',
  },
  allValidations: {
    behaviour: 'every validation is evaluated and every failure recorded (for audit and warnings); a refusal is worded from the first',
    source: 'k8s.io/apiserver, pkg/admission/plugin/policy/validating/dispatcher.go',
    quote: 'deniedDecision := deniedDecisions[0]',
  },
  bindingRequired: {
    behaviour: 'a policy without a binding has no effect',
    source: VAP,
    quote: 'A policy is generally made up of three resources: [...] The ValidatingAdmissionPolicy describes the abstract logic of a policy [...] A ValidatingAdmissionPolicyBinding links the above resources together and provides scoping.',
  },
  bindingScope: {
    behaviour: "a binding's matchResources narrows the policy's matchConstraints: both must match",
    source: `${API}, ValidatingAdmissionPolicyBindingSpec.matchResources`,
    quote: 'MatchResources declares what resources match this binding and will be validated by it. Note that this is intersected with the policy\'s matchConstraints, so only requests that are matched by the policy can be selected by this.',
  },
  exemptConfiguration: {
    behaviour: 'requests for admission configuration objects (webhook configurations, admission policies and their bindings) are never subject to admission policies, so a policy cannot lock itself in',
    source: 'k8s.io/apiserver, pkg/admission/plugin/policy/generic/plugin.go (Dispatch) and pkg/admission/plugin/webhook/predicates/rules/rules.go (IsExemptAdmissionConfigurationResource)',
    quote: 'if rules.IsExemptAdmissionConfigurationResource(a) { return nil }',
  },
} as const satisfies Record<string, SemanticsRow>;
