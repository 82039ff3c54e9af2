import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShard, shardOfTenant } from '../../src/tenants/shard.js';
import { applyInputEdits, bundledTenants, cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

interface Finding {
  ruleId: string;
  tenant?: string;
  file?: { path: string };
}

const TENANTS = Array.from({ length: 12 }, (_, i) => `shard-t${String(i).padStart(2, '0')}`);

/** The bundled tenants.yaml with twelve tenants instead of its two. */
async function twelveTenants(): Promise<string> {
  const base = await bundledTenants();
  const head = base.slice(0, base.indexOf('\ntenants:') + '\ntenants:'.length);
  return `${head}\n${TENANTS.map((id, i) => `  - id: ${id}\n    name: Shard ${i}\n    tier: standard\n`).join('')}`;
}

/**
 * A rendered repository edited by hand in several tenants and in the cluster
 * folder: drift, rule, RBAC and cross-tenant network findings, some owned by a
 * tenant and some by none.
 */
async function editedRepo(): Promise<string> {
  const root = await tempRepo({ tenants: await twelveTenants() });
  expect((await cli(root, 'render')).exitCode).toBe(0);
  const ns = (id: string) => `rendered/ai-agents-${id}`;
  await applyInputEdits(root, [
    { file: `${ns('shard-t01')}/role-tenant-shard-t01-role.yaml`, from: '      - secrets\n', to: '      - secrets\n      - networkpolicies\n' },
    { remove: `${ns('shard-t02')}/networkpolicy-default-deny-all.yaml` },
    {
      file: `${ns('shard-t03')}/networkpolicy-allow-ingress-to-api.yaml`,
      from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n          podSelector:\n            matchLabels:\n              app.kubernetes.io/name: ingress-nginx\n',
      to: '        - namespaceSelector: {}\n',
    },
    { file: `${ns('shard-t04')}/resourcequota-tenant-quota.yaml`, from: '    tenant: shard-t04\n', to: '    tenant: shard-t04\n    "bad key!": x\n' },
    { file: `${ns('shard-t07')}/workloads/service-api.yaml`, from: '  type: ClusterIP\n', to: '  type: NodePort\n  bogusField: 1\n' },
  ]);
  await writeFile(path.join(root, 'rendered/_cluster/stray.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: default\n');
  return root;
}

const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;
const canonical = (fs: readonly Finding[]) => fs.map((f) => JSON.stringify(f)).sort();

describe('check --shard I/N', () => {
  let root: string;
  let full: Finding[];
  beforeAll(async () => {
    root = await editedRepo();
    const r = await cli(root, 'check', '--format', 'json', '--allow-no-base');
    expect(r.exitCode).toBe(1);
    full = findings(r.stdout);
  });

  it('the shards together report exactly the full run, each finding once', async () => {
    for (const n of [2, 3, 5]) {
      const parts: Finding[][] = [];
      for (let i = 1; i <= n; i++) parts.push(findings((await cli(root, 'check', '--format', 'json', '--allow-no-base', '--shard', `${i}/${n}`)).stdout));
      expect(canonical(parts.flat())).toEqual(canonical(full));
      // Not one shard doing everything: the findings are spread.
      expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
    }
  });

  it("reports a tenant's findings in its own shard, and those of no tenant in shard 1", async () => {
    const n = 3;
    const byTenant = full.filter((f) => f.tenant);
    expect(new Set(byTenant.map((f) => f.tenant)).size).toBeGreaterThan(2);
    expect(full.some((f) => f.file?.path === 'rendered/_cluster/stray.yaml')).toBe(true);
    for (let i = 1; i <= n; i++) {
      const part = findings((await cli(root, 'check', '--format', 'json', '--allow-no-base', '--shard', `${i}/${n}`)).stdout);
      for (const f of part) if (f.tenant) expect(shardOfTenant(f.tenant, n)).toBe(i);
      expect(part.some((f) => f.file?.path === 'rendered/_cluster/stray.yaml')).toBe(i === 1);
    }
  });

  it('a shard with findings exits 1, one without exits 0; its summary counts its own tenants', async () => {
    const clean = await tempRepo({ tenants: await twelveTenants() });
    await cli(clean, 'render');
    await applyInputEdits(clean, [{ file: 'rendered/ai-agents-shard-t05/resourcequota-tenant-quota.yaml', from: '    tenant: shard-t05\n', to: '    tenant: shard-t05\n    "bad key!": x\n' }]);
    const n = 4;
    const owner = shardOfTenant('shard-t05', n);
    const other = owner === 1 ? 2 : 1;
    const mine = await cli(clean, 'check', '--format', 'json', '--allow-no-base', '--shard', `${owner}/${n}`);
    const theirs = await cli(clean, 'check', '--format', 'json', '--allow-no-base', '--shard', `${other}/${n}`);
    expect(mine.exitCode).toBe(1);
    expect(theirs.exitCode).toBe(0);
    const summary = (JSON.parse(theirs.stdout) as { summary: { tenants: number } }).summary;
    expect(summary.tenants).toBe(TENANTS.filter((id) => shardOfTenant(id, n) === other).length);
  });

  it('every format names the shard it reports, and a full run names none', async () => {
    const n = 3;
    const run = (format: string, ...shard: string[]) => cli(root, 'check', '--format', format, '--allow-no-base', ...shard);
    for (const i of [1, 2]) {
      const s = ['--shard', `${i}/${n}`];
      expect((await run('text', ...s)).stdout).toMatch(new RegExp(`tenants? checked in shard ${i}/${n}\\n$`));
      expect((await run('markdown', ...s)).stdout).toMatch(new RegExp(`of \\d+ tenants? \\(shard ${i}/${n}\\)`));
      expect((await run('html', ...s)).stdout).toContain(`· shard ${i}/${n}`);
      expect((JSON.parse((await run('json', ...s)).stdout) as { summary: { shard?: string } }).summary.shard).toBe(`${i}/${n}`);
      // Code scanning keeps one analysis per category and commit: each shard's SARIF is a category of its own.
      const sarif = JSON.parse((await run('sarif', ...s)).stdout) as { runs: { automationDetails?: { id: string } }[] };
      expect(sarif.runs[0]!.automationDetails).toEqual({ id: `tenantctl/shard-${i}-of-${n}/` });
    }
    // The GitHub format prints nothing without findings: shard-t01's shard has one.
    const owner = shardOfTenant('shard-t01', n);
    expect((await run('github', '--shard', `${owner}/${n}`)).stdout).toMatch(new RegExp(`tenants \\(shard ${owner}/${n}\\)\\n`));
    const full = await run('text');
    expect(full.stdout).not.toMatch(/in shard \d/);
    expect((JSON.parse((await run('json')).stdout) as { summary: Record<string, unknown> }).summary).not.toHaveProperty('shard');
    expect((JSON.parse((await run('sarif')).stdout) as { runs: Record<string, unknown>[] }).runs[0]).not.toHaveProperty('automationDetails');
  });

  it('input that stops the run fails every shard', async () => {
    const broken = await tempRepo({ tenants: (await twelveTenants()).replace('tier: standard', 'tier: no-such-tier') });
    for (const s of ['1/2', '2/2']) expect((await cli(broken, 'check', '--allow-no-base', '--shard', s)).exitCode).toBe(2);
  });

  it('refuses a malformed shard with exit 2 and the form it takes', async () => {
    for (const bad of ['0/2', '3/2', '1/0', '2', 'a/b', '1/2/3']) {
      const r = await cli(root, 'check', '--shard', bad);
      expect(r.exitCode, bad).toBe(2);
      expect(r.stderr).toMatch(/--shard/);
    }
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
  });

  it('spreads tenants over the shards by id alone', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `tenant-${i}`);
    const counts = [1, 2, 3, 4].map((i) => ids.filter((id) => shardOfTenant(id, 4) === i).length);
    for (const c of counts) expect(c).toBeGreaterThan(150);
    // Stable: the same id always lands in the same shard.
    expect(shardOfTenant('test-tenant-a', 4)).toBe(shardOfTenant('test-tenant-a', 4));
  });
});
