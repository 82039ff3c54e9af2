import { describe, expect, it } from 'vitest';
import { agree, changedNamespaces } from '../../../src/analysis/delta/fingerprint.js';
import { makeManifest } from '../../../src/manifest/parse.js';
import type { KubeObject, Manifest } from '../../../src/manifest/types.js';

const policy = (ns: string, name: string, port: number): Manifest => makeManifest({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec: { podSelector: {}, ingress: [{ ports: [{ port }] }] } } as KubeObject, `rendered/${ns}/${name}.yaml`, '', 0);

/** A manifest whose object must not be read: its head is known, its object throws. */
function unreadable(ns: string, name: string): Manifest {
  return {
    file: `rendered/${ns}/${name}.yaml`,
    docIndex: 0,
    head: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name, namespace: ns },
    get object(): KubeObject {
      throw new Error(`${ns}/${name} was read`);
    },
    locate: () => ({ line: 1, column: 1 }),
  };
}

const part = (m: Manifest) => JSON.stringify(m.object);

describe('agree and changedNamespaces', () => {
  it('do not read a manifest both sides share', () => {
    const shared = [unreadable('t-a', 'deny'), unreadable('t-b', 'deny')];
    const before = [...shared, policy('t-c', 'web', 80)];
    const after = [...shared, policy('t-c', 'web', 443)];
    expect(agree(shared, shared, part)).toBe(true);
    expect(changedNamespaces(before, after, new Set(['NetworkPolicy']))).toEqual(new Set(['t-c']));
  });

  it('compare the other objects by their parts, in any order, counting repeats', () => {
    const [a, b] = [policy('t', 'a', 80), policy('t', 'b', 80)];
    expect(agree([a, b], [policy('t', 'b', 80), policy('t', 'a', 80)], part)).toBe(true);
    expect(agree([a, b], [policy('t', 'a', 80), policy('t', 'a', 80)], part)).toBe(false);
    expect(agree([a], [a, b], part)).toBe(false);
    expect(changedNamespaces([a, b], [policy('t', 'b', 80), policy('t', 'a', 80)], new Set(['NetworkPolicy']))).toEqual(new Set());
    // A namespace only one side has differs.
    expect(changedNamespaces([a], [a, policy('u', 'x', 80)], new Set(['NetworkPolicy']))).toEqual(new Set(['u']));
  });
});
