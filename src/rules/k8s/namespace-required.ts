import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import { resolveGitOps } from '../../tenants/placement.js';
import { isClusterScoped } from '../../platform/layout.js';
import { apiGroupOf, headOf } from '../../manifest/types.js';
import type { Manifest, Rule } from '../types.js';

type Messages = 'missing' | 'clusterScoped' | 'notCreated';

/** Namespaces every cluster has; objects may live there without this tree creating them. */
const builtinNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** `group/Kind` of every custom kind a CRD in the tree declares cluster-scoped. */
function clusterScopedCustomKinds(all: readonly Manifest[]): Set<string> {
  const out = new Set<string>();
  for (const m of all) {
    if (headOf(m).kind !== 'CustomResourceDefinition') continue;
    const crd = m.object as unknown as CustomResourceDefinition;
    if (crd.spec?.scope === 'Cluster') out.add(`${crd.spec.group}/${crd.spec.names?.kind}`);
  }
  return out;
}

/**
 * Where an object lands must be written down: a namespaced object without a
 * namespace goes wherever the applying context points (for a GitOps
 * controller, often its own namespace), and one aimed at a namespace this tree
 * does not create fails to apply until someone creates it by hand.
 */
export const namespaceRequired: Rule<Messages> = {
  meta: {
    id: 'k8s/namespace-required',
    needsTenantsFile: true,
    messages: {
      missing: '{kind} {name} is namespaced but has no metadata.namespace; it would land in whatever namespace the applier defaults to',
      clusterScoped: '{kind} {name} is cluster-scoped but sets metadata.namespace "{namespace}"',
      notCreated: 'namespace {namespace} is not created by this tree (no Namespace object, not a shared platform or system namespace)',
    },
  },
  checkAll(manifests, ctx) {
    const customClusterKinds = clusterScopedCustomKinds(ctx.all);
    const p = ctx.platform;
    const known = new Set([
      ...builtinNamespaces,
      ...(p ? [p.database.namespace, p.ingress.namespace, p.dns.namespace, resolveGitOps(p.gitops).namespace] : []),
      ...ctx.ofKind('Namespace').map((m) => headOf(m).name ?? ''),
    ]);
    for (const m of manifests) {
      const { kind, apiVersion, name: named, namespace: ns } = headOf(m);
      const name = named ?? '';
      const clusterScoped = isClusterScoped(kind) || customClusterKinds.has(`${apiGroupOf(apiVersion)}/${kind}`);
      if (clusterScoped) {
        if (ns) ctx.report({ manifest: m, messageId: 'clusterScoped', pointer: '/metadata/namespace', actual: ns, data: { kind, name, namespace: ns } });
      } else if (!ns) {
        ctx.report({ manifest: m, messageId: 'missing', pointer: '/metadata', data: { kind, name } });
      } else if (!known.has(ns)) {
        ctx.report({ manifest: m, messageId: 'notCreated', pointer: '/metadata/namespace', actual: ns, data: { namespace: ns, kind, name } });
      }
    }
  },
};
