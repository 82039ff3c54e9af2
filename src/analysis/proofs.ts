/**
 * What `check` proves after the rules: rules check that the right objects
 * exist, the proofs check what they mean (network isolation, RBAC, quota fit).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Manifest } from '../manifest/types.js';
import type { Section } from '../diagnostics/result.js';
import type { TenantsConfig } from '../tenants/types.js';
import { proveNetwork, proveRbac, quotaSection, tenantQuotas, type FlowReplay, type NetworkReplay, type ProofStats, type QuotaReplay, type RbacReplay } from './isolation/index.js';

export interface Proofs {
  diagnostics: Diagnostic[];
  sections: Section[];
  /** Cost of the network proof, for benchmarks and tests. */
  stats: ProofStats;
}

/** What the proofs replay from an earlier run (local-findings.ts): tenants' quota reports, network flows and what their objects give the network model, and the RBAC proof whose inputs did not change. */
export interface ProofReplay {
  quotas?: QuotaReplay;
  flows?: FlowReplay;
  network?: NetworkReplay;
  rbac?: RbacReplay;
}

export function proveIsolation(manifests: readonly Manifest[], config: TenantsConfig, replay: ProofReplay = {}): Proofs {
  const { quotas, flows } = replay;
  const network = proveNetwork(manifests, config, flows, replay.network);
  const rbac = proveRbac(manifests, config, replay.rbac);
  return {
    diagnostics: [...network.diagnostics, ...rbac.diagnostics],
    sections: [network.section, rbac.section, quotaSection(tenantQuotas(manifests, config, quotas))],
    stats: network.stats,
  };
}
