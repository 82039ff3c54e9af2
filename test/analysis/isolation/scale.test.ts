import { describe, expect, it } from 'vitest';
import { proveNetwork } from '../../../src/analysis/isolation/index.js';
import { syntheticTree } from './synthetic.js';

describe('isolation proof at scale', () => {
  it('grows linearly with the number of tenants and finds no cross-tenant path', async () => {
    const small = await syntheticTree(1000);
    const large = await syntheticTree(2000);
    const a = proveNetwork(small.manifests, small.config);
    const b = proveNetwork(large.manifests, large.config);
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(b.paths).toEqual([]);
    expect(b.declaredFlows.blocked).toBe(0);
    expect(b.declaredFlows.checked).toBe(2 * a.declaredFlows.checked);
    expect(b.stats.evaluations).toBeLessThanOrEqual(2.2 * a.stats.evaluations);
    // Far below one evaluation per tenant pair.
    expect(b.stats.evaluations).toBeLessThan(2000 * 100);
    expect(b.section.text).toContain('no cross-tenant path among 2000 tenants');
    expect(b.section.text).not.toContain('from \\ to');
  });

  it('stays bounded when every tenant admits every namespace', async () => {
    const { manifests, config } = await syntheticTree(300);
    const widened = manifests.map((m) =>
      m.object.kind === 'NetworkPolicy' && m.object.metadata.name === 'allow-ingress-to-api'
        ? { ...m, object: { ...m.object, spec: { ...(m.object.spec as object), ingress: [{ from: [{ namespaceSelector: {} }] }] } } }
        : m,
    );
    const r = proveNetwork(widened, config);
    // Each tenant reports at most MAX_PATHS_PER_TENANT sources and counts the rest.
    expect(r.paths.length).toBe(300 * 20);
    expect(r.stats.skippedPairs).toBe(300 * (299 - 20));
    expect(r.diagnostics.some((d) => d.message.includes('and 279 more candidate source tenants not evaluated'))).toBe(true);
  });
});
