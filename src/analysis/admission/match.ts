import { selectorMatches, type Labels } from '../../manifest/selectors.js';
import type { KubeObject } from '../../manifest/types.js';
import type { AdmissionRequest } from './model.js';
import type { MatchResources, RuleWithOperations } from './policy.js';

/**
 * Whether a request is in a policy's matchConstraints or a binding's
 * matchResources, as the API server's matcher decides it
 * (k8s.io/apiserver pkg/admission/plugin/policy/matching; rows in semantics.ts).
 */

const any = (list: readonly string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));

/** semantics: resourceWildcards. Asked for every pattern of every rule of every request, so it splits no strings. */
function resourceMatches(patterns: readonly string[] | undefined, resource: string, subResource: string | undefined): boolean {
  if (!patterns) return false;
  for (const p of patterns) {
    if (p === '*/*') return true;
    const slash = p.indexOf('/');
    if (slash < 0) {
      if (!subResource && (p === resource || p === '*')) return true;
      continue;
    }
    if (!subResource) {
      if (p === resource) return true;
      continue;
    }
    if (p === `${resource}/${subResource}`) return true;
    // As p.split('/') reads it: the part between the first slash and the next one, if any.
    const end = p.indexOf('/', slash + 1);
    const res = p.slice(0, slash);
    const sub = p.slice(slash + 1, end < 0 ? undefined : end);
    if ((res === '*' || res === resource) && (sub === '*' || sub === subResource)) return true;
  }
  return false;
}

export function ruleMatches(rule: RuleWithOperations, r: AdmissionRequest): boolean {
  if (!any(rule.operations, r.operation)) return false;
  if (!any(rule.apiGroups, r.resource.group)) return false;
  if (!any(rule.apiVersions, r.resource.version)) return false;
  if (!resourceMatches(rule.resources, r.resource.resource, r.subResource)) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(r.name)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && r.namespace) return false;
  if (scope === 'Namespaced' && !r.namespace) return false;
  return true;
}

const labelsOf = (o: KubeObject | null): Labels | undefined => (o ? ((o.metadata?.labels ?? {}) as Labels) : undefined);

/** The namespace's labels, as the matcher sees them (semantics: namespaceSelectorOnNamespace). */
function namespaceLabels(r: AdmissionRequest, namespaceObject: KubeObject | null): Labels | 'always' {
  if (r.resource.group === '' && r.resource.resource === 'namespaces' && !r.subResource) return labelsOf(r.object ?? r.oldObject) ?? {};
  if (!r.namespace) return 'always';
  return labelsOf(namespaceObject) ?? {};
}

/** Whether any of the rules takes the request. */
function anyRuleMatches(rules: readonly RuleWithOperations[] | undefined, r: AdmissionRequest): boolean {
  if (rules) for (const rule of rules) if (ruleMatches(rule, r)) return true;
  return false;
}

/**
 * `emptyRulesMatch`: whether a MatchResources without resourceRules takes
 * every request (a binding's) or none (a policy's). Asked for every policy
 * and binding of every request, so it makes no closure or array of its own.
 */
export function resourcesMatch(m: MatchResources | undefined, r: AdmissionRequest, namespaceObject: KubeObject | null, emptyRulesMatch: boolean): boolean {
  if (!m) return emptyRulesMatch;
  if (!m.resourceRules?.length ? !emptyRulesMatch : !anyRuleMatches(m.resourceRules, r)) return false;
  // semantics: excludeWins
  if (anyRuleMatches(m.excludeResourceRules, r)) return false;
  if (m.namespaceSelector) {
    const labels = namespaceLabels(r, namespaceObject);
    if (labels !== 'always' && !selectorMatches(m.namespaceSelector, labels)) return false;
  }
  if (m.objectSelector) {
    // semantics: objectSelectorEither
    const either = (r.object !== null && selectorMatches(m.objectSelector, labelsOf(r.object)!)) || (r.oldObject !== null && selectorMatches(m.objectSelector, labelsOf(r.oldObject)!));
    if (!either) return false;
  }
  return true;
}
