import type { KubeObject } from '../../manifest/types.js';
import type { Scenario } from './types.js';

/*
 * How many pods each workload runs in each scenario. The manifests are all we
 * have, so: spec.replicas (default 1), an HPA's minReplicas as the steady count
 * and maxReplicas as the peak, and during a rollout every Deployment surging at
 * once (the worst case of a tenant-wide image bump).
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((n, k) => (isObj(n) ? n[k] : undefined), o);
// Replica counts are whole numbers (the schema reports 2.5); anything else falls back rather than multiplying quantities by a fraction.
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fallback);

export interface HpaRef {
  name: string;
  kind: string;
  target: string;
  min: number;
  max: number;
}

export function hpasOf(objects: readonly KubeObject[]): HpaRef[] {
  return objects
    .filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .map((o) => ({
      name: o.metadata?.name ?? '',
      kind: String(get(o, 'spec', 'scaleTargetRef', 'kind') ?? ''),
      target: String(get(o, 'spec', 'scaleTargetRef', 'name') ?? ''),
      min: num(get(o, 'spec', 'minReplicas'), 1),
      max: num(get(o, 'spec', 'maxReplicas'), 1),
    }));
}

/** Pods a workload declares without autoscaling. */
export function declaredReplicas(o: KubeObject, daemonSetNodes: number): number {
  switch (o.kind) {
    case 'Pod':
      return 1;
    case 'DaemonSet':
      return daemonSetNodes;
    case 'Job':
      return num(get(o, 'spec', 'parallelism'), 1);
    case 'CronJob':
      return num(get(o, 'spec', 'jobTemplate', 'spec', 'parallelism'), 1);
    default:
      return num(get(o, 'spec', 'replicas'), 1);
  }
}

/**
 * Extra pods a Deployment may run during a rolling update: maxSurge as an
 * integer, or a percentage of replicas rounded up (upstream intstr with
 * roundUp=true); 25% when unset; none for Recreate.
 */
export function surgeOf(o: KubeObject, replicas: number): number {
  if (o.kind !== 'Deployment') return 0;
  if (get(o, 'spec', 'strategy', 'type') === 'Recreate') return 0;
  const raw = get(o, 'spec', 'strategy', 'rollingUpdate', 'maxSurge') ?? '25%';
  if (typeof raw === 'number') return Math.max(0, Math.floor(raw));
  const pct = /^(\d+)%$/.exec(String(raw));
  if (pct) return Math.ceil((replicas * Number(pct[1])) / 100);
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function replicasByScenario(
  o: KubeObject,
  hpa: HpaRef | undefined,
  daemonSetNodes: number,
): Record<Scenario, number> {
  const steady = hpa ? hpa.min : declaredReplicas(o, daemonSetNodes);
  const peak = hpa ? Math.max(hpa.max, steady) : steady;
  return {
    steady,
    hpaMax: peak,
    rollout: steady + surgeOf(o, steady),
    rolloutAtHpaMax: peak + surgeOf(o, peak),
  };
}

export function hpaFor(o: KubeObject, hpas: readonly HpaRef[]): HpaRef | undefined {
  return hpas.find((h) => h.kind === o.kind && h.target === o.metadata?.name);
}
