import type { KubeObject } from '../../manifest/types.js';

/**
 * The admission request a ValidatingAdmissionPolicy sees, as the `request`
 * variable and the matching inputs (Kubernetes API reference,
 * admission.k8s.io/v1 AdmissionRequest).
 */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface AdmissionRequest {
  operation: Operation;
  user: { username: string; groups: readonly string[] };
  resource: GroupVersionResource;
  subResource?: string;
  kind: { group: string; version: string; kind: string };
  name: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  /** null for DELETE. */
  object: KubeObject | null;
  /** null for CREATE. */
  oldObject: KubeObject | null;
}

/** What one binding of one policy did to a request. */
export interface Verdict {
  policy: string;
  binding: string;
  /** The binding's validationActions. */
  actions: readonly string[];
  /** The failed validation's message, or the evaluation error. */
  message: string;
  /** Index of the failed validation, or -1 for an error outside a validation. */
  validation: number;
  /** JSON pointer of the expression that failed or errored, inside the policy. */
  pointer: string;
  error?: string;
}

export interface Decision {
  /** False when a binding with Deny failed. */
  allowed: boolean;
  /** Every failed validation (whatever its action), in policy then binding order. */
  failures: Verdict[];
}

/** One documented behaviour the evaluator encodes, with the sentence it comes from. */
export interface SemanticsRow {
  behaviour: string;
  source: string;
  quote: string;
}
