import { execFile } from 'node:child_process';

export class GitError extends Error {}

function git(root: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export async function isWorkTree(root: string): Promise<boolean> {
  const r = await git(root, ['rev-parse', '--is-inside-work-tree']);
  return r.ok && r.stdout.trim() === 'true';
}

/** The merge base of HEAD with its upstream branch; undefined when there is no upstream. */
export async function upstreamMergeBase(root: string): Promise<string | undefined> {
  const up = await git(root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  if (!up.ok) return undefined;
  const mb = await git(root, ['merge-base', 'HEAD', '@{upstream}']);
  return mb.ok ? mb.stdout.trim() : undefined;
}

/** A file's text at a ref; undefined when the ref exists but the file does not. */
export async function showFile(root: string, ref: string, file: string): Promise<string | undefined> {
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) throw new GitError(`git cannot resolve "${ref}" in ${root}${commit.stderr ? `: ${commit.stderr.trim()}` : ''}`);
  const r = await git(root, ['show', `${commit.stdout.trim()}:${file}`]);
  return r.ok ? r.stdout : undefined;
}
