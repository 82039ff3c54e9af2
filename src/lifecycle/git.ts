import { execFile, spawn } from 'node:child_process';

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

/**
 * Every file under `dir` at a ref, keyed by its path relative to `dir`; undefined
 * when the ref has no such folder. One `git cat-file --batch` reads them all.
 */
export async function showTree(root: string, ref: string, dir: string): Promise<Map<string, string> | undefined> {
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) throw new GitError(`git cannot resolve "${ref}" in ${root}${commit.stderr ? `: ${commit.stderr.trim()}` : ''}`);
  const sha = commit.stdout.trim();
  const list = await git(root, ['ls-tree', '-r', '-z', '--name-only', sha, '--', `${dir}/`]);
  const files = list.ok ? list.stdout.split('\0').filter((f) => f.startsWith(`${dir}/`)) : [];
  if (files.length === 0) return undefined;
  const out = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new GitError(`git cat-file failed reading ${dir}/ at "${ref}"`))));
    child.stdin.end(files.map((f) => `${sha}:${f}\n`).join(''));
  });
  // Each answer is "<sha> blob <size>\n<content>\n".
  const tree = new Map<string, string>();
  let at = 0;
  for (const f of files) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    if (header[1] !== 'blob') throw new GitError(`git cat-file could not read ${f} at "${ref}"`);
    const size = Number(header[2]);
    tree.set(f.slice(dir.length + 1), out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return tree;
}
