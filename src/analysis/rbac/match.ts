/**
 * Rule matching exactly as the API server's RBAC authorizer does it
 * (pkg/apis/rbac/v1/evaluation_helpers.go and RuleAllows in
 * plugin/pkg/auth/authorizer/rbac/rbac.go). Keep these literal: every
 * "convenient" extension (such as `pods/*`) would answer yes where the cluster says no.
 */
import type { AccessRequest, PolicyRule } from './types.js';
import { isNonResourceRequest } from './types.js';

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === ALL || g === group);
}

/**
 * `*` covers every resource and every subresource; `*\/x` covers subresource x of
 * any resource; anything else must equal `resource` or `resource/subresource`.
 * `pods/*` is not a pattern upstream: it only matches a subresource literally named `*`.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource = ''): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return rule.resources.some(
    (r) => r === ALL || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

/**
 * An empty list allows every name. Otherwise the request must carry one of the
 * names, so a named rule never allows list, watch, create or deletecollection
 * (those requests have no name).
 */
export function resourceNameMatches(rule: PolicyRule, name = ''): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

/** `*` matches every path; a trailing `*` is a prefix match (all trailing stars trimmed). */
export function nonResourceURLMatches(rule: PolicyRule, url: string): boolean {
  return rule.nonResourceURLs.some((u) => {
    if (u === ALL || u === url) return true;
    return u.endsWith(ALL) && url.startsWith(u.replace(/\*+$/, ''));
  });
}

export function ruleAllows(rule: PolicyRule, req: AccessRequest): boolean {
  if (isNonResourceRequest(req)) {
    return verbMatches(rule, req.verb) && nonResourceURLMatches(rule, req.nonResourceURL);
  }
  return (
    verbMatches(rule, req.verb) &&
    apiGroupMatches(rule, req.apiGroup) &&
    resourceMatches(rule, req.resource, req.subresource ?? '') &&
    resourceNameMatches(rule, req.name ?? '')
  );
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Normalises a rule from a parsed manifest; malformed entries become empty lists (they match nothing). */
export function toPolicyRule(raw: unknown): PolicyRule {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

export function ruleKey(r: PolicyRule): string {
  return JSON.stringify([r.verbs, r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
}
