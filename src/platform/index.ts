/**
 * What tenantctl knows about the platform it renders, stated once: file names,
 * the guardrail objects, the api's port and labels, ServiceAccount naming and
 * the folder layout (./layout.ts). Every stage reads these from here.
 */

/** Repository layout a tenants repository follows (each overridable where a command says so). */
export const TENANTS_FILE = 'tenants.yaml';
export const TEMPLATES_DIR = 'templates';
export const OUT_DIR = 'rendered';

/** The api container listens here; the ingress policy and the proofs admit exactly this port. */
export const API_PORT = 8000;
export const API_PORT_PROTOCOL = 'TCP';
/** Label key and value that mark the api pods (Service selector, ingress NetworkPolicy podSelector). */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const API_COMPONENT = 'api';
export const WORKER_COMPONENT = 'worker';

/** Tenant ServiceAccounts are this prefix plus the tenant id (admission policies rebuild the name from the namespace's tenant label). */
export const TENANT_SERVICE_ACCOUNT_PREFIX = 'sa-';

/**
 * The ServiceAccount of the GitOps namespace that Flux impersonates to apply a
 * tenant's workloads/ (bound to the tenant Role in the tenant's namespace only).
 */
export function fluxDeliveryAccount(tenantId: string): string {
  return `tenant-${tenantId}`;
}

/** The ServiceAccount every tenant pod runs as. */
export function tenantServiceAccount(tenantId: string): string {
  return `${TENANT_SERVICE_ACCOUNT_PREFIX}${tenantId}`;
}

/** The Namespace label naming the tenant (set by the platform, guarded by admission). */
export const TENANT_LABEL = 'tenant';

/**
 * Objects that keep a tenant inside its limits. A tenant may read them but
 * never write them: its roles, its GitOps project and the admission policies
 * all exclude exactly these.
 */
export interface Guardrail {
  group: string;
  kind: string;
  /** Plural resource name as RBAC and admission requests spell it. */
  resource: string;
}

/**
 * What a tenant's own delivery may apply in its namespace, and nothing else:
 * the tenant Role (which Flux impersonates) and the tenant Argo CD project's
 * allow-list are both rendered from this table. Anything else in a tenant's
 * workloads/ (an extra NetworkPolicy, a CNI's policy CRD, an Ingress) is
 * refused by the controller and reported by `workload/delivery-kind`.
 */
export const TENANT_WORKLOAD_KINDS: readonly Guardrail[] = [
  { group: '', kind: 'Pod', resource: 'pods' },
  { group: '', kind: 'Service', resource: 'services' },
  { group: '', kind: 'ConfigMap', resource: 'configmaps' },
  { group: '', kind: 'Secret', resource: 'secrets' },
  { group: 'apps', kind: 'Deployment', resource: 'deployments' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers' },
];

export const GUARDRAILS: readonly Guardrail[] = [
  { group: '', kind: 'ResourceQuota', resource: 'resourcequotas' },
  { group: '', kind: 'LimitRange', resource: 'limitranges' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', resource: 'networkpolicies' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', resource: 'rolebindings' },
];

/** The tenant's Namespace is also off limits for its writes (labels carry Pod Security and tenancy). */
export const NAMESPACE_GUARDRAIL: Guardrail = { group: '', kind: 'Namespace', resource: 'namespaces' };
