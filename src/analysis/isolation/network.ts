/** The network half of the isolation proof: declared flows, undeclared flows, tenant-to-tenant paths. */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Manifest } from '../../manifest/types.js';
import type { Section } from '../../diagnostics/result.js';
import type { TenantsConfig } from '../../tenants/types.js';
import { formatPorts } from '../netpol/index.js';
import { crossTenantPaths, MAX_PATHS_PER_TENANT, type CrossTenantPath } from './cross-tenant.js';
import { finding, networkLocation } from './diagnostics.js';
import { evaluator, type Evaluator, type ProofStats } from './evaluator.js';
import { checkDatabaseFlows, checkTenantFlows, FlowChecker, type FlowFinding } from './flows.js';
import { matrixSection } from './matrix.js';
import { namespaceIndex } from './namespaces.js';
import { buildWorld, surfaceOf, type NetworkReplay, type TenantNet, type World } from './world.js';

/** What a tenant's flows showed (checkTenantFlows), as kept between runs: the blamed policy by namespace and name. */
export interface TenantFlows {
  checked: number;
  blocked: number;
  /** connection() evaluations it took, which the matrix section counts. */
  evaluations: number;
  findings: { ruleId: FlowFinding['ruleId']; message: string; tenant?: string; blame?: { namespace: string; name: string; pointer: string } }[];
}

/**
 * Replays the flows of unchanged tenants (the pipeline keeps them per tenant,
 * keyed on the tenant's objects and inputs and on `context`, everything else
 * the check reads). The outcome is the same as checking again: a tenant's
 * flows run between its own pods and the shared services' stand-ins or
 * external addresses, and each connection reads only the policies of the
 * namespaces at its two ends.
 */
export interface FlowReplay {
  recorded(tenant: string, context: string): TenantFlows | undefined;
  record(tenant: string, context: string, flows: TenantFlows): void;
}

