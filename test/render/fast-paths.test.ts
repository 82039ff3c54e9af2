import { describe, expect, it } from 'vitest';
import { admit, requestFor, type User } from '../../src/analysis/admission/index.js';
import type { Binding, Policy } from '../../src/analysis/admission/policy.js';
import { escapeChar, hiddenCharAfterJson } from '../../src/diagnostics/characters.js';
import { yamlSafeJson } from '../../src/manifest/canonical.js';
import type { KubeObject } from '../../src/manifest/types.js';
import { unsafePath } from '../../src/platform/layout.js';
import { deepFreeze, lazyList } from '../../src/render/context.js';

/**
 * Checks that every rendered object and every template value goes through
 * take a shorter way for the common case. Each must give what the plain
 * rule gives, for the common case and for every case around it.
 */

describe('unsafePath', () => {
  // The rule as written out: a segment that is empty, "." or "..".
  const reference = (p: string): string | undefined => {
    const bad = p.split('/').find((s) => s === '' || s === '.' || s === '..');
    return bad === undefined ? undefined : `${p} contains the path segment "${bad}"`;
  };
  const segments = ['', '.', '..', '...', '.a', 'a.', '..a', 'a..', 'a', 'ns', 'configmap-x.yaml'];
  const paths: string[] = [];
  for (const a of segments) for (const b of segments) for (const c of segments) paths.push(`rendered/${a}/${b}/${c}`, `rendered/${a}/${b}`, `rendered/${a}`);

  it(`agrees with the segment rule on ${paths.length} paths, and passes the ordinary ones`, () => {
    for (const p of paths) expect([p, unsafePath(p, 'rendered')]).toEqual([p, reference(p)]);
    expect(unsafePath('rendered/ai-agents-acme/configmap-acme.yaml', 'rendered')).toBeUndefined();
    expect(unsafePath('rendered/ai-agents-acme/../x.yaml', 'rendered')).toBe('rendered/ai-agents-acme/../x.yaml contains the path segment ".."');
    expect(unsafePath('rendered//x.yaml', 'rendered')).toBe('rendered//x.yaml contains the path segment ""');
    expect(unsafePath('rendered/x/', 'rendered')).toBe('rendered/x/ contains the path segment ""');
  });
});

describe('yamlSafeJson', () => {
  const reference = (v: unknown): string => JSON.stringify(v).replace(hiddenCharAfterJson, escapeChar);
  const values: unknown[] = [
    'plain',
    'with "quotes" and \\ backslash',
    'tab\tand\nnewline',
    'del\u007f',
    'c1\u0085',
    'zero\u200bwidth',
    'bidi\u202eoverride',
    'isolate\u2066x\u2069',
    'bom\ufeff',
    'nonchar\uffff',
    'line\u2028sep',
    'é accented',
    '😀 astral',
    '',
    0,
    -1.5,
    1e21,
    true,
    null,
    [],
    ['a', 'b\u200b', 1],
    { 'key\u202e': 'value', plain: { nested: 'x\u2060' } },
    { app: 'ai-agents', tenant: 'acme' },
  ];

  it('writes every value as JSON with the hidden characters escaped, ASCII or not', () => {
    for (const v of values) expect(yamlSafeJson(v)).toBe(reference(v));
    // The escapes are there, not just equal to a reference that might lack them.
    expect(yamlSafeJson('a\u200bb')).toBe('"a\\u200bb"');
  });

  it('refuses what JSON cannot write, naming it', () => {
    expect(() => yamlSafeJson(undefined)).toThrow('cannot write undefined as YAML');
    expect(() => yamlSafeJson(() => 1)).toThrow('cannot write function as YAML');
  });
});

describe('deepFreeze', () => {
  it('freezes every object reachable through data properties, symbol keys included, without calling getters or making lazy lists', () => {
    const key = Symbol('k');
    let called = 0;
    let made = 0;
    const list = lazyList(() => {
      made++;
      return [{ a: 1 }];
    });
    const value = {
      a: { b: { c: [1, { d: 2 }] } },
      [key]: { e: 3 },
      list,
      get g() {
        called++;
        return { h: 4 };
      },
    };
    deepFreeze(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a.b.c)).toBe(true);
    expect(Object.isFrozen(value.a.b.c[1])).toBe(true);
    expect(Object.isFrozen(value[key])).toBe(true);
    expect([called, made]).toEqual([0, 0]);
  });
});

describe('admission memo keys', () => {
  // The memo keys an expression's outcome by the values at the paths it reads, joined: two requests whose values differ must never share a key.
  const user: User = { username: 'u', groups: [] };
  const set = {
    policies: [{ name: 'p', spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['*'], operations: ['*'], resources: ['configmaps'] }] }, validations: [{ expression: "object.data.a + '|' + object.data.b == 'x,y|z'" }] } } as Policy],
    bindings: [{ name: 'b', spec: { policyName: 'p', validationActions: ['Deny'] } } as Binding],
  };
  const cm = (a: string, b: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { a, b } });
  const allowed = (o: KubeObject) => admit(set, requestFor('CREATE', user, o), () => undefined).allowed;

  it('tells apart values that read the same once joined', () => {
    // "x,y" + "z" against "x" + "y,z" (and the same with the key's own separators in them).
    expect(allowed(cm('x,y', 'z'))).toBe(true);
    expect(allowed(cm('x', 'y,z'))).toBe(false);
    expect(allowed(cm('x,y', 'z'))).toBe(true);
    expect(allowed(cm('s3:x,y', 'z'))).toBe(false);
    expect(allowed(cm('x,s1:y', 'z'))).toBe(false);
    expect(allowed(cm('x,y', 'z'))).toBe(true);
  });
});
