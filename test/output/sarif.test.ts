import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FALLBACK_ARTIFACT, sarif } from '../../src/output/sarif.js';
import { emptyResult, fixture, opts } from './fixture.js';

/*
 * The official SARIF 2.1.0 schema, from a pinned npm package rather than the network.
 * @microsoft/jest-sarif ships it as draft-04 (the 2.1.0-rtm.5 edition); ajv speaks draft-07,
 * and the schema uses no draft-04-only keyword beyond the top-level `id`, so renaming that
 * is enough. The multitool's copy (same content, re-declared as 2020-12) is accepted too.
 */
// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule.default;

const root = fileURLToPath(new URL('../../', import.meta.url));
const candidates = [
  { path: 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', dialect: 'draft-04' },
  { path: 'node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json', dialect: '2020-12' },
] as const;

function loadValidator(): ValidateFunction | undefined {
  const found = candidates.find((c) => existsSync(root + c.path));
  if (!found) return undefined;
  const schema = JSON.parse(readFileSync(root + found.path, 'utf8')) as Record<string, unknown>;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only
  // unicode-mode regular expressions reject.
  if (found.dialect === 'draft-04') {
    delete schema['$schema'];
    schema['$id'] = schema['id'];
    delete schema['id'];
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    return ajv.compile(schema);
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validate = loadValidator();
if (!validate) {
  console.warn(
    `SARIF schema validation SKIPPED: none of ${candidates.map((c) => c.path).join(', ')} is installed ` +
      '(add @microsoft/jest-sarif as a devDependency)',
  );
}

type Log = { runs: [{ tool: { driver: { rules: { id: string }[] } }; results: Record<string, any>[] }] };
const parse = (s: string) => JSON.parse(s) as Log;

describe('sarif formatter', () => {
  it('matches the snapshot', async () => {
    await expect(sarif(fixture, opts)).toMatchFileSnapshot('__snapshots__/sarif.json');
  });

  it.skipIf(!validate)('validates against the SARIF 2.1.0 schema', () => {
    for (const result of [fixture, emptyResult]) {
      const ok = validate!(JSON.parse(sarif(result, opts)));
      expect(validate!.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('gives every result a region and a rule index that points at its rule', () => {
    const run = parse(sarif(fixture, opts)).runs[0];
    expect(run.results).toHaveLength(fixture.diagnostics.length);
    for (const r of run.results) {
      const region = r['locations'][0].physicalLocation.region;
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(run.tool.driver.rules[r['ruleIndex']]!.id).toBe(r['ruleId']);
    }
    const failure = run.results.find((r) => r['ruleId'] === 'render/template')!;
    expect(failure['locations'][0].physicalLocation.artifactLocation.uri).toBe(FALLBACK_ARTIFACT);
  });

  it('maps levels and waivers', () => {
    const run = parse(sarif(fixture, opts)).runs[0];
    const by = (id: string) => run.results.find((r) => r['ruleId'] === id)!;
    expect(by('quota/fit')['level']).toBe('note');
    expect(by('drift/changed')['level']).toBe('error');
    expect(by('pod/resources')['suppressions']).toEqual([
      { kind: 'external', justification: 'sidecar injected by the mesh; LimitRange covers it (TICKET-12)' },
    ]);
    expect(by('drift/changed')['suppressions']).toBeUndefined();
  });

  it('keeps fingerprints stable when a finding moves', () => {
    const moved = {
      ...fixture,
      diagnostics: fixture.diagnostics.map((d) => (d.file ? { ...d, file: { ...d.file, line: d.file.line + 10 } } : d)),
    };
    const prints = (s: string) => parse(s).runs[0].results.map((r) => r['partialFingerprints']['tenantctl/v1']);
    expect(prints(sarif(moved, opts))).toEqual(prints(sarif(fixture, opts)));
    expect(new Set(prints(sarif(fixture, opts))).size).toBe(fixture.diagnostics.length);
  });
});
