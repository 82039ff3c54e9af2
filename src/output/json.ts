import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { compareStrings, countDiagnostics } from './common.js';
import type { Formatter } from './types.js';

/** Bumped on any change a consumer could trip over (renamed or removed keys, changed meaning). */
export const JSON_FORMAT_VERSION = 1;

/**
 * Keys sorted at every depth so the same findings always serialise to the same bytes,
 * whatever order the stages happened to build their objects in.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareStrings)) {
      const v = (value as Record<string, unknown>)[key];
      // JSON.stringify drops undefined members anyway; dropping them here keeps the
      // sorted object free of holes a consumer might iterate over.
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
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
