import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos, cli, repoRoot } from '../helpers.js';
import { commitAll, git, gitRepo } from '../lifecycle/git-fixture.js';

afterAll(cleanupTempRepos);

// The semantic delta of `plan --base main` for one change each, pinned in the three
// formats a reviewer reads: test/golden/delta/<change>.{txt,md,json}. The base commit is
// the bundled example; the head is the change, edited in a real git repository.
// `UPDATE_GOLDEN=1 npx vitest run test/golden/delta.test.ts` rewrites the expectations.
const dir = path.join(repoRoot, 'test/golden/delta');
const update = process.env.UPDATE_GOLDEN === '1';

interface Edit {
  file: string;
  from: string;
  to: string;
}

interface Case {
  name: string;
  edits: Edit[];
  /** What a reviewer must read in the text and markdown (and the JSON carries), whatever else changes in the golden. */
  says: string;
  /** Whether tenants.yaml declares every flow the change opens (src/analysis/isolation/intent.ts); absent when none opens. */
  opens?: 'declared' | 'undeclared';
  /** `check`'s result on the head, as the verdict says it: its exit status and the rule of the first finding listed. */
  verdict: { exitCode: 0 | 1; first?: string };
}

const tenants = 'tenants.yaml';

const cases: Case[] = [
  {
    name: 'open-port',
    edits: [{ file: tenants, from: 'externalPorts: [443]', to: 'externalPorts: [443, 80]' }],
    says: 'every tenant can now reach 0.0.0.0/0 except 10.96.0.0/12, 10.244.0.0/16, 169.254.0.0/16 on TCP 80 (was TCP 443)',
    opens: 'declared',
    verdict: { exitCode: 0 },
  },
  {
    name: 'add-tenant',
    edits: [{ file: tenants, from: '    config:\n      LOG_LEVEL: debug\n', to: '    config:\n      LOG_LEVEL: debug\n\n  - id: acme\n    name: Acme Corp\n    tier: premium\n' }],
    says: 'acme',
    verdict: { exitCode: 0 },
  },
  {
    name: 'remove-tenant',
    edits: [{ file: tenants, from: '\n  - id: test-tenant-b\n    name: Test Tenant B\n    tier: standard\n    config:\n      LOG_LEVEL: debug\n', to: '' }],
    says: 'test-tenant-b',
    verdict: { exitCode: 1, first: 'lifecycle/tenant-removal' },
  },
  {
    name: 'change-tier',
    edits: [{ file: tenants, from: '    name: Test Tenant A\n    tier: standard\n', to: '    name: Test Tenant A\n    tier: premium\n' }],
    says: 'quota.requests.cpu: 2 → 8',
    verdict: { exitCode: 0 },
  },
  {
    name: 'widen-namespace-selector',
    edits: [{ file: 'templates/tenant/networkpolicy-allow-egress-database.yaml.ejs', from: '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: <%- v(platform.database.namespace) %>\n', to: '        - namespaceSelector: {}\n' }],
    says: 'every tenant can now reach pods labelled app=ai-agents-postgresql in any namespace on TCP 5432',
    opens: 'undeclared',
    verdict: { exitCode: 1, first: 'isolation/cross-tenant-path' },
  },
  {
    name: 'grant-verb',
    edits: [{ file: 'templates/tenant/role.yaml.ejs', from: '  - apiGroups: <%- v([group]) %>', to: '  - apiGroups: [""]\n    resources: ["pods/exec"]\n    verbs: ["create"]\n  - apiGroups: <%- v([group]) %>' }],
    says: 'create pods/exec',
    verdict: { exitCode: 0 },
  },
  {
    name: 'change-denied-cidrs',
    edits: [{ file: tenants, from: '      - 169.254.0.0/16\n', to: '' }],
    says: 'every tenant can now reach 169.254.0.0/16 on TCP 443',
    opens: 'undeclared',
    verdict: { exitCode: 1, first: 'isolation/undeclared-flow' },
  },
  {
    name: 'raise-hpa-max',
    edits: [{ file: tenants, from: '      minReplicas: 1\n      maxReplicas: 3\n', to: '      minReplicas: 1\n      maxReplicas: 6\n' }],
    says: 'test-tenant-a no longer fits its quota at peak (mid-rollout at the HPA maximum): limits.cpu, limits.memory, requests.cpu, requests.memory',
    verdict: { exitCode: 1, first: 'quota/fit' },
  },
];

async function headRepo(c: Case): Promise<string> {
  const root = await gitRepo();
  git(root, 'checkout', '-q', '-b', c.name);
  for (const e of c.edits) {
    const file = path.join(root, e.file);
    const text = await readFile(file, 'utf8');
    if (!text.includes(e.from)) throw new Error(`${e.file} lacks ${JSON.stringify(e.from)}`);
    await writeFile(file, text.replace(e.from, e.to));
  }
  // A pull request as it should be opened: rendered/ rendered from the change, so the verdict judges the change, not drift.
  const render = await cli(root, 'render');
  expect(render.exitCode, render.stderr).toBe(0);
  await commitAll(root, c.name);
  return root;
}

const formats = [
  ['txt', 'text'],
  ['md', 'markdown'],
  ['json', 'json'],
] as const;

describe('semantic delta of plan, one golden per change and format', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = await headRepo(c);
    for (const [ext, format] of formats) {
      const r = await cli(root, 'plan', '--base', 'main', '--format', format);
      expect(r.stderr ?? '', `${c.name} ${format}`).toBe('');
      expect(r.exitCode).toBe(0);
      const file = path.join(dir, `${c.name}.${ext}`);
      if (update) {
        await mkdir(dir, { recursive: true });
        await writeFile(file, r.stdout);
      }
      expect(existsSync(file), `${file} is missing: UPDATE_GOLDEN=1 writes it`).toBe(true);
      expect(r.stdout, `${c.name}.${ext}`).toBe(await readFile(file, 'utf8'));
      expect(r.stdout, `${c.name}.${ext} says it`).toContain(c.says);
      if (format === 'json') {
        const v = (JSON.parse(r.stdout) as { verdict: { exitCode: number; passes: boolean; findings: { ruleId: string }[] } }).verdict;
        expect([v.exitCode, v.passes, v.findings[0]?.ruleId], `${c.name}: verdict`).toEqual([c.verdict.exitCode, c.verdict.exitCode === 0, c.verdict.first]);
        // The verdict is what check itself says on the same head.
        expect((await cli(root, 'check', '--base', 'main')).exitCode).toBe(c.verdict.exitCode);
        const flows = (JSON.parse(r.stdout) as { connectivity: { opens: string; declared: boolean; review: boolean }[] }).connectivity.filter((f) => f.opens);
        expect(flows.map((f) => (f.declared ? 'declared' : 'undeclared')), `${c.name}: flows it opens`).toEqual(flows.map(() => c.opens));
        // A reviewer is sent to exactly the undeclared ones.
        expect(flows.every((f) => f.review === (c.opens === 'undeclared'))).toBe(true);
      }
      if (format === 'text') expect(r.stdout.split('\n')[1]).toMatch(`Verdict: \`tenantctl check --base main\` ${c.verdict.exitCode ? 'fails' : 'passes'} on the head (exit ${c.verdict.exitCode}): `);
      if (format === 'markdown') expect(r.stdout.split('\n')[0]).toBe(`## Tenant plan: ${c.verdict.exitCode ? '❌ `check` fails' : '✅ `check` passes'} on the head`);
      if (c.opens && format !== 'json') expect(r.stdout).toMatch(c.opens === 'declared' ? /— declared: external services \(TCP 80\)/ : /— \**undeclared/);
    }
  });
});
