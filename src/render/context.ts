import { yamlSafeJson } from '../manifest/canonical.js';
import { implicitClusterName, inClusterServer, resolveGitOps } from '../tenants/placement.js';
import type { Cluster, GitOps, Platform, Tenant, TenantsConfig } from '../tenants/types.js';
import { externalBlocks, type ExternalBlock } from '../tenants/egress.js';
import { clusterRoot, guardrailKinds, workloadsPath } from '../platform/layout.js';
import { API_COMPONENT, API_PORT, COMPONENT_LABEL, GUARDRAILS, TENANT_LABEL, TENANT_WORKLOAD_KINDS, TENANT_SERVICE_ACCOUNT_PREFIX, tenantServiceAccount, WORKER_COMPONENT, type Guardrail } from '../platform/index.js';
import { FINDINGS, type FindingId } from '../diagnostics/catalogue.js';
import { resolveAdmission } from '../tenants/placement.js';
import type { Admission } from '../tenants/types.js';

/**
 * The one way values reach YAML from a template: a JSON literal is valid YAML,
 * so a string stays a string (never new structure, a bool or a number) and
 * objects become flow mappings. Characters YAML forbids unescaped (DEL, C1
 * controls, non-characters) are escaped too, since JSON would leave them raw.
 */
export function yamlValue(value: unknown): string {
  if (value === undefined) throw new Error('v(): value is undefined (a misspelt field in the template?)');
  return yamlSafeJson(value);
}

const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

export interface TemplateContext {
  v: typeof yamlValue;
  platform: Platform;
  tenants: readonly Tenant[];
  tenant?: Tenant;
  /** The external egress ipBlocks: one per `platform.egress.externalCidrs` range with the denied ranges inside it. */
  externalBlocks: readonly ExternalBlock[];
  commonLabels: Record<string, string>;
  selectors: { api: Record<string, string>; worker: Record<string, string> };
  /** The port the api listens on, as the ingress policy and the proofs expect it. */
  apiPort: number;
  /** A tenant's ServiceAccount name: `serviceAccountOf(tenant.id)`. */
  serviceAccountOf: (tenantId: string) => string;
  podSecurityContext: typeof podSecurityContext;
  containerSecurityContext: typeof containerSecurityContext;
  gitops: GitOpsContext;
  admission: AdmissionContext;
}

/** What admission policy templates need: the resolved settings and the tables check uses. */
export interface AdmissionContext extends Admission {
  guardrails: readonly Guardrail[];
  tenantLabel: string;
  serviceAccountPrefix: string;
  /** `<id> (<doc page>)`, so a refusal names the same rule and page as check. */
  cite(id: FindingId): string;
  /** A CEL list literal of strings. */
  celList(values: readonly string[]): string;
}

