import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, AnySchemaObject, ValidateFunction } from 'ajv';
import { ajvLib } from '../manifest/lazy.js';
import { ajvOptions, registerFormats } from './ajv-options.js';
import { crdSchemasFromFile } from './crd.js';
import { DEFINITIONS_FILE, schemaFileName } from './layout.js';
import { precompiledLoader } from './precompiled.js';

/** Bundled schemas; two levels up from both src/schema/ and dist/schema/ is the package root. */
export const DEFAULT_SCHEMA_LOCATION = fileURLToPath(new URL('../../schemas/kubernetes/', import.meta.url));

export interface SchemaRegistryOptions {
  /**
   * Directories in kubeconform's layout, searched in order; `'default'` names the
   * bundled schemas (as kubeconform's `-schema-location default`). Default: bundled only.
   */
  schemaLocation?: string | readonly string[];
  /** CustomResourceDefinition files whose openAPIV3Schema becomes a strict schema per served version. */
  crdFiles?: readonly string[];
  /** Kinds that may lack a schema: `Kind` (any version) or `apiVersion/Kind`, e.g. `example.com/v1/Widget`. */
  allowKinds?: readonly string[];
}

export interface KindValidator {
  /** Stops at the first error: the hot path for valid objects. */
  readonly fast: ValidateFunction;
  /** Reports every error with its schema; compiled only once an object of this kind fails. */
  detailed(): ValidateFunction;
  /** Where the schema came from, for messages. */
  readonly source: string;
}

export interface SchemaRegistry {
  /** The validator for a kind, compiled on first use; undefined when no location has a schema for it. */
  lookup(apiVersion: string, kind: string): KindValidator | undefined;
  isAllowed(apiVersion: string, kind: string): boolean;
  readonly locations: readonly string[];
}

export class SchemaLoadError extends Error {}

function newAjv(allErrors: boolean): Ajv {
  const ajv = new (ajvLib().Ajv)(ajvOptions(allErrors));
  registerFormats(ajv);
  return ajv;
}

/** One schema source (a directory or the CRD set) with its own pair of Ajv instances. */
class Source {
  private fastAjv?: Ajv;
  private detailedAjv?: Ajv;
  private readonly cache = new Map<string, KindValidator | null>();

  constructor(
    readonly name: string,
    private readonly find: (apiVersion: string, kind: string) => AnySchemaObject | undefined,
    private readonly shared: () => AnySchemaObject | undefined,
    private readonly precompiled?: (apiVersion: string, kind: string) => ValidateFunction | undefined,
  ) {}

  lookup(apiVersion: string, kind: string): KindValidator | undefined {
    const key = `${apiVersion}\n${kind}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const schema = this.find(apiVersion, kind);
    const validator = schema ? this.compile(schema, this.precompiled?.(apiVersion, kind)) : null;
    this.cache.set(key, validator);
    return validator ?? undefined;
  }

  private ajv(allErrors: boolean): Ajv {
    const existing = allErrors ? this.detailedAjv : this.fastAjv;
    if (existing) return existing;
    const ajv = newAjv(allErrors);
    const defs = this.shared();
    if (defs) ajv.addSchema(defs, DEFINITIONS_FILE);
    if (allErrors) this.detailedAjv = ajv;
    else this.fastAjv = ajv;
    return ajv;
  }

  private compile(schema: AnySchemaObject, precompiled: ValidateFunction | undefined): KindValidator {
    const fast = precompiled ?? this.ajv(false).compile(schema);
    let detailed: ValidateFunction | undefined;
    return {
      fast,
      detailed: () => (detailed ??= this.ajv(true).compile(schema)),
      source: this.name,
    };
  }
}

function readJson(path: string): AnySchemaObject {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as AnySchemaObject;
    // Draft-04 style `$schema` URIs (kubeconform's files) are unknown to Ajv's default meta-schemas.
    delete parsed.$schema;
    delete parsed.id;
    return parsed;
  } catch (e) {
    throw new SchemaLoadError(`cannot read schema ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function directorySource(dir: string): Source {
  if (!existsSync(dir)) throw new SchemaLoadError(`schema location ${dir} does not exist`);
  let defs: AnySchemaObject | undefined | null = null;
  const load = dir === DEFAULT_SCHEMA_LOCATION ? precompiledLoader(dir) : undefined;
  return new Source(
    dir,
    (apiVersion, kind) => {
      const path = join(dir, schemaFileName(apiVersion, kind));
      return existsSync(path) ? readJson(path) : undefined;
    },
    () => {
      // Standalone (fully inlined) layouts have no shared definitions file.
      if (defs === null) defs = existsSync(join(dir, DEFINITIONS_FILE)) ? readJson(join(dir, DEFINITIONS_FILE)) : undefined;
      return defs;
    },
    load && ((apiVersion, kind) => load(schemaFileName(apiVersion, kind))),
  );
}

function crdSource(files: readonly string[]): Source {
  const schemas = new Map<string, AnySchemaObject>();
  for (const file of files) {
    for (const s of crdSchemasFromFile(file)) schemas.set(`${s.apiVersion}\n${s.kind}`, s.schema);
  }
  return new Source(`CRDs (${files.join(', ')})`, (v, k) => schemas.get(`${v}\n${k}`), () => undefined);
}

/**
 * Builds the registry without compiling anything: each kind's validator is
 * compiled the first time an object of that kind is seen, so start-up cost does
 * not grow with the number of schemas. CRDs win over directories, so a newer
 * CRD can replace a bundled Argo CD or Flux schema.
 */
export function loadSchemaRegistry(opts: SchemaRegistryOptions = {}): SchemaRegistry {
  const requested = opts.schemaLocation === undefined ? ['default'] : [opts.schemaLocation].flat();
  const dirs = requested.map((d) => (d === 'default' ? DEFAULT_SCHEMA_LOCATION : resolve(d)));
  const sources = [...(opts.crdFiles?.length ? [crdSource(opts.crdFiles)] : []), ...dirs.map(directorySource)];
  const allowed = new Set(opts.allowKinds ?? []);
  return {
    locations: sources.map((s) => s.name),
    lookup(apiVersion, kind) {
      for (const s of sources) {
        const v = s.lookup(apiVersion, kind);
        if (v) return v;
      }
      return undefined;
    },
    isAllowed: (apiVersion, kind) => allowed.has(kind) || allowed.has(`${apiVersion}/${kind}`),
  };
}
