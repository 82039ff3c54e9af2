import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInMemory, runPipeline } from '../../src/pipeline.js';
import { readTree } from '../../src/tree/read.js';
import { cleanupTempRepos, repoRoot, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

// Each case: test/golden/cases/<name>/tenants.yaml (the bundled one when absent)
// rendered with the repository's templates must equal <name>/expected/ byte for
// byte. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites the expectations.
const casesDir = path.join(repoRoot, 'test/golden/cases');
const cases = readdirSync(casesDir).sort();
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden rendered trees', () => {
  it('has cases', () => {
    expect(cases).toContain('bundled');
  });

  it.each(cases)('%s', async (name) => {
    const dir = path.join(casesDir, name);
    const own = path.join(dir, 'tenants.yaml');
    const root = await tempRepo(existsSync(own) ? { tenants: await readFile(own, 'utf8') } : {});
    const r = await renderInMemory({ root });
    expect(r.diagnostics).toEqual([]);
    const actual = r.render!.files;
    const expectedDir = path.join(dir, 'expected');
    if (update) {
      await rm(expectedDir, { recursive: true, force: true });
      for (const [p, text] of actual) {
        const target = path.join(expectedDir, p);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, text);
      }
    }
    const expected = await readTree(path.join(expectedDir, 'rendered'), 'rendered');
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [p, text] of actual) expect(text, p).toBe(expected.get(p));
    // Every case is also a valid tree: strict schemas (Argo CD, Flux included) and every rule.
    const findings = await runPipeline({ root, manifests: r.render!.manifests, stages: ['schema', 'rules', 'proofs'], ...(r.config ? { config: r.config } : {}) });
    expect(findings.diagnostics.map((d) => `${d.ruleId} ${d.file?.path}:${d.file?.line} ${d.message}`)).toEqual([]);
  });

  it('the bundled case is the committed rendered/ tree', async () => {
    const committed = await readTree(path.join(repoRoot, 'rendered'), 'rendered');
    const golden = await readTree(path.join(casesDir, 'bundled/expected/rendered'), 'rendered');
    expect(committed).toEqual(golden);
  });
});

describe('determinism', () => {
  it('renders byte-identical trees from two different directories, twice', async () => {
    const a = await tempRepo();
    const b = await tempRepo();
    const first = (await renderInMemory({ root: a })).render!.files;
    const second = (await renderInMemory({ root: b })).render!.files;
    const third = (await renderInMemory({ root: a })).render!.files;
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    for (const text of first.values()) {
      expect(text).not.toContain(a);
      expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    }
  });

  it('does not depend on the order tenants are listed in', async () => {
    const base = await tempRepo();
    const text = await readFile(path.join(base, 'tenants.yaml'), 'utf8');
    const a = text.slice(text.indexOf('  - id: test-tenant-a'), text.indexOf('  - id: test-tenant-b'));
    const b = text.slice(text.indexOf('  - id: test-tenant-b'));
    const swapped = `${text.slice(0, text.indexOf('  - id: test-tenant-a'))}${b.trimEnd()}\n\n${a.trimEnd()}\n`;
    const other = await tempRepo({ tenants: swapped });
    const x = (await renderInMemory({ root: base })).render!.files;
    const y = (await renderInMemory({ root: other })).render!.files;
    expect(y).toEqual(x);
  });
});