export function admissionContext(config: TenantsConfig, gitops: GitOps): AdmissionContext {
  const resolved = config.admission ?? resolveAdmission(config.platform.admission, gitops, () => {});
  return {
    ...resolved,
    guardrails: GUARDRAILS,
    tenantLabel: TENANT_LABEL,
    serviceAccountPrefix: TENANT_SERVICE_ACCOUNT_PREFIX,
    cite: (id) => `${id} (${FINDINGS[id].doc})`,
    // JSON string literals are CEL string literals for the characters tenants.yaml allows in them.
    celList: (values) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`,
  };
}

/** What GitOps templates need: where things are in rendered/ and what they are called. */
export interface GitOpsContext extends GitOps {
  clusters: readonly Cluster[];
  /** The cluster being rendered (cluster and tenant scope). */
  cluster?: Cluster;
  multiCluster: boolean;
  guardrailKinds: typeof guardrailKinds;
  /**
   * Annotations that keep an object while its namespace exists: pruning and the
   * deletion of its Application or Kustomization leave it (the tenant Namespace
   * carries the same), so a namespace is never left without its core guardrails.
   */
  keepWithNamespace: Record<string, string>;
  /** The kinds a tenant's own delivery may apply: its Role and its project's allow-list. */
  tenantWorkloadKinds: readonly Guardrail[];
  /** Server URL Argo CD uses for the cluster it runs in. */
  inClusterServer: string;
  /** Repo-relative folder of a cluster's platform entry point. */
  platformPath(cluster: Cluster): string;
  workloadsPath(tenant: Tenant): string;
  /** Repo-relative folder of the controller's own objects (the bootstrap entry point). */
  gitopsPath(cluster: Cluster): string;
  clusterOf(tenant: Tenant): Cluster;
  /** Name of the platform's AppProject, Application, GitRepository, Kustomization. */
  platformName: string;
  platformNameFor(cluster: Cluster): string;
  /** Prefix of every per-tenant GitOps object name (AppProject, Application, Kustomization). */
  tenantNamePrefix: string;
  tenantName(tenant: Tenant): string;
}

export function gitopsContext(config: TenantsConfig, outDir: string, cluster?: Cluster): GitOpsContext {
  const gitops = config.gitops ?? resolveGitOps(config.platform.gitops);
  const clusters = config.clusters ?? [{ name: implicitClusterName, server: inClusterServer, dir: '' }];
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const multiCluster = clusters.some((c) => c.dir !== '');
  const platformName = config.platform.labels.managedBy;
  const clusterOf = (t: Tenant): Cluster => byName.get(t.cluster ?? '') ?? clusters[0]!;
  return {
    ...gitops,
    clusters,
    ...(cluster ? { cluster } : {}),
    multiCluster,
    guardrailKinds,
    tenantWorkloadKinds: TENANT_WORKLOAD_KINDS,
    keepWithNamespace: gitops.tool === 'argocd' ? { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } : { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    inClusterServer,
    platformPath: (c) => clusterRoot(outDir, c.dir),
    workloadsPath: (t) => workloadsPath(outDir, clusterOf(t).dir, t.namespace),
    gitopsPath: (c) => `${gitops.tool === 'argocd' ? outDir : clusterRoot(outDir, c.dir)}/${gitops.namespace}`,
    clusterOf,
    platformName,
    platformNameFor: (c) => (multiCluster ? `${platformName}-${c.name}` : platformName),
    tenantNamePrefix: 'tenant-',
    tenantName: (t) => `tenant-${t.id}`,
  };
}

export function tenantContext(config: TenantsConfig, tenant: Tenant, gitops: GitOpsContext): TemplateContext {
  const commonLabels = {
    app: config.platform.labels.app,
    tenant: tenant.id,
    'managed-by': config.platform.labels.managedBy,
  };
  const component = (name: string) => ({
    'app.kubernetes.io/name': config.platform.labels.app,
    [COMPONENT_LABEL]: name,
    tenant: tenant.id,
  });
  return {
    v: yamlValue,
    platform: config.platform,
    tenants: config.tenants,
    tenant,
    externalBlocks: externalBlocks(config.platform.egress),
    commonLabels,
    selectors: { api: component(API_COMPONENT), worker: component(WORKER_COMPONENT) },
    apiPort: API_PORT,
    serviceAccountOf: tenantServiceAccount,
    podSecurityContext,
    containerSecurityContext,
    gitops,
    admission: admissionContext(config, gitops),
  };
}

/** Cluster-wide templates see the tenants placed on the cluster being rendered. */
export function clusterContext(config: TenantsConfig, gitops: GitOpsContext): TemplateContext {
  const here = gitops.cluster;
  return {
    v: yamlValue,
    platform: config.platform,
    tenants: here ? lazyList(() => config.tenants.filter((t) => gitops.clusterOf(t).name === here.name)) : config.tenants,
    externalBlocks: externalBlocks(config.platform.egress),
    commonLabels: { app: config.platform.labels.app, 'managed-by': config.platform.labels.managedBy },
    selectors: { api: {}, worker: {} },
    apiPort: API_PORT,
    serviceAccountOf: tenantServiceAccount,
    podSecurityContext,
    containerSecurityContext,
    gitops,
    admission: admissionContext(config, gitops),
  };
}

/**
 * Templates get frozen inputs: a template that modified what it is given (the
 * platform settings, a tenant, a constant) would change what every later
 * template sees, so a tenant's files would depend on which tenants rendered
 * before it, and the render cache, keyed by what a tenant's templates see,
 * could replay files that a full render would not produce. Frozen, an
 * assignment is ignored and a mutating method throws (a template failure).
 * Every object reachable through data properties is frozen (a lazyList when
 * it is made); getters are left alone (and not called).
 */
export function deepFreeze<T>(value: T): T {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || selfFreezing.has(value) || Object.isFrozen(value)) return value;
  Object.freeze(value);
  // One descriptor at a time: building every descriptor at once was most of a tenant context's freezing.
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d !== undefined && 'value' in d) deepFreeze(d.value);
  }
  return value;
}

/** Lists that freeze themselves when first made (lazyList): deepFreeze leaves them alone, since asking would make them. */
const selfFreezing = new WeakSet<object>();

/**
 * A frozen list made on first use. At 10,000 tenants, parsing and freezing
 * every tenant for templates that never read the tenant list is a large part
 * of a render that replays all tenants but one. The list is a proxy of an
 * empty array: the first operation of any kind on it (a read, its length, a
 * freeze check, an attempt to write) fills and freezes that array, and every
 * operation is then answered by it, so the proxy behaves as the frozen array
 * itself, the proxy invariants included.
 */
export function lazyList<T>(make: () => readonly T[]): readonly T[] {
  const target: T[] = [];
  let made = false;
  const list = watch(target, () => {
    if (made) return;
    made = true;
    for (const item of make()) target.push(item);
    Object.freeze(target);
  });
  selfFreezing.add(list);
  return list;
}

/** The value behind a proxy that calls `seen` on every operation that could reveal anything about it. */
export function watch<T extends object>(target: T, seen: () => void): T {
  const handler: ProxyHandler<T> = {};
  for (const trap of Object.getOwnPropertyNames(Reflect) as (keyof ProxyHandler<T>)[]) {
    const forward = (Reflect as unknown as Record<string, (...args: unknown[]) => unknown>)[trap]!;
    (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
      seen();
      return forward(...args);
    };
  }
  return new Proxy(target, handler);
}

/** deepFreeze for what JSON.parse returned (plain data, no accessors): the same result with less work. */
export function freezeParsed<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  for (const k of Object.keys(value)) {
    // An own "__proto__" key (JSON.parse makes one) is read as a property, not as the prototype.
    const child: unknown = k === '__proto__' ? Object.getOwnPropertyDescriptor(value, k)!.value : (value as Record<string, unknown>)[k];
    if (typeof child === 'object' && child !== null) freezeParsed(child);
  }
  return value;
}
