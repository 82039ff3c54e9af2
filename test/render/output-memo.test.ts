import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCanonicalYaml } from '../../src/manifest/canonical.js';
import { parseManifests } from '../../src/manifest/parse.js';
import { ID_MARK, maskable, OutputMemo, placementHead } from '../../src/render/output-memo.js';
import { faithfulJson, renderer, type RenderEvent } from '../../src/render/tenant.js';
import { loadTemplates } from '../../src/render/templates.js';
import { loadTenantsFile } from '../../src/tenants/index.js';
import { bundledTenants, cleanupTempRepos, tempRepo } from '../helpers.js';

afterAll(cleanupTempRepos);

/** What the renderer makes of a template's text without the memo: the parse, its canonical YAML and JSON. */
function direct(text: string): { head: unknown; text: string; json: string | undefined; value: unknown }[] | undefined {
  const parsed = parseManifests(text, { file: 't.yaml.ejs' });
  if (parsed.diagnostics.length > 0) return undefined;
  return parsed.manifests.map((m) => ({ head: placementHead(m.object), text: toCanonicalYaml(m.object), json: faithfulJson(m.object), value: m.object }));
}

const viaMemo = (memo: OutputMemo, text: string, id: string) => memo.objects('t.yaml.ejs', text, id)?.map((o) => ({ head: o.head, text: o.text(), json: o.json(), value: o.value() }));

