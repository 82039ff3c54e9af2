import type { Manifest } from '../../manifest/types.js';
import type { Rule } from '../types.js';

type Messages = 'open';

type Selector = { group?: string; kind?: string };
type ProjectSpec = { destinations?: { namespace?: string; server?: string; name?: string }[]; namespaceResourceWhitelist?: Selector[] | null };

/** What an Application may write in the controller's own namespace: Argo CD's delivery objects, nothing else. */
const ALLOWED = new Set(['argoproj.io/Application', 'argoproj.io/ApplicationSet', 'argoproj.io/AppProject']);

/** Argo CD destinations are globs ("Destinations also allow wildcard globbing"); a `!` entry denies. */
function globMatches(pattern: string, value: string): boolean {
  // Every tenant's project names its own namespace, without a wildcard: 10,000 of them were as many regular expressions.
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return re.test(value);
}

/**
 * An AppProject lives in the Argo CD controller's namespace, next to
 * argocd-cm, argocd-rbac-cm and the repository and cluster Secrets. A project
 * whose destinations reach that namespace lets every Application in it write
 * there whatever its namespaceResourceWhitelist allows; with no whitelist that
 * is every namespaced kind ("Allow all namespaced-scoped resources to be
 * created" is the default of the project specification). Only Argo CD's own
 * Application, ApplicationSet and AppProject may be allowed there.
 */
export const controllerNamespace: Rule<Messages> = {
  meta: {
    local: true,
    id: 'delivery/controller-namespace',
    appliesTo: ['AppProject'],
    messages: {
      open: 'AppProject {project} lets its Applications write {allowed} in {namespace}, the Argo CD controller\'s namespace (argocd-cm, argocd-rbac-cm, repository Secrets): only Application, ApplicationSet and AppProject may be written there',
    },
  },
  checkManifest(m: Manifest, ctx) {
    if (!m.object.apiVersion.startsWith('argoproj.io/')) return;
    const namespace = m.object.metadata?.namespace;
    if (!namespace) return;
    const spec = ((m.object as unknown as { spec?: ProjectSpec }).spec ?? {}) as ProjectSpec;
    const destinations = spec.destinations ?? [];
    const denied = destinations.some((d) => d.namespace?.startsWith('!') && globMatches(d.namespace.slice(1), namespace));
    const index = destinations.findIndex((d) => d.namespace !== undefined && !d.namespace.startsWith('!') && globMatches(d.namespace, namespace));
    if (denied || index < 0) return;
    const list = spec.namespaceResourceWhitelist;
    // An absent whitelist allows every namespaced kind; a wildcard entry allows more than the three.
    const extra = list == null ? ['every namespaced kind'] : list.filter((s) => !ALLOWED.has(`${s.group ?? ''}/${s.kind ?? ''}`)).map((s) => `${s.group || 'core'}/${s.kind}`);
    if (extra.length === 0) return;
    ctx.report({
      manifest: m,
      messageId: 'open',
      pointer: list == null ? `/spec/destinations/${index}` : '/spec/namespaceResourceWhitelist',
      data: { project: `${namespace}/${m.object.metadata?.name ?? ''}`, namespace, allowed: extra.join(', ') },
    });
  },
};
