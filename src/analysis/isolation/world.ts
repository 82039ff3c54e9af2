/**
 * The network the proof reasons about: the rendered tenants plus stand-ins for
 * the shared namespaces, which rendered/ only reaches through selectors.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import { headOf, type Manifest } from '../../manifest/types.js';
import type { Platform, Tenant, TenantsConfig } from '../../tenants/types.js';
import {
  buildModel,
  NAMESPACE_NAME_LABEL,
  selectorMatches,
  type Endpoint,
  type Labels,
  type NamedPort,
  type NetpolModel,
  type PolicyModel,
  type Workload,
} from '../netpol/index.js';
import { pushTo } from '../../collections.js';
import { API_PORT } from '../../platform/index.js';

/** A namespace nothing in tenants.yaml declares: stands for "any other workload of the cluster". */
export const UNRELATED_NAMESPACE = 'other';

export interface TenantNet {
  tenant: Tenant;
  namespace: string;
  workloads: readonly Workload[];
  api?: Workload;
  /** Port the ingress controller is meant to reach the api on. */
  apiPort: number;
}

export interface SharedEndpoints {
  ingress: readonly Endpoint[];
  postgresql: readonly Endpoint[];
  redis: readonly Endpoint[];
  dns: readonly Endpoint[];
  other: Endpoint;
}

export interface World {
  namespaces: ReadonlyMap<string, Labels>;
  policiesByNs: ReadonlyMap<string, readonly PolicyModel[]>;
  tenants: readonly TenantNet[];
  shared: SharedEndpoints;
  /** `ns/name` of every NetworkPolicy → the manifest it came from. */
  policyManifests: ReadonlyMap<string, Manifest>;
  warnings: readonly string[];
}

const DEFAULT_API_PORT = API_PORT;

export type SharedService = 'ingress' | 'postgresql' | 'redis' | 'dns';

