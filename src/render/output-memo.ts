import { NUMBER_CHARS, RESOLVED_WORDS, toCanonicalYaml } from '../manifest/canonical.js';
import { dns1123Label } from '../manifest/names.js';
import { parseManifests } from '../manifest/parse.js';
import type { KubeObject } from '../manifest/types.js';

/**
 * Tenants rendered from one template mostly produce the same text but for
 * their id (`namespace: ai-agents-acme`, `tenant: acme`). Parsing that text
 * and writing its canonical YAML and its JSON cost more than running the
 * template; this memo does them once per text with the id replaced by a
 * mark, and fills the tenant's id back into the results.
 *
 * That gives exactly what parsing the tenant's own text gives, because
 * nothing the parser or the emitter decides can tell the id from the mark:
 *
 * - The mark's first character occurs nowhere else in it, and a text that
 *   already holds it is not memoised, so every mark in the masked text stands
 *   for one occurrence of the id, and filling it back gives the tenant's text.
 * - A text with a backslash is not memoised: an escape in a double-quoted
 *   scalar could spell the mark in a value without the mark being in the text.
 * - Both the id and the mark are runs of characters that are never YAML
 *   syntax (no space, colon, `#`, quote, bracket, comma or indicator), so the
 *   structure around them is the same; a block or plain scalar only folds at
 *   line breaks, which neither holds.
 * - A plain scalar resolves to null, a bool or a number only when every
 *   character of it could be part of one (YAML 1.2 core schema), or when it
 *   is one of a few words. The id must hold a character no number can, and
 *   must not occur within any of those words (`maskable`); the mark is
 *   chosen the same way. A scalar holding either is then a string, with
 *   either, and the canonical emitter (which also quotes YAML 1.1's words)
 *   writes it plain or quoted alike, and the same JSON.
 * - Keys are written in sorted order, which the mark could change: a text
 *   whose object has the mark in a key is not memoised.
 * - The mark is longer than any DNS label, so a length limit (a large text,
 *   a long implicit key) refuses the masked text before the tenant's.
 *
 * Anything else (invalid YAML, several documents, a value JSON cannot carry)
 * is left to the ordinary parse, which reports it at the tenant's own line.
 */

/** Latin-1, so masked texts stay one byte per character: ÿ, which no DNS label holds, then 63 × `q`. */
export const ID_MARK = `\u00ff${'q'.repeat(63)}`;
const MARK_START = ID_MARK[0]!;

/** Only characters a number can hold: the emitter's own class (canonical.ts), which the parsers' core schema stays within. */
const onlyNumberChars = new RegExp(`^[${NUMBER_CHARS}]*$`);

/** Whether `id` can stand in any scalar without changing what the scalar resolves to (see the module comment). */
export function maskable(id: string): boolean {
  return dns1123Label(id) === undefined && !onlyNumberChars.test(id) && !RESOLVED_WORDS.some((w) => w.includes(id));
}

/** One object of a memoised text, with the mark where the id was. */
interface Entry {
  /** What placing the object reads (placementHead). */
  head: KubeObject;
  /** Its canonical YAML. */
  text: string;
  /** JSON.stringify of it (faithful: see faithfulJson). */
  json: string;
}

/** A masked text's objects, and the text split at its marks (matched against later texts without masking them). */
interface Shape {
  pieces: string[];
  /** The length of the pieces together. */
  fixed: number;
  /** Null: left to the ordinary parse. */
  entries: Entry[] | null;
}

/** An object the memo produced for one tenant: what placing it reads, and its texts and value, each made when asked for. */
export interface MemoObject {
  head: KubeObject;
  /** Its canonical YAML. */
  text(): string;
  /** JSON.stringify of it. */
  json(): string;
  /** The object itself, a copy of its own. */
  value(): KubeObject;
}

/** Per template: its shapes by masked text, the most recently matched first, and how often the memo helped. */
interface TemplateMemo {
  byText: Map<string, Shape>;
  recent: Shape[];
  hits: number;
  misses: number;
}

/** A template whose texts have not repeated after this many is one whose texts are the tenant's own: no more are kept. */
const MAX_MISSES_WITHOUT_HIT = 64;
/** Distinct texts kept per template: enough for every tier and workload mix a repository has. */
const MAX_SHAPES = 512;
/**
 * Shapes compared piece by piece before the masked text is made and looked
 * up: tenants in a row mostly share one, and hashing a long new string for
 * the lookup costs more than comparing it with a few.
 */
