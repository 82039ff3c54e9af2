import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SCHEMA_LOCATION } from './registry.js';
import { DEFINITIONS_FILE, schemaFileName } from './layout.js';

/** JSON schemas as plain data, for reading field types (admission expressions); read on first use. */
export interface RawSchemas {
  kind(apiVersion: string, kind: string): Record<string, unknown> | undefined;
  definition(name: string): Record<string, unknown> | undefined;
}

const sources = new Map<string, RawSchemas>();

/** One reader per directory for the life of the process: the definitions file is large and never changes while it runs. */
export function rawSchemas(dir: string = DEFAULT_SCHEMA_LOCATION): RawSchemas {
  let source = sources.get(dir);
  if (!source) {
    source = readRawSchemas(dir);
    sources.set(dir, source);
  }
  return source;
}

function readRawSchemas(dir: string): RawSchemas {
  const kinds = new Map<string, Record<string, unknown> | undefined>();
  let definitions: Record<string, Record<string, unknown>> | undefined;
  const read = (file: string) => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined);
  return {
    kind(apiVersion, kind) {
      const file = schemaFileName(apiVersion, kind);
      if (!kinds.has(file)) kinds.set(file, read(path.join(dir, file)));
      return kinds.get(file);
    },
    definition(name) {
      definitions ??= ((read(path.join(dir, DEFINITIONS_FILE)) ?? {}).definitions ?? {}) as Record<string, Record<string, unknown>>;
      return definitions[name];
    },
  };
}
