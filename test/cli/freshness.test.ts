import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

/**
 * The entry point refuses a dist/ compiled from other sources than src/ (a pull
 * without a rebuild made `check` fail on the templates, far from the cause), and
 * runs it when the digest the build recorded matches. A copy of bin/ with a
 * stand-in dist/cli.js, so no real build is needed.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function layout(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenantctl-fresh-'));
  dirs.push(dir);
  cpSync(path.join(repoRoot, 'bin'), path.join(dir, 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'src/render'), { recursive: true });
  writeFileSync(path.join(dir, 'src/render/context.ts'), 'export const a = 1;\n');
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist/cli.js'), "export async function main(argv) { process.stdout.write(`ran ${argv.join(' ')}\\n`); }\n");
  return dir;
}
const run = (dir: string, script: string, ...args: string[]) => spawnSync(process.execPath, [path.join(dir, 'bin', script), ...args], { cwd: dir, encoding: 'utf8' });

describe('dist/ built from these sources, or not run', () => {
  it('runs once the build recorded the digest of src/', () => {
    const dir = layout();
    expect(run(dir, 'freshness.js', '--write').status).toBe(0);
    const r = run(dir, 'tenantctl.js');
    expect([r.status, r.stdout]).toEqual([0, 'ran \n']);
  });

  it('refuses with exit 2 and says what to run when src/ changed after the build', () => {
    const dir = layout();
    run(dir, 'freshness.js', '--write');
    writeFileSync(path.join(dir, 'src/render/context.ts'), 'export const a = 2;\n');
    const r = run(dir, 'tenantctl.js');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('dist/ was built from other sources than src/');
    expect(r.stderr).toContain('npm run build');
  });

  it('refuses a dist/ with no recorded digest, and a new source file counts', () => {
    const dir = layout();
    expect(run(dir, 'tenantctl.js').stderr).toContain('dist/ has not been built from these sources');
    run(dir, 'freshness.js', '--write');
    writeFileSync(path.join(dir, 'src/render/extra.ts'), 'export {};\n');
    expect(run(dir, 'tenantctl.js').status).toBe(2);
  });

  it('npm run check on a stale dist/ with other dependencies installed says to run npm ci, instead of a failing build', () => {
    const dir = layout();
    const lock = (version: string) => JSON.stringify({ packages: { '': {}, 'node_modules/@bufbuild/cel': { version }, 'node_modules/@rolldown/binding-other-os': { version: '1.0.0', optional: true } } });
    writeFileSync(path.join(dir, 'package-lock.json'), lock('0.6.1'));
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules/.package-lock.json'), lock('0.5.0'));
    const r = run(dir, 'freshness.js', '--ensure');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('node_modules does not match package-lock.json: run `npm ci`');
  });

  it('a test-only package missing from node_modules does not block the rebuild; a failed rebuild then says to run npm ci', () => {
    const dir = layout();
    const lock = (dev: string) => JSON.stringify({ packages: { '': {}, 'node_modules/@bufbuild/cel': { version: '0.6.1' }, 'node_modules/playwright-core': { version: dev, dev: true } } });
    writeFileSync(path.join(dir, 'package-lock.json'), lock('1.65.1'));
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules/.package-lock.json'), lock('1.0.0'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { build: 'node bin/freshness.js --write' } }));
    const rebuilt = run(dir, 'freshness.js', '--ensure');
    expect([rebuilt.status, rebuilt.stderr]).toEqual([0, expect.stringContaining('rebuilding')]);
    expect(run(dir, 'tenantctl.js').status).toBe(0);

    writeFileSync(path.join(dir, 'src/render/context.ts'), 'export const a = 3;\n');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { build: 'exit 1' } }));
    const failed = run(dir, 'freshness.js', '--ensure');
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain('the build failed (above); node_modules does not match package-lock.json: run `npm ci`');
  });

  it('takes the sources as the build left them when every fingerprint is the one recorded, and hashes them when one is not', async () => {
    const dir = layout();
    writeFileSync(path.join(dir, 'src/render/other.ts'), 'export const b = 1;\n');
    const { writeSourceDigest } = (await import(pathToFileURL(path.join(dir, 'bin/freshness.js')).href)) as { writeSourceDigest(dir: string, now: number): void };
    // Recorded as if some seconds after the files were written: their fingerprints vouch for them.
    writeSourceDigest(dir, Date.now() + 10_000);
    expect(readFileSync(path.join(dir, 'dist/.source-stat'), 'utf8').split('\n').map((l) => l.split('\t')[0])).toEqual(['src/render/context.ts', 'src/render/other.ts', '']);
    // A digest the fingerprints vouch for is not taken again: a wrong one is not even noticed.
    const digest = readFileSync(path.join(dir, 'dist/.source-digest'), 'utf8');
    writeFileSync(path.join(dir, 'dist/.source-digest'), `${'0'.repeat(64)}\n`);
    expect(run(dir, 'tenantctl.js').status).toBe(0);
    writeFileSync(path.join(dir, 'dist/.source-digest'), digest);
    // An edit of the same size changes the file's fingerprint: the sources are hashed, and differ.
    writeFileSync(path.join(dir, 'src/render/context.ts'), 'export const a = 2;\n');
    expect(run(dir, 'tenantctl.js').stderr).toContain('dist/ was built from other sources than src/');
    // Put back as it was, the bytes hash to the digest again, though the fingerprint is new.
    writeFileSync(path.join(dir, 'src/render/context.ts'), 'export const a = 1;\n');
    expect(run(dir, 'tenantctl.js').status).toBe(0);
    // A file added or removed is not among those recorded.
    writeFileSync(path.join(dir, 'src/render/extra.ts'), 'export {};\n');
    expect(run(dir, 'tenantctl.js').status).toBe(2);
    rmSync(path.join(dir, 'src/render/extra.ts'));
    rmSync(path.join(dir, 'src/render/other.ts'));
    expect(run(dir, 'tenantctl.js').status).toBe(2);
  });

  it('records no fingerprints when a source file changed too recently for its fingerprint to vouch for it', () => {
    const dir = layout();
    // Written just now, as layout() wrote it: the file could change again within the same tick of the clock.
    run(dir, 'freshness.js', '--write');
    expect(readFileSync(path.join(dir, 'dist/.source-stat'), 'utf8')).toBe('');
    expect(run(dir, 'tenantctl.js').status).toBe(0);
  });

  it('an installed package (no src/) is not compared', () => {
    const dir = layout();
    rmSync(path.join(dir, 'src'), { recursive: true });
    expect(run(dir, 'tenantctl.js').status).toBe(0);
  });
});
