import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { renderInMemory, runPipeline } from '../../src/pipeline.js';
import { rules } from '../../src/rules/registry.js';
import { repoRoot } from '../helpers.js';

/**
 * Every rule's doc page shows its examples as changes to the bundled tree:
 *
 *     ```diff fails file=rendered/…/service-api.yaml
 *     -  type: ClusterIP
 *     +  type: NodePort
 *     ```
 *
 * Lines with `-` are replaced by the lines with `+` (lines with a space stay);
 * a block with only `+` lines appends a document to the file. This test applies
 * each example and runs the pipeline's validation stages: a `fails` example must
 * produce a finding of the page's rule in that file, a `passes` example none.
 * So the docs cannot drift from what the rule does.
 */
interface Example {
  verdict: 'fails' | 'passes';
  file: string;
  from: string;
  to: string;
}

/** Rules whose failing case cannot be written in a page, and why. */
const exempt: Record<string, string> = {
  'k8s/object-size': 'a failing object is larger than 256 KiB of annotations; test/rules/k8s-object-size.test.ts builds one',
};

export function examplesOf(markdown: string): Example[] {
  const out: Example[] = [];
  for (const m of markdown.matchAll(/^```diff (fails|passes) file=(\S+)\n([\s\S]*?)^```$/gm)) {
    const from: string[] = [];
    const to: string[] = [];
    for (const line of m[3]!.split('\n').slice(0, -1)) {
      const body = line.slice(1);
      if (line.startsWith('-')) from.push(body);
      else if (line.startsWith('+')) to.push(body);
      else if (line.startsWith(' ')) {
        from.push(body);
        to.push(body);
      } else throw new Error(`example line must start with -, + or a space: ${JSON.stringify(line)}`);
    }
    out.push({ verdict: m[1] as Example['verdict'], file: m[2]!, from: from.length ? `${from.join('\n')}\n` : '', to: `${to.join('\n')}\n` });
  }
  return out;
}

const bundled = renderInMemory({ root: repoRoot });

async function findingsAfter(e: Example): Promise<Diagnostic[]> {
  const side = await bundled;
  const before = side.render!.files.get(e.file);
  if (before === undefined) throw new Error(`${e.file} is not in the bundled tree`);
  if (e.from && !before.includes(e.from)) throw new Error(`${e.file} does not contain:\n${e.from}`);
  const text = e.from ? before.replace(e.from, e.to) : `${before}---\n${e.to}`;
  const origin = side.render!.manifests.find((m) => m.file === e.file)?.origin;
  const parsed = parseManifests(text, { file: e.file, ...(origin ? { origin } : {}) });
  expect(parsed.diagnostics, 'the example is valid YAML').toEqual([]);
  const manifests = [...side.render!.manifests.filter((m) => m.file !== e.file), ...parsed.manifests];
  const r = await runPipeline({ root: repoRoot, manifests, config: side.config!, stages: ['schema', 'rules', 'proofs'] });
  return r.diagnostics;
}

const pages = Object.keys(rules).map((id) => ({ id, examples: examplesOf(readFileSync(path.join(repoRoot, 'docs/rules', `${id}.md`), 'utf8')) }));

describe('rule doc pages run their examples', () => {
  it.each(pages)('$id: has a failing and a passing example (or says why not)', ({ id, examples }) => {
    expect(examples.some((e) => e.verdict === 'passes'), `${id} has no passing example`).toBe(true);
    if (!(id in exempt)) expect(examples.some((e) => e.verdict === 'fails'), `${id} has no failing example`).toBe(true);
  });

  const cases = pages.flatMap(({ id, examples }) => examples.map((e, i) => ({ name: `${id} #${i + 1} ${e.verdict}`, id, e })));
  it.each(cases)('$name', async ({ id, e }) => {
    const ds = (await findingsAfter(e)).filter((d) => d.ruleId === id);
    if (e.verdict === 'fails') expect(ds.filter((d) => d.file?.path === e.file).length, `no ${id} finding in ${e.file}`).toBeGreaterThan(0);
    else expect(ds.map((d) => `${d.file?.path}:${d.file?.line} ${d.message}`)).toEqual([]);
  });
});
