import { stringify } from 'yaml';

// Kubernetes readers conventionally put these first; everything else is alphabetical.
const leading = ['apiVersion', 'kind', 'metadata', 'name', 'namespace'];
const rank = new Map(leading.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = rank.get(a);
  const rb = rank.get(b);
  if (ra !== undefined || rb !== undefined) return (ra ?? leading.length) - (rb ?? leading.length);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deep copy with map keys in canonical order; list order is meaningful and kept. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(compareKeys)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonicalize(v);
    }
    return out;
  }
  return value;
}

/**
 * Canonical YAML for one object: stable key order, no line folding, and every
 * string a YAML 1.1 reader would take for a bool or number (`yes`, `on`, `0755`)
 * quoted, because parts of Kubernetes still decode with 1.1 rules.
 */
export function toCanonicalYaml(value: unknown): string {
  return stringify(canonicalize(value), {
    version: '1.1',
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: true,
    aliasDuplicateObjects: false,
  });
}
