import { describe, expect, it } from 'vitest';
import { markdown, SUMMARY_ROWS } from '../../src/output/markdown.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { QuotaHeadroomJson, TenantMatrixJson } from '../../src/diagnostics/result.js';
import type { CheckResult } from '../../src/output/index.js';
import { fixture } from './fixture.js';

const opts = { color: false, toolVersion: '0.0.0' };

describe('markdown (job summary) format', () => {
  it('leads with the verdict and puts the failing findings first, escaped for a table', () => {
    const out = markdown(fixture, opts);
    expect(out.split('\n')[0]).toBe('## tenantctl check: ❌ failed');
    const rows = out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---'));
    expect(rows[0]).toMatch(/^\| error \|/);
    // A `|` or newline in a message must not break the table; `<` must not become HTML.
    for (const r of rows) expect(r.split(/(?<!\\)\|/).length).toBe(6);
    expect(out).not.toContain('<script>');
  });

  it(`shows ${SUMMARY_ROWS} findings and says how many more there are and where`, () => {
    const many: Diagnostic[] = Array.from({ length: 27 }, (_, i) => ({ ruleId: 'isolation/default-deny', severity: 'error', kind: 'finding', message: `finding ${i}` }) as Diagnostic);
    const out = markdown({ ...fixture, diagnostics: many }, opts);
    expect(out.split('\n').filter((l) => l.startsWith('| error |'))).toHaveLength(SUMMARY_ROWS);
    expect(out).toContain('… and 7 more finding(s): the annotations, the SARIF upload and the HTML report list them all');
  });

  it('names open cross-tenant paths and the tenants that do not fit, tightest first', () => {
    const matrix: TenantMatrixJson = {
      tenants: ['a', 'b'],
      paths: [{ from: 'a', to: 'b', open: 'both', source: 'ns-a/api', destination: 'ns-b/api', ports: { TCP: [[8000, 8000]] }, egressPolicies: ['ns-a/allow-all'], ingressPolicies: ['ns-b/allow-all'] }],
      policies: {},
      declaredFlows: { checked: 10, blocked: 1 },
      stats: { evaluations: 0, candidatePairs: 0, skippedPairs: 0 },
    };
    const res = (tenant: string, headroom: number, fits: boolean) => ({ tenant, fits, rejections: 0, resources: [{ quota: 'q', resource: 'pods', hard: 10, steady: 1, hpaMax: 1, rollout: 1, rolloutAtHpaMax: 10 - headroom, headroom }] });
    const quota: QuotaHeadroomJson = [res('a', 5, true), res('b', -2, false)];
    const result: CheckResult = {
      ...fixture,
      diagnostics: [],
      sections: [
        { title: 'Tenant isolation matrix', text: '', json: matrix, kind: 'tenant-matrix' },
        { title: 'Quota headroom', text: '', json: quota, kind: 'quota-headroom' },
      ],
    };
    const out = markdown(result, opts);
    expect(out).toContain('## tenantctl check: ✅ passed');
    expect(out).toContain('**1 cross-tenant path** among 2 tenants; declared flows: 9/10 open.');
    expect(out).toContain('| `a` | `b` | TCP 8000 | ns-a/allow-all, ns-b/allow-all |');
    expect(out).toContain('**1 tenant do not fit their quota** in some scenario.');
    const rows = out.split('\n').filter((l) => /^\| `[ab]` \| (yes|\*\*no\*\*)/.test(l));
    expect(rows).toEqual(['| `b` | **no** | pods | 12 / 10 | -2 (-20%) |', '| `a` | yes | pods | 5 / 10 | 5 (50%) |']);
  });
});
