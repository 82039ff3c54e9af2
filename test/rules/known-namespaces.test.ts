import { describe, expect, it } from 'vitest';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { NAMESPACE_NAME_LABEL, selectorMatches, type Labels } from '../../src/manifest/selectors.js';
import { knownNamespaces, knownSoFar } from '../../src/rules/known-namespaces.js';
import { fixture, manifestsOf } from './harness.js';

const selectors: LabelSelector[] = [
  {},
  { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
  { matchLabels: { [NAMESPACE_NAME_LABEL]: 'nowhere' } },
  { matchLabels: { [NAMESPACE_NAME_LABEL]: 'ai-agents-test-tenant-a', tenant: 'test-tenant-a' } },
  { matchLabels: { [NAMESPACE_NAME_LABEL]: 'ai-agents-test-tenant-a', tenant: 'test-tenant-b' } },
  { matchLabels: { tenant: 'test-tenant-b' } },
  { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] },
  { matchExpressions: [{ key: 'tenant', operator: 'In', values: ['nobody'] }] },
  { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['kube-system'] }] },
];

describe('the namespaces a tree vouches for', () => {
  it('answer each selector as a scan of every namespace would: labels of rendered Namespaces, the name alone for the others', async () => {
    const f = await fixture();
    const manifests = manifestsOf(f);
    const known = knownNamespaces(manifests, f.config.platform);
    const all = new Map<string, Labels>();
    for (const n of ['kube-system', f.config.platform.ingress.namespace, f.config.platform.database.namespace, f.config.platform.dns.namespace]) all.set(n, { [NAMESPACE_NAME_LABEL]: n });
    for (const m of manifests) if (m.object.metadata.namespace) all.set(m.object.metadata.namespace, { [NAMESPACE_NAME_LABEL]: m.object.metadata.namespace });
    for (const m of manifests) if (m.object.kind === 'Namespace') all.set(m.object.metadata.name!, { ...m.object.metadata.labels, [NAMESPACE_NAME_LABEL]: m.object.metadata.name! });
    const answers = selectors.map((s) => known.matches(s));
    expect(answers).toEqual(selectors.map((s) => [...all.values()].some((l) => selectorMatches(s, l))));
    expect(answers).toEqual([true, true, false, true, false, true, true, false, true]);
    expect(knownNamespaces(manifests, f.config.platform)).toBe(known);
  });

  it('so far: a rendered Namespace hides what the base knows of it by name, and tenants not yet rendered are known by name', async () => {
    const f = await fixture();
    const [a, b] = f.config.tenants;
    const ns = (name: string, labels: string) => parseManifests(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: {${labels}}\n`, { file: 'x.yaml' }).manifests;
    const soFar = knownSoFar(ns(a!.namespace, 'team: obs'), f.config.platform, f.config.tenants);
    expect(soFar.matches({ matchLabels: { team: 'obs' } })).toBe(true);
    // Tenant a's namespace carries the label now: the base's entry for it (the name alone) is hidden.
    expect(soFar.matches({ matchLabels: { [NAMESPACE_NAME_LABEL]: a!.namespace }, matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] })).toBe(false);
    expect(soFar.matches({ matchLabels: { [NAMESPACE_NAME_LABEL]: b!.namespace }, matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] })).toBe(true);
    expect(soFar.matches({ matchLabels: { [NAMESPACE_NAME_LABEL]: f.config.platform.database.namespace } })).toBe(true);
    expect(soFar.matches({ matchLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' } })).toBe(false);
  });
});
