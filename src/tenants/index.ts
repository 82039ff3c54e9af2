import { diagnostic } from '../diagnostics/catalogue.js';
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseInput, schemaErrors } from './load.js';
import { resolveTenants, type RawConfig } from './resolve.js';
import type { TenantsConfig } from './types.js';

export type { Tenant, TenantsConfig, Platform } from './types.js';

/** Loads, validates and resolves a tenants file; diagnostics are input failures (exit 2). */
export function loadTenantsText(text: string, file: string): { config?: TenantsConfig; diagnostics: Diagnostic[] } {
  const parsed = parseInput(text, file);
  if (!parsed.input) return { diagnostics: parsed.diagnostics };
  const schema = schemaErrors(parsed.input, file);
  if (!schema.shapesValid) return { diagnostics: schema.diagnostics };
  const resolved = resolveTenants(parsed.input.data as RawConfig, file, parsed.input.locate);
  if (schema.diagnostics.length === 0) return resolved;
  return { diagnostics: [...schema.diagnostics, ...resolved.diagnostics] };
}

export async function loadTenantsFile(absPath: string, shownPath: string): Promise<{ config?: TenantsConfig; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await readFile(absPath, 'utf8');
  } catch (cause) {
    return {
      diagnostics: [
        diagnostic('input/tenants-file', `cannot read ${shownPath}: ${(cause as Error).message}`, { hint: 'run from the repository root or pass --root DIR' }),
      ],
    };
  }
  return loadTenantsText(text, shownPath);
}
