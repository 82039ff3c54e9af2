import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse.js';
import { runPipeline } from '../../src/pipeline.js';
import { cleanupTempRepos, cli, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

const ids = (ds: readonly { ruleId: string }[]) => [...new Set(ds.map((d) => d.ruleId))].sort();

/** A committed Service edited by hand: drift, a schema error and a rule finding at once. */
async function editedRepo(): Promise<string> {
  const root = await tempRepo({ rendered: true });
  const file = path.join(root, 'rendered/ai-agents-test-tenant-a/workloads/service-api.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('  type: ClusterIP\n', '  type: NodePort\n  bogusField: 1\n'));
  return root;
}

describe('the one pipeline', () => {
  it('runs only the stages asked for, in order, and reports each one', async () => {
    const root = await editedRepo();
    const driftOnly = await runPipeline({ root, stages: ['drift'] });
    expect(ids(driftOnly.diagnostics)).toEqual(['drift/changed']);
    expect(driftOnly.timings.map((t) => t.phase)).toEqual(['load', 'drift']);
    const all = await runPipeline({ root });
    expect(ids(all.diagnostics)).toEqual(expect.arrayContaining(['drift/changed', 'schema/invalid', 'workload/service-type']));
    expect(all.timings.map((t) => t.phase)).toEqual(['load', 'drift', 'schema', 'rules', 'proofs', 'admission', 'lifecycle']);
    expect(all.sections.map((s) => s.title)).toContain('RBAC');
  });

  it('starts each phase on a turn of the event loop of its own, so no native callback that settled a wait holds what it delivered to the end', async () => {
    const root = await editedRepo();
    /** Per phase, whether a callback queued for the next turn when the phase before it started had run by the time it started. */
    const turned: [string, boolean][] = [];
    let queued: { ran: boolean } | undefined;
    await runPipeline({
      root,
      onPhase: (name) => {
        if (queued) turned.push([name, queued.ran]);
        const q = { ran: false };
        setImmediate(() => (q.ran = true));
        queued = q;
      },
    });
    expect(turned.map(([name]) => name)).toEqual(['drift', 'schema', 'rules', 'proofs', 'admission', 'lifecycle']);
    expect(turned.filter(([, ran]) => !ran)).toEqual([]);
  });

  it('checks the objects in path order, whether the committed tree is the render or a file differs', async () => {
    const root = await tempRepo({ rendered: true });
    const clean = await runPipeline({ root, stages: ['drift'] });
    expect(clean.diagnostics).toEqual([]);
    const files = clean.manifests.map((m) => m.file);
    expect(files.length).toBeGreaterThan(20);
    expect(files).toEqual([...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // A comment changes the file, not its object: it is read from disk, in its place among the others.
    const edited = 'rendered/ai-agents-test-tenant-a/workloads/service-api.yaml';
    await writeFile(path.join(root, edited), `${await readFile(path.join(root, edited), 'utf8')}# edited by hand\n`);
    const drifted = await runPipeline({ root, stages: ['drift'] });
    expect(ids(drifted.diagnostics)).toEqual(['drift/changed']);
    expect(drifted.manifests.map((m) => m.file)).toEqual(files);
    const at = files.indexOf(edited);
    expect(drifted.manifests[at]).not.toBe(clean.manifests[at]);
    expect(drifted.manifests[at]!.object).toEqual(clean.manifests[at]!.object);
  });

  it('is what check reports: the same findings, the same exit code', async () => {
    const root = await editedRepo();
    const direct = await runPipeline({ root });
    const viaCli = await cli(root, 'check', '--format', 'json');
    const reported = JSON.parse(viaCli.stdout) as { diagnostics: { ruleId: string }[] };
    expect(viaCli.exitCode).toBe(1);
    expect(ids(reported.diagnostics)).toEqual(ids(direct.diagnostics));
    expect(reported.diagnostics).toHaveLength(direct.diagnostics.length);
  });

  it('stops after input that cannot be processed', async () => {
    const root = await tempRepo({ rendered: true, tenants: 'platform: [\n' });
    const r = await runPipeline({ root });
    expect(r.diagnostics.every((d) => d.kind === 'failure')).toBe(true);
    expect(ids(r.diagnostics)).toEqual(['input/tenants-file']);
    expect(r.timings.map((t) => t.phase)).toEqual(['load']);
  });

  it('checks given manifests without a tenants repository', async () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n    - port: 80\n  colour: blue\n';
    const { manifests } = parseManifests(text, { file: 'svc.yaml' });
    const r = await runPipeline({ root: '.', manifests, files: 1, stages: ['schema', 'rules', 'proofs'] });
    // Rules that judge the tree as the whole platform (is namespace "shop" created?) need tenants.yaml and are skipped.
    expect(ids(r.diagnostics)).toEqual(['schema/invalid']);
    expect(r.diagnostics.find((d) => d.ruleId === 'schema/invalid')!.file).toMatchObject({ path: 'svc.yaml', line: 9 });
    expect(r.config).toBeUndefined();
    expect(r.timings.map((t) => t.phase)).toEqual(['schema', 'rules']);
  });
});
