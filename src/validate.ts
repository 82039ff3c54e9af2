import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { Manifest } from './manifest/types.js';
import type { RuleDescriptor } from './output/index.js';
import { runRules } from './rules/engine.js';
import { rules } from './rules/registry.js';
import { loadSchemaRegistry, validateManifests, type SchemaRegistryOptions } from './schema/validate.js';
import type { TenantsConfig } from './tenants/types.js';

export interface ValidateOptions {
  schemaLocation?: readonly string[];
  crdFiles?: readonly string[];
}

/** Schema validation and the rules over a set of manifests: findings only, no I/O beyond schema files. */
export function validateTree(manifests: readonly Manifest[], config: TenantsConfig | undefined, opts: ValidateOptions = {}): Diagnostic[] {
  const registryOptions: SchemaRegistryOptions = { allowKinds: config?.allowKinds ?? [] };
  if (opts.schemaLocation && opts.schemaLocation.length > 0) registryOptions.schemaLocation = opts.schemaLocation;
  if (opts.crdFiles && opts.crdFiles.length > 0) registryOptions.crdFiles = opts.crdFiles;
  const registry = loadSchemaRegistry(registryOptions);
  return [...validateManifests(manifests, registry), ...runRules({ manifests, rules, ...(config ? { config } : {}) })];
}

/** The rule catalogue as formatters need it (SARIF rules, docs links). */
export function ruleDescriptors(): RuleDescriptor[] {
  return Object.values(rules)
    .map((r) => ({
      id: r.meta.id,
      description: r.meta.description,
      severity: r.meta.severity,
      remediation: r.meta.remediation,
      helpUri: `docs/rules/${r.meta.id}.md`,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}
