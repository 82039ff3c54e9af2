import { describe, expect, it } from 'vitest';
import { sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { json, sortKeysDeep } from '../../src/output/json.js';
import { emptyResult, fixture, opts } from './fixture.js';

function keysSortedEverywhere(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSortedEverywhere);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return keys.every((k, i) => k === sorted[i]) && Object.values(v).every(keysSortedEverywhere);
  }
  return true;
}

describe('json formatter', () => {
  it('matches the snapshot', async () => {
    await expect(json(fixture, opts)).toMatchFileSnapshot('__snapshots__/json.json');
  });

  it('round-trips through JSON.parse with a versioned envelope and sorted keys', () => {
    const doc = JSON.parse(json(fixture, opts)) as Record<string, unknown>;
    expect(doc['version']).toBe(1);
    expect(doc['summary']).toEqual({
      files: 12,
      objects: 40,
      tenants: 2,
      errors: 4,
      warnings: 1,
      infos: 1,
      waived: 1,
      failures: 1,
    });
    expect(doc['diagnostics']).toEqual(sortKeysDeep(sortDiagnostics(fixture.diagnostics)));
    expect(doc['sections']).toEqual({ 'connectivity (from → to)': sortKeysDeep(fixture.sections![0]!.json) });
    expect(keysSortedEverywhere(doc)).toBe(true);
  });

  it('does not depend on input order', () => {
    const reversed = { ...fixture, diagnostics: [...fixture.diagnostics].reverse() };
    expect(json(reversed, opts)).toBe(json(fixture, opts));
  });

  it('keeps the envelope for a clean run', () => {
    const doc = JSON.parse(json(emptyResult, opts)) as Record<string, unknown>;
    expect(doc['diagnostics']).toEqual([]);
    expect(doc['sections']).toEqual({});
  });
});

/** sortKeysDeep before it returned values already in order as themselves: always a sorted copy. */
function copyingSortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyingSortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = copyingSortKeysDeep(v);
    }
    return out;
  }
  return value;
}

const bytes = (sort: (v: unknown) => unknown, v: unknown) => JSON.stringify(sort(v), null, 2);

/** A small seeded generator, so the values below are the same on every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const withOwn = (key: string, v: unknown, rest: Record<string, unknown> = {}) => Object.defineProperty({ ...rest }, key, { value: v, enumerable: true, writable: true, configurable: true });
class Point {
  constructor(
    public y = 1,
    public x = 2,
  ) {}
}
const holes = [1, , { b: 2, a: 1 }, , 3];
const sortedWithToJSON = { a: 1, toJSON(this: object) { return Object.keys(this); } };

const CASES: [string, unknown][] = [
  ['null', null],
  ['booleans', [true, false]],
  ['numbers', [0, -0, 1.5, -2, 1e21, 2 ** 53 + 2, Number.NaN, Infinity, -Infinity]],
  ['strings outside Latin-1', { arrow: 'from → to', ellipsis: 'checking…', emoji: '😀', lone: '\ud800x', nul: '\u0000', quote: '"\\' }],
  ['empty object and array', { a: {}, b: [] }],
  ['an empty object with only undefined', { a: undefined }],
  ['unsorted, nested', { b: { z: 1, y: [{ d: 1, c: 2 }] }, a: [3, 2, 1] }],
  ['sorted, nested', { a: [1, { c: 2, d: 1 }], b: { y: [], z: 1 } }],
  ['integer-like keys out of string order', { b: 1, '10': 2, a: 3, '2': 4 }],
  ['integer-like keys in string order too', { '1': 1, '10': 2, a: 3 }],
  ['not quite integers', { '01': 1, '-1': 2, '1.5': 3, '4294967295': 4, '4294967294': 5 }],
  ['undefined members', { a: undefined, b: 1, c: { d: undefined } }],
  ['undefined, functions and symbols in arrays', [undefined, () => 1, Symbol('s'), null]],
  ['functions and symbols as members', { a: () => 1, b: Symbol('s'), c: 1 }],
  ['holes', holes],
  ['shared child', (() => { const c = { b: 1, a: 2 }; return { x: c, y: c, z: [c] }; })()],
  ['a Date', { at: new Date(0) }],
  ['a Map and a Set', { m: new Map([['a', 1]]), s: new Set([1]) }],
  ['boxed primitives', { n: Object(1), s: Object('ab') }],
  ['a class instance', new Point()],
  ['a null-prototype object', Object.assign(Object.create(null), { a: 1, b: 2 })],
  ['an own toJSON using this', sortedWithToJSON],
  ['a non-enumerable toJSON', Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 'hidden', enumerable: false })],
  ['an array with an own toJSON', Object.assign([1, { a: 2 }], { toJSON: () => 'array' })],
  ['an own __proto__ member', withOwn('__proto__', { a: 1 }, { a: 0 })],
  ['an own __proto__ member holding a number', JSON.parse('{"__proto__": 1, "b": 2}')],
  ['a non-enumerable member', Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false })],
];

/** Random JSON-ish values: keys in any order (sometimes sorted), integer-like keys, undefined, holes, text outside Latin-1. */
function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const r = next();
  if (depth > 3 || r < 0.4) return pick<unknown>([null, true, false, 0, -1, 2.5, 1e300, 'x', '', 'a → b', 'é', '😀', undefined]);
  if (r < 0.65) {
    const a = Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    if (a.length > 1 && next() < 0.2) delete a[0];
    return a;
  }
  const keys = Array.from({ length: Math.floor(next() * 5) }, () => pick(['a', 'b', 'B', 'aa', '10', '2', '0', '01', 'é', '→', '', ' ']));
  if (next() < 0.5) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const o: Record<string, unknown> = {};
  for (const k of keys) o[k] = randomValue(next, depth + 1);
  return o;
}

