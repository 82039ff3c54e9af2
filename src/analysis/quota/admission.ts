import { formatRatio, UNIT } from '../../manifest/quantity.js';
import { show, toResourceMap, type LimitRangeRef } from './resources.js';
import type { ScopeRequirement } from './scopes.js';
import type { ContainerResources, Rejection, ResourceMap, WorkloadUsage } from './types.js';

/*
 * Reasons a single pod is refused before replica counts matter: LimitRanger's
 * min / max / maxLimitRequestRatio per container and per pod, a request above
 * its limit once defaults are in, a quota'd compute resource the pod does not
 * declare ("must specify"), and a pod larger than a quota on its own.
 */

type Where = Pick<Rejection, 'index' | 'kind' | 'name'>;

function containerLimitChecks(w: Where, c: ContainerResources, lr: LimitRangeRef): Rejection[] {
  const out: Rejection[] = [];
  const base = { ...w, pointer: c.pointer, container: c.name, by: `LimitRange/${lr.name}` };
  for (const item of lr.limits) {
    if (item.type !== 'Container') continue;
    for (const [k, min] of Object.entries(toResourceMap(item.min))) {
      const req = c.requests[k];
      if (req === undefined) {
        out.push({ ...base, resource: k, reason: 'limitrange-min', message: `minimum ${k} usage per Container is ${show(min, k)}. No request is specified` });
      } else if (req < min) {
        out.push({ ...base, resource: k, reason: 'limitrange-min', message: `minimum ${k} usage per Container is ${show(min, k)}, but request is ${show(req, k)}` });
      }
    }
    for (const [k, max] of Object.entries(toResourceMap(item.max))) {
      const lim = c.limits[k];
      if (lim === undefined) {
        out.push({ ...base, resource: k, reason: 'limitrange-max', message: `maximum ${k} usage per Container is ${show(max, k)}. No limit is specified` });
      } else if (lim > max) {
        out.push({ ...base, resource: k, reason: 'limitrange-max', message: `maximum ${k} usage per Container is ${show(max, k)}, but limit is ${show(lim, k)}` });
      }
    }
    for (const [k, ratio] of Object.entries(toResourceMap(item.maxLimitRequestRatio))) {
      const lim = c.limits[k];
      const req = c.requests[k];
      if (lim === undefined || !req) {
        out.push({ ...base, resource: k, reason: 'limitrange-ratio', message: `${k} max limit to request ratio per Container is ${formatRatio(ratio, UNIT)}, but no ${lim === undefined ? 'limit' : 'request'} is specified` });
      } else if (lim * UNIT > ratio * req) {
        // limit / request > ratio, kept in integers: both sides are milli-units.
        out.push({ ...base, resource: k, reason: 'limitrange-ratio', message: `${k} max limit to request ratio per Container is ${formatRatio(ratio, UNIT)}, but provided ratio is ${formatRatio(lim, req)}` });
      }
    }
  }
  return out;
}

function podLimitChecks(w: Where, pointer: string, requests: ResourceMap, limits: ResourceMap, lr: LimitRangeRef): Rejection[] {
  const out: Rejection[] = [];
  const base = { ...w, pointer, by: `LimitRange/${lr.name}` };
  for (const item of lr.limits) {
    if (item.type !== 'Pod') continue;
    for (const [k, min] of Object.entries(toResourceMap(item.min))) {
      const req = requests[k] ?? 0n;
      if (req < min) out.push({ ...base, resource: k, reason: 'limitrange-min', message: `minimum ${k} usage per Pod is ${show(min, k)}, but request is ${show(req, k)}` });
    }
    for (const [k, max] of Object.entries(toResourceMap(item.max))) {
      const lim = limits[k];
      if (lim === undefined || lim > max) {
        const got = lim === undefined ? 'no limit is specified' : `limit is ${show(lim, k)}`;
        out.push({ ...base, resource: k, reason: 'limitrange-max', message: `maximum ${k} usage per Pod is ${show(max, k)}, but ${got}` });
      }
    }
  }
  return out;
}

const mustDeclare = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);

/** The quota name a container's declared resources satisfy (`cpu` is the request). */
function declared(c: ContainerResources): Set<string> {
  const out = new Set<string>();
  for (const k of Object.keys(c.requests)) out.add(`requests.${k}`).add(k);
  for (const k of Object.keys(c.limits)) out.add(`limits.${k}`);
  return out;
}

export interface QuotaRef {
  name: string;
  hard: ResourceMap;
  /** Scope requirements (`scopes` as Exists, then `scopeSelector`); empty charges every pod and object. */
  scopes: ScopeRequirement[];
}

export function admissionRejections(
  w: WorkloadUsage,
  templatePointer: string,
  podRequests: ResourceMap,
  podLimits: ResourceMap,
  limitRanges: readonly LimitRangeRef[],
  quotas: readonly QuotaRef[],
): Rejection[] {
  const where: Where = { index: w.index, kind: w.kind, name: w.name };
  const out: Rejection[] = [];
  for (const c of w.containers) {
    for (const lr of limitRanges) out.push(...containerLimitChecks(where, c, lr));
    for (const [k, req] of Object.entries(c.requests)) {
      const lim = c.limits[k];
      if (lim !== undefined && req > lim) {
        out.push({ ...where, pointer: c.pointer, container: c.name, resource: k, reason: 'request-exceeds-limit', by: 'validation', message: `${k} request ${show(req, k)} must be less than or equal to ${k} limit ${show(lim, k)}` });
      }
    }
  }
  for (const lr of limitRanges) out.push(...podLimitChecks(where, templatePointer, podRequests, podLimits, lr));
  for (const q of quotas) {
    for (const resource of Object.keys(q.hard).filter((r) => mustDeclare.has(r)).sort()) {
      const missing = w.containers.filter((c) => !declared(c).has(resource)).map((c) => c.name);
      if (missing.length > 0) {
        out.push({ ...where, pointer: templatePointer, resource, reason: 'missing-resource', by: `ResourceQuota/${q.name}`, message: `must specify ${resource} for: ${missing.join(',')}` });
      }
    }
    for (const [resource, hard] of Object.entries(q.hard).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const one = w.perPod[resource];
      if (one !== undefined && one > hard) {
        out.push({ ...where, pointer: templatePointer, resource, reason: 'pod-exceeds-quota', by: `ResourceQuota/${q.name}`, message: `exceeded quota: ${q.name}, requested: ${resource}=${show(one, resource)}, limited: ${resource}=${show(hard, resource)}` });
      }
    }
  }
  return out;
}
