import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos, cli, repoRoot, spawnCli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

describe('tenantctl CLI', () => {
  it('prints help listing the commands and exit codes', async () => {
    const r = await spawnCli(repoRoot, ['--help']);
    expect(r.code).toBe(0);
    for (const c of ['render', 'check', 'reach', 'can-i']) expect(r.stdout).toContain(`  ${c}`);
    expect(r.stdout).toContain('Exit codes');
  });

  it('exits 2 on an unknown command, naming it', async () => {
    const r = await spawnCli(repoRoot, ['rendr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "rendr"');
  });

  it('exits 2 on an unknown option', async () => {
    const r = await spawnCli(repoRoot, ['check', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--colour/);
  });

  it('exits 2 on an unknown format, naming the valid ones', async () => {
    const r = await spawnCli(repoRoot, ['check', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be one of text, json, junit, sarif, github');
  });

  it('passes check on the committed tree', async () => {
    // Compared with HEAD itself: the result must not depend on whether this checkout has an upstream.
    const r = await spawnCli(repoRoot, ['check', '--base', 'HEAD']);
    expect(r.stdout).toContain('no findings');
    expect(r.code).toBe(0);
  });

  it('runs on another copy of the repository with --root', async () => {
    const root = await tempRepo();
    const r = await spawnCli(repoRoot, ['render', '--root', root]);
    expect(r.code).toBe(0);
    expect((await cli(root, 'check')).exitCode).toBe(0);
  });

  it('fails check with a readable diff when tenants.yaml changed without a render', async () => {
    const root = await tempRepo({ rendered: true });
    const file = path.join(root, 'tenants.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('    LOG_LEVEL: info', '    LOG_LEVEL: warning'));
    const r = await spawnCli(root, ['check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('drift/changed');
    expect(r.stdout).toContain('-  LOG_LEVEL: info');
    expect(r.stdout).toContain('+  LOG_LEVEL: warning');
    expect(r.stdout).toContain('npm run render');
    // Tenant B overrides LOG_LEVEL, so only tenant A's ConfigMap drifts.
    expect(r.stdout).toContain('ai-agents-test-tenant-a');
    expect(r.stdout).not.toMatch(/ai-agents-test-tenant-b\S*configmap/);
  });

  it('reports a hand-deleted file and a stray file as drift', async () => {
    const root = await tempRepo({ rendered: true });
    await writeFile(path.join(root, 'rendered/_cluster/stray.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(root, 'rendered/_cluster/clusterrole-ai-agents-platform-admin.yaml'));
    const r = await cli(root, 'check', '--format', 'json');
    expect(r.exitCode).toBe(1);
    const ids = (JSON.parse(r.stdout) as { diagnostics: { ruleId: string; file?: { path: string } }[] }).diagnostics.map((d) => `${d.ruleId} ${d.file?.path}`);
    expect(ids).toContain('drift/extra rendered/_cluster/stray.yaml');
    expect(ids).toContain('drift/missing rendered/_cluster/clusterrole-ai-agents-platform-admin.yaml');
  });
});

describe('progress of a long run', () => {
  it('check reports each phase as it starts, in order, to the progress channel (never to stdout)', async () => {
    const { runCli } = await import('../../src/cli.js');
    const root = await tempRepo({ rendered: true });
    const steps: string[] = [];
    const r = await runCli(['check', '--allow-no-base'], { cwd: root, env: {}, isTTY: false, progress: (s) => steps.push(s) });
    expect(r.exitCode).toBe(0);
    expect(steps).toEqual([
      'rendering tenants.yaml and reading rendered/',
      'comparing with rendered/',
      'reading the findings of unchanged tenants from the cache',
      'validating against the schemas',
      'running the rules',
      'proving isolation (network, RBAC, quota)',
      'evaluating the admission policies',
      'comparing with the base ref',
    ]);
    expect(r.stdout).not.toContain('rendering tenants.yaml');
  });

  it('--quiet (-q) keeps check and verify silent on the progress channel, with the same result', async () => {
    const { runCli } = await import('../../src/cli.js');
    const root = await tempRepo({ rendered: true });
    const loud = await runCli(['check', '--allow-no-base'], { cwd: root, env: {}, isTTY: false, progress: () => {} });
    for (const argv of [['check', '--allow-no-base', '--quiet'], ['check', '--allow-no-base', '-q'], ['verify', 'rendered', '--quiet']]) {
      const steps: string[] = [];
      const r = await runCli(argv, { cwd: root, env: {}, isTTY: false, progress: (s) => steps.push(s) });
      expect(steps, argv.join(' ')).toEqual([]);
      if (argv[0] === 'check') expect({ code: r.exitCode, stdout: r.stdout }).toEqual({ code: loud.exitCode, stdout: loud.stdout });
    }
  });
});

describe('usage errors', () => {
  it('go to stderr with exit 2, stdout empty, for every command', async () => {
    const { runCli } = await import('../../src/cli.js');
    const root = await tempRepo();
    for (const argv of [['check', '--formt', 'json'], ['plan', '--format', 'yaml'], ['render', '--nope'], ['add'], ['verify'], ['reach'], ['can-i', 'get', 'pods'], ['nosuchcommand']]) {
      const r = await runCli(argv, { cwd: root, env: {}, isTTY: false });
      expect({ argv, code: r.exitCode, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr ?? '', argv.join(' ')).not.toBe('');
    }
  });
});
