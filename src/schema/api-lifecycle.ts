/**
 * Which API versions a Kubernetes release still serves, from the Deprecated
 * API Migration Guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/):
 * "The vX.Y release stopped serving the following deprecated API versions".
 * Each row is one such statement; `deprecatedIn` is the release whose notes
 * deprecated the version, where the guide or the release names it.
 */
export interface ApiRemoval {
  apiVersion: string;
  kinds: readonly string[];
  /** First release that no longer serves it. */
  removedIn: string;
  deprecatedIn?: string;
  /** What to migrate to; undefined when there is no replacement (PodSecurityPolicy). */
  replacement?: string;
  note?: string;
}

const apps = ['DaemonSet', 'Deployment', 'ReplicaSet'];

export const API_REMOVALS: readonly ApiRemoval[] = [
  // v1.16
  { apiVersion: 'extensions/v1beta1', kinds: [...apps], removedIn: '1.16', deprecatedIn: '1.9', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet'], removedIn: '1.16', deprecatedIn: '1.9', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: [...apps, 'StatefulSet'], removedIn: '1.16', deprecatedIn: '1.9', replacement: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: '1.16', deprecatedIn: '1.9', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.16', deprecatedIn: '1.11', replacement: 'policy/v1beta1' },
  // v1.22
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], removedIn: '1.22', deprecatedIn: '1.16', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: '1.22', deprecatedIn: '1.16', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'authentication.k8s.io/v1' },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'authorization.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', deprecatedIn: '1.14', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], removedIn: '1.22', deprecatedIn: '1.17', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: '1.22', deprecatedIn: '1.14', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: '1.22', deprecatedIn: '1.19', replacement: 'storage.k8s.io/v1' },
  // v1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', deprecatedIn: '1.21', replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: '1.25', deprecatedIn: '1.21', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: '1.25', deprecatedIn: '1.19', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', deprecatedIn: '1.22', replacement: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: '1.25', deprecatedIn: '1.21', replacement: 'policy/v1' },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodSecurityPolicy'],
    removedIn: '1.25',
    deprecatedIn: '1.21',
    note: 'PodSecurityPolicy has no replacement API: use Pod Security Admission (pod-security.kubernetes.io namespace labels) or a policy engine',
  },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', deprecatedIn: '1.20', replacement: 'node.k8s.io/v1' },
  // v1.26
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.26', deprecatedIn: '1.23', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', deprecatedIn: '1.23', replacement: 'autoscaling/v2' },
  // v1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', deprecatedIn: '1.24', replacement: 'storage.k8s.io/v1' },
  // v1.29
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.29', deprecatedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  // v1.32
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.32', deprecatedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
];

/** The releases `--kubernetes-version` accepts: from the oldest removal in the table to the bundled schemas' release. */
export const OLDEST_VERSION = '1.16';
export const SCHEMA_VERSION = '1.36';

export interface MinorVersion {
  major: number;
  minor: number;
}

/** `1.29`, `v1.29` or `1.29.3` → 1.29; anything else → undefined. */
export function parseMinorVersion(text: string): MinorVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function compare(a: MinorVersion, b: MinorVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

export function isSupportedVersion(v: MinorVersion): boolean {
  return compare(v, parseMinorVersion(OLDEST_VERSION)!) >= 0 && compare(v, parseMinorVersion(SCHEMA_VERSION)!) <= 0;
}

export type ApiStatus = { status: 'removed'; removal: ApiRemoval } | { status: 'deprecated'; removal: ApiRemoval } | { status: 'served' };

/** What `target` does with objects of this apiVersion and kind. */
export function apiStatus(apiVersion: string, kind: string, target: MinorVersion): ApiStatus {
  const removal = API_REMOVALS.find((r) => r.apiVersion === apiVersion && r.kinds.includes(kind));
  if (!removal) return { status: 'served' };
  if (compare(target, parseMinorVersion(removal.removedIn)!) >= 0) return { status: 'removed', removal };
  if (removal.deprecatedIn && compare(target, parseMinorVersion(removal.deprecatedIn)!) >= 0) return { status: 'deprecated', removal };
  return { status: 'served' };
}
