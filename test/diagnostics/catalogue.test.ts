import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnostic, FINDING_IDS, findingDescriptors, findingEntry, isFindingId } from '../../src/diagnostics/catalogue.js';
import { exitCodeFor } from '../../src/diagnostics/diagnostic.js';
import { rules } from '../../src/rules/registry.js';
import { repoRoot } from '../helpers.js';

describe('finding catalogue', () => {
  it('holds every rule, and only group/name ids', () => {
    for (const id of Object.keys(rules)) expect(isFindingId(id), id).toBe(true);
    for (const id of FINDING_IDS) expect(id).toMatch(/^[a-z0-9]+\/[a-z0-9-]+$/);
  });

  it.each(FINDING_IDS)('%s: describes itself and links a page that documents it', (id) => {
    const e = findingEntry(id);
    expect(e.description.length).toBeGreaterThan(20);
    expect(e.remediation.length).toBeGreaterThan(10);
    const [file, anchor] = e.doc.split('#');
    const abs = path.join(repoRoot, file!);
    expect(existsSync(abs), `${e.doc} does not exist`).toBe(true);
    const text = readFileSync(abs, 'utf8');
    if (anchor) expect(text, `${file} has no anchor ${anchor}`).toContain(`<a id="${anchor}"></a>`);
    else expect(text).toContain(`# ${id}`);
    // The page names the id, so a reader who searches for it lands there.
    expect(text).toContain(id.startsWith('drift/') ? 'drift/' : id);
  });

  it('gives SARIF one descriptor per id, sorted, with the doc page as helpUri', () => {
    const ds = findingDescriptors();
    expect(ds.map((d) => d.id)).toEqual([...FINDING_IDS]);
    expect(ds.find((d) => d.id === 'isolation/cross-tenant-path')?.helpUri).toBe('docs/analysis/isolation.md#cross-tenant-path');
    expect(findingDescriptors(['quota/fit', 'drift/missing', 'quota/fit']).map((d) => d.id)).toEqual(['drift/missing', 'quota/fit']);
  });
});

describe('the diagnostic builder', () => {
  it('takes severity, kind and hint from the catalogue', () => {
    const d = diagnostic('render/template', 'template threw');
    expect(d).toMatchObject({ ruleId: 'render/template', severity: 'error', kind: 'failure', hint: findingEntry('render/template').remediation });
    expect(exitCodeFor([d])).toBe(2);
    const f = diagnostic('drift/missing', 'gone');
    expect(f.kind).toBe('finding');
    expect(exitCodeFor([f])).toBe(1);
  });

  it('lets a stage override severity and hint for one occurrence', () => {
    const d = diagnostic('input/waiver', 'stale', { severity: 'warning', hint: 'delete it', tenant: 'a' });
    expect(d).toMatchObject({ severity: 'warning', hint: 'delete it', tenant: 'a' });
    expect(exitCodeFor([d])).toBe(0);
  });
});

describe('the docs name only ids the tool reports', () => {
  const groups = [...new Set(FINDING_IDS.map((id) => id.split('/')[0]!))];
  const pattern = new RegExp(`\`((?:${groups.join('|')})/[a-z0-9-]+)\``, 'g');
  const docs = ['README.md', ...readdirSync(path.join(repoRoot, 'docs'), { recursive: true }).map(String).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  it.each(docs)('%s', (file) => {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    const named = [...text.matchAll(pattern)].map((m) => m[1]!);
    expect(named.filter((id) => !isFindingId(id))).toEqual([]);
  });
});
