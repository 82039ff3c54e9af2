import { diagnostic } from '../diagnostics/catalogue.js';
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { forbiddenCharacter, invalidUtf8 } from '../manifest/encoding.js';
import { parseInput, schemaErrors } from './load.js';
import { resolveTenants, type RawConfig } from './resolve.js';
import type { TenantsConfig } from './types.js';

export type { Tenant, TenantsConfig, Platform } from './types.js';

/** Where a clean load is kept between runs, under the file's name and text (RenderCache keys it by their digest and the build's). */
export interface LoadedTenantsStore {
  loadedTenants(file: string, text: string): unknown;
  keepLoadedTenants(file: string, text: string, config: Omit<TenantsConfig, 'locate'>): void;
}

type Loaded = { config?: TenantsConfig; diagnostics: Diagnostic[] };

/**
 * Loads, validates and resolves a tenants file; diagnostics are input failures (exit 2).
 * With a store, a text loaded cleanly before is not parsed again: at 10,000
 * tenants parsing and resolving took about half a second of every run. Its
 * positions are worked out from the text only when a finding asks for one.
 */
export function loadTenantsText(text: string, file: string, store?: LoadedTenantsStore): Loaded {
  if (!store) return loadUncached(text, file);
  const kept = store.loadedTenants(file, text) as Omit<TenantsConfig, 'locate'> | undefined;
  if (kept) {
    let locate: TenantsConfig['locate'] | undefined;
    return { config: { ...kept, locate: (pointer) => (locate ??= parseInput(text, file).input!.locate)(pointer) }, diagnostics: [] };
  }
  const loaded = loadUncached(text, file);
  if (loaded.config && loaded.diagnostics.length === 0) {
    const { locate: _, ...plain } = loaded.config;
    store.keepLoadedTenants(file, text, plain);
  }
  return loaded;
}

function loadUncached(text: string, file: string): Loaded {
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

export async function loadTenantsFile(absPath: string, shownPath: string, store?: LoadedTenantsStore): Promise<Loaded> {
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
  return loadTenantsText(text, shownPath, store);
}
