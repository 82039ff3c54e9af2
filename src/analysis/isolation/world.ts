/**
 * The network the proof reasons about: the rendered tenants plus stand-ins for
 * the shared namespaces, which rendered/ only reaches through selectors.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import { headOf, type Manifest } from '../../manifest/types.js';
import type { Platform, Tenant, TenantsConfig } from '../../tenants/types.js';
import {
  buildModel,
  modelPolicies,
  NAMESPACE_NAME_LABEL,
  selectorMatches,
  type Endpoint,
  type Labels,
  type NamedPort,
  type NetpolModel,
  type PolicyModel,
  type Workload,
  type WorkloadRecord,
} from '../netpol/index.js';
import { pushTo } from '../../collections.js';
import { API_PORT } from '../../platform/index.js';
import { policySurface, type PolicySurface } from './surface.js';

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

/** A namespace's policies, in the model's order; those of a kept tenant are modelled when first asked for. */
export interface PoliciesByNamespace {
  get(namespace: string): readonly PolicyModel[] | undefined;
}

export interface World {
  namespaces: ReadonlyMap<string, Labels>;
  policiesByNs: PoliciesByNamespace;
  /** The kept surfaces of the namespaces whose policies are not modelled yet (see surfaceOf). */
  keptSurfaces: ReadonlyMap<string, PolicySurface>;
  tenants: readonly TenantNet[];
  shared: SharedEndpoints;
  /** `ns/name` of every NetworkPolicy → the manifest it came from. */
  policyManifests: ReadonlyMap<string, Manifest>;
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

function synthetic(namespace: string, nsLabels: Labels, labels: Labels, ports: NamedPort[], id: string): Workload {
  return { id, name: id.split('/')[1] ?? id, kind: 'Pod', namespace, namespaceLabels: nsLabels, labels, ports };
}

/** Workloads already in the tree win over a stand-in, so a rendered shared service is proven as written. */
function sharedPods(existing: readonly Workload[], sel: { namespace: string; labels: Labels }, make: () => Workload): readonly Endpoint[] {
  const here = existing.filter((w) => isSharedPod(sel, w));
  return here.length > 0 ? here : [make()];
}

/** What the api lookup reads of a Service: its name, its selector and the target of its first port. */
export interface ServiceRecord {
  readonly name?: string;
  readonly selector?: Labels;
  readonly target?: number | string;
}

function serviceRecord(s: Service): ServiceRecord {
  const target = s.spec?.ports?.[0]?.targetPort ?? s.spec?.ports?.[0]?.port;
  return { ...(s.metadata?.name !== undefined ? { name: s.metadata.name } : {}), ...(s.spec?.selector !== undefined ? { selector: s.spec.selector } : {}), ...(target !== undefined ? { target } : {}) };
}

/** What a unit's objects give the world (its workloads, Services and the surface of its NetworkPolicies), kept between runs. */
export interface TenantNetwork {
  readonly namespace: string;
  readonly workloads: readonly WorkloadRecord[];
  readonly services: readonly ServiceRecord[];
  readonly policies: PolicySurface;
}

/** Surfaces made from the model, by world and namespace: the search, the matrix and the record read each once. */
const madeSurfaces = new WeakMap<World, Map<string, PolicySurface>>();

/** What the cross-tenant search reads of a tenant's policies: kept, or made from the model (once per world). */
export function surfaceOf(world: World, t: TenantNet): PolicySurface {
  const kept = world.keptSurfaces.get(t.namespace);
  if (kept) return kept;
  let made = madeSurfaces.get(world);
  if (!made) madeSurfaces.set(world, (made = new Map()));
  let s = made.get(t.namespace);
  if (!s) made.set(t.namespace, (s = policySurface(world.policiesByNs.get(t.namespace) ?? [], t.workloads)));
  return s;
}

/** Policies grouped by namespace, with the deferred ones modelled on first use. */
class LazyPolicies implements PoliciesByNamespace {
  constructor(
    private readonly modelled: Map<string, PolicyModel[]>,
    private readonly deferred: Map<string, readonly Manifest[]>,
  ) {}

