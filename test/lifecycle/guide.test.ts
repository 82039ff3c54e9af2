import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos, cli, repoRoot } from '../helpers.js';
import { editTenants, gitRepo } from './git-fixture.js';

afterAll(cleanupTempRepos);

const guide = await readFile(path.join(repoRoot, 'docs/operations/tenant-namespace-provisioning.md'), 'utf8');

interface Step {
  argv: string[];
  exit: number;
  /** Prose just before the block, where the guide describes edits the commands rely on. */
  before: string;
}

/** Splits a command line the way a POSIX shell would for the quoting the guide uses. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function steps(markdown: string): Step[] {
  const out: Step[] = [];
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)];
  let last = 0;
  for (const b of blocks) {
    const before = markdown.slice(last, b.index);
    last = b.index! + b[0].length;
    for (const raw of b[1]!.split('\n')) {
      const m = /^\.\/bin\/tenantctl\.js\s+(.*?)\s*(?:#\s*exit\s+(\d))?\s*$/.exec(raw.trim());
      if (!m) continue;
      out.push({ argv: words(m[1]!), exit: m[2] ? Number(m[2]) : 0, before });
    }
  }
  return out;
}

describe('the operator guide', () => {
  const all = steps(guide);

  it('shows the lifecycle commands', () => {
    const names = new Set(all.map((s) => s.argv[0]));
    for (const c of ['add', 'plan', 'check', 'render']) expect(names).toContain(c);
  });

  it('every command in it works as described, in order', async () => {
    const root = await gitRepo();
    const done = new Set<string>();
    for (const step of all) {
      if (step.before.includes('`decommissioned: true` on `acme-corp`') && !done.has('decommission')) {
        done.add('decommission');
        await editTenants(root, '    name: Acme Corp\n', '    name: Acme Corp\n    decommissioned: true\n');
      }
      const r = await cli(root, ...step.argv);
      expect({ command: step.argv.join(' '), exit: r.exitCode, out: r.exitCode === step.exit ? '' : `${r.stdout}${r.stderr ?? ''}` }).toEqual({
        command: step.argv.join(' '),
        exit: step.exit,
        out: '',
      });
    }
    expect(done.has('decommission')).toBe(true);
  });
});
