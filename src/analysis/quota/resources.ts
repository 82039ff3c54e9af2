import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import { formatQuantity, maxQuantity, parseQuantity, UNIT } from '../../manifest/quantity.js';
import type { ContainerResources, ResourceMap } from './types.js';

/*
 * Per-container and per-pod resources as admission sees them: core/v1
 * defaulting (a limit without a request makes the request equal the limit),
 * then LimitRanger defaulting (missing limits from `default`, missing requests
 * from `defaultRequest`), then the pod totals resource quota charges.
 */

export interface LimitRangeItem {
  type?: string;
  default?: Record<string, unknown>;
  defaultRequest?: Record<string, unknown>;
  max?: Record<string, unknown>;
  min?: Record<string, unknown>;
  maxLimitRequestRatio?: Record<string, unknown>;
}

export interface LimitRangeRef {
  name: string;
  limits: LimitRangeItem[];
}

export function toResourceMap(list: Record<string, unknown> | undefined | null): ResourceMap {
  const out: ResourceMap = {};
  for (const [k, v] of Object.entries(list ?? {})) {
    const n = parseQuantity(v);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/**
 * A LimitRange Container item as the API server stores it: `default` falls back
 * to `max`, `defaultRequest` to `default` and then to `min` (SetDefaults_LimitRangeItem).
 */
export function containerDefaults(item: LimitRangeItem): { limits: ResourceMap; requests: ResourceMap } {
  const limits = { ...toResourceMap(item.max), ...toResourceMap(item.default) };
  const requests = { ...toResourceMap(item.min), ...limits, ...toResourceMap(item.defaultRequest) };
  return { limits, requests };
}

/** Effective requests and limits of one container once every LimitRange has defaulted it. */
export function effectiveContainer(container: Container, pointer: string, limitRanges: readonly LimitRangeRef[]): ContainerResources {
  const limits = toResourceMap(container.resources?.limits as Record<string, unknown> | undefined);
  const requests = { ...limits, ...toResourceMap(container.resources?.requests as Record<string, unknown> | undefined) };
  const defaulted: string[] = [];
  for (const lr of limitRanges) {
    for (const item of lr.limits) {
      if (item.type !== 'Container') continue;
      const d = containerDefaults(item);
      for (const [k, v] of Object.entries(d.limits)) {
        if (!(k in limits)) {
          limits[k] = v;
          defaulted.push(`limits.${k}`);
        }
      }
      for (const [k, v] of Object.entries(d.requests)) {
        if (!(k in requests)) {
          requests[k] = v;
          defaulted.push(`requests.${k}`);
        }
      }
    }
  }
  return { name: container.name, pointer, requests, limits, defaulted };
}

function add(into: ResourceMap, from: ResourceMap): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0n) + v;
}

function maxInto(into: ResourceMap, from: ResourceMap): void {
  for (const [k, v] of Object.entries(from)) into[k] = maxQuantity(into[k] ?? 0n, v);
}

/**
 * Pod-level requests or limits (upstream resourcehelper.PodRequests): regular
 * containers and restartable (sidecar) init containers add up; each ordinary
 * init container runs alone next to the sidecars started before it; the pod
 * needs the larger of the two, plus any RuntimeClass overhead.
 */
export function podTotal(
  spec: PodSpec,
  byContainer: Map<Container, ContainerResources>,
  pick: (c: ContainerResources) => ResourceMap,
): ResourceMap {
  const total: ResourceMap = {};
  for (const c of spec.containers ?? []) add(total, pick(byContainer.get(c)!));
  const sidecars: ResourceMap = {};
  const initPeak: ResourceMap = {};
  for (const c of spec.initContainers ?? []) {
    const own = pick(byContainer.get(c)!);
    if (c.restartPolicy === 'Always') {
      add(total, own);
      add(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const during: ResourceMap = { ...sidecars };
      add(during, own);
      maxInto(initPeak, during);
    }
  }
  maxInto(total, initPeak);
  add(total, toResourceMap(spec.overhead as Record<string, unknown> | undefined));
  return total;
}

/** Pod usage under the names a ResourceQuota uses (`cpu` and `requests.cpu` both mean the request). */
export function quotaUsage(requests: ResourceMap, limits: ResourceMap): ResourceMap {
  const out: ResourceMap = { pods: UNIT, 'count/pods': UNIT };
  for (const [k, v] of Object.entries(requests)) {
    out[`requests.${k}`] = v;
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') out[k] = v;
  }
  for (const [k, v] of Object.entries(limits)) out[`limits.${k}`] = v;
  return out;
}

export function show(value: bigint, resource: string): string {
  return formatQuantity(value, resource);
}
