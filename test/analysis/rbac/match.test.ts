import { describe, expect, it } from 'vitest';
import { ruleAllows, toPolicyRule } from '../../../src/analysis/rbac/match.js';
import type { AccessRequest } from '../../../src/analysis/rbac/types.js';

const rule = (r: Record<string, string[]>) => toPolicyRule(r);
const res = (verb: string, resource: string, extra: Partial<{ apiGroup: string; subresource: string; name: string }> = {}): AccessRequest => ({
  verb,
  apiGroup: extra.apiGroup ?? '',
  resource,
  ...(extra.subresource ? { subresource: extra.subresource } : {}),
  ...(extra.name ? { name: extra.name } : {}),
  namespace: 'ns',
});

// Each row encodes a statement of pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches,
// APIGroupMatches, ResourceMatches, ResourceNameMatches, NonResourceURLMatches) or of the
// RBAC docs (https://kubernetes.io/docs/reference/access-authn-authz/rbac/).
const cases: [string, Record<string, string[]>, AccessRequest, boolean][] = [
  // VerbMatches: a rule verb equal to the requested verb matches.
  ['exact verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods'), true],
  ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('list', 'pods'), false],
  // VerbMatches: VerbAll "*" matches any verb.
  ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, res('escalate', 'pods'), true],
  // A requested verb "*" is a literal: only a rule verb "*" matches it.
  ['request verb * vs get', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('*', 'pods'), false],
  // APIGroupMatches: "*" matches every group; otherwise equality ("" is the core group).
  ['group *', { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'apps' }), true],
  ['core rule vs apps request', { verbs: ['get'], apiGroups: [''], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'apps' }), false],
  ['apps rule vs extensions request', { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'extensions' }), false],
  // ResourceMatches: ResourceAll "*" matches every resource ...
  ['resource *', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, res('get', 'secrets'), true],
  // ... and every subresource ("if everything is allowed, we match").
  ['resource * covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, res('get', 'pods', { subresource: 'log' }), true],
  // Docs: subresources must be named: "pods" does not grant "pods/log".
  ['pods does not cover pods/log', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { subresource: 'log' }), false],
  // ResourceMatches: exact match against "resource/subresource".
  ['pods/log', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods', { subresource: 'log' }), true],
  ['pods/log does not cover pods', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods'), false],
  ['pods/log does not cover pods/exec', { verbs: ['create'], apiGroups: [''], resources: ['pods/log'] }, res('create', 'pods', { subresource: 'exec' }), false],
  // ResourceMatches: "*/subresource" matches that subresource of any resource.
  ['*/scale on deployments', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), true],
  ['*/scale does not cover the resource itself', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps' }), false],
  ['*/scale does not cover */status', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps', subresource: 'status' }), false],
  // ResourceMatches has no "resource/*" form: it is only an exact string.
  ['pods/* is not a wildcard', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res('get', 'pods', { subresource: 'log' }), false],
  // ResourceNameMatches: empty resourceNames allows every name.
  ['no names = any name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }, res('get', 'configmaps', { name: 'x' }), true],
  ['named rule, that name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] }, res('get', 'configmaps', { name: 'cfg' }), true],
  ['named rule, other name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] }, res('get', 'configmaps', { name: 'other' }), false],
  // Docs: "You cannot restrict create or deletecollection requests by their resource name"; list has no name either.
  ['named rule vs list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] }, res('list', 'configmaps'), false],
  ['named rule vs create', { verbs: ['create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] }, res('create', 'configmaps'), false],
  // resourceNames "*" is a literal name, not a wildcard, in the authorizer.
  ['resourceNames * is literal', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['*'] }, res('get', 'configmaps', { name: 'cfg' }), false],
  // NonResourceURLMatches: exact, "*" and trailing-"*" prefix.
  ['url exact', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { verb: 'get', nonResourceURL: '/healthz' }, true],
  ['url exact, other path', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { verb: 'get', nonResourceURL: '/healthz/etcd' }, false],
  ['url prefix', { verbs: ['get'], nonResourceURLs: ['/healthz/*'] }, { verb: 'get', nonResourceURL: '/healthz/etcd' }, true],
  ['url prefix without slash', { verbs: ['get'], nonResourceURLs: ['/api*'] }, { verb: 'get', nonResourceURL: '/apis/apps' }, true],
  ['url *', { verbs: ['get'], nonResourceURLs: ['*'] }, { verb: 'get', nonResourceURL: '/metrics' }, true],
  ['url verb', { verbs: ['get'], nonResourceURLs: ['*'] }, { verb: 'post', nonResourceURL: '/metrics' }, false],
  // RuleAllows: a resource request never matches a nonResourceURLs-only rule, and vice versa.
  ['url rule vs resource request', { verbs: ['*'], nonResourceURLs: ['*'] }, res('get', 'pods'), false],
  ['resource rule vs url request', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verb: 'get', nonResourceURL: '/healthz' }, false],
  // An empty list matches nothing (a rule with no verbs grants nothing).
  ['no verbs', { apiGroups: ['*'], resources: ['*'] }, res('get', 'pods'), false],
];

describe('ruleAllows', () => {
  it.each(cases)('%s', (_name, r, req, expected) => {
    expect(ruleAllows(rule(r), req)).toBe(expected);
  });
});
