import type { PodSpec } from 'kubernetes-types/core/v1.js';

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface PodMeta {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** One failed Pod Security check, in the shape upstream reports it plus where to look. */
export interface Violation {
  /** Upstream check id, e.g. `runAsNonRoot`. */
  check: string;
  /** Upstream's short forbidden reason, e.g. `runAsNonRoot != true`. */
  reason: string;
  /** Upstream's detail sentence naming the containers or values at fault. */
  detail: string;
  /** JSON pointers relative to the pod template (`/spec/...`, `/metadata/annotations/...`). */
  pointers: string[];
}

export type CheckResult = { allowed: true } | { allowed: false; reason: string; detail: string; pointers: string[] };

export type CheckFn = (meta: PodMeta, spec: PodSpec) => CheckResult;

export interface VersionedCheck {
  /** Minor of the first policy version (v1.x) this revision applies to. */
  minimumMinor: number;
  check: CheckFn;
  /** Baseline check ids this restricted revision replaces when the restricted level is evaluated. */
  overrides?: readonly string[];
}

export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Strictly increasing by minimumMinor. */
  versions: readonly VersionedCheck[];
}

export const allowed: CheckResult = { allowed: true };

export function forbid(reason: string, detail: string, pointers: string[]): CheckResult {
  return { allowed: false, reason, detail, pointers };
}
