import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FINDINGS } from '../../src/diagnostics/catalogue.js';
import { applyInputEdits, cleanupTempRepos, cli, repoRoot, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

// Every example block of docs/output-formats.md is the output of a real run: a block is
// the fenced code after an `<!-- example: NAME -->` marker, and EXAMPLES below says
// which run (and which part of it) NAME is. The test fails when the doc drifts from
// what tenantctl prints; `UPDATE_GOLDEN=1 npx vitest run test/docs/output-formats.test.ts`
// rewrites the blocks.
const DOC = path.join(repoRoot, 'docs/output-formats.md');
const update = process.env.UPDATE_GOLDEN === '1';

/** The bundled repository with two mistakes: a template that writes a string where Kubernetes wants an integer (rendered), and a hand edit in rendered/. */
async function brokenRepo(): Promise<string> {
  const root = await tempRepo({ rendered: true });
  await applyInputEdits(root, [{ file: 'templates/tenant/deployment-api.yaml.ejs', from: 'replicas: <%- v(tenant.api.replicas) %>', to: 'replicas: <%- v(String(tenant.api.replicas)) %>' }]);
  expect((await cli(root, 'render')).exitCode).toBe(0);
  await applyInputEdits(root, [{ file: 'rendered/ai-agents-test-tenant-b/workloads/configmap-tenant-config.yaml', from: 'LOG_LEVEL: debug', to: 'LOG_LEVEL: trace' }]);
  return root;
}

const check = async (root: string, ...args: string[]) => (await cli(root, 'check', ...args)).stdout;

/** Text with the proof sections shortened to their first lines: the findings and the summary line are whole. */
function shortenSections(text: string): string {
  const out: string[] = [];
  let inSection = 0;
  for (const line of text.trimEnd().split('\n')) {
    if (/^(Tenant isolation matrix|RBAC|Quota headroom|Admission)/.test(line)) inSection = 1;
    else if (line === '') inSection = 0;
    else if (inSection > 0 && inSection++ >= 3) {
      if (inSection === 5) out.push('…');
      continue;
    }
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

const EXAMPLES: Record<string, (broken: string, clean: string) => Promise<string>> = {
  'unknown-format': async (_b, clean) => (await cli(clean, 'check', '--format', 'xml')).stderr ?? '',
  text: async (broken) => shortenSections(await check(broken)),
  'text-clean': async (_b, clean) => `${(await check(clean)).trimEnd().split('\n').pop()}\n`,
  json: async (broken) => {
    const r = JSON.parse(await check(broken, '--format', 'json')) as { diagnostics: unknown[]; sections: Record<string, unknown> };
    const sections = Object.fromEntries(Object.keys(r.sections).map((k) => [k, '…']));
    return `${JSON.stringify({ ...r, diagnostics: r.diagnostics.slice(0, 1), sections }, null, 2)}\n`;
  },
  junit: async (broken) => {
    const xml = await check(broken, '--format', 'junit');
    const suite = /<testsuite name="schema\/[^"]*"[\s\S]*?<\/testsuite>/.exec(xml);
    return `${suite![0]}\n`;
  },
  sarif: async (broken) => {
    const s = JSON.parse(await check(broken, '--format', 'sarif')) as { runs: { results: unknown[] }[] };
    // ruleIndex is the rule's place in the registry: it moves whenever a finding id is added, so the doc shows it as such.
    const { ruleIndex: _index, ...rest } = s.runs[0]!.results[0] as { ruleIndex: number };
    const shown = { ruleId: (rest as { ruleId: string }).ruleId, ruleIndex: '<index in tool.driver.rules>', ...rest };
    return `${JSON.stringify(shown, null, 2)}\n`;
  },
  github: async (broken) => check(broken, '--format', 'github'),
  markdown: async (broken) => check(broken, '--format', 'markdown'),
};

const MARKER = /<!-- example: ([\w-]+) -->\n+```(\w*)\n([\s\S]*?)```/g;

describe('docs/output-formats.md', () => {
  it('every example block is what tenantctl prints', async () => {
    let doc = await readFile(DOC, 'utf8');
    const broken = await brokenRepo();
    const clean = await tempRepo({ rendered: true });
    const names = [...doc.matchAll(MARKER)].map((m) => m[1]!);
    expect(names.sort()).toEqual(Object.keys(EXAMPLES).sort());
    const actual = new Map<string, string>();
    for (const name of names) actual.set(name, await EXAMPLES[name]!(broken, clean));
    const regenerated = doc.replace(MARKER, (_all, name: string, lang: string) => `<!-- example: ${name} -->\n\n\`\`\`${lang}\n${actual.get(name)}\`\`\``);
    if (update) {
      await writeFile(DOC, regenerated);
      doc = regenerated;
    }
    expect(doc).toBe(regenerated);
  });

  it('names only finding ids that exist', async () => {
    const doc = await readFile(DOC, 'utf8');
    const ids = new Set([...doc.matchAll(/(?<![\w/.-])((?:schema|drift|render|rules?|isolation|pod|k8s|namespace|network|quota|rbac|lifecycle|delivery|admission|input|manifest|workload)\/[a-z][a-z0-9-]+)(?![\w/.-])/g)].map((m) => m[1]!));
    const known = new Set(Object.keys(FINDINGS));
    expect(ids.size).toBeGreaterThan(1);
    expect([...ids].filter((id) => !known.has(id))).toEqual([]);
  });
});
