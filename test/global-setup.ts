import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether every src/**\/*.ts has a dist/**\/*.js at least as new (npm ci's build, or an earlier run). */
function distIsFresh(root: string): boolean {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  try {
    return walk(path.join(root, 'src')).every((src) => {
      const out = path.join(root, 'dist', path.relative(path.join(root, 'src'), src)).replace(/\.ts$/, '.js');
      return statSync(out).mtimeMs >= statSync(src).mtimeMs;
    });
  } catch {
    return false;
  }
}

// CLI tests spawn the compiled entry point, so build once before any test runs,
// unless dist/ is already newer than every source file.
// Type errors are the typecheck script's job; tsc still emits, so tests can run.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (distIsFresh(root)) return;
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`tsc reported errors (see npm run typecheck):\n${r.stdout.slice(0, 2000)}\n`);
}
