import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, QuotaHeadroomJson, TenantMatrixJson } from '../../src/diagnostics/result.js';
import { html } from '../../src/output/html/index.js';
import { reportData } from '../../src/output/html/data.js';
import { escapeHtml, jsonForScript } from '../../src/output/html/escape.js';
import { MAX_FINDING_ROWS } from '../../src/output/html/page.js';
import { cleanupTempRepos, cli, tempRepo } from '../helpers.js';
import { fixture, opts } from './fixture.js';

afterAll(cleanupTempRepos);

const HOSTILE = '</script><img src=x onerror="window.pwned=1">&amp;\u2028';

const matrix: TenantMatrixJson = {
  tenants: ['alpha', 'beta', 'gamma'],
  paths: [
    {
      from: 'alpha',
      to: 'beta',
      open: 'both',
      source: 'ns-alpha/api',
      destination: 'ns-beta/api',
      ports: { TCP: [[8080, 8080], [9000, 9001]] },
      egressPolicies: ['ns-alpha/allow-all'],
      ingressPolicies: ['ns-beta/allow-any-namespace'],
    },
  ],
  policies: { alpha: { ingress: ['default-deny-all'], egress: ['default-deny-all', 'allow-all'] }, beta: { ingress: ['default-deny-all', 'allow-any-namespace'], egress: ['default-deny-all'] }, gamma: { ingress: ['default-deny-all'], egress: ['default-deny-all'] } },
  declaredFlows: { checked: 33, blocked: 0 },
  stats: { evaluations: 10, candidatePairs: 2, skippedPairs: 0 },
};

const row = (resource: string, hard: number, used: number) => ({ quota: 'tenant-quota', resource, hard, steady: used / 2, hpaMax: used, rollout: used, rolloutAtHpaMax: used, headroom: hard - used });
const quota: QuotaHeadroomJson = [
  { tenant: 'alpha', fits: true, rejections: 0, resources: [row('requests.cpu', 2, 1), row('pods', 10, 4)] },
  { tenant: 'beta', fits: true, rejections: 0, resources: [row('requests.cpu', 2, 1), row('pods', 10, 4)] },
  { tenant: 'gamma', fits: false, rejections: 1, resources: [row('requests.cpu', 2, 3), row('pods', 10, 4)] },
];

const result: CheckResult = {
  ...fixture,
  summary: { files: 9, objects: 30, tenants: 3 },
  diagnostics: [...fixture.diagnostics, { ruleId: 'isolation/cross-tenant-path', severity: 'error', kind: 'finding', message: `display name ${HOSTILE}`, tenant: 'alpha', file: { path: 'rendered/ns-beta/networkpolicy.yaml', line: 12, column: 5 } }],
  sections: [
    { title: 'Tenant isolation matrix', kind: 'tenant-matrix', text: '', json: matrix },
    { title: 'Quota headroom', kind: 'quota-headroom', text: '', json: quota },
  ],
  tenants: [
    { id: 'alpha', name: HOSTILE, namespace: 'ns-alpha', tier: 'standard' },
    { id: 'beta', name: 'Beta', namespace: 'ns-beta', tier: 'standard' },
    { id: 'gamma', name: 'Gamma', namespace: 'ns-gamma', tier: 'premium' },
  ],
};

/** The embedded data, read back as the page's script reads it. */
function embedded(page: string): ReturnType<typeof reportData> {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page);
  if (!m) throw new Error('no report data in the page');
  return JSON.parse(m[1]!) as ReturnType<typeof reportData>;
}

