import { pushTo } from '../../collections.js';
import { headOf, namespaceOfManifest, type Manifest } from '../../manifest/types.js';

/** Everything in an object that can change an analysis of its namespace. */
function namespacePart(m: Manifest): string {
  const isNamespace = m.object.kind === 'Namespace';
  return JSON.stringify([m.object.kind, m.object.metadata?.name, isNamespace ? m.object.metadata?.labels : m.object.spec]);
}

/** Per namespace (a Namespace's own name), the objects of `kinds` there, found from their heads. */
function byNamespace(ms: readonly Manifest[], kinds: ReadonlySet<string>): Map<string, Manifest[]> {
  const out = new Map<string, Manifest[]>();
  for (const m of ms) if (kinds.has(headOf(m).kind)) pushTo(out, namespaceOfManifest(m) ?? '', m);
  return out;
}

/**
 * Whether two lists of objects agree in `part` of each, as multisets. A
 * manifest in both lists is one object (a tenant placed from one summary on
 * both sides of a comparison shares its manifests): it is not read.
 */
export function agree(a: readonly Manifest[], b: readonly Manifest[], part: (m: Manifest) => string): boolean {
  const [inA, inB] = [new Set(a), new Set(b)];
  const onlyA = a.filter((m) => !inB.has(m));
  const onlyB = b.filter((m) => !inA.has(m));
  if (onlyA.length !== onlyB.length) return false;
  const [x, y] = [onlyA.map(part).sort(), onlyB.map(part).sort()];
  return x.every((p, i) => p === y[i]);
}

/**
 * The namespaces whose objects of `kinds` differ between two trees in
 * something that can change an analysis there; a delta analyses only those.
 */
export function changedNamespaces(base: readonly Manifest[], head: readonly Manifest[], kinds: ReadonlySet<string>): Set<string> {
  const [a, b] = [byNamespace(base, kinds), byNamespace(head, kinds)];
  const out = new Set<string>();
  for (const ns of new Set([...a.keys(), ...b.keys()])) {
    const [before, after] = [a.get(ns) ?? [], b.get(ns) ?? []];
    if (!agree(before, after, namespacePart)) out.add(ns);
  }
  return out;
}
