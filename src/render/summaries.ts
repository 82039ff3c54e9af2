/**
 * Tenant summaries: what a tenant's render placed, without the texts. A
 * `render` in which most tenants are unchanged places those from their
 * summaries instead of decoding their cache entries, and compares their files
 * with the committed ones by one digest per tenant.
 *
 * Most tenants of a repository render the same objects but for their id, so a
 * summary is stored as a shape (the objects with the tenant id replaced by a
 * mark) shared by every tenant with that shape, plus one short line per
 * tenant: at 10,000 tenants about 2 MB instead of 40. Replacing every
 * occurrence of the id by a mark the strings never hold, and every mark by
 * the id, gives back the strings exactly, whatever the id.
 */

import type { KubeObject, ObjectHead } from '../manifest/types.js';

/** One object of a tenant's render without its text. */
export interface PlacedObject {
  template: string;
  /** Path in the tree (`rendered/...`). */
  path: string;
  objectKey: string;
  platformOwned: boolean;
  /** The object's head (headOfObject), when it has one. */
  head?: ObjectHead;
}

export interface TenantSummary {
  objects: readonly PlacedObject[];
  /** treeDigest() (tree/digest.ts) of the tenant's files. */
  digest: string;
  /** As in a cache entry: the tenant list's digest, when a template read it. */
  tenantsDigest?: string;
}

/**
 * An object of a summarised tenant that stages may read across tenants,
 * kept by a check beside the summary so that no stage needs the tenant's
 * cache entry for it: its text's contentDigest, the length of its JSON, and
 * the object.
 */
export interface KeptObject {
  digest: string;
  jsonLength: number;
  object: KubeObject;
}

/** A tenant's kept objects by their index in its shape. */
export type KeptObjects = ReadonlyMap<number, KeptObject>;

/** A stored summary: the tenant's line and its shape, both as stored. */
export interface StoredSummary {
  key: string;
  tenantsDigest?: string;
  digest: string;
  shape: string;
}

const MARK = '\u0000';

/** An ObjectHead as stored (in a shape, in a cache entry), with null for an absent name or namespace. */
export type StoredHead = [apiVersion: string, kind: string, name: string | null, namespace: string | null];

export const storedHead = (h: ObjectHead | undefined): StoredHead | 0 => (h ? [h.apiVersion, h.kind, h.name ?? null, h.namespace ?? null] : 0);

/** The head storedHead stored, undefined for none, null for anything it does not write. */
export function headFrom(v: unknown): ObjectHead | undefined | null {
  if (v === 0) return undefined;
  if (!Array.isArray(v) || v.length !== 4) return null;
  const [apiVersion, kind, name, namespace] = v as unknown[];
  const optional = (x: unknown) => x === null || typeof x === 'string';
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !optional(name) || !optional(namespace)) return null;
  return { apiVersion, kind, name: (name as string | null) ?? undefined, namespace: (namespace as string | null) ?? undefined };
}

/** The shape of a tenant's objects, or undefined when a string already holds the mark (such a tenant keeps no summary). */
export function shapeOf(tenant: string, objects: readonly PlacedObject[]): string | undefined {
  const out: [string, string, string, 0 | 1, StoredHead | 0][] = [];
  const marked = (s: string) => s.replaceAll(tenant, MARK);
  for (const o of objects) {
    const h = storedHead(o.head);
    const strings = [o.template, o.path, o.objectKey, ...(h === 0 ? [] : h)];
    if (strings.some((x) => x?.includes(MARK))) return undefined;
    const head = h === 0 ? 0 : (h.map((x) => (x === null ? null : marked(x))) as StoredHead);
    out.push([marked(o.template), marked(o.path), marked(o.objectKey), o.platformOwned ? 1 : 0, head]);
  }
  return JSON.stringify(out);
}

/** A head split at the marks. */
type ParsedHead = [apiVersion: string[], kind: string[], name: string[] | null, namespace: string[] | null];

