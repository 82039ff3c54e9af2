import { describe, expect, it } from 'vitest';
import { proveIsolation } from '../../../src/analysis/proofs.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { sortKeysDeep } from '../../../src/output/json.js';
import { fixture, manifestsOf, tenantA, tenantB, type Edit } from '../../rules/harness.js';
import { renderedFile } from './synthetic.js';

async function prove(edits: Edit[] = []) {
  const f = await fixture(edits);
  return proveIsolation(manifestsOf(f), f.config);
}

const show = (ds: Diagnostic[]) => ds.map((d) => `${d.ruleId} ${d.file?.path}:${d.file?.line} ${d.message}`).join('\n');

const ingressPolicy = await renderedFile(tenantA, 'networkpolicy-allow-ingress-to-api.yaml');
const dnsA = await renderedFile(tenantA, 'networkpolicy-allow-egress-to-dns.yaml');
const dnsB = await renderedFile(tenantB, 'networkpolicy-allow-egress-to-dns.yaml');
const externalA = await renderedFile(tenantA, 'networkpolicy-allow-egress-to-external.yaml');

describe('network isolation proof', () => {
  it('proves the bundled tree: no cross-tenant path, every declared flow open', async () => {
    const r = await prove();
    expect(show(r.diagnostics)).toBe('');
    const matrix = r.sections.find((s) => s.title === 'Tenant isolation matrix')!;
    expect(matrix.text).toContain('1 test-tenant-a  - ·');
    expect(matrix.text).toContain('2 test-tenant-b  · -');
    expect(matrix.text).toContain('no cross-tenant path among 2 tenants');
    const json = matrix.json as { tenants: string[]; paths: unknown[]; policies: object; declaredFlows: { checked: number; blocked: number } };
    expect(json.tenants).toEqual(['test-tenant-a', 'test-tenant-b']);
    // One entry a tenant, built in sorted key order, so the JSON output serialises it without a copy.
    expect(Object.keys(json.policies)).toHaveLength(2);
    expect(sortKeysDeep(json.policies)).toBe(json.policies);
    expect(json.paths).toEqual([]);
    expect(json.declaredFlows.blocked).toBe(0);
    expect(json.declaredFlows.checked).toBeGreaterThanOrEqual(20);
  });

  it('an OR peer (namespaceSelector and podSelector as two items) opens the api to other namespaces', async () => {
    const r = await prove([
      {
        file: ingressPolicy,
        from: '              kubernetes.io/metadata.name: ingress-nginx\n          podSelector:',
        to: '              kubernetes.io/metadata.name: ingress-nginx\n        - podSelector:',
      },
    ]);
    // The OR'd podSelector alone admits any pod of tenant A's own namespace labelled like the ingress controller.
    const hits = r.diagnostics.filter((d) => d.ruleId === 'isolation/cross-tenant-path' || d.ruleId === 'isolation/undeclared-flow');
    expect(hits.length, show(r.diagnostics)).toBeGreaterThan(0);
    expect(hits.some((d) => d.file?.path === ingressPolicy && d.message.includes('allow-ingress-to-api'))).toBe(true);
  });

  it('a DNS policy without UDP blocks DNS', async () => {
    const r = await prove([{ file: dnsA, from: '        - port: 53\n          protocol: UDP\n', to: '' }]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/declared-flow-blocked');
    expect(d, show(r.diagnostics)).toBeDefined();
    expect(d!.message).toContain('DNS over UDP');
    expect(d!.message).toContain('egress of the source');
    expect(d!.file?.path).toBe(dnsA);
    expect(d!.tenant).toBe('test-tenant-a');
    expect(r.diagnostics.every((x) => x.tenant === 'test-tenant-a')).toBe(true);
    const matrix = r.sections[0]!.json as { declaredFlows: { blocked: number } };
    expect(matrix.declaredFlows.blocked).toBe(2);
  });

  it('namespaceSelector: {} in the ingress policy opens tenant A to tenant B', async () => {
    const r = await prove([
      { file: ingressPolicy, from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n', to: '        - namespaceSelector: {}\n' },
    ]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/cross-tenant-path');
    expect(d, show(r.diagnostics)).toBeDefined();
    expect(d!.message).toContain('test-tenant-b');
    expect(d!.message).toContain('ai-agents-test-tenant-a/allow-ingress-to-api');
    expect(d!.file?.path).toBe(ingressPolicy);
    expect(d!.field?.pointer).toBe('/spec/ingress/0/from/0');
    const matrix = r.sections[0]!;
    expect(matrix.text).toMatch(/2 test-tenant-b {2}! -/);
    expect((matrix.json as { paths: { from: string; to: string }[] }).paths).toEqual([expect.objectContaining({ from: 'test-tenant-b', to: 'test-tenant-a' })]);
  });

  it('a wrong namespace label makes the api unreachable from ingress', async () => {
    const r = await prove([{ file: ingressPolicy, from: 'kubernetes.io/metadata.name: ingress-nginx', to: 'kubernetes.io/metadata.name: ingres-nginx' }]);
    const d = r.diagnostics.find((x) => x.ruleId === 'isolation/declared-flow-blocked');
    expect(d, show(r.diagnostics)).toBeDefined();
    expect(d!.message).toContain('api from the ingress controller');
    expect(d!.message).toContain('ingress of the destination');
    expect(d!.file?.path).toBe(ingressPolicy);
    expect(d!.field?.pointer).toBe('/spec/ingress/0/from');
  });

  it('a full path: tenant B egress to anywhere and tenant A ingress from every namespace', async () => {
    const r = await prove([
      { file: ingressPolicy, from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n          podSelector:\n            matchLabels:\n              app.kubernetes.io/name: ingress-nginx\n', to: '        - namespaceSelector: {}\n' },
      { file: dnsB, from: '      to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n', to: '      to:\n        - namespaceSelector: {}\n' },
      { file: dnsB, from: '        - port: 53\n          protocol: TCP', to: '        - port: 8000\n          protocol: TCP' },
    ]);
    expect(r.diagnostics.some((d) => d.ruleId === 'isolation/cross-tenant-path' && d.message.startsWith('cross-tenant path: ai-agents-test-tenant-b/'))).toBe(true);
    expect(r.sections[0]!.text).toMatch(/2 test-tenant-b {2}✗ -/);
  });

  it('reports an ingress controller that reaches the worker and the metadata address', async () => {
    const r = await prove([
      { file: ingressPolicy, from: '      app.kubernetes.io/component: api\n', to: '' },
      { file: externalA, from: '              - 169.254.0.0/16\n', to: '' },
    ]);
    const msgs = r.diagnostics.filter((d) => d.ruleId === 'isolation/undeclared-flow').map((d) => d.message);
    expect(msgs.some((m) => m.includes('ingress controller to a non-api workload') && m.includes('ai-agents-test-tenant-a/worker')), show(r.diagnostics)).toBe(true);
    expect(msgs.some((m) => m.includes('cloud metadata address') && m.includes('169.254.169.254'))).toBe(true);
  });
});
