import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNames } from '../../src/output/index.js';
import { bundledTenants, cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

/*
 * Quantities written as decimal fractions whose sums are not exact in binary
 * floating point: api 0.1 core, worker 0.2 core, quota 0.7. At HPA maxReplicas
 * the tenant uses 0.1 + 3×0.2, which floating point makes 0.7000000000000001,
 * so the old report printed a headroom of -1.1102230246251565e-16 as "-0m".
 * "Note that the quantity will NEVER be internally represented by a floating
 * point number. That is the whole point of this exercise."
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/)
 */
function provoking(text: string): string {
  const swap = (from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`tenants.yaml lacks ${from}`);
    text = text.replace(from, to);
  };
  swap('      requests.cpu: "2"\n      limits.cpu: "4"\n', '      requests.cpu: 0.7\n      limits.cpu: 0.7\n');
  const resources = '      requests: { cpu: 250m, memory: 512Mi }\n      limits: { cpu: 500m, memory: 1Gi }\n';
  swap(resources, '      requests: { cpu: 0.1, memory: 512Mi }\n      limits: { cpu: 0.1, memory: 1Gi }\n');
  swap(resources, '      requests: { cpu: 0.2, memory: 512Mi }\n      limits: { cpu: 0.2, memory: 1Gi }\n');
  return text;
}

// A float artefact: a long run of 0s or 9s after a decimal point, an exponent, or a negative zero.
const artefact = /\d\.\d*(?:0{6,}|9{6,})\d|\de-\d|-0(?:m|Mi|Gi|Ki)?(?![\d.])/;

let root: string;

beforeAll(async () => {
  root = await tempRepo({ tenants: provoking(await bundledTenants()) });
  const r = await cli(root, 'render');
  expect(r.exitCode, r.stdout + (r.stderr ?? '')).toBe(0);
});

describe('check prints exact quantities', () => {
  it('the regex catches what floating point printed', () => {
    for (const s of ['0.6000000000000001', '-1.1102230246251565e-16', 'headroom -0m', '0.30000000000000004', '0.7999999999999999']) expect(s).toMatch(artefact);
    for (const s of ['700m', '-300m', '1Gi', '0', '10.96.0.0/12', 'v1.33', 'sha256:0000abc']) expect(s).not.toMatch(artefact);
  });

  it.each(formatNames)('%s output holds no float artefact', async (format) => {
    const r = await cli(root, 'check', '--format', format);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).not.toMatch(artefact);
    expect(r.stdout).toContain('700m');
  });

  it('the HPA peak uses the quota exactly: 0.1 + 3×0.2 = 700m, headroom 0, and fits', async () => {
    const r = await cli(root, 'check', '--format', 'json');
    const report = JSON.parse(r.stdout) as { sections: Record<string, { tenant: string; resources: Record<string, string | number>[] }[]> };
    const row = report.sections['Quota headroom']!.find((t) => t.tenant === 'test-tenant-a')!.resources.find((x) => x['resource'] === 'requests.cpu')!;
    expect(row).toMatchObject({ hard: 0.7, steady: 0.3, hpaMax: 0.7, rollout: 0.6, rolloutAtHpaMax: 1, headroom: -0.3 });
    const text = await cli(root, 'check');
    // Over only in the rollout scenarios: the HPA peak alone is not reported.
    expect(text.stdout).not.toMatch(/exceeded at HPA maxReplicas/);
    expect(text.stdout).toContain('requests.cpu: api 2×100m + worker 4×200m = 1 > 700m (over by 300m)');
  });
});