describe('sortKeysDeep', () => {
  it.each(CASES)('serialises %s as the always-copying version did', (_, v) => {
    const before = bytes(copyingSortKeysDeep, v);
    expect(bytes(sortKeysDeep, v)).toBe(before);
    // and leaves its input as it was
    expect(bytes(copyingSortKeysDeep, v)).toBe(before);
  });

  it('serialises random values as the always-copying version did', () => {
    const next = random(20261207);
    let same = 0;
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(next, 0);
      expect(bytes(sortKeysDeep, v), JSON.stringify(v)).toBe(bytes(copyingSortKeysDeep, v));
      if (v !== null && typeof v === 'object' && sortKeysDeep(v) === v) same++;
    }
    // Both paths are exercised.
    expect(same).toBeGreaterThan(300);
    expect(same).toBeLessThan(2700);
  });

  it('returns a value already in order as itself', () => {
    const v = { a: [1, { c: 'x', d: null }], b: { '1': 1, '10': 2, y: [] }, c: 'from → to' };
    expect(sortKeysDeep(v)).toBe(v);
  });

  it('sorts a value out of order, copying only what changes', () => {
    const kept = { c: 1, d: [2] };
    const v = { b: { z: 1, y: 2 }, a: kept, c: [kept, { f: 1, e: 2 }] };
    const sorted = sortKeysDeep(v) as typeof v;
    expect(sorted).not.toBe(v);
    expect(Object.keys(sorted)).toEqual(['a', 'b', 'c']);
    expect(Object.keys(sorted.b)).toEqual(['y', 'z']);
    expect(Object.keys(sorted.c[1]!)).toEqual(['e', 'f']);
    expect(sorted.a).toBe(kept);
    expect(sorted.c[0]).toBe(kept);
    expect(Object.keys(v)).toEqual(['b', 'a', 'c']);
    expect(Object.keys(v.b)).toEqual(['z', 'y']);
  });

  it('drops undefined members from a value otherwise in order', () => {
    const v = { a: 1, b: undefined, c: { d: undefined } };
    const sorted = sortKeysDeep(v);
    expect(sorted).not.toBe(v);
    expect(Object.keys(sorted as object)).toEqual(['a', 'c']);
    expect(Object.keys((sorted as typeof v).c)).toEqual([]);
  });

  it('still copies what would serialise differently uncopied: toJSON, __proto__, class instances', () => {
    for (const v of [sortedWithToJSON, withOwn('__proto__', 1), new Point(2, 1), [Object.assign([], { toJSON: () => 1 })]]) expect(sortKeysDeep(v)).not.toBe(v);
  });
});
