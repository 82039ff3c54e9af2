import type { Rule } from '../types.js';

type Messages = 'crossNamespace' | 'noAccount';

type Ref = { kind?: string; name?: string; namespace?: string };
type Spec = { sourceRef?: Ref; dependsOn?: Ref[]; serviceAccountName?: string };

/**
 * Flux's multi-tenancy lockdown runs kustomize-controller with
 * --no-cross-namespace-refs=true (a Kustomization may refer only to sources and
 * dependencies in its own namespace) and --default-service-account (a
 * Kustomization without serviceAccountName impersonates that account). A
 * rendered Kustomization that refers across namespaces stops reconciling under
 * the lockdown, and one without an account gets the default one's rights
 * instead of the ones it was given.
 */
export const fluxLockdown: Rule<Messages> = {
  meta: {
    local: true,
    id: 'delivery/flux-lockdown',
    appliesTo: ['Kustomization'],
    messages: {
      crossNamespace: 'Kustomization {self} refers to {ref} in namespace {namespace}: under Flux\'s lockdown (--no-cross-namespace-refs=true) it cannot reconcile',
      noAccount: 'Kustomization {self} names no serviceAccountName: under Flux\'s lockdown (--default-service-account) it impersonates the default account instead of one given exactly its rights',
    },
  },
  checkManifest(m, ctx) {
    if (!m.object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) return;
    const own = m.object.metadata?.namespace ?? '';
    const self = `${own}/${m.object.metadata?.name ?? ''}`;
    const spec = ((m.object as unknown as { spec?: Spec }).spec ?? {}) as Spec;
    const src = spec.sourceRef;
    if (src?.namespace && src.namespace !== own) ctx.report({ manifest: m, messageId: 'crossNamespace', pointer: '/spec/sourceRef/namespace', data: { self, ref: `${src.kind ?? 'source'} ${src.name ?? ''}`, namespace: src.namespace } });
    (spec.dependsOn ?? []).forEach((d, i) => {
      if (d.namespace && d.namespace !== own) ctx.report({ manifest: m, messageId: 'crossNamespace', pointer: `/spec/dependsOn/${i}/namespace`, data: { self, ref: `dependency ${d.name ?? ''}`, namespace: d.namespace } });
    });
    if (!spec.serviceAccountName) ctx.report({ manifest: m, messageId: 'noAccount', pointer: '/spec', data: { self } });
  },
};
