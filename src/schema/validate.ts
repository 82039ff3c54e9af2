import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { objectRef, type Manifest } from '../manifest/types.js';
import { problemsFrom } from './errors.js';
import type { SchemaRegistry } from './registry.js';

export { loadSchemaRegistry, SchemaLoadError, DEFAULT_SCHEMA_LOCATION } from './registry.js';
export type { SchemaRegistry, SchemaRegistryOptions, KindValidator } from './registry.js';
export { CrdError } from './crd.js';

/**
 * Validates every manifest against the schema of its apiVersion and kind. Valid
 * objects cost one stop-at-first-error check; only failing ones are validated
 * again collecting every error, and only findings pay for line lookups.
 */
export function validateManifests(manifests: readonly Manifest[], registry: SchemaRegistry): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of manifests) {
    const { apiVersion, kind } = m.object;
    const validator = registry.lookup(apiVersion, kind);
    if (!validator) {
      if (!registry.isAllowed(apiVersion, kind)) out.push(unknownKind(m, registry));
      continue;
    }
    if (validator.fast(m.object)) continue;
    const detailed = validator.detailed();
    detailed(m.object);
    for (const p of problemsFrom(detailed.errors ?? [])) {
      const field: NonNullable<Diagnostic['field']> = { pointer: p.pointer };
      if (p.actual !== undefined) field.actual = p.actual;
      if (p.expected !== undefined) field.expected = p.expected;
      out.push(diagnostic('schema/invalid', p.message, { file: { path: m.file, ...m.locate(p.pointer) }, field, ...context(m), ...(p.hint ? { hint: p.hint } : {}) }));
    }
  }
  return out;
}

function unknownKind(m: Manifest, registry: SchemaRegistry): Diagnostic {
  const { apiVersion, kind } = m.object;
  return diagnostic('schema/unknown-kind', `no schema for ${apiVersion} ${kind} (searched ${registry.locations.join(', ')})`, { file: { path: m.file, ...m.locate('/kind') }, field: { pointer: '/kind', actual: kind }, ...context(m), hint: 'pass its CustomResourceDefinition with --crd, a schema directory with --schema-location, or allow-list the kind' });
}

function context(m: Manifest): Pick<Diagnostic, 'object' | 'origin' | 'tenant'> {
  return {
    object: objectRef(m.object),
    ...(m.origin ? { origin: m.origin } : {}),
    ...(m.origin?.tenant ? { tenant: m.origin.tenant } : {}),
  };
}
