import { diagnostic } from '../diagnostics/catalogue.js';
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { forbiddenCharacter, invalidUtf8 } from '../manifest/encoding.js';
import { parseInput, schemaErrors } from './load.js';
import { resolveTenants, type RawConfig } from './resolve.js';
import type { TenantsConfig } from './types.js';

export type { Tenant, TenantsConfig, Platform } from './types.js';

/** Loads, validates and resolves a tenants file; diagnostics are input failures (exit 2). */
export function loadTenantsText(text: string, file: string): { config?: TenantsConfig; diagnostics: Diagnostic[] } {
  const bad = forbiddenCharacter(text);
  if (bad) {
    return {
      diagnostics: [
        diagnostic('input/tenants-file', `${file} contains ${bad.name}, a control character YAML does not allow`, {
          file: { path: file, line: bad.line, column: bad.column },
          hint: 'delete the character (an editor may show it as a blank, or not at all); tabs and line breaks are fine',
        }),
      ],
    };
  }
  const parsed = parseInput(text, file);
  if (!parsed.input) return { diagnostics: parsed.diagnostics };
  const schema = schemaErrors(parsed.input, file);
  if (!schema.shapesValid) return { diagnostics: schema.diagnostics };
  const resolved = resolveTenants(parsed.input.data as RawConfig, file, parsed.input.locate);
  if (schema.diagnostics.length === 0) return resolved;
  return { diagnostics: [...schema.diagnostics, ...resolved.diagnostics] };
}

export async function loadTenantsFile(absPath: string, shownPath: string): Promise<{ config?: TenantsConfig; diagnostics: Diagnostic[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (cause) {
    return {
      diagnostics: [
        diagnostic('input/tenants-file', `cannot read ${shownPath}: ${(cause as Error).message}`, { hint: 'run from the repository root or pass --root DIR' }),
      ],
    };
  }
  const text = bytes.toString('utf8');
  const notUtf8 = invalidUtf8(bytes, text);
  if (notUtf8) {
    return {
      diagnostics: [
        diagnostic('input/tenants-file', `${shownPath} is not UTF-8: byte 0x${notUtf8.byte.toString(16).toUpperCase().padStart(2, '0')} cannot start or continue a character`, {
          file: { path: shownPath, line: notUtf8.line, column: notUtf8.column },
          hint: 'save the file as UTF-8 (it was probably written in Latin-1 or Windows-1252)',
        }),
      ],
    };
  }
  return loadTenantsText(text, shownPath);
}
