import type { PodScopeFacts } from './scopes.js';

/** Resource name → exact amount in milli-units of its base unit (cores, bytes, count); see manifest/quantity. */
export type ResourceMap = Record<string, bigint>;

export type Scenario = 'steady' | 'hpaMax' | 'rollout' | 'rolloutAtHpaMax';

export const scenarios: readonly Scenario[] = ['steady', 'hpaMax', 'rollout', 'rolloutAtHpaMax'];

/** One object that runs pods, with its effective per-pod resources and replica counts per scenario. */
export interface WorkloadUsage {
  /** Index of the object in the analysed input, so callers can map back to a Manifest. */
  index: number;
  kind: string;
  name: string;
  /** Pod usage after LimitRange defaulting, in quota terms (requests.cpu, limits.memory, ...). */
  perPod: ResourceMap;
  replicas: Record<Scenario, number>;
  /** Name of the HorizontalPodAutoscaler scaling it, when one does. */
  hpa?: string;
  /** Effective resources per container after defaulting, keyed by container pointer. */
  containers: ContainerResources[];
  /** What quota scopes select on: terminating, QoS, priority class, cross-namespace affinity. */
  scope: PodScopeFacts;
}

export interface ContainerResources {
  name: string;
  /** JSON pointer relative to the workload object, e.g. `/spec/template/spec/containers/0`. */
  pointer: string;
  requests: ResourceMap;
  limits: ResourceMap;
  /** Resource keys filled in from a LimitRange (`requests.cpu`, `limits.memory`, ...). */
  defaulted: string[];
}

export interface Term {
  workload: string;
  replicas: number;
  perPod: bigint;
}

export interface ResourceFit {
  resource: string;
  used: bigint;
  hard: bigint;
  headroom: bigint;
  fits: boolean;
  terms: Term[];
}

export interface QuotaFit {
  quota: string;
  resources: ResourceFit[];
}

export interface ScenarioResult {
  scenario: Scenario;
  quotas: QuotaFit[];
  fits: boolean;
}

export type RejectionReason =
  | 'limitrange-min'
  | 'limitrange-max'
  | 'limitrange-ratio'
  | 'request-exceeds-limit'
  | 'missing-resource'
  | 'pod-exceeds-quota'
  /** A ResourceQuota the API server refuses to store (its scopes); `index` is the quota's. */
  | 'invalid-quota';

/** A pod the API server would refuse to create at all, whatever the replica count. */
export interface Rejection {
  index: number;
  kind: string;
  name: string;
  /** Pointer relative to the object; the container or the pod template it concerns. */
  pointer: string;
  container?: string;
  resource: string;
  reason: RejectionReason;
  /** Names the LimitRange or ResourceQuota that rejects. */
  by: string;
  message: string;
}

export interface QuotaAnalysis {
  workloads: WorkloadUsage[];
  scenarios: ScenarioResult[];
  rejections: Rejection[];
}

export interface QuotaOptions {
  /** Pods a DaemonSet runs (one per eligible node); the manifests cannot tell. Default 1. */
  daemonSetNodes?: number;
}
