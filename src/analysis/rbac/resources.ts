/**
 * Offline stand-in for the discovery data kubectl's RESTMapper uses to turn
 * `deploy` into `deployments.apps`, and for the scope (namespaced or cluster)
 * the API server attaches to each request.
 */
import { headOf, type Manifest } from '../../manifest/types.js';

export interface ResourceInfo {
  resource: string;
  group: string;
  namespaced: boolean;
  /** Singular and short names kubectl accepts for it. */
  aliases: readonly string[];
}

const R = (resource: string, group: string, namespaced: boolean, ...aliases: string[]): ResourceInfo => ({
  resource,
  group,
  namespaced,
  aliases,
});

const RBAC = 'rbac.authorization.k8s.io';
const ADM = 'admissionregistration.k8s.io';

export const BUILTIN_RESOURCES: readonly ResourceInfo[] = [
  R('pods', '', true, 'pod', 'po'),
  R('services', '', true, 'service', 'svc'),
  R('configmaps', '', true, 'configmap', 'cm'),
  R('secrets', '', true, 'secret'),
  R('serviceaccounts', '', true, 'serviceaccount', 'sa'),
  R('persistentvolumeclaims', '', true, 'persistentvolumeclaim', 'pvc'),
  R('endpoints', '', true, 'ep'),
  R('events', '', true, 'event', 'ev'),
  R('resourcequotas', '', true, 'resourcequota', 'quota'),
  R('limitranges', '', true, 'limitrange', 'limits'),
  R('replicationcontrollers', '', true, 'replicationcontroller', 'rc'),
  R('podtemplates', '', true, 'podtemplate'),
  R('bindings', '', true, 'binding'),
  R('namespaces', '', false, 'namespace', 'ns'),
  R('nodes', '', false, 'node', 'no'),
  R('persistentvolumes', '', false, 'persistentvolume', 'pv'),
  R('componentstatuses', '', false, 'componentstatus', 'cs'),
  // Not served resources, but RBAC names them for impersonation (kubectl accepts them too).
  R('users', '', false, 'user'),
  R('groups', '', false, 'group'),
  R('deployments', 'apps', true, 'deployment', 'deploy'),
  R('replicasets', 'apps', true, 'replicaset', 'rs'),
  R('daemonsets', 'apps', true, 'daemonset', 'ds'),
  R('statefulsets', 'apps', true, 'statefulset', 'sts'),
  R('controllerrevisions', 'apps', true, 'controllerrevision'),
  R('jobs', 'batch', true, 'job'),
  R('cronjobs', 'batch', true, 'cronjob', 'cj'),
  R('horizontalpodautoscalers', 'autoscaling', true, 'horizontalpodautoscaler', 'hpa'),
  R('networkpolicies', 'networking.k8s.io', true, 'networkpolicy', 'netpol'),
  R('ingresses', 'networking.k8s.io', true, 'ingress', 'ing'),
  R('ingressclasses', 'networking.k8s.io', false, 'ingressclass'),
  R('roles', RBAC, true, 'role'),
  R('rolebindings', RBAC, true, 'rolebinding'),
  R('clusterroles', RBAC, false, 'clusterrole'),
  R('clusterrolebindings', RBAC, false, 'clusterrolebinding'),
  R('poddisruptionbudgets', 'policy', true, 'poddisruptionbudget', 'pdb'),
  R('storageclasses', 'storage.k8s.io', false, 'storageclass', 'sc'),
  R('csidrivers', 'storage.k8s.io', false, 'csidriver'),
  R('volumeattachments', 'storage.k8s.io', false, 'volumeattachment'),
  R('priorityclasses', 'scheduling.k8s.io', false, 'priorityclass', 'pc'),
  R('runtimeclasses', 'node.k8s.io', false, 'runtimeclass'),
  R('leases', 'coordination.k8s.io', true, 'lease'),
  R('endpointslices', 'discovery.k8s.io', true, 'endpointslice'),
  R('customresourcedefinitions', 'apiextensions.k8s.io', false, 'customresourcedefinition', 'crd', 'crds'),
  R('validatingwebhookconfigurations', ADM, false, 'validatingwebhookconfiguration'),
  R('mutatingwebhookconfigurations', ADM, false, 'mutatingwebhookconfiguration'),
  R('validatingadmissionpolicies', ADM, false, 'validatingadmissionpolicy'),
  R('validatingadmissionpolicybindings', ADM, false, 'validatingadmissionpolicybinding'),
  R('certificatesigningrequests', 'certificates.k8s.io', false, 'certificatesigningrequest', 'csr'),
  R('apiservices', 'apiregistration.k8s.io', false, 'apiservice'),
  R('selfsubjectaccessreviews', 'authorization.k8s.io', false),
  R('selfsubjectrulesreviews', 'authorization.k8s.io', false),
  R('subjectaccessreviews', 'authorization.k8s.io', false),
  R('localsubjectaccessreviews', 'authorization.k8s.io', true),
  R('tokenreviews', 'authentication.k8s.io', false),
  R('flowschemas', 'flowcontrol.apiserver.k8s.io', false),
  R('prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io', false),
];

