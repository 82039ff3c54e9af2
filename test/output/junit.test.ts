import { describe, expect, it } from 'vitest';
import { junit } from '../../src/output/junit.js';
import type { CheckResult } from '../../src/output/types.js';
import { emptyResult, fixture, opts } from './fixture.js';
import { parseXml, type XmlElement } from './xml-check.js';

const suites = (root: XmlElement) => root.children.filter((c) => c.name === 'testsuite');

describe('junit formatter', () => {
  it('matches the snapshot', async () => {
    await expect(junit(fixture, opts)).toMatchFileSnapshot('__snapshots__/junit.xml');
  });

  it('is well-formed and keeps hostile text intact', () => {
    const root = parseXml(junit(fixture, opts));
    expect(root.name).toBe('testsuites');
    const deny = suites(root).find((s) => s.attrs['name'] === 'isolation/default-deny')!;
    const failure = deny.children[0]!.children[0]!;
    expect(failure.name).toBe('failure');
    // The BEL control character cannot appear in XML at all, so it is dropped; the rest survives.
    expect(failure.attrs['message']).toBe(
      'tenant "beta" & \'gamma\': <script>alert(1)</script>,\nallows ingress from 0.0.0.0/0 at 100%',
    );
    expect(failure.attrs['type']).toBe('error');
    expect(failure.text).toContain('<script>alert(1)</script>');
  });

  it('has one suite per rule id with consistent counts', () => {
    const root = parseXml(junit(fixture, opts));
    const names = suites(root).map((s) => s.attrs['name']);
    expect(names).toEqual([
      'drift/changed',
      'isolation/default-deny',
      'k8s/name-syntax',
      'pod/resources',
      'quota/fit',
      'render/template',
      'schema/invalid',
    ]);
    expect(root.attrs).toMatchObject({ tests: '7', failures: '3', errors: '1', skipped: '1' });
    for (const s of suites(root)) {
      expect(Number(s.attrs['tests'])).toBe(s.children.length);
    }
    const byName = Object.fromEntries(suites(root).map((s) => [s.attrs['name'], s]));
    expect(byName['render/template']!.children[0]!.children[0]!.name).toBe('error');
    expect(byName['pod/resources']!.children[0]!.children[0]!.name).toBe('skipped');
    expect(byName['k8s/name-syntax']!.children[0]!.children).toEqual([]);
  });

  it('shows the run with one passing testcase when nothing was found', () => {
    const bare: CheckResult = { ...emptyResult, rules: [] };
    const root = parseXml(junit(bare, opts));
    expect(root.attrs).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    expect(suites(root)).toHaveLength(1);
    expect(suites(root)[0]!.children[0]!.name).toBe('testcase');
    expect(() => parseXml(junit(emptyResult, opts))).not.toThrow();
  });

  it('the checker itself rejects malformed documents', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml('<a>x < y</a>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
  });
});