const doc = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-ID\n  namespace: ns-ID\n${body}`;

/**
 * Template outputs with the id (ID) where YAML could read it differently:
 * alone as a value, beside digits and number letters (0x, 1e, .5), quoted,
 * in flow and block collections, in literal, folded and multi-line plain
 * scalars, after a dash, in a comment, behind an anchor.
 */
const SHAPES = [
  doc('data:\n  a: ID\n  b: 0xID\n  c: 1ID\n  d: ID.5\n  e: 1eID\n  f: -ID\n  g: +ID\n'),
  doc('data:\n  a: "ID"\n  b: \'ID\'\n  c: "x ID y"\n  d: ID ID\n'),
  doc('data:\n  list: [ID, "ID", 1ID]\n  map: {k: ID, l: 0ID}\n'),
  doc('data:\n  lit: |\n    line ID\n    ID\n  fold: >\n    one ID\n    two\n  plain: first ID\n    second ID\n'),
  doc('spec:\n  - ID\n  - - 0ID\n  - x: ID\n# a comment naming ID\n'),
  doc('spec:\n  a: &anchor ID-value\n  b: *anchor\n'),
  doc('data:\n  port: 8000\n  flag: true\n  none: null\n  when: 2024-01-01\n  dotted: ID.example.com\n'),
  doc('data:\n  a: IDnull\n  b: nullID\n  c: ID:8000\n  d: ID#x\n'),
];

/** Ids the memo takes (each with a letter no number holds) and ids it must refuse. */
const IDS = ['tenant-00001', 'tenant-2', 'acme', 'g', 'k8s', 'team-ml', 'zz', 'h0x', 'sun'];
const REFUSED = ['true', 'null', 'no', 'on', 'y', 'n', 'nan', 'inf', 'ru', 'ul', 'als', 'dead', 'beef-cafe', '0x1f', '1e5', '123', 'e', 'a-b-c', 'x9'];

describe('output memo: template texts parsed once with the id masked', () => {
  it('takes ids no scalar resolves differently with and refuses the others', () => {
    expect(IDS.filter((id) => !maskable(id))).toEqual([]);
    expect(REFUSED.filter(maskable)).toEqual([]);
  });

  it('gives for every tenant exactly what parsing its own text gives, and parses each shape once', () => {
    let hits = 0;
    for (const shape of SHAPES) {
      const memo = new OutputMemo(faithfulJson);
      for (const id of IDS) {
        const text = shape.replaceAll('ID', id);
        const got = viaMemo(memo, text, id);
        expect(got, `${id} in\n${text}`).toEqual(direct(text));
        if (got) hits++;
      }
    }
    // Every shape is one the memo can hold: the test compares memoised results, not the fallback.
    expect(hits).toBe(SHAPES.length * IDS.length);
  });

  it('leaves to the ordinary parse what it cannot fill exactly', () => {
    const memo = new OutputMemo(faithfulJson);
    const refused = (text: string, id: string) => memo.objects('t.yaml.ejs', text, id);
    // The id in a key: keys are sorted, and the mark could sort elsewhere.
    expect(refused(doc('data:\n  tenant-00001: x\n'), 'tenant-00001')).toBeUndefined();
    // A backslash: an escape could spell the mark in a value, which filling would then replace.
    expect(refused(doc(`data:\n  a: "\\u00ff${ID_MARK.slice(1)}"\n`).replaceAll('ID', 'tenant-00001'), 'tenant-00001')).toBeUndefined();
    // The mark itself already in the text.
    expect(refused(doc(`data:\n  a: ${ID_MARK}\n`).replaceAll('ID', 'tenant-00001'), 'tenant-00001')).toBeUndefined();
    // Invalid YAML and several documents: the ordinary parse reports them at the tenant's own line.
    expect(refused(doc('data:\n  a: [tenant-00001\n'), 'tenant-00001')).toBeUndefined();
    expect(refused(`${doc('')}---\n${doc('')}`.replaceAll('ID', 'tenant-00001'), 'tenant-00001')).toBeUndefined();
    // A value JSON cannot carry back (.inf).
    expect(refused(doc('data:\n  a: tenant-00001\n  b: .inf\n'), 'tenant-00001')).toBeUndefined();
    // An id a scalar could resolve differently with.
    expect(refused(doc('data:\n  a: x\n').replaceAll('ID', 'true'), 'true')).toBeUndefined();
  });

  it('fills a shape only into a text that is exactly that shape, whatever it was matched against before', () => {
    const memo = new OutputMemo(faithfulJson);
    const shape = doc('data:\n  a: ID\n');
    viaMemo(memo, shape.replaceAll('ID', 'acme'), 'acme');
    // Same length, one character different: not the shape.
    const other = shape.replaceAll('ID', 'zeta').replace('a: zeta', 'b: zeta');
    expect(viaMemo(memo, other, 'zeta')).toEqual(direct(other));
    // Another word of the id's length where the shape has the id: not the shape either.
    const swapped = shape.replaceAll('ID', 'zeta').replace('ns-zeta', 'ns-wxyz');
    expect(viaMemo(memo, swapped, 'zeta')).toEqual(direct(swapped));
    // The id of another tenant in the text is not a mark.
    const named = doc('data:\n  a: ID\n  b: acme\n').replaceAll('ID', 'zeta');
    expect(viaMemo(memo, named, 'zeta')).toEqual(direct(named));
  });

  it('gives each tenant a value of its own', () => {
    const memo = new OutputMemo(faithfulJson);
    const [a] = memo.objects('t.yaml.ejs', doc('data:\n  a: ID\n').replaceAll('ID', 'acme'), 'acme')!;
    const [b] = memo.objects('t.yaml.ejs', doc('data:\n  a: ID\n').replaceAll('ID', 'zeta'), 'zeta')!;
    const va = a!.value();
    (va.data as Record<string, string>).a = 'changed';
    expect(b!.value().data).toEqual({ a: 'zeta' });
    expect(a!.value().data).toEqual({ a: 'acme' });
    expect(ID_MARK.length).toBeGreaterThan(63);
  });
});

/** Tenants whose ids the memo takes and ids it refuses (hex words, digits), on both tiers, with and without their own config. */
const MORE_TENANTS = ['acme', 'team-ml', 'tenant-00007', 'g1', 'dead', 'beef-cafe', '0x1f', '12', 'sun', 'k8s']
  .map((id, i) => `  - id: "${id}"\n    name: Tenant ${i % 3}\n    tier: ${i % 2 ? 'premium' : 'standard'}\n${i % 4 === 0 ? '    config:\n      LOG_LEVEL: debug\n' : ''}`)
  .join('');

/** A template that writes the id where YAML reads it by its characters: raw, after 0x and 1e, as a key, in a block. */
const HOSTILE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: raw-<%- tenant.id %>
  namespace: <%- tenant.namespace %>
data:
  raw: <%- tenant.id %>
  hex: 0x<%- tenant.id %>
  exp: 1e<%- tenant.id %>
  list: [<%- tenant.id %>, x<%- tenant.id %>]
  block: |
    <%- tenant.id %> in a block
<% if (tenant.id.startsWith('a') || tenant.id.length % 2) { %>  <%- tenant.id %>: odd
<% } %>`;

