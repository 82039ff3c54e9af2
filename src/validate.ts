import { performance } from 'node:perf_hooks';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Manifest } from './manifest/types.js';
import type { Section } from './diagnostics/result.js';
import { loadSchemaRegistry, validateManifests, type SchemaRegistryOptions } from './schema/validate.js';
import type { TenantsConfig } from './tenants/types.js';

export interface ValidateOptions {
  schemaLocation?: readonly string[];
  crdFiles?: readonly string[];
}

export interface Validation {
  diagnostics: Diagnostic[];
  sections: Section[];
  /** Milliseconds since process start at which each phase began and ended. */
  timings: { phase: string; start: number; end: number }[];
}

/**
 * Schema validation, the rules and (for a tenants repository) the isolation
 * proofs over a set of manifests. Findings only; no I/O beyond schema files.
 */
export async function validateTree(manifests: readonly Manifest[], config: TenantsConfig | undefined, opts: ValidateOptions = {}): Promise<Validation> {
  const timings: Validation['timings'] = [];
  const phase = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await fn();
    timings.push({ phase: name, start, end: performance.now() });
    return result;
  };
  const registryOptions: SchemaRegistryOptions = { allowKinds: config?.allowKinds ?? [] };
  if (opts.schemaLocation && opts.schemaLocation.length > 0) registryOptions.schemaLocation = opts.schemaLocation;
  if (opts.crdFiles && opts.crdFiles.length > 0) registryOptions.crdFiles = opts.crdFiles;
  const registry = loadSchemaRegistry(registryOptions);
  const schema = await phase('schema', () => validateManifests(manifests, registry));
  // The rule engine and the proofs load after schema validation has started.
  const found = await phase('rules', async () => {
    const [{ runRules }, { rules }] = await Promise.all([import('./rules/engine.js'), import('./rules/registry.js')]);
    return runRules({ manifests, rules, ...(config ? { config } : {}) });
  });
  const proofs = config ? await phase('proofs', async () => (await import('./analysis/proofs.js')).proveIsolation(manifests, config)) : { diagnostics: [], sections: [] };
  return { diagnostics: [...schema, ...found, ...proofs.diagnostics], sections: proofs.sections, timings };
}
