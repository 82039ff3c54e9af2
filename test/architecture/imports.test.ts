import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

/**
 * The stages of src/, lowest first. A stage may import only from stages listed
 * before it (and itself). Folders on one line are peers that must not import
 * each other; an exception is named in `peersAllowed`.
 */
const layers: readonly (readonly string[])[] = [
  ['diagnostics', 'collections', 'framing', 'version', 'cores', 'worker-file'],
  ['manifest'],
  ['platform'],
  ['tenants', 'schema', 'tree'],
  ['render'],
  ['analysis'],
  ['rules'],
  ['lifecycle'],
  ['output'],
  // The check stages' findings cache, which the pipeline consults between drift and schema.
  ['local-findings'],
  ['pipeline'],
  ['commands'],
  ['cli'],
];

/** Peer imports that are part of the design (schema errors are reported against tenants.yaml's resolved CRDs). */
const peersAllowed = new Set(['schema->tenants']);

/** Lower stages that a stage deliberately does not see, although they sit below it. */
const forbidden: Record<string, readonly string[]> = {
  // Rules and analyses are pure: they see objects, never files or templates.
  rules: ['tree', 'render', 'lifecycle', 'output'],
  analysis: ['tree', 'render', 'schema', 'lifecycle', 'output'],
  // Formatters render a result; they do not compute one.
  output: ['tree', 'render', 'rules', 'analysis', 'lifecycle', 'schema', 'tenants'],
};

const layerOf = new Map<string, number>();
layers.forEach((names, i) => names.forEach((n) => layerOf.set(n, i)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generate' && dir.endsWith('schema') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `src/analysis/netpol/x.ts` → `analysis`; `src/cli.ts` → `cli`. */
function stageOf(abs: string): string {
  const rel = path.relative(path.join(repoRoot, 'src'), abs).split(path.sep);
  return rel.length === 1 ? rel[0]!.replace(/\.[jt]s$/, '') : rel[0]!;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function edges(): { from: string; to: string; file: string; spec: string }[] {
  const src = path.join(repoRoot, 'src');
  const out: { from: string; to: string; file: string; spec: string }[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = (m[1] ?? m[2])!;
      const target = path.resolve(path.dirname(file), spec);
      out.push({ from: stageOf(file), to: stageOf(target), file: path.relative(repoRoot, file), spec });
    }
  }
  return out;
}

export function violations(list: ReturnType<typeof edges>): string[] {
  const bad: string[] = [];
  for (const e of list) {
    if (e.from === e.to) continue;
    const from = layerOf.get(e.from);
    const to = layerOf.get(e.to);
    if (from === undefined || to === undefined) {
      bad.push(`${e.file}: stage "${from === undefined ? e.from : e.to}" is not in the layer table of test/architecture/imports.test.ts`);
      continue;
    }
    if (to > from) bad.push(`${e.file} (${e.from}) imports ${e.spec} (${e.to}), a higher stage`);
    else if (to === from && !peersAllowed.has(`${e.from}->${e.to}`)) bad.push(`${e.file} (${e.from}) imports its peer ${e.spec} (${e.to})`);
    else if (forbidden[e.from]?.includes(e.to)) bad.push(`${e.file} (${e.from}) imports ${e.spec} (${e.to}), which ${e.from} must not see`);
  }
  return bad;
}

describe('import graph', () => {
  const list = edges();

  it('finds the imports it checks', () => {
    expect(list.length).toBeGreaterThan(100);
    expect(list.some((e) => e.from === 'cli' && e.to === 'commands')).toBe(true);
  });

  it('has no import from a lower stage into a higher one, and none into a stage it must not see', () => {
    expect(violations(list)).toEqual([]);
  });

  it('would report an upward import', () => {
    const upward = { from: 'rules', to: 'output', file: 'src/rules/x.ts', spec: '../output/index.js' };
    const sideways = { from: 'rules', to: 'tree', file: 'src/rules/y.ts', spec: '../tree/read.js' };
    expect(violations([upward, sideways])).toHaveLength(2);
  });
});
