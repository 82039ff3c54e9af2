/**
 * What tenants.yaml declares about a tenant's network: the flows that must be
 * open. The isolation proof checks each of them (src/analysis/isolation/flows.ts)
 * and `plan` marks a changed flow that is one of them as declared
 * (src/analysis/delta/connectivity.ts); everything else is undeclared and
 * stays closed behind default-deny-all. This is the only place that says so.
 */
import {
  emptyPorts,
  isEmptyPorts,
  parseCidr,
  portsOf,
  subtractPorts,
  unionPorts,
  intersectPorts,
  type Endpoint,
  type IpRange,
  type PortSet,
  type Protocol,
} from '../netpol/index.js';
import type { Platform } from '../../tenants/types.js';
import { externalCidrs } from '../../tenants/egress.js';
import { isSharedPod, sharedPodSelectors, type SharedService, type TenantNet, type World } from './world.js';

/** One end of a declared flow. */
export type IntentEnd =
  /** Any workload of the tenant. */
  | { kind: 'tenant' }
  /** The tenant's api workload. */
  | { kind: 'api' }
  /** A pod of a shared service (tenants.yaml `platform`). */
  | { kind: 'shared'; service: SharedService }
  /** An address in platform.egress.externalCidrs that is neither the cloud metadata address nor in deniedCidrs. */
  | { kind: 'external' };

export interface DeclaredFlow {
  /** As the proof's findings and the plan name it: `database (PostgreSQL)`, `external services (TCP 443)`. */
  flow: string;
  from: IntentEnd;
  to: IntentEnd;
  protocol: Protocol;
  port: number;
}

const TENANT: IntentEnd = { kind: 'tenant' };
const shared = (service: SharedService): IntentEnd => ({ kind: 'shared', service });

/** The cloud instance metadata service (AWS, GCP, Azure): credentials of the node, never a tenant's business. */
export const METADATA_ADDRESS = '169.254.169.254';

/** The tenant's declared flows, egress ones first (the proof checks them per workload in this order). */
export function declaredFlows(platform: Platform, t: Pick<TenantNet, 'apiPort'>): DeclaredFlow[] {
  const p = platform;
  return [
    { flow: 'database (PostgreSQL)', from: TENANT, to: shared('postgresql'), protocol: 'TCP', port: p.database.postgresql.port },
    { flow: 'database (Redis)', from: TENANT, to: shared('redis'), protocol: 'TCP', port: p.database.redis.port },
    { flow: 'DNS over UDP', from: TENANT, to: shared('dns'), protocol: 'UDP', port: p.dns.port },
    { flow: 'DNS over TCP', from: TENANT, to: shared('dns'), protocol: 'TCP', port: p.dns.port },
    ...p.egress.externalPorts.map((port): DeclaredFlow => ({ flow: `external services (TCP ${port})`, from: TENANT, to: { kind: 'external' }, protocol: 'TCP', port })),
    { flow: 'api from the ingress controller', from: shared('ingress'), to: { kind: 'api' }, protocol: 'TCP', port: t.apiPort },
  ];
}

export interface ExternalException {
  flow: string;
  cidr: string;
  /** How the proof names the address it probes inside the range. */
  probe: string;
}

/** Addresses external egress never covers, whatever externalPorts says: the metadata address, then each of deniedCidrs. */
export function externalExceptions(platform: Platform): ExternalException[] {
  return [
    { flow: 'cloud metadata address', cidr: `${METADATA_ADDRESS}/32`, probe: `metadata ${METADATA_ADDRESS}` },
    ...platform.egress.deniedCidrs.map((cidr) => ({ flow: `address in denied range ${cidr}`, cidr, probe: `denied range ${cidr}` })),
  ];
}

/** One side of a connection: a pod (a workload or a stand-in for the pods a policy peer selects) or external addresses. */
export type FlowEnd = { endpoint: Endpoint } | { ranges: readonly IpRange[] };

export interface DeclaredMatch {
  /** The changed ports tenants.yaml declares between the two ends. */
  declared: PortSet;
  /** The declared flows those ports belong to. */
  flows: string[];
}

/**
 * Which declared flows a connection between two ends falls under, for the
 * tenants either end belongs to. Built once per world; each question then
 * looks at the one or two tenants involved only.
 */
export function declaredIntent(world: World, platform: Platform): (src: FlowEnd, dst: FlowEnd, ports: PortSet) => DeclaredMatch {
  const byNamespace = new Map(world.tenants.map((t) => [t.namespace, t]));
  const flowsOf = new Map<TenantNet, DeclaredFlow[]>();
  const selectors = sharedPodSelectors(platform);
  const exceptions = externalExceptions(platform).flatMap((x) => parseCidr(x.cidr) ?? []);
  const external = externalCidrs(platform.egress).flatMap((c) => parseCidr(c) ?? []);
  const declaredAddress = (r: IpRange) =>
    external.some((x) => x.family === r.family && x.lo <= r.lo && r.hi <= x.hi) && exceptions.every((x) => x.family !== r.family || x.hi < r.lo || x.lo > r.hi);
  const matches = (t: TenantNet, end: IntentEnd, e: FlowEnd): boolean => {
    if ('ranges' in e) return end.kind === 'external' && e.ranges.every(declaredAddress);
    const ep = e.endpoint;
    switch (end.kind) {
      case 'tenant':
        return ep.namespace === t.namespace;
      case 'api':
        return t.api !== undefined && 'id' in ep && ep.id === t.api.id;
      case 'shared':
        return isSharedPod(selectors[end.service], ep);
      case 'external':
        return false;
    }
  };
  const tenantOf = (e: FlowEnd) => ('endpoint' in e ? byNamespace.get(e.endpoint.namespace) : undefined);
  return (src, dst, ports) => {
    let declared: PortSet = emptyPorts();
    const flows: string[] = [];
    for (const t of new Set([tenantOf(src), tenantOf(dst)])) {
      if (!t) continue;
      if (!flowsOf.has(t)) flowsOf.set(t, declaredFlows(platform, t));
      for (const f of flowsOf.get(t)!) {
        if (!matches(t, f.from, src) || !matches(t, f.to, dst)) continue;
        const own = intersectPorts(ports, portsOf(f.protocol, f.port));
        if (isEmptyPorts(own)) continue;
        declared = unionPorts(declared, own);
        if (!flows.includes(f.flow)) flows.push(f.flow);
      }
    }
    return { declared, flows };
  };
}

/** Every port of `ports` is declared. */
export function allDeclared(ports: PortSet, m: DeclaredMatch): boolean {
  return !isEmptyPorts(ports) && isEmptyPorts(subtractPorts(ports, m.declared));
}
