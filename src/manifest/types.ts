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
  /** Position of the node at a JSON pointer (RFC 6901), or of its nearest existing ancestor. */
  locate(pointer: string): Position;
}

/** The namespace an object belongs to: its own, or its name for a Namespace. */
export function namespaceOf(o: KubeObject): string | undefined {
  return o.kind === 'Namespace' ? o.metadata?.name : o.metadata?.namespace;
}

export function objectRef(o: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name ?? '' };
  if (o.metadata?.namespace) ref.namespace = o.metadata.namespace;
  return ref;
}

/** `Kind namespace/name` (`Kind name` for a cluster-scoped object): how messages and plans name an object. */
export function objectLabel(o: KubeObject): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? ''}`;
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
