import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { ObjectRef } from '../diagnostics/diagnostic.js';

/** Any Kubernetes object: typed code narrows with the kubernetes-types interfaces. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** A parsed object plus where it came from, so any finding can point at its line. */
export interface Manifest {
  readonly object: KubeObject;
  /** Repo-relative path of the file the object lives in (or would be written to). */
  readonly file: string;
  /** Index of the YAML document within the file. */
  readonly docIndex: number;
  /** Template and tenant that produced it, when it was rendered by us. */
  readonly origin?: { template: string; tenant?: string };
  /** The length of JSON.stringify(object), when the object came as that JSON (from a worker thread or the cache) and it need not be serialised again to know it. */
  readonly jsonLength?: number;
  /**
   * The object's head, when it is known without parsing the object (an object
   * replayed from the cache or from a worker thread's JSON). Read it through
   * headOf, which falls back to the object.
   */
  readonly head?: ObjectHead;
  /** Position of the node at a JSON pointer (RFC 6901), or of its nearest existing ancestor. */
  locate(pointer: string): Position;
  /**
   * The contentDigest of the text the object was read from, which fixes both
   * the object and every position locate gives: present where that text is
   * the render's own (objects replayed from the cache or from a worker thread).
   */
  digest?(): string;
}

/**
 * What stages that sort, index or place objects read of each: apiVersion,
 * kind, metadata.name and metadata.namespace, exactly as reading them from the
 * object gives them. Kept beside an object that is parsed only when a stage
 * reads more, so indexing 180,000 objects parses none of them.
 */
export interface ObjectHead {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

/**
 * The head of an object, or undefined when one of its four fields holds
 * something other than what ObjectHead can say (a missing apiVersion, a
 * number for a name): such an object is read from itself.
 */
export function headOfObject(o: KubeObject): ObjectHead | undefined {
  const { apiVersion, kind } = o;
  const name: unknown = o.metadata?.name;
  const namespace: unknown = o.metadata?.namespace;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if ((name !== undefined && typeof name !== 'string') || (namespace !== undefined && typeof namespace !== 'string')) return undefined;
  return { apiVersion, kind, name, namespace };
}

/** The manifest's head (Manifest.head), read from its object when it has none: the same values either way. */
export function headOf(m: Manifest): ObjectHead {
  if (m.head) return m.head;
  const o = m.object;
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name, namespace: o.metadata?.namespace };
}

/** The namespace an object belongs to: its own, or its name for a Namespace; read from the manifest's head. */
export function namespaceOfManifest(m: Manifest): string | undefined {
  const h = headOf(m);
  return h.kind === 'Namespace' ? h.name : h.namespace;
}

export function objectRef(o: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name ?? '' };
  if (o.metadata?.namespace) ref.namespace = o.metadata.namespace;
  return ref;
}

const label = (kind: unknown, namespace: unknown, name: unknown): string => `${kind} ${namespace ? `${namespace}/` : ''}${name ?? ''}`;

/** `Kind namespace/name` (`Kind name` for a cluster-scoped object): how messages and plans name an object. */
export function objectLabel(o: KubeObject): string {
  return label(o.kind, o.metadata?.namespace, o.metadata?.name);
}

/** objectLabel of a manifest, from its head: no object is read for it. */
export function manifestLabel(m: Manifest): string {
  const h = headOf(m);
  return label(h.kind, h.namespace, h.name);
}

/** The API group of an apiVersion ('' for the core group, `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `group/kind/namespace/name` identity used for duplicate detection and lookups; `namespace` replaces the object's own ('' for none: undefined means the object's own). */
export function objectKey(o: KubeObject, namespace: string | undefined = o.metadata?.namespace): string {
  return `${apiGroupOf(o.apiVersion)}/${o.kind}/${namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
