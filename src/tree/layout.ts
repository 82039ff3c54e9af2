import type { KubeObject } from '../manifest/types.js';

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

/** `rendered/<namespace>/<kind>-<name>.yaml`; cluster-scoped objects under `_cluster/`. */
export function pathFor(o: KubeObject, outDir: string): string {
  const folder = isClusterScoped(o.kind) ? clusterFolder : (o.metadata?.namespace ?? clusterFolder);
  return `${outDir}/${folder}/${o.kind.toLowerCase()}-${o.metadata?.name ?? 'unnamed'}.yaml`;
}

export const kustomizationFile = 'kustomization.yaml';

/**
 * A kustomization.yaml per folder (listing its files) and one at the top
 * (listing the folders), so `kubectl apply -k`, Argo CD and Flux can take any level.
 */
export function kustomizations(paths: Iterable<string>, outDir: string): Map<string, string> {
  const byFolder = new Map<string, string[]>();
  for (const p of paths) {
    const rel = p.slice(outDir.length + 1);
    const slash = rel.indexOf('/');
    if (slash < 0) continue;
    const folder = rel.slice(0, slash);
    const list = byFolder.get(folder) ?? [];
    list.push(rel.slice(slash + 1));
    byFolder.set(folder, list);
  }
  const out = new Map<string, string>();
  const render = (resources: string[]) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
  const folders = [...byFolder.keys()].sort();
  for (const folder of folders) out.set(`${outDir}/${folder}/${kustomizationFile}`, render([...byFolder.get(folder)!].sort()));
  out.set(`${outDir}/${kustomizationFile}`, render(folders));
  return out;
}
