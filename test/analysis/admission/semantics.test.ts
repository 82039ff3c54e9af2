import { describe, expect, it } from 'vitest';
import { admit, requestFor, SEMANTICS, type User } from '../../../src/analysis/admission/index.js';
import type { Binding, Policy, PolicySpec } from '../../../src/analysis/admission/policy.js';
import type { KubeObject } from '../../../src/manifest/types.js';

/** Each row: a documented behaviour of ValidatingAdmissionPolicy (quoted in semantics.ts) and a request that shows it. */
const alice: User = { username: 'alice', groups: ['system:authenticated'] };
const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const cm = (name: string, namespace = 'team', labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels } });
const namespaces = (n: string) => ({ team: ns('team', { env: 'prod' }), dev: ns('dev', { env: 'dev' }) })[n];

const rule = (resources: string[], operations = ['*'], apiGroups = ['']) => ({ apiGroups, apiVersions: ['*'], operations, resources });
const deny = (spec: PolicySpec, actions = ['Deny'], binding: Binding['spec'] = {}) => ({
  policies: [{ name: 'p', spec: { validations: [{ expression: 'false', message: 'no' }], ...spec } } as Policy],
  bindings: [{ name: 'b', spec: { policyName: 'p', validationActions: actions, ...binding } } as Binding],
});
const allowed = (set: ReturnType<typeof deny>, r: ReturnType<typeof requestFor>) => admit(set, r, namespaces).allowed;

const rows: Record<keyof typeof SEMANTICS, () => void> = {
  excludeWins: () => {
    const set = deny({ matchConstraints: { resourceRules: [rule(['configmaps'])], excludeResourceRules: [rule(['configmaps'])] } });
    expect(allowed(set, requestFor('CREATE', alice, cm('a')))).toBe(true);
  },
  resourceWildcards: () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' } } as KubeObject;
    const sub = (s: string) => ({ ...requestFor('UPDATE', alice, pod, pod), subResource: s });
    expect(allowed(deny({ matchConstraints: { resourceRules: [rule(['*'])] } }), sub('status'))).toBe(true);
    expect(allowed(deny({ matchConstraints: { resourceRules: [rule(['*'])] } }), requestFor('CREATE', alice, pod))).toBe(false);
    expect(allowed(deny({ matchConstraints: { resourceRules: [rule(['pods/*'])] } }), sub('ephemeralcontainers'))).toBe(false);
    expect(allowed(deny({ matchConstraints: { resourceRules: [rule(['pods/*'])] } }), requestFor('CREATE', alice, pod))).toBe(true);
    expect(allowed(deny({ matchConstraints: { resourceRules: [rule(['*/status'])] } }), sub('status'))).toBe(false);
    expect(allowed(deny({ matchConstraints: { resourceRules: [rule(['*/*'])] } }), sub('status'))).toBe(false);
  },
  namespaceSelectorOnNamespace: () => {
    const set = deny({ matchConstraints: { namespaceSelector: { matchLabels: { guarded: 'yes' } }, resourceRules: [rule(['namespaces', 'clusterroles'], ['*'], ['', 'rbac.authorization.k8s.io'])] } });
    // An update removing the label is judged on the new object's labels: the selector no longer matches.
    expect(allowed(set, requestFor('UPDATE', alice, ns('x'), ns('x', { guarded: 'yes' })))).toBe(true);
    expect(allowed(set, requestFor('UPDATE', alice, ns('x', { guarded: 'yes' }), ns('x')))).toBe(false);
    expect(allowed(set, requestFor('CREATE', alice, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }))).toBe(false);
  },
  objectSelectorEither: () => {
    const set = deny({ matchConstraints: { objectSelector: { matchLabels: { lock: 'on' } }, resourceRules: [rule(['configmaps'])] } });
    expect(allowed(set, requestFor('UPDATE', alice, cm('a'), cm('a', 'team', { lock: 'on' })))).toBe(false);
    expect(allowed(set, requestFor('DELETE', alice, null, cm('a', 'team', { lock: 'on' })))).toBe(false);
    expect(allowed(set, requestFor('CREATE', alice, cm('a')))).toBe(true);
  },
  matchConditions: () => {
    const spec = (conds: string[], failurePolicy: 'Fail' | 'Ignore' = 'Fail'): PolicySpec => ({ failurePolicy, matchConstraints: { resourceRules: [rule(['configmaps'])] }, matchConditions: conds.map((expression, i) => ({ name: `c${i}`, expression })) });
    expect(allowed(deny(spec(['true', 'false'])), requestFor('CREATE', alice, cm('a')))).toBe(true);
    expect(allowed(deny(spec(['true', 'true'])), requestFor('CREATE', alice, cm('a')))).toBe(false);
    expect(allowed(deny(spec(['object.nope == 1', 'true'])), requestFor('CREATE', alice, cm('a')))).toBe(false);
    expect(allowed(deny(spec(['object.nope == 1', 'false'])), requestFor('CREATE', alice, cm('a')))).toBe(true);
    expect(allowed(deny(spec(['object.nope == 1', 'true'], 'Ignore')), requestFor('CREATE', alice, cm('a')))).toBe(true);
  },
  failurePolicy: () => {
    const spec = (failurePolicy?: 'Fail' | 'Ignore'): PolicySpec => ({ ...(failurePolicy ? { failurePolicy } : {}), matchConstraints: { resourceRules: [rule(['configmaps'])] }, validations: [{ expression: 'object.data.missing == "x"' }] });
    expect(allowed(deny(spec()), requestFor('CREATE', alice, cm('a')))).toBe(false);
    expect(allowed(deny(spec('Ignore')), requestFor('CREATE', alice, cm('a')))).toBe(true);
  },
  nullObjects: () => {
    const spec: PolicySpec = { matchConstraints: { resourceRules: [rule(['configmaps', 'namespaces'])] }, validations: [{ expression: "request.operation == 'DELETE' ? object == null : request.operation == 'CREATE' ? oldObject == null : true" }, { expression: "request.namespace == '' ? namespaceObject == null : namespaceObject.metadata.name == request.namespace" }] };
    for (const r of [requestFor('CREATE', alice, cm('a')), requestFor('DELETE', alice, null, cm('a')), requestFor('UPDATE', alice, cm('a'), cm('a')), requestFor('CREATE', alice, ns('n'))]) {
      expect(admit({ policies: [{ name: 'p', spec }], bindings: [{ name: 'b', spec: { policyName: 'p', validationActions: ['Deny'] } }] }, r, namespaces).failures).toEqual([]);
    }
  },
  validationActions: () => {
    const spec: PolicySpec = { matchConstraints: { resourceRules: [rule(['configmaps'])] } };
    expect(allowed(deny(spec, ['Deny']), requestFor('CREATE', alice, cm('a')))).toBe(false);
    const warned = admit(deny(spec, ['Warn', 'Audit']), requestFor('CREATE', alice, cm('a')), namespaces);
    expect([warned.allowed, warned.failures.map((f) => f.actions)]).toEqual([true, [['Warn', 'Audit']]]);
  },
  allValidations: () => {
    const set = deny({ matchConstraints: { resourceRules: [rule(['configmaps'])] }, validations: [{ expression: 'false', message: 'first' }, { expression: 'true' }, { expression: 'false', message: 'third' }] });
    expect(admit(set, requestFor('CREATE', alice, cm('a')), namespaces).failures.map((f) => f.message)).toEqual(['first', 'third']);
  },
  bindingRequired: () => {
    const set = deny({ matchConstraints: { resourceRules: [rule(['configmaps'])] } });
    expect(allowed({ policies: set.policies, bindings: [] }, requestFor('CREATE', alice, cm('a')))).toBe(true);
  },
  bindingScope: () => {
    const set = deny({ matchConstraints: { resourceRules: [rule(['configmaps'])] } }, ['Deny'], { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } });
    expect(allowed(set, requestFor('CREATE', alice, cm('a', 'team')))).toBe(false);
    expect(allowed(set, requestFor('CREATE', alice, cm('a', 'dev')))).toBe(true);
  },
  exemptConfiguration: () => {
    const set = deny({ matchConstraints: { resourceRules: [rule(['*'], ['*'], ['*'])] } });
    const vap = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' } } as KubeObject;
    expect(allowed(set, requestFor('DELETE', alice, null, vap))).toBe(true);
    expect(allowed(set, requestFor('CREATE', alice, cm('a')))).toBe(false);
  },
};

