/**
 * kubernetes-models keeps the declarations of API versions that older Kubernetes
 * releases served, without marking which ones 1.36 still serves. A schema for a
 * removed version would pass manifests the API server rejects, so these are
 * left out (Kubernetes deprecation guide; release that removed them).
 */
export const REMOVED_GROUP_VERSIONS: ReadonlySet<string> = new Set([
  'extensions/v1beta1', // 1.16 / 1.22
  'apps/v1beta1', // 1.16
  'apps/v1beta2', // 1.16
  'admissionregistration.k8s.io/v1beta1', // webhook configurations, 1.22
  'apiextensions.k8s.io/v1beta1', // 1.22
  'apiregistration.k8s.io/v1beta1', // 1.22
  'authentication.k8s.io/v1beta1', // TokenReview, 1.22
  'authorization.k8s.io/v1beta1', // 1.22
  'certificates.k8s.io/v1beta1', // CertificateSigningRequest, 1.22
  'coordination.k8s.io/v1beta1', // Lease, 1.22
  'networking.k8s.io/v1beta1', // Ingress, IngressClass, 1.22
  'rbac.authorization.k8s.io/v1beta1', // 1.22
  'scheduling.k8s.io/v1beta1', // 1.22
  'storage.k8s.io/v1beta1', // 1.22, CSIStorageCapacity 1.27
  'batch/v1beta1', // 1.25
  'discovery.k8s.io/v1beta1', // 1.25
  'events.k8s.io/v1beta1', // 1.25
  'autoscaling/v2beta1', // 1.25
  'policy/v1beta1', // 1.25
  'node.k8s.io/v1beta1', // 1.25
  'autoscaling/v2beta2', // 1.26
  'flowcontrol.apiserver.k8s.io/v1beta1', // 1.26
  'flowcontrol.apiserver.k8s.io/v1beta2', // 1.29
  'flowcontrol.apiserver.k8s.io/v1beta3', // 1.32
]);
