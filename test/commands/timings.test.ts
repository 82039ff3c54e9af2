import { afterAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { formatTimings, watchGc } from '../../src/commands/timings.js';
import { cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const GC_LINE = /^gc {8}\d+ ms of pauses on the main thread, \d+ % of the run \(\d+ minor, \d+ major, \d+ other\)$/m;

describe('check --timings: the collector’s share of the run', () => {
  it('states the pauses after the phases, before the peak RSS', () => {
    const text = formatTimings([{ phase: 'load', start: 100, end: 900 }], { ms: 250.4, minor: 7, major: 1, other: 2 }, 1000);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^load /);
    expect(lines[1]).toBe('gc        250 ms of pauses on the main thread, 25 % of the run (7 minor, 1 major, 2 other)');
    expect(lines[2]).toMatch(/^peak RSS \d+ MiB/);
    // Without a count, no line: the function is the same for callers that do not watch.
    expect(formatTimings([{ phase: 'load', start: 100, end: 900 }])).not.toMatch(/^gc /m);
  });

  it('counts the collections this thread pauses for', async () => {
    const stop = watchGc();
    // Far more short-lived objects than V8's young generation holds: it is collected several times.
    let kept = 0;
    for (let i = 0; i < 2_000_000; i++) {
      const o = { i, s: `item ${i}`, list: [i, i + 1, i + 2] };
      if (o.list[2] === 7) kept++;
    }
    const gc = await stop();
    expect(kept).toBe(1);
    expect(gc.minor).toBeGreaterThan(0);
    expect(gc.ms).toBeGreaterThan(0);
  });

  it('is printed by check --timings only', async () => {
    const root = await tempRepo({ rendered: true });
    const timed = await cli(root, 'check', '--format', 'json', '--allow-no-base', '--no-cache', '--timings');
    expect(timed.stderr).toMatch(GC_LINE);
    const plain = await cli(root, 'check', '--format', 'json', '--allow-no-base', '--no-cache');
    expect(plain.stderr ?? '').not.toMatch(/^gc /m);
    expect(timed.stdout).toBe(plain.stdout);
  });
});

describe('render --timings: where a render spends its time', () => {
  const phases = (stderr: string | undefined) => [...(stderr ?? '').matchAll(/^(\w+) +\d+ ms → +\d+ ms {2}\(\d+ ms\)$/gm)].map((m) => m[1]);

  it('states the render, the comparison with rendered/ and, when files change, the write; the collector and the peak RSS after them', async () => {
    const root = await tempRepo({ rendered: true });
    const clean = await cli(root, 'render', '--no-cache', '--timings');
    expect(clean.exitCode).toBe(0);
    // Nothing differs: nothing is written, so there is no write phase.
    expect(phases(clean.stderr)).toEqual(['render', 'compare']);
    expect(clean.stderr).toMatch(GC_LINE);
    expect(clean.stderr).toMatch(/^peak RSS \d+ MiB \(heap limit \d+ MiB\)$/m);

    await rm(path.join(root, 'rendered', 'ai-agents-test-tenant-b', 'limitrange-tenant-limits.yaml'));
    const repaired = await cli(root, 'render', '--no-cache', '--timings');
    expect(repaired.stdout).toMatch(/1 added, 0 changed, 0 removed/);
    expect(phases(repaired.stderr)).toEqual(['render', 'compare', 'write']);
  });

  it('says how many tenants came from the cache, and changes nothing else', async () => {
    const root = await tempRepo({ rendered: true });
    const cacheDir = path.join(root, '.cache');
    const cold = await cli(root, 'render', '--cache-dir', cacheDir, '--timings');
    expect(cold.stderr).toMatch(/^cache +0 tenants from the cache, 2 rendered$/m);
    const warm = await cli(root, 'render', '--cache-dir', cacheDir, '--timings');
    expect(warm.stderr).toMatch(/^cache +2 tenants from the cache, 0 rendered$/m);
    const plain = await cli(root, 'render', '--cache-dir', cacheDir);
    expect(plain.stderr ?? '').toBe('');
    expect(warm.stdout).toBe(plain.stdout);
  });

  it('follows the findings when nothing could be written', async () => {
    const root = await tempRepo({ rendered: true, tenants: 'tenants: [\n' });
    const r = await cli(root, 'render', '--no-cache', '--timings');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/nothing was written: rendered\/ is unchanged\n(?:.|\n)*^render +\d+ ms/m);
    expect(phases(r.stderr)).toEqual(['render']);
  });
});

