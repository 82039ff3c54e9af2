import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTempRepos, repoRoot } from '../helpers.js';
import { commitAll, editTenants, git, gitRepo } from '../lifecycle/git-fixture.js';

afterAll(cleanupTempRepos);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const file = path.join(repoRoot, '.github/workflows/check.yml');
const workflow = parse(readFileSync(file, 'utf8')) as Workflow;
const check = workflow.jobs.check!;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const stepUsing = (job: Job, action: string) => job.steps.find((s) => s.uses?.split('@')[0] === action);

/**
 * The current major of each action (their releases pages; checkout v6 since November 2025,
 * setup-node v6, upload-artifact v6, codeql-action v4, whose v3 is deprecated in December 2026).
 */
const CURRENT: Record<string, string> = {
  'actions/checkout': 'v6',
  'actions/setup-node': 'v6',
  'actions/upload-artifact': 'v6',
  'github/codeql-action/upload-sarif': 'v4',
};

/** Whether `version` (x.y.z) meets a package.json `engines.node` range (the forms npm packages use: ||, >=, >, <, <=, ^, ~, x, *). */
export function satisfies(version: string, range: string): boolean {
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const parts = (s: string) => s.replace(/^v/, '').split('.').filter((p) => p !== '' && p !== 'x' && p !== '*' && p !== 'X').map(Number);
  const one = (c: string): boolean => {
    const m = /^(>=|<=|>|<|\^|~|=)?\s*(.*)$/.exec(c)!;
    const op = m[1] ?? '=';
    const p = parts(m[2]!);
    if (p.length === 0) return true;
    const lo = [p[0]!, p[1] ?? 0, p[2] ?? 0];
    if (op === '>=') return cmp(v, lo) >= 0;
    if (op === '>') return cmp(v, lo) > 0;
    if (op === '<') return cmp(v, lo) < 0;
    if (op === '<=') return cmp(v, lo) <= 0;
    if (op === '^') return cmp(v, lo) >= 0 && (lo[0]! > 0 ? v[0] === lo[0] : v[0] === 0 && v[1] === lo[1]);
    if (op === '~') return cmp(v, lo) >= 0 && v[0] === lo[0] && (p.length < 2 || v[1] === lo[1]);
    return p.every((x, i) => v[i] === x);
  };
  return range.split('||').some((alt) => {
    const cs = alt.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    return cs.every(one);
  });
}

/** engines.node of every installed package, with who declares it. */
function engines(): { pkg: string; range: string }[] {
  const out: { pkg: string; range: string }[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir)) {
      if (e.startsWith('.')) continue;
      const p = path.join(dir, e);
      if (e.startsWith('@')) {
        walk(p);
        continue;
      }
      const pj = path.join(p, 'package.json');
      if (!existsSync(pj)) continue;
      const j = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version?: string; engines?: { node?: string } };
      if (j.engines?.node) out.push({ pkg: `${j.name}@${j.version}`, range: j.engines.node });
      walk(path.join(p, 'node_modules'));
    }
  };
  walk(path.join(repoRoot, 'node_modules'));
  return out;
}

