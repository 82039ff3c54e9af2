/**
 * A PolicyRule with every list present, so matching code never has to guard
 * against a missing field (the API treats an absent list as empty).
 */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** The identity a request is evaluated for: name plus every group, implicit ones included. */
export interface UserInfo {
  name: string;
  groups: string[];
}

export interface ResourceRequest {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  name?: string;
  /** Absent or '' = a cluster-wide request (only ClusterRoleBindings apply). */
  namespace?: string;
}

export interface NonResourceRequest {
  verb: string;
  nonResourceURL: string;
}

export type AccessRequest = ResourceRequest | NonResourceRequest;

export function isNonResourceRequest(r: AccessRequest): r is NonResourceRequest {
  return 'nonResourceURL' in r;
}

export interface RbacObjectRef {
  kind: 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** One binding → role edge through which a user holds rules. */
export interface Grant {
  binding: RbacObjectRef;
  role: RbacObjectRef;
  /** The subject entry of the binding that matched the user. */
  subject: Subject;
  /** Effective rules of the role (after aggregation); empty when the role does not exist. */
  rules: readonly PolicyRule[];
  /** The referenced role is not among the manifests, so the binding grants nothing (yet). */
  dangling?: boolean;
}

export interface Decision {
  allowed: boolean;
  /** Every grant with a rule that allows the request, in binding order. */
  via: { binding: RbacObjectRef; role: RbacObjectRef; rule: PolicyRule }[];
  /** Set when the user is in a group the API server lets bypass authorization. */
  superuserGroup?: string;
}

/** Something the evaluator could not resolve while indexing; reported, never fatal. */
export interface RbacWarning {
  object: RbacObjectRef;
  message: string;
}

export function refString(r: RbacObjectRef): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}