/** A shape parsed once: each string split at the marks, so a tenant's strings are a join. */
export type ParsedShape = [template: string[], path: string[], objectKey: string[], platformOwned: boolean, head: ParsedHead | undefined][];

function parseHead(v: unknown): ParsedHead | undefined | null {
  const h = headFrom(v);
  if (!h) return h;
  const split = (x: string | undefined) => (x === undefined ? null : x.split(MARK));
  return [h.apiVersion.split(MARK), h.kind.split(MARK), split(h.name), split(h.namespace)];
}

/** Undefined for anything shapeOf did not write. */
export function parseShape(shape: string): ParsedShape | undefined {
  let v: unknown;
  try {
    v = JSON.parse(shape);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  const out: ParsedShape = [];
  for (const o of v as unknown[]) {
    if (!Array.isArray(o) || o.length !== 5 || typeof o[0] !== 'string' || typeof o[1] !== 'string' || typeof o[2] !== 'string' || (o[3] !== 0 && o[3] !== 1)) return undefined;
    const head = parseHead(o[4]);
    if (head === null) return undefined;
    out.push([o[0].split(MARK), o[1].split(MARK), o[2].split(MARK), o[3] === 1, head]);
  }
  return out;
}

/** A string without the mark is the shape's own (most template names): nothing is built for it. */
const filled = (parts: readonly string[], tenant: string): string => (parts.length === 1 ? parts[0]! : parts.join(tenant));

/**
 * Every string of the objects a shape was made from, given back for a
 * tenant: the inverse of shapeOf. A string the tenant's objects repeat (its
 * namespace in every head) is built once and shared, and `paths`
 * (pathsOf's, already built for the same tenant and shape) are reused: a
 * placed tenant's objects are held for the whole check, and at 10,000
 * tenants the copies were about 20 MB of its heap.
 */
export function objectsOf(tenant: string, shape: ParsedShape, paths?: readonly string[]): PlacedObject[] {
  const built = new Map<string, string>();
  const fill = (parts: readonly string[]): string => {
    if (parts.length === 1) return filled(parts, tenant);
    // The mark never occurs in a part, so joining with it tells the strings apart.
    const key = parts.join(MARK);
    let s = built.get(key);
    if (s === undefined) built.set(key, (s = filled(parts, tenant)));
    return s;
  };
  return shape.map(([template, p, objectKey, platformOwned, head], i) => ({
    template: fill(template),
    path: paths?.[i] ?? fill(p),
    objectKey: fill(objectKey),
    platformOwned,
    ...(head ? { head: { apiVersion: fill(head[0]), kind: fill(head[1]), name: head[2] ? fill(head[2]) : undefined, namespace: head[3] ? fill(head[3]) : undefined } } : {}),
  }));
}

/**
 * A stored summary as a render places it: the paths, and the shape to build
 * anything else from. Placing an unchanged tenant needs only its paths, so
 * its identities and template names are not built (at 10,000 tenants,
 * 360,000 strings).
 */
export interface ShapedSummary {
  tenant: string;
  shape: ParsedShape;
  /** With manifests wanted: the tenant's kept objects (RenderCache.keptObjects). */
  kept?: KeptObjects;
  /** The paths of its objects, in the shape's order. */
  paths: string[];
  digest: string;
  tenantsDigest?: string;
}

export const pathsOf = (tenant: string, shape: ParsedShape): string[] => shape.map((o) => filled(o[1], tenant));

/**
 * The id that fills the parts of a string (split at the marks) to `s`, or
 * undefined. With a mark in the parts at most one id does: its length
 * follows from the lengths, its place from the first part.
 */
export function idFilling(parts: readonly string[], s: string): string | undefined {
  if (parts.length < 2) return undefined;
  let fixed = 0;
  for (const p of parts) fixed += p.length;
  const length = (s.length - fixed) / (parts.length - 1);
  if (!Number.isInteger(length) || length < 1) return undefined;
  const id = s.slice(parts[0]!.length, parts[0]!.length + length);
  return parts.join(id) === s ? id : undefined;
}

/**
 * Whether an object of a summarised tenant has an identity that `taken`
 * says another object has: `others` holds those identities without their
 * roots, `taken` asks with the root. Solving each of the others for the id
 * (idFilling) costs others × objects per shape; building every summarised
 * object's identity costs one per object: the cheaper of the two is taken.
 */
export function identityTaken(summaries: readonly (readonly [roots: readonly [string, string], summary: ShapedSummary])[], others: ReadonlySet<string>, taken: (root: string, identity: string) => boolean): boolean {
  if (others.size === 0) return false;
  const byShape = new Map<ParsedShape, Map<string, readonly [string, string]>>();
  let objects = 0;
  for (const [roots, s] of summaries) {
    let tenants = byShape.get(s.shape);
    if (!tenants) byShape.set(s.shape, (tenants = new Map()));
    tenants.set(s.tenant, roots);
    objects += s.shape.length;
  }
  let perShape = 0;
  for (const shape of byShape.keys()) perShape += shape.length;
  if (others.size * perShape > objects) {
    for (const [roots, s] of summaries) for (const [, , key, platformOwned] of s.shape) {
      const identity = filled(key, s.tenant);
      if (others.has(identity) && taken(roots[platformOwned ? 1 : 0], identity)) return true;
    }
    return false;
  }
  for (const [shape, tenants] of byShape) {
    for (const [, , key, platformOwned] of shape) {
      const root = (roots: readonly [string, string]) => roots[platformOwned ? 1 : 0];
      if (key.length === 1) {
        // The same identity for every tenant of the shape.
        if (others.has(key[0]!)) for (const roots of tenants.values()) if (taken(root(roots), key[0]!)) return true;
        continue;
      }
      for (const identity of others) {
        const id = idFilling(key, identity);
        const roots = id === undefined ? undefined : tenants.get(id);
        if (roots && taken(root(roots), identity)) return true;
      }
    }
  }
  return false;
}

/** The file's text: the shapes, then one line per tenant (sorted by id) naming its shape by number. */
export function encodeSummaries(entries: ReadonlyMap<string, StoredSummary>): string {
  const shapes = new Map<string, number>();
  const tenants: string[] = [];
  for (const id of [...entries.keys()].sort()) {
    const s = entries.get(id)!;
    let n = shapes.get(s.shape);
    if (n === undefined) shapes.set(s.shape, (n = shapes.size));
    tenants.push(`t${JSON.stringify([id, s.key, s.tenantsDigest ?? null, n, s.digest])}\n`);
  }
  return [...[...shapes.keys()].map((s) => `s${s}\n`), ...tenants].join('');
}

/** The stored summaries by tenant id; undefined for anything that is not what encodeSummaries wrote. */
export function decodeSummaries(text: string): Map<string, StoredSummary> | undefined {
  const shapes: string[] = [];
  const out = new Map<string, StoredSummary>();
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) return undefined;
    const kind = text[at];
    const body = text.slice(at + 1, end);
    at = end + 1;
    if (kind === 's' && out.size === 0) {
      shapes.push(body);
      continue;
    }
    if (kind !== 't') return undefined;
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (!Array.isArray(v) || v.length !== 5) return undefined;
    const [id, key, tenantsDigest, n, digest] = v as unknown[];
    if (typeof id !== 'string' || typeof key !== 'string' || (tenantsDigest !== null && typeof tenantsDigest !== 'string') || typeof digest !== 'string') return undefined;
    const shape = typeof n === 'number' ? shapes[n] : undefined;
    if (shape === undefined) return undefined;
    out.set(id, { key, digest, shape, ...(tenantsDigest !== null ? { tenantsDigest } : {}) });
  }
  return out;
}
