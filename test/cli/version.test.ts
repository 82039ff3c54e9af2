import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { version } from '../../src/version.js';
import { cli, repoRoot } from '../helpers.js';

describe('version', () => {
  it('matches package.json and is what --version prints', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(version).toBe(pkg.version);
    expect((await cli(repoRoot, '--version')).stdout.trim()).toBe(pkg.version);
  });
});
