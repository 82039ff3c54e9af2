import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { docsBase } from '../../src/commands/check.js';
import { findingDescriptors } from '../../src/diagnostics/catalogue.js';
import { FALLBACK_ARTIFACT, MAX_SARIF_RESULTS, sarif } from '../../src/output/sarif.js';
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
  // GitHub code scanning rejects a run of more than 25,000 results outright (every alert lost).
  it('keeps the most severe 25,000 findings of a larger run and says how many it left out', () => {
    const at = (i: number) => ({ path: `rendered/ns-${String(i).padStart(5, '0')}/x.yaml`, line: 1, column: 1 });
    const warnings = Array.from({ length: MAX_SARIF_RESULTS + 5 }, (_, i) => ({ ruleId: 'pod/resources' as const, severity: 'warning' as const, kind: 'finding' as const, message: `w${i}`, file: at(i) }));
    const errors = Array.from({ length: 5 }, (_, i) => ({ ruleId: 'isolation/default-deny' as const, severity: 'error' as const, kind: 'finding' as const, message: `e${i}`, file: at(MAX_SARIF_RESULTS + 100 + i) }));
    const log = JSON.parse(sarif({ ...fixture, diagnostics: [...warnings, ...errors] }, opts));
    const results = log.runs[0].results as { level: string; message: { text: string } }[];
    expect(results).toHaveLength(MAX_SARIF_RESULTS);
    expect(results.filter((r) => r.level === 'error')).toHaveLength(5);
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: `10 more findings are not in this file: code scanning rejects a run of more than ${MAX_SARIF_RESULTS} results, so the ${MAX_SARIF_RESULTS} most severe are kept; --format json or text lists every finding` } },
    ]);
    if (validate) expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // At the limit nothing is left out, and no notification is written.
    const full = JSON.parse(sarif({ ...fixture, diagnostics: warnings.slice(0, MAX_SARIF_RESULTS) }, opts));
    expect(full.runs[0].results).toHaveLength(MAX_SARIF_RESULTS);
    expect(full.runs[0].invocations[0].toolExecutionNotifications).toBeUndefined();
  });

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

  it.skipIf(!validate)('links every rule to its page and ranks security rules for code scanning, and stays valid', () => {
    const withDocs = { ...opts, docsBaseUrl: 'https://github.com/acme/tenants/blob/0123abc/' };
    const log = JSON.parse(sarif({ ...fixture, rules: findingDescriptors() }, withDocs));
    expect(validate!(log), JSON.stringify(validate!.errors)).toBe(true);
    const rules = log.runs[0].tool.driver.rules as { id: string; helpUri?: string; properties?: Record<string, unknown> }[];
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('isolation/cross-tenant-path')!.helpUri).toBe('https://github.com/acme/tenants/blob/0123abc/docs/analysis/isolation.md#cross-tenant-path');
    // GitHub: "security-severity" between 0.0 and 10.0; 7.0 to 8.9 is high.
    expect(Number(byId.get('isolation/cross-tenant-path')!.properties!['security-severity'])).toBeGreaterThanOrEqual(7);
    expect(Number(byId.get('workload/image-pinned')!.properties!['security-severity'])).toBeLessThan(7);
    expect(byId.get('render/template')!.properties?.['security-severity']).toBeUndefined();
  });

  it('takes the docs location from the variables GitHub Actions sets', () => {
    expect(docsBase({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/tenants', GITHUB_SHA: '0123abcd' })).toBe('https://github.com/acme/tenants/blob/0123abcd/');
    expect(docsBase({})).toBeUndefined();
    expect(docsBase({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: '../../evil' })).toBeUndefined();
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
