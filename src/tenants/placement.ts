import { nearest } from '../diagnostics/suggest.js';
import type { Admission, Cluster, GitOps, Platform } from './types.js';

export interface RawCluster {
  name: string;
  server?: string;
}

/** Argo CD's name for the cluster it runs in. */
export const inClusterServer = 'https://kubernetes.default.svc';
export const implicitClusterName = 'in-cluster';

const defaultNamespace = { argocd: 'argocd', flux: 'flux-system' } as const;

/**
 * Why a repoURL is not something Argo CD or Flux can clone, or undefined. Both
 * take https://, http://, ssh:// and git:// URLs, and Argo CD also the scp-like
 * `git@host:path`. The value is rendered into every Application or GitRepository.
 */
function repoURLProblem(url: string): string | undefined {
  if (/[\s<>%{}"\\^`|]/.test(url)) return 'contains whitespace or characters a URL cannot hold';
  if (/^[\w.-]+@[\w.-]+:[^/]/.test(url)) return undefined;
  try {
    const u = new URL(url);
    return ['https:', 'http:', 'ssh:', 'git:'].includes(u.protocol) && u.host ? undefined : 'is not an https, http, ssh or git URL';
  } catch {
    return 'is not a URL';
  }
}

/** `platform.gitops` with defaults: Argo CD, following main, in its usual namespace. */
export function resolveGitOps(raw: Platform['gitops'], report?: Report): GitOps {
  const tool = raw?.tool ?? 'argocd';
  const problem = raw?.repoURL === undefined ? undefined : repoURLProblem(raw.repoURL);
  if (problem) report?.('/platform/gitops/repoURL', `platform.gitops.repoURL ${JSON.stringify(raw!.repoURL)} ${problem}`, 'write the URL the controller clones, e.g. https://github.com/org/tenants.git or git@github.com:org/tenants.git');
  return {
    tool,
    // A placeholder that cannot clone: the bundled file sets the real URL.
    repoURL: raw?.repoURL ?? 'https://git.example.com/platform/tenants.git',
    targetRevision: raw?.targetRevision ?? 'main',
    namespace: raw?.namespace ?? defaultNamespace[tool],
    ...(raw?.secretRef ? { secretRef: raw.secretRef } : {}),
  };
}

/** The identity each controller applies objects as, in its default installation. */
const controllerAccount = { argocd: 'argocd-application-controller', flux: 'kustomize-controller' } as const;

/**
 * `platform.admission` with defaults: Deny, and the controller's ServiceAccount
 * (Argo CD's application controller, or Flux's kustomize-controller) in the
 * gitops namespace. The API server refuses a binding that combines Deny and
 * Warn ("Deny and Warn may not be used together", ValidatingAdmissionPolicyBinding
 * validation), so that is an input error here.
 */
export function resolveAdmission(raw: Platform['admission'], gitops: GitOps, report: Report): Admission {
  const validationActions = raw?.validationActions ?? ['Deny'];
  if (validationActions.includes('Deny') && validationActions.includes('Warn')) {
    report('/platform/admission/validationActions', 'validationActions combines Deny and Warn, which the API server rejects', 'use [Deny] to enforce, or [Warn, Audit] to roll out without refusing');
  }
  return {
    validationActions: [...validationActions],
    controllers: [...(raw?.controllers ?? [`system:serviceaccount:${gitops.namespace}:${controllerAccount[gitops.tool]}`])],
  };
}

type Report = (pointer: string, message: string, hint: string, tenant?: string) => void;

/** Why a cluster server is not an https URL the GitOps controller could use, or undefined. */
function serverProblem(server: string): string | undefined {
  if (/[\s<>%{}"\\^`|]/.test(server)) return 'contains whitespace or characters a URL cannot hold';
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:') return 'must use https';
  if (u.username || u.password) return 'must not carry credentials';
  if (u.search || u.hash) return 'must not have a query or fragment';
  return undefined;
}

/**
 * The clusters tenants can be placed on. Without a list there is one implicit
 * cluster whose objects keep the flat rendered/<namespace>/ layout.
 */
export function resolveClusters(raw: RawCluster[] | undefined, gitops: GitOps, report: Report): Cluster[] {
  if (!raw) return [{ name: implicitClusterName, server: inClusterServer, dir: '' }];
  const seen = new Set<string>();
  const out: Cluster[] = [];
  raw.forEach((c, i) => {
    if (seen.has(c.name)) {
      report(`/clusters/${i}/name`, `cluster "${c.name}" is listed twice`, 'cluster names must be unique');
      return;
    }
    seen.add(c.name);
    // Argo CD objects live in rendered/<gitops namespace>/ beside the cluster folders.
    if (gitops.tool === 'argocd' && c.name === gitops.namespace) {
      report(`/clusters/${i}/name`, `cluster "${c.name}" has the name of the Argo CD namespace, whose folder sits beside the cluster folders`, 'rename the cluster');
      return;
    }
    const bad = c.server === undefined ? undefined : serverProblem(c.server);
    if (bad) {
      report(`/clusters/${i}/server`, `cluster "${c.name}" server ${JSON.stringify(c.server)} ${bad}`, 'write the API server URL as Argo CD lists it, e.g. https://10.0.0.1:6443 or https://kubernetes.default.svc');
      return;
    }
    out.push({ name: c.name, server: c.server ?? inClusterServer, dir: c.name });
  });
  return out;
}

/** The cluster a tenant lands on; reports an unknown or missing reference. */
export function placeTenant(
  tenant: { id: string; cluster?: string },
  at: string,
  clusters: readonly Cluster[],
  explicit: boolean,
  report: Report,
): string | undefined {
  const names = clusters.map((c) => c.name);
  if (tenant.cluster === undefined) {
    if (clusters.length === 1) return clusters[0]!.name;
    report(at, `tenant "${tenant.id}" does not say which cluster it runs on`, `add "cluster:" with one of: ${names.join(', ')}`, tenant.id);
    return undefined;
  }
  if (!explicit) {
    report(`${at}/cluster`, `tenant "${tenant.id}" names cluster "${tenant.cluster}" but tenants.yaml lists no clusters`, 'add a top-level "clusters:" list, or remove "cluster:" from the tenant', tenant.id);
    return undefined;
  }
  if (!names.includes(tenant.cluster)) {
    const guess = nearest(tenant.cluster, names);
    report(`${at}/cluster`, `cluster "${tenant.cluster}" is not listed under clusters`, `${guess ? `did you mean "${guess}"? ` : ''}listed clusters: ${names.join(', ')}`, tenant.id);
    return undefined;
  }
  return tenant.cluster;
}
