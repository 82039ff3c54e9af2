import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

// Every command a `sh` block of the README or the operator guide shows is run here,
// exactly as written, by a shell, in order, in a temporary copy of the repository
// (a git repository with one commit on `main`): what a reader pastes is what is tested.
// `# exit N` at the end of a line is the exit code the doc promises (0 otherwise).

const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

/** Commands the copy cannot run as written, and why; the rest of their line still runs. */
const NOT_RUN: Record<string, string> = {
  'npm ci': 'installs dependencies: the copy links the installed node_modules instead',
  'npm test': 'the test suite, which is running this test',
};

interface Step {
  line: string;
  exit: number;
  /** Prose just before the block, where the doc describes edits the commands rely on. */
  before: string;
}

export function shellSteps(markdown: string): Step[] {
  const out: Step[] = [];
  let last = 0;
  for (const b of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const before = markdown.slice(last, b.index);
    last = b.index! + b[0].length;
    for (const raw of b[1]!.split('\n')) {
      const m = /^(.*?)\s*(?:#\s*exit\s+(\d))?(?:\s+#.*)?$/.exec(raw.trim());
      const line = m?.[1]?.trim() ?? '';
      if (!line || line.startsWith('#')) continue;
      out.push({ line, exit: m?.[2] ? Number(m[2]) : 0, before });
    }
  }
  return out;
}

/** The line without the commands listed in NOT_RUN (`npm ci && npm run check` runs `npm run check`). */
function runnable(line: string): string {
  return line
    .split('&&')
    .map((part) => part.trim())
    .filter((part) => !Object.keys(NOT_RUN).some((c) => part === c || part.startsWith(`${c} `)))
    .join(' && ');
}

const gitEnv = { GIT_AUTHOR_NAME: 'Docs', GIT_AUTHOR_EMAIL: 'docs@example.com', GIT_COMMITTER_NAME: 'Docs', GIT_COMMITTER_EMAIL: 'docs@example.com', GIT_CONFIG_NOSYSTEM: '1' };

/** A copy of the repository as a fresh clone after `npm ci` has it: sources, the built dist/, the installed node_modules (linked). */
async function clone(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenantctl-docs-'));
  made.push(dir);
  const skip = new Set(['node_modules', '.git', 'test', 'bench', '.bench', 'coverage']);
  await cp(repoRoot, dir, { recursive: true, filter: (src) => !skip.has(path.relative(repoRoot, src).split(path.sep)[0]!) });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: { ...process.env, ...gitEnv } });
  execFileSync('git', ['add', '-A'], { cwd: dir, env: { ...process.env, ...gitEnv } });
  execFileSync('git', ['commit', '-q', '-m', 'clone'], { cwd: dir, env: { ...process.env, ...gitEnv } });
  return dir;
}

function run(dir: string, line: string): { code: number; out: string } {
  const r = spawnSync('bash', ['-c', line], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...gitEnv, NO_COLOR: '1', CI: '' } });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

const docs = {
  'README.md': await readFile(path.join(repoRoot, 'README.md'), 'utf8'),
  'docs/operations/tenant-namespace-provisioning.md': await readFile(path.join(repoRoot, 'docs/operations/tenant-namespace-provisioning.md'), 'utf8'),
};

describe('commands in the README and the operator guide, run as written', () => {
  it('run tenantctl from the repository, never through npx or a bare tenantctl', () => {
    for (const [name, text] of Object.entries(docs)) {
      const lines = shellSteps(text).map((s) => s.line);
      expect(lines.filter((l) => /(^|&&\s*|\|\s*)(npx\s+)?tenantctl\b/.test(l)), name).toEqual([]);
      expect(lines.some((l) => l.startsWith('./bin/tenantctl.js ')), name).toBe(true);
    }
  });

  it.each(Object.keys(docs))('%s', async (name) => {
    const steps = shellSteps(docs[name as keyof typeof docs]);
    expect(steps.length).toBeGreaterThan(0);
    const dir = await clone();
    let decommissioned = false;
    for (const step of steps) {
      // The guide's decommission step: the edit its prose describes, made before its commands.
      if (!decommissioned && step.before.includes('`decommissioned: true` on `acme-corp`')) {
        decommissioned = true;
        const file = path.join(dir, 'tenants.yaml');
        const text = await readFile(file, 'utf8');
        expect(text).toContain('    name: Acme Corp\n');
        await writeFile(file, text.replace('    name: Acme Corp\n', '    name: Acme Corp\n    decommissioned: true\n'));
      }
      const line = runnable(step.line);
      if (!line) continue;
      const r = run(dir, line);
      expect({ line: step.line, exit: r.code, out: r.code === step.exit ? '' : r.out.slice(0, 3000) }).toEqual({ line: step.line, exit: step.exit, out: '' });
    }
    if (name.includes('provisioning')) expect(decommissioned).toBe(true);
  });
});
