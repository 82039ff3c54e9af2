import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cli, tempRepo } from '../helpers.js';

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, env, encoding: 'utf8' });
}

/** A temporary copy of the repository with one commit on `main`. */
export async function gitRepo(tenants?: string): Promise<string> {
  const root = await tempRepo(tenants === undefined ? {} : { tenants });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  return root;
}

export async function commitAll(root: string, message: string): Promise<void> {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
}

export async function editTenants(root: string, from: string, to: string): Promise<string> {
  const file = path.join(root, 'tenants.yaml');
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture anchor not found: ${from}`);
  const next = text.replace(from, to);
  await writeFile(file, next);
  return next;
}

export const tenantA = '  - id: test-tenant-a\n    name: Test Tenant A\n    tier: standard\n\n';

/** A pull request: `main` holds the repository rendered, `branch` holds `tenants` as tenants.yaml, rendered too. */
export async function branchWithTenants(branch: string, tenants: string): Promise<string> {
  const root = await gitRepo();
  await cli(root, 'render');
  await commitAll(root, 'rendered');
  git(root, 'checkout', '-q', '-b', branch);
  await writeFile(path.join(root, 'tenants.yaml'), tenants);
  const rendered = await cli(root, 'render');
  if (rendered.exitCode !== 0) throw new Error(`render on ${branch} failed:\n${rendered.stdout}${rendered.stderr}`);
  return root;
}
