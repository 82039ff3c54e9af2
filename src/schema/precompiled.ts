import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { DEFINITIONS_FILE } from './layout.js';

/**
 * Build-time compiled validators for the bundled schemas (`npm run build`).
 * Compiling a Deployment schema with Ajv takes ~300 ms; loading its compiled
 * module takes ~15 ms, which is what keeps a cold `check` fast. Absent (running
 * from src/) or stale, the caller compiles at run time instead.
 */
export const PRECOMPILED_DIR = fileURLToPath(new URL('./precompiled/', import.meta.url));
export const STAMP_FILE = 'stamp.json';

export interface Stamp {
  /** sha256 of the definitions file the validators were compiled from. */
  definitions: string;
}

export function definitionsHash(schemaDir: string): string {
  return createHash('sha256').update(readFileSync(join(schemaDir, DEFINITIONS_FILE))).digest('hex');
}

const require = createRequire(import.meta.url);

/** Returns a loader for precompiled validators matching `schemaDir`, or undefined when there is none. */
export function precompiledLoader(schemaDir: string): ((schemaFile: string) => ValidateFunction | undefined) | undefined {
  const stampPath = join(PRECOMPILED_DIR, STAMP_FILE);
  if (!existsSync(stampPath)) return undefined;
  const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp;
  if (stamp.definitions !== definitionsHash(schemaDir)) return undefined;
  return (schemaFile) => {
    const path = join(PRECOMPILED_DIR, schemaFile.replace(/\.json$/, '.cjs'));
    if (!existsSync(path)) return undefined;
    const mod = require(path) as { default?: ValidateFunction } & ValidateFunction;
    return mod.default ?? mod;
  };
}
