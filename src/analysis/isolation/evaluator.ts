import { connectionIn, type ConnectionVerdict, type Endpoint, type PolicyModel, type Remote } from '../netpol/index.js';
import type { World } from './world.js';

export interface ProofStats {
  /** connection() evaluations: the unit the proof's cost is measured in. */
  evaluations: number;
  /** Tenant pairs whose policies could let one reach the other, and so were evaluated. */
  candidatePairs: number;
  /** Candidate pairs left unevaluated because a tenant already had the maximum number of reported paths. */
  skippedPairs: number;
}

export interface Evaluator {
  readonly stats: ProofStats;
  connect(src: Remote, dst: Remote): ConnectionVerdict;
}

export const pod = (endpoint: Endpoint): Remote => ({ kind: 'pod', endpoint });

const NO_POLICIES: readonly PolicyModel[] = [];

/** Gives each end of a connection only its own namespace's policies (connectionIn), so one evaluation costs the same at any scale. */
export function evaluator(world: World): Evaluator {
  const stats: ProofStats = { evaluations: 0, candidatePairs: 0, skippedPairs: 0 };
  const policiesOf = (namespace: string) => world.policiesByNs.get(namespace) ?? NO_POLICIES;
  return {
    stats,
    connect(src, dst) {
      stats.evaluations++;
      return connectionIn(policiesOf, src, dst);
    },
  };
}
