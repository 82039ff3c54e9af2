import { escapeChar, hiddenChar, hiddenCharAfterJson } from '../diagnostics/characters.js';

// Kubernetes readers conventionally put these first; everything else is alphabetical.
const leading = ['apiVersion', 'kind', 'metadata', 'name', 'namespace'];
const rank = new Map(leading.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = rank.get(a);
  const rb = rank.get(b);
  if (ra !== undefined || rb !== undefined) return (ra ?? leading.length) - (rb ?? leading.length);
  return a < b ? -1 : a > b ? 1 : 0;
}

// Objects rendered from one template share their key sets: each distinct set is sorted once.
const orderOf = new Map<string, string[]>();
const ORDER_LIMIT = 10_000;

function sortedKeys(o: object): string[] {
  const keys = Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
  if (keys.length < 2) return keys;
  // A key may itself hold U+0000, so a hit counts only if it holds the same number of keys that are each in o.
  const id = keys.join('\u0000');
  let sorted = orderOf.get(id);
  if (sorted !== undefined && !(sorted.length === keys.length && sorted.every((k) => (o as Record<string, unknown>)[k] !== undefined && Object.hasOwn(o, k)))) sorted = undefined;
  if (sorted === undefined) {
    sorted = keys.sort(compareKeys);
    if (orderOf.size >= ORDER_LIMIT) orderOf.clear();
    orderOf.set(id, sorted);
  }
  return sorted;
}

/** Deep copy with map keys in canonical order; list order is meaningful and kept. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of sortedKeys(value)) out[k] = canonicalize((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

// Words a YAML 1.1 or 1.2 reader resolves to null or a bool; Kubernetes still decodes with 1.1 rules in places.
const reserved = new Set(
  '~ null Null NULL y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF = <<'.split(' '),
);
/** Every character a YAML 1.1 or 1.2 number (int, float, hex, octal, base 60) can hold. */
export const NUMBER_CHARS = '-+0-9a-fA-FxXoObB_.:';
const numberLike = new RegExp(`^[-+]?[0-9.][${NUMBER_CHARS}]*$`);
const SPECIAL_FLOATS = ['inf', 'Inf', 'INF', 'nan', 'NaN', 'NAN'];
const specialFloat = new RegExp(`^[-+]?\\.(${SPECIAL_FLOATS.join('|')})$`);

/** What some YAML reader resolves to null, a bool or a special float rather than a string (an optional sign aside): the strings written quoted. */
export const RESOLVED_WORDS: readonly string[] = [...reserved, ...SPECIAL_FLOATS.map((f) => `.${f}`)];
const indicatorStart = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

function isPlainSafe(s: string): boolean {
  if (s === '' || reserved.has(s) || numberLike.test(s) || specialFloat.test(s)) return false;
  if (hiddenChar.test(s)) return false;
  if (s !== s.trim() || s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  // A leading `-` is plain when it cannot start a sequence entry (`--port`, `-v`).
  if (indicatorStart.test(s) && !/^-[^\s-]|^--/.test(s)) return false;
  return true;
}

const outsidePrintableAscii = /[^\x20-\x7e]/;

/** JSON is valid YAML (strings double-quoted, objects as flow maps) once the characters YAML forbids raw are escaped. */
export function yamlSafeJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`cannot write ${typeof value} as YAML: only JSON values can be`);
  // Invisible and bidirectional-override characters (U+200B…U+200F, U+202A…U+202E, U+2060…U+2069)
  // are escaped too, so a reviewer sees them in the diff instead of text that reads otherwise.
  // None is printable ASCII, which most JSON is: one scan finds that.
  return outsidePrintableAscii.test(json) ? json.replace(hiddenCharAfterJson, escapeChar) : json;
}

/**
 * A string as one YAML scalar that every reader, YAML 1.1 or 1.2, loads back
 * as that same string: plain when nothing could mistake it, else double-quoted.
 * The renderer and `add` both write values through it.
 */
