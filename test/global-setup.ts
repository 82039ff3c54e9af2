import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain JavaScript module shared with the CLI entry point
import { staleness } from '../bin/freshness.js';

// CLI tests spawn the compiled entry point, so build once before any test runs,
// unless dist/ was built from exactly these sources (the digest the CLI checks).
// Type errors are the typecheck script's job; tsc still emits, so tests can run.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!(staleness as (dir: string) => string | undefined)(root)) return;
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`tsc reported errors (see npm run typecheck):\n${r.stdout.slice(0, 2000)}\n`);
  spawnSync(process.execPath, ['bin/freshness.js', '--write'], { cwd: root });
}