describe('ValidatingAdmissionPolicy semantics, row by documented row', () => {
  it.each(Object.entries(SEMANTICS))('%s', (key, row) => {
    expect(row.quote.length).toBeGreaterThan(20);
    rows[key as keyof typeof SEMANTICS]();
  });
});

describe('requestFor', () => {
  it('names the resource from the object’s own apiVersion and kind, whichever were asked about before', () => {
    const deployment = (apiVersion: string): KubeObject => ({ apiVersion, kind: 'Deployment', metadata: { name: 'api', namespace: 'team' } });
    const apps = requestFor('CREATE', alice, deployment('apps/v1'));
    const old = requestFor('CREATE', alice, deployment('extensions/v1beta1'));
    const again = requestFor('CREATE', alice, deployment('apps/v1'));
    expect([apps.resource, apps.kind]).toEqual([{ group: 'apps', version: 'v1', resource: 'deployments' }, { group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect([old.resource, old.kind]).toEqual([{ group: 'extensions', version: 'v1beta1', resource: 'deployments' }, { group: 'extensions', version: 'v1beta1', kind: 'Deployment' }]);
    // Each request has its own resource: a policy's matching or a caller cannot change another request's.
    again.resource.resource = 'changed';
    expect(requestFor('CREATE', alice, deployment('apps/v1')).resource.resource).toBe('deployments');
    const widget = requestFor('CREATE', alice, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'team' } } as KubeObject);
    expect(widget.resource).toEqual({ group: 'example.com', version: 'v1', resource: 'widgets' });
  });
});

describe('admit', () => {
  it("evaluates each policy with its own variables: another policy's are never seen, in either order", () => {
    const rules = { resourceRules: [rule(['configmaps'])] };
    const declares = { name: 'declares', spec: { matchConstraints: rules, variables: [{ name: 'team', expression: "'x'" }], validations: [{ expression: "variables.team == 'x'", message: 'declares' }] } } as Policy;
    const reads = { name: 'reads', spec: { matchConstraints: rules, matchConditions: [{ name: 'any', expression: '!has(variables.team)' }], validations: [{ expression: "variables.team == 'x'", message: 'reads' }] } } as Policy;
    const bind = (policyName: string) => ({ name: `bind-${policyName}`, spec: { policyName, validationActions: ['Deny'] } }) as Binding;
    for (const policies of [[declares, reads], [reads, declares]]) {
      const d = admit({ policies, bindings: [bind('declares'), bind('reads')] }, requestFor('CREATE', alice, cm('c')), namespaces);
      // A variable the policy does not declare cannot be read: an evaluation error (failurePolicy Fail refuses), not the other policy's value.
      expect(d.failures.map((f) => [f.policy, f.error !== undefined])).toEqual([['reads', true]]);
    }
  });
});