  get(namespace: string): readonly PolicyModel[] | undefined {
    const later = this.deferred.get(namespace);
    if (later) {
      this.deferred.delete(namespace);
      // Only a unit's namespace is deferred, and it holds only the unit's objects: none of its policies was modelled.
      this.modelled.set(namespace, modelPolicies(later));
    }
    return this.modelled.get(namespace);
  }
}

/**
 * Kept networks of units (tenants whose namespace holds only objects their own
 * templates rendered, unchanged; see local-findings.ts), under a key of those
 * objects: a unit with one has its workloads and Services read from it, not
 * from its objects, and the world is the one its objects would give.
 */
export interface NetworkReplay {
  unitOf(m: Manifest): string | undefined;
  recorded(unit: string): TenantNetwork | undefined;
  record(unit: string, network: TenantNetwork): void;
}

/** The api workload: the one the api Service selects, else the one named `api`. */
function apiOf(workloads: readonly Workload[], services: readonly ServiceRecord[]): { api?: Workload; port: number } {
  const svc = services.find((s) => s.name === 'api') ?? services[0];
  const sel = svc?.selector;
  const api = (sel ? workloads.find((w) => selectorMatches({ matchLabels: sel }, w.labels)) : undefined) ?? workloads.find((w) => w.name === 'api');
  const target = svc?.target;
  if (typeof target === 'number') return api ? { api, port: target } : { port: target };
  const named = api?.ports.find((p) => p.name === target && p.protocol === 'TCP') ?? api?.ports.find((p) => p.protocol === 'TCP');
  const port = named?.port ?? DEFAULT_API_PORT;
  return api ? { api, port } : { port };
}

export function buildWorld(manifests: readonly Manifest[], config: TenantsConfig, given?: NetpolModel, replay?: NetworkReplay): World {
  // A unit's record is used only where every object of the unit is in its namespace, which the record must name.
  const kept = new Map<string, TenantNetwork | undefined>();
  const keptFor = (unit: string, namespace: string): TenantNetwork | undefined => {
    if (!kept.has(unit)) {
      const k = replay!.recorded(unit);
      kept.set(unit, k && k.namespace === namespace && k.workloads.every((w) => w.namespace === namespace) ? k : undefined);
    }
    const k = kept.get(unit);
    return k?.namespace === namespace ? k : undefined;
  };
  const built = given
    ? undefined
    : buildModel(
        manifests,
        replay && {
          unitOf: replay.unitOf,
          workloads: (unit, namespace) => keptFor(unit, namespace)?.workloads,
          defersPolicies: (unit, namespace) => keptFor(unit, namespace) !== undefined,
        },
      );
  const model = given ?? built!;
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
  const servicesByNs = new Map<string, ServiceRecord[]>();
  const policyManifests = new Map<string, Manifest>();
  // The units whose objects were read (no record, or one for another namespace): their networks are recorded below.
  const read = new Map<string, { namespace: string; services: ServiceRecord[] }>();
  const unitRead = (unit: string, namespace: string) => {
    let r = read.get(unit);
    if (!r) read.set(unit, (r = { namespace, services: [] }));
    return r;
  };
  // A unit enters the model's records with its first workload, so each has one.
  for (const [unit, records] of built?.records ?? []) unitRead(unit, records[0]!.namespace);
  for (const m of manifests) {
    const { kind, namespace, name } = headOf(m);
    const ns = namespace ?? 'default';
    if (kind === 'Service') {
      const unit = replay?.unitOf(m);
      if (unit !== undefined && keptFor(unit, ns)) continue;
      const s = serviceRecord(m.object as unknown as Service);
      pushTo(servicesByNs, ns, s);
      if (unit !== undefined) unitRead(unit, ns).services.push(s);
    } else if (kind === 'NetworkPolicy') {
      policyManifests.set(`${ns}/${name ?? ''}`, m);
      const unit = replay?.unitOf(m);
      // A unit with policies only (a decommissioned tenant's guardrails) is recorded too.
      if (unit !== undefined && !keptFor(unit, ns)) unitRead(unit, ns);
    }
  }
  const keptSurfaces = new Map<string, PolicySurface>();
  const made = new Map<string, PolicySurface>();
  if (replay) {
    for (const [unit, k] of kept) {
      if (!k || read.has(unit)) continue;
      for (const s of k.services) pushTo(servicesByNs, k.namespace, s);
      if (built?.deferred.has(k.namespace)) keptSurfaces.set(k.namespace, k.policies);
    }
    for (const [unit, r] of read) {
      const policies = policySurface(policiesByNs.get(r.namespace) ?? [], workloadsByNs.get(r.namespace) ?? []);
      made.set(r.namespace, policies);
      replay.record(unit, { namespace: r.namespace, workloads: built?.records.get(unit) ?? [], services: r.services, policies });
    }
  }
  const tenants: TenantNet[] = config.tenants.map((tenant) => {
    const workloads = (workloadsByNs.get(tenant.namespace) ?? []).map((w) => ({ ...w, namespaceLabels: nsOf(tenant.namespace) }));
    const { api, port } = apiOf(workloads, servicesByNs.get(tenant.namespace) ?? []);
    return api ? { tenant, namespace: tenant.namespace, workloads, api, apiPort: port } : { tenant, namespace: tenant.namespace, workloads, apiPort: port };
  });
  const world: World = { namespaces, policiesByNs: new LazyPolicies(policiesByNs, new Map(built?.deferred)), keptSurfaces, tenants, shared, policyManifests };
  madeSurfaces.set(world, made);
  return world;
}
