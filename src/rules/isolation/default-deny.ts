import type { Rule } from '../types.js';
import { asNetworkPolicy, effectivePolicyTypes, manifestsOfKind, selectsAll } from '../util.js';

type Messages = 'missing' | 'partial';

/**
 * A policy that selects every pod and allows nothing, for both directions.
 * Checked by meaning, not by name: `podSelector: {}` with no rules is what counts.
 */
export const defaultDeny: Rule<Messages> = {
  meta: {
    local: true,
    id: 'isolation/default-deny',
    unwaivable: true,
    messages: {
      missing: 'namespace {namespace} has no default-deny NetworkPolicy (podSelector {} denying {direction})',
      partial: 'NetworkPolicy {name} selects all pods but denies only {covered}; {direction} stays open by default',
    },
  },
  checkTenant(tenant, manifests, ctx) {
    const covered = new Set<string>();
    const candidates = [];
    for (const m of manifestsOfKind(manifests, 'NetworkPolicy')) {
      const np = asNetworkPolicy(m);
      if (!selectsAll(np.spec?.podSelector)) continue;
      const types = effectivePolicyTypes(np);
      if (types.has('Ingress') && (np.spec?.ingress ?? []).length === 0) covered.add('Ingress');
      if (types.has('Egress') && (np.spec?.egress ?? []).length === 0) covered.add('Egress');
      if ((np.spec?.ingress ?? []).length === 0 && (np.spec?.egress ?? []).length === 0) candidates.push(m);
    }
    const missing = ['Ingress', 'Egress'].filter((d) => !covered.has(d));
    if (missing.length === 0) return;
    const partial = candidates[0];
    if (partial) {
      ctx.report({
        manifest: partial,
        messageId: 'partial',
        pointer: '/spec/policyTypes',
        data: { name: partial.object.metadata.name ?? '', covered: [...covered].join(', ') || 'nothing', direction: missing.join(' and ') },
      });
      return;
    }
    const ns = manifests.find((m) => m.object.kind === 'Namespace') ?? manifests[0];
    if (ns) ctx.report({ manifest: ns, messageId: 'missing', data: { namespace: tenant.namespace, direction: missing.join(' and ') } });
  },
};