describe('html report', () => {
  it('escapes hostile text everywhere: nothing can close the data block or open a tag', () => {
    const page = html(result, opts);
    // Only the page's own two scripts close.
    expect(page.match(/<\/script/gi)).toHaveLength(2);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('onerror="');
    expect(page).toContain(escapeHtml(`display name ${HOSTILE}`));
    // The fixture's <script>alert(1)</script> message is shown as text too.
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // And the data block gives the script the exact name back.
    expect(embedded(page).tenants[0]![1]).toBe(HOSTILE);
  });

  it('is the same bytes for the same result, with no timestamp and no absolute path', async () => {
    const root = await tempRepo({ rendered: true });
    const a = await cli(root, 'check', '--format', 'html', '--allow-no-base');
    const b = await cli(root, 'check', '--format', 'html', '--allow-no-base');
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(a.stdout).not.toContain(root);
    expect(a.stdout).not.toMatch(/20\d\d-\d\d-\d\dT/);
    // Self-contained: no URL the browser would fetch.
    expect(a.stdout).not.toMatch(/(src|href)="(https?:)?\/\//);
    const data = embedded(a.stdout);
    expect(data.tenants.map((t) => t[0])).toEqual(['test-tenant-a', 'test-tenant-b']);
    expect(data.paths).toEqual([]);
    // The policies that isolate each tenant come from the network proof.
    expect(data.tenantPolicies[0]![0]!.map((k) => data.policyNames[k])).toContain('default-deny-all');
  });

  it('lists findings with their location, rule and a link to the rule doc', () => {
    const page = html(result, opts);
    expect(page).toContain('<td class="mono loc">rendered/beta/networkpolicy-beta-allow-all.yaml:9:7</td>');
    expect(page).toContain('<a href="docs/rules/isolation/default-deny.md">isolation/default-deny</a>');
    // With a docs base (CI), repo-relative doc paths become absolute.
    const ci = html(result, { ...opts, docsBaseUrl: 'https://github.com/o/r/blob/abc1234/' });
    expect(ci).toContain('<a href="https://github.com/o/r/blob/abc1234/docs/rules/isolation/default-deny.md">');
    expect(page).toContain('<span class="verdict fail" id="verdict">');
  });

  it('gives the verdict the exit code gives: a waived error does not fail the page', () => {
    const waived = fixture.diagnostics.find((d) => d.waived)!;
    const only = { ...result, diagnostics: [{ ...waived, severity: 'error' as const }] };
    const page = html(only, opts);
    expect(page).toContain('<span class="verdict warn" id="verdict">✓ check passes with 1 error (1 waived)</span>');
    expect(page).not.toContain('verdict fail');
    const unwaived = html({ ...result, diagnostics: [{ ...waived, severity: 'error' as const, waived: undefined }] }, opts);
    expect(unwaived).toContain('<span class="verdict fail" id="verdict">✗ check fails: 1 error</span>');
  });

  it('caps the findings written into the page and says where the rest are', () => {
    const many = { ...result, diagnostics: Array.from({ length: MAX_FINDING_ROWS + 5 }, (_, i) => ({ ...fixture.diagnostics[0]!, message: `finding ${i}` })) };
    const page = html(many, opts);
    expect(page.match(/<tr class="finding"/g)).toHaveLength(MAX_FINDING_ROWS);
    expect(page).toContain(`The first ${MAX_FINDING_ROWS} of ${MAX_FINDING_ROWS + 5} findings are listed`);
  });

  it('carries the matrix sparsely and the quota tables once per distinct table', () => {
    const data = reportData(result);
    expect(data.paths).toEqual([[0, 1, 'both', 'ns-alpha/api', 'ns-beta/api', 'TCP 8080,9000-9001', ['ns-alpha/allow-all'], ['ns-beta/allow-any-namespace']]]);
    expect(data.tenantPolicies[1]![0]!.map((k) => data.policyNames[k])).toEqual(['default-deny-all', 'allow-any-namespace']);
    // alpha and beta share a table; gamma's differs.
    expect(data.quota.map((q) => q[0])).toEqual([0, 0, 1]);
    expect(data.quota[2]).toEqual([1, false, 1]);
    expect(data.quotaSets[1]![0]).toEqual(['requests.cpu', 2, [1.5, 3, 3, 3], ['2', '1500m', '3', '3', '3', '-1']]);
  });

  it('embeds JSON that parses back to the same value whatever it holds', () => {
    const value = { s: '</script><!-- & \u2028\u2029 >' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
