import { connection, type ConnectionVerdict, type Endpoint, type Remote } from '../netpol/index.js';
import { policiesFor, type World } from './world.js';

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

/** Hands connection() only the policies of the two namespaces involved, so one evaluation costs the same at any scale. */
export function evaluator(world: World): Evaluator {
  const stats: ProofStats = { evaluations: 0, candidatePairs: 0, skippedPairs: 0 };
  return {
    stats,
    connect(src, dst) {
      stats.evaluations++;
      const a = src.kind === 'pod' ? src.endpoint.namespace : undefined;
      const b = dst.kind === 'pod' ? dst.endpoint.namespace : undefined;
      const policies = a !== undefined && b !== undefined ? policiesFor(world, a, b) : policiesFor(world, a ?? b ?? '', a ?? b ?? '');
      return connection(policies, src, dst);
    },
  };
}
