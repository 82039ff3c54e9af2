import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline.js';
import { applyInputEdits, cleanupTempRepos, cli, CountingCache, tempDir } from '../helpers.js';
import { commitAll, git, gitRepo } from './git-fixture.js';

afterAll(cleanupTempRepos);

/** The bundled ApplicationSet without preserveResourcesOnDeletion: an Application it stops generating takes its tenant's objects with it. */
const NO_PRESERVE = { file: 'templates/gitops/argocd/global/applicationset-tenants.yaml.ejs', from: '  syncPolicy:\n    preserveResourcesOnDeletion: true\n', to: '' };

/** A repository on `main` with one tenant's tier changed on a branch, rendered and committed. */
async function pullRequest(): Promise<string> {
  const root = await gitRepo();
  await applyInputEdits(root, [NO_PRESERVE]);
  expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
  await commitAll(root, 'rendered');
  git(root, 'checkout', '-q', '-b', 'tier');
  const file = path.join(root, 'tenants.yaml');
  const text = await readFile(file, 'utf8');
  const changed = text.replace(/(id: test-tenant-a\n(?: {4}.*\n)*? {4}tier: )standard/, '$1premium');
  expect(changed).not.toBe(text);
  await writeFile(file, changed);
  expect((await cli(root, 'render', '--no-cache')).exitCode).toBe(0);
  await commitAll(root, 'tier');
  return root;
}

describe('check --base with a warm cache', () => {
  it('reports what a check without a cache reports, in every format, with the unchanged tenant placed from its summary on both sides', async () => {
    const root = await pullRequest();
    const dir = await tempDir('tenantctl-base-summaries-');
    for (const format of ['json', 'text', 'markdown']) {
      const none = await cli(root, 'check', '--base', 'main', '--no-cache', '--format', format);
      const cold = await cli(root, 'check', '--base', 'main', '--cache-dir', dir, '--format', format);
      const warm = await cli(root, 'check', '--base', 'main', '--cache-dir', dir, '--format', format);
      expect(none.exitCode, none.stderr).toBe(0);
      expect(cold.stdout).toBe(none.stdout);
      expect(warm.stdout).toBe(none.stdout);
      expect(warm.exitCode).toBe(none.exitCode);
    }
  });

  it('plan --base says what a plan without a cache says, with the base placed from summaries and shared with the head', async () => {
    const root = await pullRequest();
    const dir = await tempDir('tenantctl-base-summaries-');
    for (const format of ['json', 'markdown']) {
      const none = await cli(root, 'plan', '--base', 'main', '--no-cache', '--format', format);
      const cold = await cli(root, 'plan', '--base', 'main', '--cache-dir', dir, '--format', format);
      const warm = await cli(root, 'plan', '--base', 'main', '--cache-dir', dir, '--format', format);
      expect(none.exitCode, none.stderr).toBe(0);
      // The tier change is in the plan: its quota and the objects that carry the tier.
      expect(none.stdout).toContain('test-tenant-a');
      expect(cold.stdout).toBe(none.stdout);
      expect(warm.stdout).toBe(none.stdout);
    }
  });

  it('places the tenants of both sides from their summaries, and reads only the changed tenant\'s entries to compare its files', async () => {
    const root = await pullRequest();
    const dir = await tempDir('tenantctl-base-summaries-');
    await runPipeline({ root, base: 'main', cache: new CountingCache(dir) });
    const cache = new CountingCache(dir);
    const warm = await runPipeline({ root, base: 'main', cache });
    expect(cache.prefetched).toBe(0);
    // Its files differ between the base and the head: each side's entry is read once, for their digests.
    expect(cache.readFor).toEqual(['test-tenant-a', 'test-tenant-a']);
    expect(warm.render?.unread?.owners.map(([t]) => t)).toEqual(['test-tenant-a', 'test-tenant-b']);
    expect(warm.baseCache).toMatchObject({ hits: 2 });
  });
});
