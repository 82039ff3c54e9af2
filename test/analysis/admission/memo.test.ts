import { describe, expect, it } from 'vitest';
import { admit, requestFor, type User } from '../../../src/analysis/admission/index.js';
import { compile, isCompileError, toCel } from '../../../src/analysis/admission/cel.js';
import { memoKey, readPaths } from '../../../src/analysis/admission/memo.js';
import type { Binding, Policy } from '../../../src/analysis/admission/policy.js';
import type { KubeObject } from '../../../src/manifest/types.js';

/**
 * The admission evaluator reuses an expression's outcome for requests whose
 * memo keys are equal. That is sound only if equal keys mean equal outcomes:
 * every pair of activations below with one key must evaluate alike.
 */

type Roots = Record<'object' | 'oldObject' | 'namespaceObject', unknown>;

const cm = (labels?: Record<string, string | null>, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team', ...(labels ? { labels } : {}) }, ...extra }) as KubeObject;
const ns = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, ...extra } });

const activations: Roots[] = [
  { object: cm({ a: '1' }), oldObject: null, namespaceObject: ns('one') },
  { object: cm({ a: '1' }), oldObject: cm(), namespaceObject: ns('two', { t: 'x' }) },
  { object: cm(), oldObject: cm({ a: '2' }), namespaceObject: null },
  { object: { apiVersion: 'v1', kind: 'ConfigMap' }, oldObject: cm({}), namespaceObject: ns('three', {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }) },
  // A field whose name is an Object.prototype property: CEL finds no such key.
  { object: cm({ constructor: 'x' }), oldObject: cm(undefined, { metadata: null }), namespaceObject: ns('four') },
  { object: cm({ constructor: null }), oldObject: null, namespaceObject: ns('seven') },
  { object: cm(undefined, { metadata: { name: 'c', constructor: 'x' } }), oldObject: null, namespaceObject: ns('eight') },
  { object: cm({ a: null }), oldObject: cm(undefined, { metadata: 'text' }), namespaceObject: ns('five') },
  { object: cm(undefined, { data: [1, 2] }), oldObject: cm(undefined, { metadata: [] }), namespaceObject: ns('six', { t: 'y' }) },
];

const expressions = [
  'namespaceObject != null',
  'null == namespaceObject',
  'namespaceObject != null && has(namespaceObject.metadata.deletionTimestamp)',
  'has(oldObject.metadata.labels)',
  'oldObject.metadata.labels == null',
  'object.metadata.labels.a == null',
  'has(object.metadata.labels.constructor)',
  'object.metadata.constructor == null',
  'object.metadata == null ? "none" : object.metadata.name',
  'object.data == null',
  'has(object.data.length)',
  'oldObject == null || oldObject.metadata == null',
  'namespaceObject == null ? "" : namespaceObject.metadata.name',
];

const outcome = (text: string, a: Roots): string => {
  const c = compile(text);
  if (isCompileError(c)) throw new Error(c.message);
  const bindings = { object: toCel(a.object), oldObject: toCel(a.oldObject), namespaceObject: toCel(a.namespaceObject), request: toCel({}), params: null, variables: new Map() };
  const r = c.run(bindings);
  return 'error' in r ? `error: ${r.error}` : `value: ${String(r.value)}`;
};

describe('admission memo keys', () => {
  for (const text of expressions) {
    it(`equal keys give equal outcomes: ${text}`, () => {
      const c = compile(text);
      if (isCompileError(c)) throw new Error(c.message);
      const reads = readPaths(c.ast)!;
      expect(reads).toBeDefined();
      const byKey = new Map<string, string>();
      const outcomes = new Set<string>();
      for (const a of activations) {
        const key = memoKey(reads, (root) => a[root as keyof Roots]);
        const o = outcome(text, a);
        outcomes.add(o);
        if (byKey.has(key)) expect(o).toBe(byKey.get(key));
        else byKey.set(key, o);
      }
      // The table is only a check when the expression's outcomes differ between activations.
      expect(outcomes.size).toBeGreaterThan(1);
    });
  }

  it('keys a comparison with null on whether the value is null, not on the value', () => {
    const reads = readPaths((compile('namespaceObject != null') as { ast: Parameters<typeof readPaths>[0] }).ast)!;
    const key = (n: unknown) => memoKey(reads, (root) => (root === 'namespaceObject' ? n : null));
    expect(key(ns('one'))).toBe(key(ns('two', { t: 'x' })));
    expect(key(ns('one'))).not.toBe(key(null));
    // Read in any other way, the value is the key.
    const whole = readPaths((compile('namespaceObject != null && namespaceObject.metadata.name == "one"') as { ast: Parameters<typeof readPaths>[0] }).ast)!;
    const wholeKey = (n: unknown) => memoKey(whole, (root) => (root === 'namespaceObject' ? n : null));
    expect(wholeKey(ns('one'))).not.toBe(wholeKey(ns('two')));
  });
});

describe('admit with the memo', () => {
  const alice: User = { username: 'alice', groups: ['system:authenticated'] };
  const set = {
    policies: [{ name: 'p', spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['*'], operations: ['*'], resources: ['configmaps'] }] }, validations: [{ expression: 'has(oldObject.metadata.labels)', message: 'needs old labels' }] } } as Policy],
    bindings: [{ name: 'b', spec: { policyName: 'p', validationActions: ['Deny'] } } as Binding],
  };

  it('does not give an update the evaluation error of a create that read the same absent field', () => {
    // CREATE: oldObject is null, so selecting its metadata fails; UPDATE: only the labels are absent, so has() is false.
    const create = admit(set, requestFor('CREATE', alice, cm({ a: '1' })), () => undefined);
    const update = admit(set, requestFor('UPDATE', alice, cm({ a: '1' }), cm()), () => undefined);
    expect(create.failures.map((f) => f.error !== undefined)).toEqual([true]);
    expect(update.failures.map((f) => [f.error, f.message])).toEqual([[undefined, 'needs old labels']]);
  });
});
