import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// CLI tests spawn the compiled entry point, so build once before any test runs.
// Type errors are the typecheck script's job; tsc still emits, so tests can run.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`tsc reported errors (see npm run typecheck):\n${r.stdout.slice(0, 2000)}\n`);
}
