export { proveNetwork, type FlowReplay, type NetworkProof, type TenantFlows } from './network.js';
export { proveRbac, type RbacProof, type RbacReplay } from './rbac.js';
export { tenantQuotas, quotaSection, type TenantQuota, type QuotaRow, type QuotaReplay } from './quota.js';
export { MATRIX_MAX_TENANTS } from './matrix.js';
export type { NetworkReplay, ServiceRecord, TenantNetwork } from './world.js';
export { MAX_PATHS_PER_TENANT, type CrossTenantPath, type OpenSide } from './cross-tenant.js';
export type { ProofStats } from './evaluator.js';
export type { ProofRuleId } from './diagnostics.js';
