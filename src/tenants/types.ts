import type { Position } from '../manifest/types.js';

export type Labels = Record<string, string>;
export type Quantity = string | number;
export type ResourceList = { cpu?: Quantity; memory?: Quantity };
export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface SharedService {
  service: string;
  port: number;
  podLabels: Labels;
}

/** The `platform` section of tenants.yaml, as written (it has no defaults). */
export interface Platform {
  namespacePrefix: string;
  labels: { app: string; managedBy: string };
  tenantNamespaceLabel: { key: string; value: string };
  podSecurity: { level: 'privileged' | 'baseline' | 'restricted'; version: string };
  admins: { group: string; clusterRole: string };
  image: { repository: string };
  ingress: { namespace: string; podLabels?: Labels };
  database: { namespace: string; postgresql: SharedService; redis: SharedService };
  dns: { namespace: string; podLabels: Labels; port: number };
  egress: {
    externalPorts: number[];
    /** Never reachable through the external rule; each lies inside an external range of its family. */
    deniedCidrs: string[];
    /** Ranges the external rule admits, one ipBlock each; omitted = 0.0.0.0/0 (externalCidrs() in ./egress.ts). */
    externalCidrs?: string[];
  };
  maxQuota: Record<string, Quantity>;
  /** As written; the resolved values (defaults applied) are TenantsConfig.gitops. */
  gitops?: Partial<GitOps>;
  /** As written; the resolved values are TenantsConfig.admission. */
  admission?: Partial<Admission>;
}

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

/** The cluster-side guardrails: how a violation is acted on, and who is exempt. */
export interface Admission {
  validationActions: ValidationAction[];
  /** Usernames of the GitOps controller; the only identities that may change tenancy labels and guardrails. */
  controllers: string[];
}

export type GitOpsTool = 'argocd' | 'flux';

/** Which controller applies rendered/, and from where it pulls this repository. */
export interface GitOps {
  tool: GitOpsTool;
  repoURL: string;
  targetRevision: string;
  /** Namespace of the controller's own objects (Applications, Flux Kustomizations). */
  namespace: string;
  /** Flux: the Secret (in `namespace`) with the credentials to clone a private repository. */
  secretRef?: string;
}

/** A cluster tenants are placed on. Without a `clusters` list there is one implicit cluster. */
export interface Cluster {
  name: string;
  /** Argo CD destination server URL. */
  server: string;
  /** Sub-folder of rendered/ for this cluster; '' for the implicit cluster (layout unchanged). */
  dir: string;
}

export interface Tier {
  quota: Record<string, Quantity>;
  limits: { default: ResourceList; defaultRequest: ResourceList; max?: ResourceList };
}

export interface Autoscaling {
  minReplicas: number;
  maxReplicas: number;
  targetCPUUtilization: number;
}

export interface Waiver {
  rule: string;
  /** `Kind/name`; omitted = every object of the tenant. */
  object?: string;
  reason: string;
  /** Where the waiver is written, for findings about the waiver itself. */
  pointer: string;
}

/** A tenant with tier and defaults applied: what templates and rules see. */
export interface Tenant {
  id: string;
  name: string;
  namespace: string;
  tierName: string;
  quota: Record<string, string>;
  limits: Tier['limits'];
  image: string;
  imageTag: string;
  api: { replicas: number; resources: Resources };
  worker: { autoscaling: Autoscaling; resources: Resources };
  config: Record<string, string>;
  needsApiAccess: boolean;
  waivers: Waiver[];
  /** JSON pointer of this tenant's entry in tenants.yaml. */
  pointer: string;
  /** Name of the cluster the tenant is placed on (always set by resolve). */
  cluster?: string;
  /** Workloads are withdrawn; the Namespace and its guardrails stay until the tenant is removed. */
  decommissioned?: boolean;
}

export interface TenantsConfig {
  /** Repo-relative path of the file (for findings). */
  file: string;
  platform: Platform;
  tiers: Record<string, Tier>;
  tenants: Tenant[];
  /** `apiVersion/Kind` entries allowed in rendered/ without a schema. */
  allowKinds: string[];
  /** Always set by resolve; optional so configs built by hand in tests stay valid. */
  gitops?: GitOps;
  /** Always set by resolve. */
  admission?: Admission;
  clusters?: Cluster[];
  /** Position of a JSON pointer in tenants.yaml. */
  locate(pointer: string): Position;
}
