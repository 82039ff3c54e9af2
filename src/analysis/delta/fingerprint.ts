import { pushTo } from '../../collections.js';
import type { Manifest } from '../../manifest/types.js';

/**
 * Per namespace, one string of everything in `kinds` that can change an
 * analysis there; two trees whose strings agree for a namespace give that
 * namespace the same result, so a delta analyses only the others.
 */
export function namespaceFingerprints(ms: readonly Manifest[], kinds: ReadonlySet<string>): Map<string, string> {
  const parts = new Map<string, string[]>();
  for (const m of ms) {
    if (!kinds.has(m.object.kind)) continue;
    const isNamespace = m.object.kind === 'Namespace';
    const ns = isNamespace ? (m.object.metadata?.name ?? '') : (m.object.metadata?.namespace ?? '');
    pushTo(parts, ns, JSON.stringify([m.object.kind, m.object.metadata?.name, isNamespace ? m.object.metadata?.labels : m.object.spec]));
  }
  return new Map([...parts].map(([k, v]) => [k, v.sort().join('\n')]));
}