const RECENT = 4;

const fillString = (v: unknown, id: string): unknown => (typeof v === 'string' && v.includes(MARK_START) ? v.replaceAll(ID_MARK, id) : v);

/**
 * The fields the renderer reads to place an object (its path, identity,
 * whether it is a workload, whether its names make a safe path): apiVersion,
 * kind, metadata.name and metadata.namespace. tenant.ts places objects
 * through nothing else.
 */
export function placementHead(o: KubeObject, fill: (v: unknown) => unknown = (v) => v): KubeObject {
  const meta = o.metadata as Record<string, unknown> | undefined;
  return { apiVersion: fill(o.apiVersion), kind: fill(o.kind), ...(meta === undefined ? {} : { metadata: { name: fill(meta.name), namespace: fill(meta.namespace) } }) } as KubeObject;
}

function markInKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(markInKey);
  if (v !== null && typeof v === 'object') return Object.keys(v).some((k) => k.includes(MARK_START) || markInKey((v as Record<string, unknown>)[k]));
  return false;
}

/**
 * The objects of a masked text, or null for one the ordinary parse must see.
 * `faithfulJson` is the renderer's (tenant.ts), given to keep this module below it.
 */
function entriesOf(masked: string, file: string, faithfulJson: (o: KubeObject) => string | undefined): Entry[] | null {
  const parsed = parseManifests(masked, { file });
  if (parsed.diagnostics.length > 0 || parsed.manifests.length > 1) return null;
  const entries: Entry[] = [];
  for (const m of parsed.manifests) {
    const json = faithfulJson(m.object);
    if (json === undefined || markInKey(m.object)) return null;
    entries.push({ head: placementHead(m.object), text: toCanonicalYaml(m.object), json });
  }
  return entries;
}

/** Whether `text` is the shape's pieces joined by `id`, compared in place. */
function matches(text: string, shape: Shape, id: string): boolean {
  const { pieces } = shape;
  if (text.length !== shape.fixed + (pieces.length - 1) * id.length) return false;
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) {
      if (!text.startsWith(id, at)) return false;
      at += id.length;
    }
    const p = pieces[i]!;
    if (!text.startsWith(p, at)) return false;
    at += p.length;
  }
  return true;
}

export class OutputMemo {
  private readonly templates = new Map<string, TemplateMemo>();
  private last = { id: '', maskable: false };

  constructor(private readonly faithfulJson: (o: KubeObject) => string | undefined) {}

  /**
   * The objects template `file` produced as `text` for tenant `id`, exactly as
   * parsing `text` gives them, or undefined when the ordinary parse must run.
   */
  objects(file: string, text: string, id: string): MemoObject[] | undefined {
    // Asked once per template of a tenant: judged once per tenant.
    if (id !== this.last.id) this.last = { id, maskable: maskable(id) };
    if (!this.last.maskable) return undefined;
    let t = this.templates.get(file);
    if (!t) this.templates.set(file, (t = { byText: new Map(), recent: [], hits: 0, misses: 0 }));
    // A text equal to a shape's pieces joined by the id is that shape filled (and holds no mark and no backslash, as the shape's text did not).
    let shape = t.recent.find((s) => matches(text, s, id));
    if (shape === undefined) {
      if ((t.hits === 0 && t.misses >= MAX_MISSES_WITHOUT_HIT) || text.includes(MARK_START) || text.includes('\\')) return undefined;
      const masked = text.replaceAll(id, ID_MARK);
      shape = t.byText.get(masked);
      if (shape === undefined) {
        t.misses++;
        const pieces = masked.split(ID_MARK);
        shape = { pieces, fixed: masked.length - (pieces.length - 1) * ID_MARK.length, entries: entriesOf(masked, file, this.faithfulJson) };
        if (t.byText.size < MAX_SHAPES) t.byText.set(masked, shape);
      } else t.hits++;
      t.recent = [shape, ...t.recent.filter((s) => s !== shape)].slice(0, RECENT);
    } else t.hits++;
    const entries = shape.entries;
    if (entries === null) return undefined;
    return entries.map((e) => {
      const json = () => e.json.replaceAll(ID_MARK, id);
      return { head: placementHead(e.head, (v) => fillString(v, id)), text: () => e.text.replaceAll(ID_MARK, id), json, value: () => JSON.parse(json()) as KubeObject };
    });
  }
}
