import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { namespaceIndex, type NamespaceIndex } from '../analysis/isolation/namespaces.js';
import { NAMESPACE_NAME_LABEL, type Labels } from '../manifest/selectors.js';
import { headOf, type Manifest } from '../manifest/types.js';
import type { Platform, Tenant } from '../tenants/types.js';

/**
 * The namespaces a tree can vouch for, with their labels: rendered Namespace
 * objects as written, and namespaces that exist outside the tree (the
 * platform's ingress, database and DNS namespaces, kube-system, any namespace
 * objects are in) with only the label the API server sets on every namespace.
 * A set may lie over a base (`under`): its own names hide the base's.
 * Selectors are answered by the proofs' namespace index, once per selector.
 */
export class KnownNamespaces {
  private index: NamespaceIndex | undefined;

  constructor(
    private readonly byName: ReadonlyMap<string, Labels>,
    private readonly under?: KnownNamespaces,
  ) {}

  /** Whether some known namespace has labels the selector matches. */
  matches(sel: LabelSelector): boolean {
    return this.matchesHiding(sel, undefined);
  }

  private matchesHiding(sel: LabelSelector, hidden: ReadonlyMap<string, Labels> | undefined): boolean {
    const names = (this.index ??= namespaceIndex(this.byName)).match(sel).list;
    if (names.some((name) => !hidden?.has(name))) return true;
    if (!this.under) return false;
    return this.under.matchesHiding(sel, hidden ? new Map([...hidden, ...this.byName]) : this.byName);
  }
}

const nameOnly = (name: string): Labels => ({ [NAMESPACE_NAME_LABEL]: name });

function outside(platform: Platform | undefined): string[] {
  return ['kube-system', ...(platform ? [platform.ingress.namespace, platform.database.namespace, platform.dns.namespace] : [])];
}

/** The namespaces some of `manifests` are in, and their Namespace objects' labels (only the Namespaces are parsed). */
function fromTree(manifests: readonly Manifest[], names: Iterable<string>): Map<string, Labels> {
  const out = new Map<string, Labels>();
  for (const name of names) out.set(name, nameOnly(name));
  // A Namespace object's labels win over the name alone, wherever it comes in the tree.
  for (const m of manifests) {
    const { kind, name, namespace } = headOf(m);
    if (kind === 'Namespace' && name) out.set(name, { ...m.object.metadata.labels, [NAMESPACE_NAME_LABEL]: name });
    if (namespace && !out.has(namespace)) out.set(namespace, nameOnly(namespace));
  }
  return out;
}

const ofTree = new WeakMap<readonly Manifest[], WeakMap<object, KnownNamespaces>>();

/** What a whole tree vouches for; made once per manifest list and platform. */
export function knownNamespaces(manifests: readonly Manifest[], platform: Platform | undefined): KnownNamespaces {
  let byPlatform = ofTree.get(manifests);
  if (!byPlatform) ofTree.set(manifests, (byPlatform = new WeakMap()));
  const key = platform ?? ofTree;
  let known = byPlatform.get(key);
  if (!known) byPlatform.set(key, (known = new KnownNamespaces(fromTree(manifests, outside(platform)))));
  return known;
}

const ofTenants = new WeakMap<readonly Tenant[], WeakMap<object, KnownNamespaces>>();

/**
 * What part of a tree vouches for, before the rest is rendered: its own
 * namespaces over those outside the tree and every tenant's, by name. An
 * answer from it can differ from the whole tree's (a Namespace not yet
 * rendered carries more labels), so it is only a guess to be checked again.
 */
export function knownSoFar(manifests: readonly Manifest[], platform: Platform | undefined, tenants: readonly Tenant[]): KnownNamespaces {
  let byPlatform = ofTenants.get(tenants);
  if (!byPlatform) ofTenants.set(tenants, (byPlatform = new WeakMap()));
  const key = platform ?? ofTenants;
  let base = byPlatform.get(key);
  if (!base) byPlatform.set(key, (base = new KnownNamespaces(new Map([...outside(platform), ...tenants.map((t) => t.namespace)].map((n) => [n, nameOnly(n)])))));
  return new KnownNamespaces(fromTree(manifests, []), base);
}
