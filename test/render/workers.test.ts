import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RenderCache } from '../../src/render/cache.js';
import { loadTemplates } from '../../src/render/templates.js';
import { renderTree, renderTreeInWorkers, TENANTS_PER_BATCH } from '../../src/render/render.js';
import { loadTenantsFile } from '../../src/tenants/index.js';
import { bundledTenants, cleanupTempRepos, cli, tempDir, tempRepo, treeOf } from '../helpers.js';

afterAll(cleanupTempRepos);

/** Enough tenants that the work is spread over worker threads (they start from two batches of tenants), some premium, one decommissioned. */
async function manyTenants(): Promise<string> {
  let text = `${(await bundledTenants()).trimEnd()}\n`;
  for (let i = 0; i < 3 * TENANTS_PER_BATCH; i++) text += `  - id: bulk-${i}\n    name: Bulk ${i}\n    tier: ${i % 7 === 0 ? 'premium' : 'standard'}\n${i === 5 ? '    decommissioned: true\n' : ''}`;
  return text;
}

async function inputs(root: string) {
  const loaded = await loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml');
  return [loaded.config!, (await loadTemplates(root)).templates] as const;
}

describe('rendering in worker threads', () => {
  it('gives the same tree and the same check output with 1 and 2 workers, with and without the cache', async () => {
    const tenants = await manyTenants();
    const one = await tempRepo({ tenants });
    const two = await tempRepo({ tenants });
    const r1 = await cli(one, 'render', '--no-cache', '--workers', '1');
    const r2 = await cli(two, 'render', '--no-cache', '--workers', '2');
    expect([r1.exitCode, r2.exitCode]).toEqual([0, 0]);
    expect(r2.stdout).toBe(r1.stdout);
    const tree = await treeOf(one);
    expect(tree.size).toBeGreaterThan(3 * TENANTS_PER_BATCH * 10);
    expect(await treeOf(two)).toEqual(tree);
    const check = (root: string, ...argv: string[]) => cli(root, 'check', '--format', 'json', '--allow-no-base', ...argv);
    const c1 = await check(one, '--no-cache', '--workers', '1');
    expect(c1.exitCode).toBe(0);
    const threads = await renderTreeInWorkers(...(await inputs(two)), 'rendered', { workers: 2, templateFiles: (await loadTemplates(two)).files, templatesDir: 'templates' });
    expect(threads.workers).toBe(2);
    expect(threads.files).toEqual(renderTree(...(await inputs(one))).files);
    // Cold cache filled by two workers, then replayed.
    for (const argv of [['--no-cache', '--workers', '2'], ['--workers', '2'], ['--workers', '2']]) expect((await check(two, ...argv)).stdout).toBe(c1.stdout);
  });

  it('holds the template time limit in a worker thread', async () => {
    const root = await tempRepo({ tenants: await manyTenants() });
    const template = 'templates/tenant/configmap.yaml.ejs';
    const file = path.join(root, template);
    await writeFile(file, `<% if (tenant.id === 'bulk-150') for (;;) {} %>\n${await readFile(file, 'utf8')}`);
    const tpl = await loadTemplates(root);
    const loaded = await loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml');
    const r = await renderTreeInWorkers(loaded.config!, tpl.templates, 'rendered', { timeLimitMs: 2000, workers: 2, templateFiles: tpl.files, templatesDir: 'templates' });
    expect(r.workers).toBe(2);
    expect(r.files.size).toBe(0);
    const timeouts = r.diagnostics.filter((d) => d.ruleId === 'render/template');
    expect(timeouts.map((d) => [d.kind, d.file?.path, d.tenant])).toEqual([['failure', template, 'bulk-150']]);
    expect(timeouts[0]!.message).toMatch(/^template did not finish within 2 s for tenant bulk-150/);
    // The same template in this thread stops the same way.
    const here = renderTree(loaded.config!, tpl.templates, 'rendered', { timeLimitMs: 2000 });
    expect(here.diagnostics.map((d) => [d.ruleId, d.tenant, d.message])).toEqual(timeouts.map((d) => [d.ruleId, d.tenant, d.message]));
  });

  it('holds the time limit for a tenant rendered in this thread while the others are replayed', async () => {
    const root = await tempRepo({ tenants: await manyTenants() });
    const template = 'templates/tenant/configmap.yaml.ejs';
    const file = path.join(root, template);
    // Past the limit only once bulk-150 is premium, which it becomes after the cache holds every tenant.
    await writeFile(file, `<% if (tenant.id === 'bulk-150' && tenant.tierName === 'premium') { const end = Date.now() + 4000; while (Date.now() < end) {} } %>\n${await readFile(file, 'utf8')}`);
    const tpl = await loadTemplates(root);
    const dir = await tempDir();
    const render = async () => {
      const loaded = await loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml');
      return renderTreeInWorkers(loaded.config!, tpl.templates, 'rendered', { timeLimitMs: 2000, workers: 2, templateFiles: tpl.files, templatesDir: 'templates', cache: new RenderCache(dir), templatesDigest: tpl.digest });
    };
    const first = await render();
    expect([first.diagnostics, first.workers, first.cache?.hits]).toEqual([[], 2, 0]);
    const tenants = await readFile(path.join(root, 'tenants.yaml'), 'utf8');
    await writeFile(path.join(root, 'tenants.yaml'), tenants.replace('id: bulk-150\n    name: Bulk 150\n    tier: standard', 'id: bulk-150\n    name: Bulk 150\n    tier: premium'));
    const second = await render();
    // One tenant to render is not worth a thread: it runs here, between batches placed from the cache.
    expect(second.workers).toBeUndefined();
    expect(second.diagnostics.map((d) => [d.ruleId, d.kind, d.file?.path, d.tenant])).toEqual([['render/template', 'failure', template, 'bulk-150']]);
    expect(second.diagnostics[0]!.message).toMatch(/^template did not finish within 2 s for tenant bulk-150/);
  });

  it('refuses a --workers that is not a whole number from 1', async () => {
    const root = await tempRepo();
    const r = await cli(root, 'render', '--workers', '0');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--workers takes a whole number from 1');
  });
});
