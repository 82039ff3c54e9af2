import { isDeepStrictEqual } from 'node:util';
import { objectLabel, type Manifest } from '../manifest/types.js';
import type { Tenant } from '../tenants/types.js';
import type { Side } from './base.js';
import { pushTo } from '../collections.js';
import { differingFiles } from '../render/render.js';

export type Change = 'added' | 'removed' | 'changed';

export interface ObjectChange {
  change: Change;
  path: string;
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
  ref: string;
}

export interface TenantChange {
  id: string;
  change: Change;
  namespace?: string;
  /** The tenant as it is in the base (removed) or the head (added, changed: a reviewer reads the header as the new state). */
  tenant?: Tenant;
  /** Setting-level differences, e.g. `tier: standard → premium`. */
  fields: string[];
  objects: ObjectChange[];
}

export interface Plan {
  tenants: TenantChange[];
  /** Objects of no tenant: cluster-wide RBAC, the database policy, the GitOps entry points. */
  platform: ObjectChange[];
}

function refOf(m: Manifest | undefined, path: string): string {
  return m ? objectLabel(m.object) : path;
}

const shown: (keyof Tenant)[] = ['name', 'tierName', 'cluster', 'namespace', 'decommissioned', 'imageTag'];
const summarised: (keyof Tenant)[] = ['quota', 'limits', 'api', 'worker', 'config', 'needsApiAccess', 'waivers'];

/** `{limits: {cpu: '4'}}` → `limits.cpu` = `4`: resolved settings as dotted keys a reviewer can read. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** Per tenant, at most this many setting lines; the objects list the rest. */
const MAX_FIELD_LINES = 25;

/**
 * A setting as a reviewer reads it. A waiver's pointer is where it is written
 * in tenants.yaml, not what it waives: a tenant added or removed above it
 * moves it, and that is no change of this tenant.
 */
function setting(t: Tenant, k: keyof Tenant): unknown {
  return k === 'waivers' ? t.waivers.map(({ pointer: _where, ...waiver }) => waiver) : t[k];
}

function fieldChanges(a: Tenant, b: Tenant): string[] {
  const out: string[] = [];
  // Compared without serialising: every tenant on both sides is compared, and most are equal.
  for (const k of shown) {
    if (!isDeepStrictEqual(a[k], b[k])) out.push(`${k === 'tierName' ? 'tier' : k}: ${String(a[k] ?? '-')} → ${String(b[k] ?? '-')}`);
  }
  for (const k of summarised) {
    const [was, is] = [setting(a, k), setting(b, k)];
    if (isDeepStrictEqual(was, is)) continue;
    const before = flatten(was, k, new Map());
    const after = flatten(is, k, new Map());
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      if (before.get(key) !== after.get(key)) out.push(`${key}: ${before.get(key) ?? '-'} → ${after.get(key) ?? '-'}`);
    }
  }
  return out.length > MAX_FIELD_LINES ? [...out.slice(0, MAX_FIELD_LINES), `… and ${out.length - MAX_FIELD_LINES} more settings`] : out;
}

const byId = <T>(a: T, b: T, key: (x: T) => string) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * What merging would change, tenant by tenant, from two renders made with the
 * same templates. Pure: both sides are already loaded and rendered.
 */
export function comparePlans(base: Side, head: Side): Plan {
  // Only files that differ are listed: a pull request touches a few of a large tree's files.
  const sides = differingFiles(base.render, head.render);
  const differing = [...sides.keys()];
  /** The object in each differing file (the last document of a file, as a map by file would keep). */
  const manifestAt = (s: Side) => {
    const wanted = new Set(differing);
    const out = new Map<string, Manifest>();
    for (const m of s.render?.manifests ?? []) if (wanted.has(m.file)) out.set(m.file, m);
    return out;
  };
  const [baseObjs, headObjs] = [manifestAt(base), manifestAt(head)];
  const ownerOf = (p: string) => head.render?.owners.get(p) ?? base.render?.owners.get(p);

  const perTenant = new Map<string, ObjectChange[]>();
  const platform: ObjectChange[] = [];
  for (const p of differing) {
    if (p.endsWith('/kustomization.yaml')) continue;
    const side = sides.get(p);
    const change: Change = side === 'second' ? 'added' : side === 'first' ? 'removed' : 'changed';
    const oc = { change, path: p, ref: refOf(headObjs.get(p) ?? baseObjs.get(p), p) };
    const owner = ownerOf(p);
    if (owner) pushTo(perTenant, owner, oc);
    else platform.push(oc);
  }

  const baseTenants = new Map((base.config?.tenants ?? []).map((t) => [t.id, t]));
  const headTenants = new Map((head.config?.tenants ?? []).map((t) => [t.id, t]));
  const tenants: TenantChange[] = [];
  const [baseIds, headIds] = [new Set(base.ids), new Set(head.ids)];
  for (const id of [...new Set([...base.ids, ...head.ids])].sort()) {
    const was = baseTenants.get(id);
    const is = headTenants.get(id);
    const inBase = baseIds.has(id);
    const inHead = headIds.has(id);
    const objects = perTenant.get(id) ?? [];
    const change: Change | undefined = !inBase ? 'added' : !inHead ? 'removed' : objects.length > 0 || (was && is && fieldChanges(was, is).length > 0) ? 'changed' : undefined;
    if (!change) continue;
    const tenant = change === 'removed' ? (was ?? is) : (is ?? was);
    tenants.push({
      id,
      change,
      ...(tenant ? { namespace: tenant.namespace, tenant } : {}),
      fields: change === 'changed' && was && is ? fieldChanges(was, is) : [],
      objects,
    });
  }
  return { tenants: tenants.sort((a, b) => byId(a, b, (x) => x.id)), platform };
}
