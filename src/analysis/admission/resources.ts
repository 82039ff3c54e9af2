import { apiGroupOf } from '../../manifest/types.js';
import type { GroupVersionResource } from './model.js';

/**
 * REST resources of the kinds a tenant platform meets, as admission requests
 * and resourceRules name them. A kind outside the table falls back to the
 * API server's default plural (lowercase kind + "s"), which holds for every
 * built-in kind not listed here.
 */
const TABLE: readonly [apiVersion: string, kind: string, resource: string, namespaced: boolean][] = [
  ['v1', 'Namespace', 'namespaces', false],
  ['v1', 'Pod', 'pods', true],
  ['v1', 'PodTemplate', 'podtemplates', true],
  ['v1', 'ReplicationController', 'replicationcontrollers', true],
  ['v1', 'Service', 'services', true],
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'ServiceAccount', 'serviceaccounts', true],
  ['v1', 'ResourceQuota', 'resourcequotas', true],
  ['v1', 'LimitRange', 'limitranges', true],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['apps/v1', 'Deployment', 'deployments', true],
  ['apps/v1', 'StatefulSet', 'statefulsets', true],
  ['apps/v1', 'DaemonSet', 'daemonsets', true],
  ['apps/v1', 'ReplicaSet', 'replicasets', true],
  ['batch/v1', 'Job', 'jobs', true],
  ['batch/v1', 'CronJob', 'cronjobs', true],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
  ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false],
  ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io/v1', 'MutatingAdmissionPolicy', 'mutatingadmissionpolicies', false],
  ['admissionregistration.k8s.io/v1', 'MutatingAdmissionPolicyBinding', 'mutatingadmissionpolicybindings', false],
];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const group = apiGroupOf(apiVersion);
  return { group, version: group ? apiVersion.slice(group.length + 1) : apiVersion };
}

const byKind = new Map(TABLE.map(([apiVersion, kind, resource]) => [`${splitApiVersion(apiVersion).group}/${kind}`, resource]));
const byResource = new Map(TABLE.map(([apiVersion, kind, resource]) => [`${splitApiVersion(apiVersion).group}/${resource}`, { apiVersion, kind }]));

/** By apiVersion, then kind: asked for every request, of a few distinct kinds. Never changed by callers (requestFor copies it). */
const resources = new Map<string, Map<string, Readonly<GroupVersionResource>>>();

export function resourceOf(apiVersion: string, kind: string): Readonly<GroupVersionResource> {
  let ofVersion = resources.get(apiVersion);
  if (!ofVersion) resources.set(apiVersion, (ofVersion = new Map()));
  let r = ofVersion.get(kind);
  if (!r) {
    const { group, version } = splitApiVersion(apiVersion);
    r = { group, version, resource: byKind.get(`${group}/${kind}`) ?? `${kind.toLowerCase()}s` };
    ofVersion.set(kind, r);
  }
  return r;
}

/** The kind served as `group/resource`, for typing `object` in expressions; undefined for resources outside the table. */
export function kindOf(group: string, resource: string): { apiVersion: string; kind: string } | undefined {
  return byResource.get(`${group}/${resource}`);
}

/** Every (group, resource) in the table: what a `*` in a resource rule stands for when typing expressions. */
export const knownResources: readonly { group: string; resource: string }[] = TABLE.map(([apiVersion, , resource]) => ({ group: splitApiVersion(apiVersion).group, resource }));

/**
 * Admission configuration objects are never subject to admission policies:
 * the API server skips policy dispatch for them, so no policy can block the
 * change that repairs or removes it (semantics: exemptConfiguration).
 */
export function isExemptConfiguration(r: GroupVersionResource): boolean {
  return (
    r.group === 'admissionregistration.k8s.io' &&
    ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'].includes(r.resource)
  );
}