/** Where tenants.yaml says each shared service's pods run and how they are labelled. */
export function sharedPodSelectors(p: Platform): Record<SharedService, { namespace: string; labels: Labels }> {
  return {
    ingress: { namespace: p.ingress.namespace, labels: p.ingress.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' } },
    postgresql: { namespace: p.database.namespace, labels: p.database.postgresql.podLabels },
    redis: { namespace: p.database.namespace, labels: p.database.redis.podLabels },
    dns: { namespace: p.dns.namespace, labels: p.dns.podLabels },
  };
}

/** The endpoint is one of the shared service's pods. */
export function isSharedPod(sel: { namespace: string; labels: Labels }, ep: Endpoint): boolean {
  return ep.namespace === sel.namespace && selectorMatches({ matchLabels: { ...sel.labels } }, ep.labels);
}

/** The policies that can bear on a connection: only those of either end's namespace select anything. */
export function policiesFor(world: World, a: string, b: string): readonly PolicyModel[] {
  const pa = world.policiesByNs.get(a) ?? [];
  if (a === b) return pa;
  const pb = world.policiesByNs.get(b) ?? [];
  return pa.length === 0 ? pb : pb.length === 0 ? pa : [...pa, ...pb];
}

function synthetic(namespace: string, nsLabels: Labels, labels: Labels, ports: NamedPort[], id: string): Workload {
  return { id, name: id.split('/')[1] ?? id, kind: 'Pod', namespace, namespaceLabels: nsLabels, labels, ports };
}

/** Workloads already in the tree win over a stand-in, so a rendered shared service is proven as written. */
function sharedPods(existing: readonly Workload[], sel: { namespace: string; labels: Labels }, make: () => Workload): readonly Endpoint[] {
  const here = existing.filter((w) => isSharedPod(sel, w));
  return here.length > 0 ? here : [make()];
}

/** The api workload: the one the api Service selects, else the one named `api`. */
function apiOf(workloads: readonly Workload[], services: readonly Service[]): { api?: Workload; port: number } {
  const svc = services.find((s) => s.metadata?.name === 'api') ?? services[0];
  const sel = svc?.spec?.selector;
  const api = (sel ? workloads.find((w) => selectorMatches({ matchLabels: sel }, w.labels)) : undefined) ?? workloads.find((w) => w.name === 'api');
  const target = svc?.spec?.ports?.[0]?.targetPort ?? svc?.spec?.ports?.[0]?.port;
  if (typeof target === 'number') return api ? { api, port: target } : { port: target };
  const named = api?.ports.find((p) => p.name === target && p.protocol === 'TCP') ?? api?.ports.find((p) => p.protocol === 'TCP');
  const port = named?.port ?? DEFAULT_API_PORT;
  return api ? { api, port } : { port };
}

export function buildWorld(manifests: readonly Manifest[], config: TenantsConfig, model: NetpolModel = buildModel(manifests)): World {
  const namespaces = new Map<string, Labels>(model.namespaces);
  const p = config.platform;
  const nsOf = (ns: string): Labels => {
    if (!namespaces.has(ns)) namespaces.set(ns, { [NAMESPACE_NAME_LABEL]: ns });
    return namespaces.get(ns)!;
  };
  for (const t of config.tenants) nsOf(t.namespace);
  const sel = sharedPodSelectors(p);
  const stand = (s: SharedService, ports: NamedPort[], name: string) => () => synthetic(sel[s].namespace, nsOf(sel[s].namespace), sel[s].labels, ports, `${sel[s].namespace}/${name}`);
  const shared: SharedEndpoints = {
    ingress: sharedPods(model.workloads, sel.ingress, stand('ingress', [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP' }], 'ingress-controller')),
    postgresql: sharedPods(model.workloads, sel.postgresql, stand('postgresql', [{ name: 'postgresql', port: p.database.postgresql.port, protocol: 'TCP' }], p.database.postgresql.service)),
    redis: sharedPods(model.workloads, sel.redis, stand('redis', [{ name: 'redis', port: p.database.redis.port, protocol: 'TCP' }], p.database.redis.service)),
    dns: sharedPods(model.workloads, sel.dns, stand('dns', [{ name: 'dns', port: p.dns.port, protocol: 'UDP' }, { name: 'dns-tcp', port: p.dns.port, protocol: 'TCP' }], 'kube-dns')),
    other: synthetic(UNRELATED_NAMESPACE, nsOf(UNRELATED_NAMESPACE), { app: 'unrelated' }, [], `${UNRELATED_NAMESPACE}/unrelated`),
  };

  const policiesByNs = new Map<string, PolicyModel[]>();
  for (const pol of model.policies) {
    const list = policiesByNs.get(pol.namespace) ?? [];
    list.push(pol);
    policiesByNs.set(pol.namespace, list);
  }
  const workloadsByNs = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    const list = workloadsByNs.get(w.namespace) ?? [];
    list.push(w);
    workloadsByNs.set(w.namespace, list);
  }
  const servicesByNs = new Map<string, Service[]>();
  const policyManifests = new Map<string, Manifest>();
  for (const m of manifests) {
    const { kind, namespace, name } = headOf(m);
    const ns = namespace ?? 'default';
    if (kind === 'Service') pushTo(servicesByNs, ns, m.object as unknown as Service);
    else if (kind === 'NetworkPolicy') policyManifests.set(`${ns}/${name ?? ''}`, m);
  }
  const tenants: TenantNet[] = config.tenants.map((tenant) => {
    const workloads = (workloadsByNs.get(tenant.namespace) ?? []).map((w) => ({ ...w, namespaceLabels: nsOf(tenant.namespace) }));
    const { api, port } = apiOf(workloads, servicesByNs.get(tenant.namespace) ?? []);
    return api ? { tenant, namespace: tenant.namespace, workloads, api, apiPort: port } : { tenant, namespace: tenant.namespace, workloads, apiPort: port };
  });
  return { namespaces, policiesByNs, tenants, shared, policyManifests, warnings: model.warnings };
}