describe('the GitHub workflow', () => {
  it('runs check first and fast: in its own job, which runs no test suite', () => {
    expect(check.needs).toBeUndefined();
    expect(runs(check)).not.toMatch(/npm (test|run test)|vitest|\.ci\/run/);
    const first = check.steps.findIndex((s) => s.run?.includes('tenantctl.js check'));
    expect(first).toBeGreaterThan(-1);
    // Only checkout, Node and npm ci come before it.
    expect(check.steps.slice(0, first).map((s) => s.uses?.split('@')[0] ?? s.run)).toEqual(['actions/checkout', 'actions/setup-node', 'npm ci']);
    expect(stepUsing(check, 'actions/checkout')!.with!['fetch-depth']).toBe(0);
    // The tool's own tests run in another job, not gated on the check's verdict.
    const tests = Object.entries(workflow.jobs).filter(([, j]) => /\.ci\/run|npm test/.test(runs(j)));
    expect(tests.map(([n]) => n)).toEqual(['test']);
  });

  it('annotates with the capped github format, and puts verdict, isolation, headroom and the plan in the job summary', () => {
    expect(check.steps.some((s) => s.run === './bin/tenantctl.js check --base "$BASE" --format github')).toBe(true);
    const summary = check.steps.find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'))!;
    expect(summary.if).toBe('always()');
    expect(summary.run).toContain('./bin/tenantctl.js check --base "$BASE" --format markdown >> "$GITHUB_STEP_SUMMARY"');
    expect(summary.run).toContain('./bin/tenantctl.js plan --base "$BASE" --format markdown >> "$GITHUB_STEP_SUMMARY"');
  });

  it('uploads the SARIF it writes to code scanning, with security-events: write', () => {
    expect(check.permissions?.['security-events']).toBe('write');
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const upload = stepUsing(check, 'github/codeql-action/upload-sarif')!;
    expect(upload.if).toBe('always()');
    expect(runs(check)).toContain(`--format sarif > ${upload.with!.sarif_file}`);
  });

  it('uploads the HTML report it writes as an artifact', () => {
    const upload = stepUsing(check, 'actions/upload-artifact')!;
    expect(upload.if).toBe('always()');
    expect(runs(check)).toContain(`--format html > ${upload.with!.path}`);
  });

  it('uses the current major of every action', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const s of job.steps.filter((x) => x.uses)) {
        const [action, ref] = s.uses!.split('@');
        expect({ action, ref }).toEqual({ action, ref: CURRENT[action!] });
      }
    }
  });

  it('runs a supported Node that every dependency’s engines admit', () => {
    const version = String(workflow.env!.NODE_VERSION);
    for (const job of Object.values(workflow.jobs)) expect(stepUsing(job, 'actions/setup-node')!.with!['node-version']).toBe('${{ env.NODE_VERSION }}');
    // Node 20 reached end of life on 2026-04-30; 22 and 24 are the supported LTS lines.
    expect(Number(version)).toBeGreaterThanOrEqual(22);
    const all = engines();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((e) => !satisfies(`${version}.0.0`, e.range))).toEqual([]);
    // The README says which.
    expect(readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toContain(`${version} recommended`);
  });

  it('never runs tenantctl through npx (it would rebuild the package for every job)', () => {
    for (const job of Object.values(workflow.jobs)) expect(runs(job)).not.toMatch(/npx\s+tenantctl/);
  });

  it('reads engine ranges as npm does', () => {
    expect(satisfies('24.0.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('22.11.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.20.0', '>=22')).toBe(false);
    expect(satisfies('24.0.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(true);
    expect(satisfies('23.1.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(false);
    expect(satisfies('24.0.0', '>= 12.11.*')).toBe(true);
    expect(satisfies('24.0.0', '4.x || >=6.0.0')).toBe(true);
    expect(satisfies('24.0.0', '^10 || ^12 || ^13.7 || ^14 || >=15.0.1')).toBe(true);
  });
});

describe('the job summary the workflow writes', () => {
  it('is the verdict, the isolation matrix, RBAC, headroom and the plan of the pull request', async () => {
    const root = await gitRepo();
    git(root, 'checkout', '-q', '-b', 'pr');
    await editTenants(root, 'externalPorts: [443]', 'externalPorts: [443, 80]');
    const r0 = spawnSync(process.execPath, [path.join(repoRoot, 'bin/tenantctl.js'), 'render'], { cwd: root, encoding: 'utf8' });
    expect(r0.status, r0.stderr).toBe(0);
    await commitAll(root, 'open port 80');
    const summaryFile = path.join(root, 'summary.md');
    await writeFile(summaryFile, '');
    // The step's script as the runner would run it (bash -e), with tenantctl at this repository's bin/.
    const step = check.steps.find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'))!;
    const script = step.run!.replaceAll('./bin/tenantctl.js', `${process.execPath} ${path.join(repoRoot, 'bin/tenantctl.js')}`);
    const r = spawnSync('bash', ['-e', '-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, BASE: 'main', GITHUB_STEP_SUMMARY: summaryFile, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const summary = await readFile(summaryFile, 'utf8');
    expect(summary).toContain('| `test-tenant-b` | yes | limits.cpu | 3 / 4 | 1 (25%) |\n\n## Tenant plan: ✅ `check` passes on the head');
    const headings = summary.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '## tenantctl check: ✅ passed',
      '### Tenant isolation',
      '### RBAC',
      '### Quota headroom at peak (mid-rollout at the HPA maximum)',
      '## Tenant plan: ✅ `check` passes on the head',
      '### Connectivity: 4 flow(s) change',
    ]);
    expect(summary).toContain('No cross-tenant path among 2 tenants (2 ordered pairs); declared flows: 26/26 open.');
    expect(summary).toContain('| `test-tenant-a` | yes | limits.cpu | 3 / 4 | 1 (25%) |');
    expect(summary).toContain('- every tenant can now reach 0.0.0.0/0 except 10.96.0.0/12, 10.244.0.0/16, 169.254.0.0/16 on TCP 80 (was TCP 443) [4 flows] — declared: external services (TCP 80)');
  });
});
