import { diagnostic } from '../../diagnostics/catalogue.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { objectRef, type Manifest } from '../../manifest/types.js';
import { policyId } from '../netpol/index.js';
import type { Blame } from './blame.js';
import type { World } from './world.js';

/** The ids the proofs report; each has its entry in src/diagnostics/catalogue.ts. */
export type ProofRuleId =
  | 'isolation/cross-tenant-path'
  | 'isolation/declared-flow-blocked'
  | 'isolation/undeclared-flow'
  | 'isolation/rbac-cross-tenant'
  | 'isolation/rbac-cluster-scope'
  | 'isolation/rbac-guardrails'
  | 'isolation/platform-admin-access';

/** A proof finding located at `pointer` in `manifest` (or unlocated when the cause is not in the tree). */
export function finding(
  ruleId: ProofRuleId,
  message: string,
  hint: string,
  at: { manifest?: Manifest | undefined; pointer?: string; tenant?: string | undefined },
): Diagnostic {
  const d = diagnostic(ruleId, message, { hint });
  if (at.tenant) d.tenant = at.tenant;
  const m = at.manifest;
  if (m) {
    d.object = objectRef(m.object);
    const pos = m.locate(at.pointer ?? '');
    d.file = { path: m.file, line: pos.line, column: pos.column };
    if (at.pointer) d.field = { pointer: at.pointer };
    if (m.origin) d.origin = m.origin;
  }
  return d;
}

/** Where a network finding points: the blamed policy, else the tenant's default deny, else its first policy. */
export function networkLocation(world: World, blame: Blame | undefined, namespace: string | undefined): { manifest?: Manifest; pointer?: string } {
  if (blame) {
    const m = world.policyManifests.get(policyId(blame.policy));
    if (m) return { manifest: m, pointer: blame.pointer };
  }
  if (!namespace) return {};
  const policies = world.policiesByNs.get(namespace) ?? [];
  const deny = policies.find((p) => p.ingress.length === 0 && p.egress.length === 0) ?? policies[0];
  const m = deny ? world.policyManifests.get(policyId(deny)) : undefined;
  return m ? { manifest: m, pointer: '/spec/podSelector' } : {};
}
