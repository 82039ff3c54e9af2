import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSliced } from '../../src/cli.js';
import { repoRoot } from '../helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tenantctl-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function sliced(text: string, slice: number): Buffer {
  const file = path.join(dir, `out-${files++}`);
  const fd = openSync(file, 'w');
  try {
    writeSliced(fd, text, slice);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file);
}

describe('stdout to a regular file, written in slices', () => {
  const texts: [string, string][] = [
    ['nothing', ''],
    ['ASCII', 'tenantctl check\n'.repeat(50)],
    ['Latin-1', 'café '.repeat(20)],
    ['outside Latin-1', 'from → to … ✗ · '.repeat(20)],
    ['surrogate pairs at every offset', 'a😀b😀😀c😀'.repeat(10)],
    ['lone surrogates', 'x\ud800y\udc00\ud800\ud800\udc00z\ud800'],
  ];
  it.each(texts)('gives the bytes of the whole string: %s', (_, text) => {
    for (const slice of [1, 2, 3, 4, 7, 64, 1 << 16]) expect(sliced(text, slice).equals(Buffer.from(text)), `slice ${slice}`).toBe(true);
  });

  it('gives the bytes of the whole string for random text full of surrogates', () => {
    let x = 20261207;
    const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['a', 'é', '→', '😀', '\ud800', '\udbff', '\udc00', '\udfff'];
    for (let i = 0; i < 200; i++) {
      const text = Array.from({ length: Math.floor(next() * 30) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      for (const slice of [1, 2, 3, 5]) expect(sliced(text, slice).equals(Buffer.from(text)), JSON.stringify(text)).toBe(true);
    }
  });

  it('gives the same bytes as a pipe does', () => {
    const run = (stdout: 'pipe' | number) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/tenantctl.js'), 'check', '--base', 'HEAD'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', stdout, 'pipe'] });
    const piped = run('pipe').stdout;
    const file = path.join(dir, 'check.txt');
    const fd = openSync(file, 'w');
    try {
      run(fd);
    } finally {
      closeSync(fd);
    }
    // The text report's grid marks are outside Latin-1.
    expect(piped.toString('utf8')).toMatch(/[^\u0000-\u00ff]/);
    expect(readFileSync(file).equals(piped)).toBe(true);
  });
});
