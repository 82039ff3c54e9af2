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

/** What to do about a tenants file that cannot be read depends on why: it is elsewhere, it is a folder, or it may not be read. */
const elsewhere = (): string => 'run from the repository root or pass --root DIR';
const noAccess = (shown: string): string => `give the user running tenantctl read access to ${shown}`;
const UNREADABLE_HINTS: Record<string, (shown: string) => string> = {
  ENOENT: elsewhere,
  ENOTDIR: elsewhere,
  EISDIR: (shown) => `${shown} is a folder: it must be the file that lists the platform settings and the tenants`,
  EACCES: noAccess,
  EPERM: noAccess,
};

/** The failure for a tenants file that cannot be read, with what to do about it (`at`: where to show it, for a caller that names the file). */
export function unreadableTenantsFile(shownPath: string, cause: unknown, at?: { path: string; line: number; column: number }): Diagnostic {
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  const hint = (UNREADABLE_HINTS[code] ?? elsewhere)(shownPath);
  return diagnostic('input/tenants-file', `cannot read ${shownPath}: ${(cause as Error).message}`, { hint, ...(at ? { file: at } : {}) });
}

export async function loadTenantsFile(absPath: string, shownPath: string): Promise<{ config?: TenantsConfig; diagnostics: Diagnostic[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (cause) {
    return { diagnostics: [unreadableTenantsFile(shownPath, cause)] };
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
