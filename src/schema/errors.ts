import type { ErrorObject } from 'ajv';
import { nearest } from '../diagnostics/suggest.js';
import { dotted, toPointer } from '../manifest/locate.js';
import { dateTimeProblem } from './date-time.js';

/** One readable problem, before it is tied to a manifest's file and line. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  actual?: unknown;
  expected?: string;
  hint?: string;
}

const MAX_LISTED = 8;

/**
 * Ajv errors → one problem per real mistake. Optional fields are `anyOf
 * [schema, null]`, so a wrong value there yields a "must be null" error and an
 * anyOf error besides the one that matters: both are noise and are dropped.
 */
export function problemsFrom(errors: readonly ErrorObject[]): SchemaProblem[] {
  const real = errors.filter((e) => !(e.keyword === 'type' && e.params.type === 'null'));
  const kept = real.filter(
    (e) =>
      !['anyOf', 'oneOf'].includes(e.keyword) ||
      !real.some((o) => o !== e && !['anyOf', 'oneOf'].includes(o.keyword) && o.instancePath.startsWith(e.instancePath)),
  );
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of kept) {
    const p = describe(e);
    const key = `${p.pointer}\n${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function describe(e: ErrorObject): SchemaProblem {
  const at = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const pointer = `${at}${toPointer([key])}`;
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      const allowed = Object.keys(props).sort();
      const near = nearest(key, allowed);
      const listed = near ? [near, ...allowed.filter((k) => k !== near)] : allowed;
      const shown = listed.slice(0, MAX_LISTED).join(', ') + (listed.length > MAX_LISTED ? ', …' : '');
      return {
        pointer,
        message: `${dotted(pointer)}: unknown field (allowed: ${shown || 'none'})`,
        actual: (e.data as Record<string, unknown> | undefined)?.[key],
        expected: allowed.length ? `one of the fields ${allowed.join(', ')}` : 'no fields',
        ...(near ? { hint: `did you mean "${near}"?` } : { hint: 'remove the field; the schema does not define it' }),
      };
    }
    case 'required': {
      const pointer = `${at}${toPointer([String(e.params.missingProperty)])}`;
      return { pointer, message: `${dotted(pointer)}: missing required field`, expected: 'a value', hint: 'add the field' };
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).filter((v) => v !== null && v !== '');
      // An empty string, where allowed, means "use the default": say so rather than list it first.
      const empty = (e.params.allowedValues as unknown[]).includes('') ? ', or "" for the default' : '';
      const list = allowed.map((v) => JSON.stringify(v)).join(', ') + empty;
      return {
        pointer: at,
        message: `${dotted(at)}: ${JSON.stringify(e.data)} is not an allowed value (allowed: ${list})`,
        actual: e.data,
        expected: `one of ${list}`,
      };
    }
    case 'type': {
      const types = String(e.params.type).split(',').filter((t) => t !== 'null');
      const expected = types.join(' or ');
      const v = e.data;
      if (typeof v === 'number' && !Number.isInteger(v) && types.includes('integer') && !types.includes('number')) {
        return { pointer: at, message: `${dotted(at)}: ${v} is a float, but the field takes an integer`, actual: v, expected };
      }
      return { pointer: at, message: `${dotted(at)}: expected ${expected}, got ${typeName(v)} ${short(v)}`, actual: v, expected };
    }
    case 'format': {
      const why = e.params.format === 'date-time' && typeof e.data === 'string' ? `: ${dateTimeProblem(e.data) ?? ''}` : '';
      return {
        pointer: at,
        message: `${dotted(at)}: ${JSON.stringify(e.data)} is not a valid ${String(e.params.format)}${why}`,
        actual: e.data,
        expected: String(e.params.format),
      };
    }
    default:
      return { pointer: at, message: `${dotted(at)}: ${e.message ?? e.keyword}`, actual: e.data };
  }
}

/** `/spec/containers/0/name` → `spec.containers[0].name`: how people write field paths. */

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