const normalised = (events: readonly RenderEvent[]) => events.map((e) => ('diagnostic' in e ? e : { object: e.object, value: e.value ?? JSON.parse(e.object.json) }));

/** A small seeded generator, so the texts below are the same on every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** Pieces YAML reads by their characters: number and word parts, indicators, quotes, comments, anchors, tags. */
const PIECES = ['ID', 'ID', 'ID', '0x', '0o', '0b', '1e', '1', '0', '.', '-', '+', '_', ':', ': ', 'e', 'a', 'f', 'inf', '.inf', 'nan', 'true', 'null', 'No', 'on', 'y', ' ', ' #', '#', '"', "'", '[', ']', ',', '{', '}', '&a ', '*a', '!!str ', '~', '=', '<<', '2024-01-01', '\\t', '\u00ff'];

describe('output memo against random texts', () => {
  it('never gives anything but what parsing the text itself gives', () => {
    const next = random(20261206);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const ids = IDS.filter((id) => id !== 'g');
    let hits = 0;
    let cases = 0;
    for (let i = 0; i < 1500; i++) {
      const values = Array.from({ length: 1 + Math.floor(next() * 4) }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(PIECES)).join(''));
      const wrap = (v: string, k: number) =>
        [`  k${k}: ${v}`, `  k${k}: "${v}"`, `  k${k}: '${v}'`, `  k${k}: [${v}, ${v}]`, `  k${k}: |\n    ${v}\n    ${v}`, `  k${k}:\n    - ${v}`, `  ${v}: k${k}`][Math.floor(next() * 7)]!;
      const shape = doc(`data:\n${values.map(wrap).join('\n')}\n`);
      // One memo per shape and two tenants: the first fills it, the second is served from it.
      const memo = new OutputMemo(faithfulJson);
      for (const id of [pick(ids), pick(ids)]) {
        const text = shape.replaceAll('ID', id);
        const got = viaMemo(memo, text, id);
        cases++;
        if (got === undefined) continue;
        hits++;
        expect(got, text).toEqual(direct(text));
      }
    }
    // Enough of them are memoised for the comparison to mean something.
    expect(hits).toBeGreaterThan(cases / 4);
  });
});

describe('output memo in the renderer', () => {
  it('renders every tenant exactly as parsing each text on its own does, with and without JSON', async () => {
    const root = await tempRepo({ tenants: (await bundledTenants()) + MORE_TENANTS });
    await writeFile(path.join(root, 'templates/tenant/configmap-raw.yaml.ejs'), HOSTILE);
    const { config, diagnostics } = await loadTenantsFile(path.join(root, 'tenants.yaml'), 'tenants.yaml');
    expect(diagnostics.map((d) => d.message)).toEqual([]);
    const { templates } = await loadTemplates(root, 'templates');
    const selected = templates.filter((t) => t.tool === undefined || t.tool === 'argocd');
    for (const json of [true, false]) {
      const memo = renderer(config!, selected, 'rendered');
      const plain = renderer(config!, selected, 'rendered', { memo: false });
      // Twice over: the second time every shape is one the memo has seen.
      for (const t of [...config!.tenants, ...config!.tenants]) expect(normalised(memo.renderTenant(t, json).events), t.id).toEqual(normalised(plain.renderTenant(t, json).events));
    }
    // The hostile template did reach YAML's own readings: there a hex id is a number.
    const dead = renderer(config!, selected, 'rendered').renderTenant(config!.tenants.find((t) => t.id === 'dead')!, false).events;
    const raw = dead.flatMap((e) => ('object' in e && e.object.path.endsWith('configmap-raw-dead.yaml') ? [e.value!] : []));
    expect(raw[0]?.data).toMatchObject({ raw: 'dead', hex: 57005 });
  });
});