export function yamlString(s: string): string {
  return isPlainSafe(s) ? s : yamlSafeJson(s);
}

// Keys and most values repeat across objects and tenants: each distinct string is judged once.
const written = new Map<string, string>();
const WRITTEN_LIMIT = 50_000;

function scalarString(s: string): string {
  let out = written.get(s);
  if (out === undefined) {
    out = isPlainSafe(s) ? s : yamlSafeJson(s);
    if (written.size >= WRITTEN_LIMIT) written.clear();
    written.set(s, out);
  }
  return out;
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return scalarString(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return JSON.stringify(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new Error(`cannot serialise ${typeof v} as YAML`);
}

// Hidden characters other than tab and line feed; those two read fine in a literal block.
const hiddenInBlock = new RegExp(`(?![\\t\\n])${hiddenChar.source}`);

/**
 * A multi-line string as a YAML literal block (`|`, `|-`, `|+`), so a reviewer
 * diffs it line by line, or undefined when a literal block could not carry it
 * exactly and it stays double-quoted: hidden characters (CR included, which
 * readers fold into line feeds) keep their visible escapes, and whitespace at a
 * line's end would be invisible in a diff and is stripped by editors.
 * `header` follows the key or dash; `lines` are the content, unindented ('' for an empty line).
 */
export function literalBlock(s: string): { header: string; lines: string[] } | undefined {
  if (!s.includes('\n') || hiddenInBlock.test(s)) return undefined;
  const body = s.replace(/\n+$/, '');
  if (body === '' || /[ \t]$/m.test(body)) return undefined;
  const trailing = s.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = body.split('\n');
  // A reader guesses the indentation from the first non-empty line, so a leading space must be announced.
  const first = lines.find((l) => l !== '')!;
  const indicator = /^[ \t]/.test(first) ? '2' : '';
  for (let i = 1; i < trailing; i++) lines.push('');
  return { header: `|${indicator}${chomp}`, lines };
}

function pushValue(prefix: string, v: unknown, contentIndent: string, out: string[]): void {
  const block = typeof v === 'string' ? literalBlock(v) : undefined;
  if (block === undefined) {
    out.push(`${prefix}${inline(v)}`);
    return;
  }
  out.push(`${prefix}${block.header}`);
  for (const l of block.lines) out.push(l === '' ? '' : `${contentIndent}${l}`);
}

function hasDefinedKey(o: object): boolean {
  return Object.keys(o).some((k) => (o as Record<string, unknown>)[k] !== undefined);
}

function isCollection(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  return Array.isArray(v) ? v.length > 0 : hasDefinedKey(v);
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  return scalar(v);
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isCollection(item)) {
        // The nested block is written two columns in; its first line then trades those columns for the dash.
        const first = out.length;
        const inner = `${indent}  `;
        emit(item, inner, out);
        out[first] = `${indent}- ${out[first]!.slice(inner.length)}`;
      } else {
        pushValue(`${indent}- `, item, `${indent}  `, out);
      }
    }
    return;
  }
  const o = v as Record<string, unknown>;
  for (const k of sortedKeys(o)) {
    const val = o[k];
    const key = scalar(k);
    if (isCollection(val)) {
      out.push(`${indent}${key}:`);
      emit(val, Array.isArray(val) ? `${indent}  ` : `${indent}  `, out);
    } else {
      pushValue(`${indent}${key}: `, val, `${indent}  `, out);
    }
  }
}

/**
 * Canonical YAML for one object: keys in a fixed order, block style, no line
 * folding, strings quoted whenever a YAML 1.1 or 1.2 reader could take them for
 * anything but a string (`yes`, `on`, `0755`, `~`). The emitter is our own so the
 * format cannot shift under a library upgrade.
 */
export function toCanonicalYaml(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${inline(value)}\n`;
  const out: string[] = [];
  emit(value, '', out);
  return out.length === 0 ? '{}\n' : `${out.join('\n')}\n`;
}
