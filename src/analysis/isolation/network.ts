/** The network half of the isolation proof: declared flows, undeclared flows, tenant-to-tenant paths. */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Manifest } from '../../manifest/types.js';
import type { Section } from '../../diagnostics/result.js';
import type { TenantsConfig } from '../../tenants/types.js';
import { formatPorts } from '../netpol/index.js';
import { crossTenantPaths, MAX_PATHS_PER_TENANT, type CrossTenantPath } from './cross-tenant.js';
import { finding, networkLocation } from './diagnostics.js';
import { evaluator, type ProofStats } from './evaluator.js';
import { checkDatabaseFlows, checkTenantFlows, FlowChecker } from './flows.js';
import { matrixSection } from './matrix.js';
import { namespaceIndex } from './namespaces.js';
import { buildWorld, type World } from './world.js';

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

export function proveNetwork(manifests: readonly Manifest[], config: TenantsConfig): NetworkProof {
  const world = buildWorld(manifests, config);
  const ev = evaluator(world);
  const fc = new FlowChecker(world, ev);
  for (const t of world.tenants) checkTenantFlows(world, fc, t, config.platform);
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
  const policies: Record<string, { ingress: string[]; egress: string[] }> = {};
  for (const t of world.tenants) {
    const own = world.policiesByNs.get(t.namespace) ?? [];
    policies[t.tenant.id] = { ingress: own.filter((p) => p.affectsIngress).map((p) => p.name), egress: own.filter((p) => p.affectsEgress).map((p) => p.name) };
  }
  return {
    diagnostics,
    section: matrixSection(tenants, cross.paths, declaredFlows, ev.stats, policies),
    paths: cross.paths,
    declaredFlows,
    stats: ev.stats,
  };
}
