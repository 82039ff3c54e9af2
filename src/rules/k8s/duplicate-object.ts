import { apiGroupOf, headOf, type ObjectHead } from '../../manifest/types.js';
import { clusterFolder, isClusterScoped } from '../../platform/layout.js';
import type { Manifest, Rule } from '../types.js';

type Messages = 'duplicate';

/**
 * The tree may hold one sub-tree per cluster (rendered/<cluster>/<namespace>/…):
 * the same object in two clusters is two objects. The cluster root is the path
 * before the last segment that is the object's namespace (or _cluster) folder;
 * '' when the file is not laid out that way. Found without splitting the path:
 * this runs for every object of the tree.
 */
function clusterRootOf(m: Manifest, h: ObjectHead): string {
  const folder = isClusterScoped(h.kind) ? clusterFolder : (h.namespace ?? clusterFolder);
  const f = m.file;
  if (f.endsWith(`/${folder}`)) return f.slice(0, f.length - folder.length - 1);
  const at = f.lastIndexOf(`/${folder}/`);
  return at < 0 ? '' : f.slice(0, at);
}

function describe(h: ObjectHead): string {
  const ns = h.namespace;
  return `${h.kind} ${ns && !isClusterScoped(h.kind) ? `${ns}/` : ''}${h.name ?? ''}`;
}

/**
 * Two manifests for one object make the applied state depend on apply order,
 * and a GitOps controller flaps between them. The later one (in tree order) is reported.
 */
export const duplicateObject: Rule<Messages> = {
  meta: {
    id: 'k8s/duplicate-object',
    messages: {
      duplicate: '{object} is already defined at {first}; the last one applied would win',
    },
  },
  checkAll(manifests, ctx) {
    /**
     * The first manifest of each object, by cluster root, namespace, kind and
     * name, and among those by API group: identity as the API server sees it,
     * where the version is not part of it, nor a namespace on a cluster-scoped
     * kind ('' here). Keyed by the heads' own strings: this visits every object of the
     * tree, so no key string is built per object.
     */
    const seen = new Map<string, Map<string, Map<string, Map<string, Manifest | Manifest[]>>>>();
    // Objects come folder by folder: the last root and namespace looked up are asked first.
    let lastRoot: string | undefined;
    let lastNs: string | undefined;
    let lastKinds: Map<string, Map<string, Manifest | Manifest[]>> | undefined;
    // Read through the heads: this visits every object of the tree, and must not parse them.
    for (const m of manifests) {
      const h = headOf(m);
      if (!h.name) continue;
      const root = clusterRootOf(m, h);
      const ns = isClusterScoped(h.kind) ? '' : (h.namespace ?? '');
      if (root !== lastRoot || ns !== lastNs || lastKinds === undefined) {
        let namespaces = seen.get(root);
        if (!namespaces) seen.set(root, (namespaces = new Map()));
        let kinds = namespaces.get(ns);
        if (!kinds) namespaces.set(ns, (kinds = new Map()));
        lastRoot = root;
        lastNs = ns;
        lastKinds = kinds;
      }
      let names = lastKinds.get(h.kind);
      if (!names) lastKinds.set(h.kind, (names = new Map()));
      const prior = names.get(h.name);
      if (prior === undefined) {
        names.set(h.name, m);
        continue;
      }
      const group = apiGroupOf(h.apiVersion);
      const same = (p: Manifest) => apiGroupOf(headOf(p).apiVersion) === group;
      const first = Array.isArray(prior) ? prior.find(same) : same(prior) ? prior : undefined;
      if (!first) {
        if (Array.isArray(prior)) prior.push(m);
        else names.set(h.name, [prior, m]);
        continue;
      }
      const at = `${first.file}:${first.locate('/metadata/name').line}`;
      ctx.report({ manifest: m, messageId: 'duplicate', pointer: '/metadata/name', data: { object: describe(h), first: at } });
    }
  },
};
