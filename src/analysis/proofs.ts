/**
 * What `check` proves after the rules: rules check that the right objects
 * exist, the proofs check what they mean (network isolation, RBAC, quota fit).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Manifest } from '../manifest/types.js';
import type { Section } from '../diagnostics/result.js';
import type { TenantsConfig } from '../tenants/types.js';
import { proveNetwork, proveRbac, quotaSection, tenantQuotas, type FlowReplay, type ProofStats, type QuotaReplay } from './isolation/index.js';

export interface Proofs {
  diagnostics: Diagnostic[];
  sections: Section[];
  /** Cost of the network proof, for benchmarks and tests. */
  stats: ProofStats;
}

/** `quotas`, `flows`: tenants' quota reports and network flows kept from an earlier run (local-findings.ts). */
export function proveIsolation(manifests: readonly Manifest[], config: TenantsConfig, quotas?: QuotaReplay, flows?: FlowReplay): Proofs {
  const network = proveNetwork(manifests, config, flows);
  const rbac = proveRbac(manifests, config);
  return {
    diagnostics: [...network.diagnostics, ...rbac.diagnostics],
    sections: [network.section, rbac.section, quotaSection(tenantQuotas(manifests, config, quotas))],
    stats: network.stats,
  };
}
