import { formatQuantity } from '../../manifest/quantity.js';
import type { Rejection, ResourceFit } from './types.js';

/**
 * One line of arithmetic a reviewer can check by hand:
 * `limits.cpu: api 2×500m + worker 4×500m = 3 ≤ 4 (headroom 1)`.
 */
export function formatArithmetic(fit: ResourceFit): string {
  const q = (n: bigint) => formatQuantity(n, fit.resource);
  const sum = fit.terms.length === 0 ? '' : `${fit.terms.map((t) => `${t.workload} ${t.replicas}×${q(t.perPod)}`).join(' + ')} = `;
  const verdict = fit.fits
    ? `${q(fit.used)} ≤ ${q(fit.hard)} (headroom ${q(fit.headroom)})`
    : `${q(fit.used)} > ${q(fit.hard)} (over by ${q(-fit.headroom)})`;
  return `${fit.resource}: ${sum}${verdict}`;
}

export function formatRejection(r: Rejection): string {
  const who = r.container ? `${r.kind}/${r.name} container "${r.container}"` : `${r.kind}/${r.name}`;
  return `${who}: ${r.by}: ${r.message}`;
}