/** What a tenant's flows read besides its own namespace: the shared endpoints and the policies of their namespaces. */
function flowContext(world: World): string {
  const s = world.shared;
  const ends = [...s.ingress, ...s.postgresql, ...s.redis, ...s.dns, s.other];
  const namespaces = [...new Set(ends.map((e) => e.namespace))].sort();
  const policies = namespaces.map((ns) => [ns, world.policiesByNs.get(ns) ?? []]);
  // Address ranges are bigints, which JSON has no form for.
  return JSON.stringify({ shared: s, policies }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Checks a tenant's flows, or replays them; what was checked is recorded for the next run. */
function tenantFlows(world: World, fc: FlowChecker, ev: Evaluator, t: TenantNet, config: TenantsConfig, replay: FlowReplay | undefined, context: string): void {
  const id = t.tenant.id;
  const kept = replay?.recorded(id, context);
  if (kept && replayFlows(world, fc, ev, kept)) return;
  const before = { checked: fc.tally.checked, blocked: fc.tally.blocked, findings: fc.tally.findings.length, evaluations: ev.stats.evaluations };
  checkTenantFlows(world, fc, t, config.platform);
  if (!replay) return;
  replay.record(id, context, {
    checked: fc.tally.checked - before.checked,
    blocked: fc.tally.blocked - before.blocked,
    evaluations: ev.stats.evaluations - before.evaluations,
    findings: fc.tally.findings.slice(before.findings).map((f) => ({
      ruleId: f.ruleId,
      message: f.message,
      ...(f.tenant !== undefined ? { tenant: f.tenant } : {}),
      ...(f.blame ? { blame: { namespace: f.blame.policy.namespace, name: f.blame.policy.name, pointer: f.blame.pointer } } : {}),
    })),
  });
}

/** False, with nothing changed, when a blamed policy is not in this world (the flows are then checked). */
function replayFlows(world: World, fc: FlowChecker, ev: Evaluator, kept: TenantFlows): boolean {
  const findings: FlowFinding[] = [];
  for (const f of kept.findings) {
    const out: FlowFinding = { ruleId: f.ruleId, message: f.message };
    if (f.tenant !== undefined) out.tenant = f.tenant;
    if (f.blame) {
      const { namespace, name, pointer } = f.blame;
      const policy = world.policiesByNs.get(namespace)?.find((p) => p.name === name);
      if (!policy) return false;
      out.blame = { policy, pointer };
    }
    findings.push(out);
  }
  fc.tally.checked += kept.checked;
  fc.tally.blocked += kept.blocked;
  fc.tally.findings.push(...findings);
  ev.stats.evaluations += kept.evaluations;
  return true;
}

export interface NetworkProof {
  diagnostics: Diagnostic[];
  section: Section;
  paths: CrossTenantPath[];
  declaredFlows: { checked: number; blocked: number };
  stats: ProofStats;
}

const HINTS = {
  cross: 'A tenant namespace admits traffic only from the ingress controller and sends only to the database, DNS and external addresses: pin each peer with namespaceSelector AND podSelector in one list item, by kubernetes.io/metadata.name.',
  blocked: 'Restore the allow rule from the template (ports, protocols and the peer labels of the shared service), then re-render.',
  undeclared: 'Narrow the allowing rule to the peers and ports tenants.yaml declares; everything else stays denied by default-deny-all.',
};

function pathMessage(p: CrossTenantPath, skipped: number | undefined): string {
  const ports = formatPorts(p.ports);
  const ing = p.ingressPolicies.length ? p.ingressPolicies.join(', ') : 'no ingress policy selects the destination';
  const eg = p.egressPolicies.length ? p.egressPolicies.join(', ') : 'no egress policy selects the source';
  const head =
    p.open === 'both'
      ? `cross-tenant path: ${p.src} (tenant ${p.from}) → ${p.dst} (tenant ${p.to}) on ${ports}; egress allowed by ${eg}; ingress allowed by ${ing}`
      : p.open === 'ingress'
        ? `cross-tenant path: tenant ${p.to} admits pods of tenant ${p.from}: ${p.src} → ${p.dst} on ${ports} is allowed by ${ing}; only the source's egress policies stop it`
        : `cross-tenant path: tenant ${p.from} may send to tenant ${p.to}: ${p.src} → ${p.dst} on ${ports} is allowed by ${eg}; only the destination's ingress policies stop it`;
  return skipped ? `${head} (and ${skipped} more candidate source tenants not evaluated after ${MAX_PATHS_PER_TENANT} paths)` : head;
}

function pathDiagnostics(world: World, paths: readonly CrossTenantPath[], skipped: ReadonlyMap<string, number>): Diagnostic[] {
  const byId = new Map(world.tenants.map((t) => [t.tenant.id, t]));
  const noted = new Set<string>();
  return paths.map((p) => {
    const blamed = p.open === 'egress' ? p.from : p.to;
    const extra = noted.has(p.to) ? undefined : skipped.get(p.to);
    noted.add(p.to);
    return finding('isolation/cross-tenant-path', pathMessage(p, extra), HINTS.cross, { ...networkLocation(world, p.blame, byId.get(blamed)?.namespace), tenant: blamed });
  });
}

export function proveNetwork(manifests: readonly Manifest[], config: TenantsConfig, replay?: FlowReplay, kept?: NetworkReplay): NetworkProof {
  const world = buildWorld(manifests, config, undefined, kept);
  const ev = evaluator(world);
  const fc = new FlowChecker(world, ev);
  const context = replay ? flowContext(world) : '';
  for (const t of world.tenants) tenantFlows(world, fc, ev, t, config, replay, context);
  checkDatabaseFlows(world, fc);
  const nsOfTenant = new Map(world.tenants.map((t) => [t.tenant.id, t.namespace]));
  const diagnostics = fc.tally.findings.map((f) => {
    const hint = f.ruleId === 'isolation/declared-flow-blocked' ? HINTS.blocked : HINTS.undeclared;
    return finding(f.ruleId, f.message, hint, { ...networkLocation(world, f.blame, f.tenant ? nsOfTenant.get(f.tenant) : undefined), tenant: f.tenant });
  });
  const cross = crossTenantPaths(world, ev, namespaceIndex(world.namespaces));
  diagnostics.push(...pathDiagnostics(world, cross.paths, cross.skipped));
  const declaredFlows = { checked: fc.tally.checked, blocked: fc.tally.blocked };
  const tenants = world.tenants.map((t) => t.tenant.id);
  const policies: Record<string, { egress: string[]; ingress: string[] }> = {};
  for (const t of world.tenants) {
    const own = surfaceOf(world, t).policies;
    // Keys in the order the JSON output sorts them, so the formatter need not copy one object a tenant.
    policies[t.tenant.id] = { egress: own.filter(([, , egress]) => egress).map(([name]) => name), ingress: own.filter(([, ingress]) => ingress).map(([name]) => name) };
  }
  return {
    diagnostics,
    section: matrixSection(tenants, cross.paths, declaredFlows, ev.stats, policies),
    paths: cross.paths,
    declaredFlows,
    stats: ev.stats,
  };
}
