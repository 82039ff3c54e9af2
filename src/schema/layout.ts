/**
 * kubeconform's file naming, so a directory of schemas generated for another
 * Kubernetes version (or downloaded from kubeconform's catalogue) drops in as is:
 * `{kind}-{first label of group}-{version}.json`, the core group has no group part.
 */
export function schemaFileName(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const suffix =
    slash < 0
      ? `-${apiVersion}`
      : `-${apiVersion.slice(0, slash).split('.')[0]}-${apiVersion.slice(slash + 1)}`;
  return `${kind}${suffix}.json`.toLowerCase();
}

/** Shared definitions file that kind schemas reference as `_definitions.json#/definitions/<name>`. */
export const DEFINITIONS_FILE = '_definitions.json';

export const definitionRef = (name: string): string => `${DEFINITIONS_FILE}#/definitions/${name}`;

/** JSON with object keys sorted at every level: byte-stable output for review and CI diffs. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