export interface ResourceTable {
  /** Looks up a plural, singular or short name, optionally within a group. */
  find(name: string, group?: string): ResourceInfo | undefined;
  isNamespaced(resource: string, group: string): boolean | undefined;
}

/** Built-in resources plus those of any CustomResourceDefinition among the manifests. */
export function buildResourceTable(manifests: readonly Manifest[] = []): ResourceTable {
  const all: ResourceInfo[] = [...BUILTIN_RESOURCES];
  for (const m of manifests) {
    // The head first: this looks at every object of the tree for its few CRDs.
    if (headOf(m).kind !== 'CustomResourceDefinition') continue;
    const o = m.object;
    if (!o.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = (o.spec ?? {}) as { group?: string; scope?: string; names?: Record<string, unknown> };
    const names = spec.names ?? {};
    if (typeof spec.group !== 'string' || typeof names.plural !== 'string') continue;
    const aliases = [names.singular, ...(Array.isArray(names.shortNames) ? names.shortNames : [])].filter(
      (x): x is string => typeof x === 'string',
    );
    all.push(R(names.plural, spec.group, spec.scope !== 'Cluster', ...aliases.map((a) => a.toLowerCase())));
  }
  const byName = new Map<string, ResourceInfo[]>();
  const add = (k: string, r: ResourceInfo): void => {
    const list = byName.get(k) ?? [];
    list.push(r);
    byName.set(k, list);
  };
  for (const r of all) {
    add(r.resource, r);
    for (const a of r.aliases) add(a, r);
  }
  const find = (name: string, group?: string): ResourceInfo | undefined => {
    const list = byName.get(name) ?? [];
    // Plural names win over aliases and the first group listed wins, as kubectl prefers core and built-ins.
    const hits = group === undefined ? list : list.filter((r) => r.group === group);
    return hits.find((r) => r.resource === name) ?? hits[0];
  };
  return {
    find,
    isNamespaced: (resource, group) => {
      const hit = (byName.get(resource) ?? []).find((r) => r.resource === resource && r.group === group);
      return hit?.namespaced;
    },
  };
}

export interface ParsedResource {
  resource: string;
  apiGroup: string;
  subresource?: string;
  /** False when the name is unknown to the table and was passed through as written. */
  known: boolean;
}

const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/**
 * kubectl's RESOURCE[.GROUP][/SUBRESOURCE] argument: `pods`, `po`, `pods/log`,
 * `deployments.apps/scale`, `deployments.v1.apps`. Lower-cased like kubectl.
 * An unknown name keeps the group it was written with (so CRDs not among the
 * manifests still evaluate against rules naming their group).
 */
export function parseResourceArg(arg: string, table: ResourceTable = defaultTable()): ParsedResource {
  const slash = arg.indexOf('/');
  const head = (slash < 0 ? arg : arg.slice(0, slash)).toLowerCase();
  const sub = slash < 0 ? undefined : arg.slice(slash + 1);
  const withSub = (p: Omit<ParsedResource, 'subresource'>): ParsedResource =>
    sub === undefined ? p : { ...p, subresource: sub };
  if (head === '*') return withSub({ resource: '*', apiGroup: '', known: false });
  const dot = head.indexOf('.');
  if (dot < 0) {
    const hit = table.find(head);
    return withSub(hit ? { resource: hit.resource, apiGroup: hit.group, known: true } : { resource: head, apiGroup: '', known: false });
  }
  const name = head.slice(0, dot);
  let group = head.slice(dot + 1);
  const parts = group.split('.');
  if (parts.length > 1 && VERSION.test(parts[0] ?? '')) group = parts.slice(1).join('.');
  const hit = table.find(name, group);
  return withSub(hit ? { resource: hit.resource, apiGroup: hit.group, known: true } : { resource: name, apiGroup: group, known: false });
}

let cached: ResourceTable | undefined;
function defaultTable(): ResourceTable {
  cached ??= buildResourceTable();
  return cached;
}
