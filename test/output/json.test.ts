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
