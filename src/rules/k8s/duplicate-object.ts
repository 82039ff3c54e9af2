import { headKey, headOf, type ObjectHead } from '../../manifest/types.js';
import { clusterFolder, isClusterScoped } from '../../platform/layout.js';
import type { Manifest, Rule } from '../types.js';

type Messages = 'duplicate';

/** Identity as the API server sees it: the version is not part of it, nor a namespace on a cluster-scoped kind. */
function identity(h: ObjectHead): string {
  return headKey(h, isClusterScoped(h.kind) ? '' : h.namespace);
}

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
    const seen = new Map<string, Manifest>();
    // Read through the heads: this visits every object of the tree, and must not parse them.
    for (const m of manifests) {
      const h = headOf(m);
      if (!h.name) continue;
      const key = `${clusterRootOf(m, h)}|${identity(h)}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, m);
        continue;
      }
      const at = `${first.file}:${first.locate('/metadata/name').line}`;
      ctx.report({ manifest: m, messageId: 'duplicate', pointer: '/metadata/name', data: { object: describe(h), first: at } });
    }
  },
};
