import type { KubeObject } from '../manifest/types.js';
import { GUARDRAILS } from './index.js';

/** Folder for cluster-scoped objects; no namespace can be named with an underscore. */
export const clusterFolder = '_cluster';

// Built-in kinds without a namespace. Anything else with no metadata.namespace is
// an error reported by the rules, not silently filed here.
const clusterScoped = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'APIService', 'CSIDriver', 'CSINode',
  'VolumeAttachment', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
  'ClusterTrustBundle', 'DeviceClass', 'VolumeAttributesClass', 'IPAddress', 'ServiceCIDR',
]);

export function isClusterScoped(kind: string): boolean {
  return clusterScoped.has(kind);
}

/**
 * What the platform owns in a tenant namespace. These stay in the namespace
 * folder, synced by the platform's Application or Kustomization; everything else a
 * tenant template renders goes to workloads/, the only folder the tenant's own
 * Application (or impersonating Flux Kustomization) applies.
 */
const platformOwnedKinds = new Set(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ServiceAccount', 'Role', 'RoleBinding']);

/** Kinds a tenant's Argo CD project may never manage (group, kind). */
export const guardrailKinds: readonly { group: string; kind: string }[] = GUARDRAILS.map(({ group, kind }) => ({ group, kind }));

export const workloadsFolder = 'workloads';

/** Whether an object rendered for a tenant belongs to the tenant's workloads (not the platform). */
export function isTenantWorkload(o: KubeObject): boolean {
  if (isClusterScoped(o.kind) || platformOwnedKinds.has(o.kind)) return false;
  // GitOps objects placed in a tenant namespace are the platform's delivery machinery.
  return !/(^|\.)(argoproj\.io|fluxcd\.io)\//.test(o.apiVersion);
}

/** Root of one cluster's tree: rendered/ itself for the implicit cluster, rendered/<cluster>/ otherwise. */
export function clusterRoot(outDir: string, clusterDir: string): string {
  return clusterDir ? `${outDir}/${clusterDir}` : outDir;
}

/** Folder of a tenant's workloads, as a GitOps controller addresses it. */
export function workloadsPath(outDir: string, clusterDir: string, namespace: string): string {
  return `${clusterRoot(outDir, clusterDir)}/${namespace}/${workloadsFolder}`;
}

/**
 * Why a path the renderer is about to write is unsafe, or undefined: every
 * segment must be a plain name (no `..`, no empty or absolute parts, no
 * backslash or control character) and the path must start with `outDir/`.
 * Values from tenants.yaml and from templates end up in these paths, so this
 * is what keeps a hostile value from writing outside rendered/.
 */
export function unsafePath(p: string, outDir: string): string | undefined {
  if (!p.startsWith(`${outDir}/`)) return `${p} is not under ${outDir}/`;
  if (/[\\\u0000-\u001f]/.test(p)) return `${p} contains a backslash or a control character`;
  // Asked of every rendered object: the split is made only for a path with such a segment.
  if (!/(?:^|\/)\.{0,2}(?:\/|$)/.test(p)) return undefined;
  const bad = p.split('/').find((s) => s === '' || s === '.' || s === '..');
  if (bad !== undefined) return `${p} contains the path segment "${bad}"`;
  return undefined;
}

/**
 * `<root>/<namespace>/<kind>-<name>.yaml`, where root is rendered/ or
 * rendered/<cluster>/; cluster-scoped objects under `_cluster/`, a tenant's
 * workloads under `<namespace>/workloads/`.
 */
export function pathFor(o: KubeObject, root: string, opts: { workload?: boolean } = {}): string {
  const folder = isClusterScoped(o.kind) ? clusterFolder : (o.metadata?.namespace ?? clusterFolder);
  const sub = opts.workload ? `/${workloadsFolder}` : '';
  return `${root}/${folder}${sub}/${o.kind.toLowerCase()}-${o.metadata?.name ?? 'unnamed'}.yaml`;
}

export const kustomizationFile = 'kustomization.yaml';

const renderKustomization = (resources: readonly string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

/**
 * The kustomization of a delivery unit's folder that applies nothing: what a
 * decommissioned tenant's workloads folder keeps under Argo CD, so that its
 * Application stays and prunes the workloads rather than being deleted.
 */
export const emptyKustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';

/** Whether a path lies inside one of the folders (a bootstrap's own folder, say). */
export function isUnder(p: string, folders: readonly string[] | undefined): boolean {
  return (folders ?? []).some((f) => p.startsWith(`${f}/`));
}

/** A platform entry point: a kustomization at `root` listing its folders except `exclude`. */
export interface EntryPoint {
  root: string;
  exclude?: readonly string[];
}

/** Whether names are sorted already, as a sorted listing gives them: sorting costs more than the check. */
const inOrder = (names: readonly string[]): boolean => names.every((n, i) => i === 0 || names[i - 1]! < n);

/**
 * A kustomization.yaml per folder listing the files directly in it (so a
 * namespace folder never pulls in its workloads/), and one per entry point
 * listing the folders under it: the platform's view of a cluster, which
 * `kubectl apply -k`, Argo CD and Flux can all take. Folders in `without` get
 * none (a Flux bootstrap path, where Flux generates it).
 */
export function kustomizations(paths: Iterable<string>, entries: readonly EntryPoint[], without: readonly string[] = []): Map<string, string> {
  const byFolder = new Map<string, string[]>();
  // Paths come grouped by folder (a tenant's files together): a path in the
  // previous path's folder needs no map lookup, which at 200,000 paths was
  // most of this function's time. (slice and === is several times faster
  // than startsWith here.)
  let folder = '';
  let names: string[] | undefined;
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    if (names === undefined || slash !== folder.length || p.slice(0, slash) !== folder) {
      folder = p.slice(0, slash);
      names = byFolder.get(folder);
      if (names === undefined) byFolder.set(folder, (names = []));
    }
    names.push(p.slice(slash + 1));
  }
  const out = new Map<string, string>();
  for (const [folder, files] of byFolder) if (!without.includes(folder)) out.set(`${folder}/${kustomizationFile}`, renderKustomization(inOrder(files) ? files : files.sort()));
  for (const entry of entries) {
    const under = `${entry.root}/`;
    const children = new Set<string>();
    for (const folder of byFolder.keys()) {
      if (!folder.startsWith(under)) continue;
      const end = folder.indexOf('/', under.length);
      const child = end < 0 ? folder.slice(under.length) : folder.slice(under.length, end);
      if (!(entry.exclude ?? []).includes(child)) children.add(child);
    }
    out.set(`${entry.root}/${kustomizationFile}`, renderKustomization([...children].sort()));
  }
  return out;
}
