import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { compareStrings, countDiagnostics } from './common.js';
import type { Formatter } from './types.js';

/** Bumped on any change a consumer could trip over (renamed or removed keys, changed meaning). */
export const JSON_FORMAT_VERSION = 1;

/**
 * Keys sorted at every depth so the same findings always serialise to the same bytes,
 * whatever order the stages happened to build their objects in.
 *
 * A value already in that form comes back as itself, not as a copy JSON.stringify
 * would turn into the same bytes: at 10,000 tenants, copying was most of the cost.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    // The copy would not carry an own toJSON, so JSON.stringify would not call it.
    if ('toJSON' in value) return value.map(sortKeysDeep);
    let out: unknown[] | undefined;
    // As map would: holes skipped here and kept by slice.
    value.forEach((v, i) => {
      const sorted = sortKeysDeep(v);
      if (sorted !== v) (out ??= value.slice())[i] = sorted;
    });
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') return sortObject(value as Record<string, unknown>);
  return value;
}

function sortObject(value: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(value);
  // Only a plain object whose keys are already in order serialises as its copy would.
  // Anything with a toJSON (the copy would call it on itself, or not at all) or an own
  // `__proto__` (assigning it to the copy sets the copy's prototype) takes the copy.
  // Integer-like keys need nothing more: object and copy both list them first, in
  // numeric order, so keys that pass the order check come out of both the same.
  const inOrder =
    Object.getPrototypeOf(value) === Object.prototype &&
    !('toJSON' in value) &&
    !Object.hasOwn(value, '__proto__') &&
    keys.every((k, i) => i === 0 || compareStrings(keys[i - 1]!, k) < 0);
  if (!inOrder) keys.sort(compareStrings);
  let out: Record<string, unknown> | undefined = inOrder ? undefined : {};
  for (const [i, key] of keys.entries()) {
    const v = value[key];
    // JSON.stringify drops undefined members anyway; dropping them here keeps the
    // sorted object free of holes a consumer might iterate over.
    const sorted = v === undefined ? undefined : sortKeysDeep(v);
    if (!out && (v === undefined || sorted !== v)) out = pick(value, keys.slice(0, i));
    if (out && sorted !== undefined) out[key] = sorted;
  }
  return out ?? value;
}

/** The first members of an in-order object, whose values needed no change. */
function pick(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = value[key];
  return out;
}

/** Machine output: versioned envelope, diagnostics in the canonical order, sections by title. */
export const json: Formatter = (result, opts) => {
  const counts = countDiagnostics(result.diagnostics);
  const sections: Record<string, unknown> = {};
  for (const s of result.sections ?? []) sections[s.title] = s.json;
  const doc = {
    version: JSON_FORMAT_VERSION,
    tool: { name: 'tenantctl', version: opts.toolVersion },
    summary: { ...result.summary, ...counts },
    diagnostics: sortDiagnostics(result.diagnostics),
    sections,
  };
  return `${JSON.stringify(sortKeysDeep(doc), null, 2)}\n`;
};
