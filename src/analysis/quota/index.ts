export { analyzeQuota } from './analyze.js';
export { formatArithmetic, formatRejection } from './format.js';
export { surgeOf, declaredReplicas } from './workloads.js';
export type * from './types.js';
export { scenarios } from './types.js';
export type { PodScopeFacts, ScopeRequirement } from './scopes.js';
