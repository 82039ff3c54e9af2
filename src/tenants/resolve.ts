import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import { dns1123Label, isLabel1123Shape, labelValue } from '../manifest/names.js';
import { toPointer } from '../manifest/locate.js';
import { quantityProblem } from '../manifest/quantity.js';
import type { Position } from '../manifest/types.js';
import { egressErrors } from './egress.js';
import { placeTenant, resolveAdmission, resolveClusters, resolveGitOps, type RawCluster } from './placement.js';
import type { Platform, Resources, Tenant, TenantsConfig, Tier, Waiver } from './types.js';
import { codePointName } from '../diagnostics/characters.js';

interface RawTenant {
  id: string;
  name: string;
  tier?: string;
  imageTag?: string;
  api?: { replicas?: number; resources?: Resources };
  worker?: { autoscaling?: Partial<Tenant['worker']['autoscaling']>; resources?: Resources };
  config?: Record<string, string>;
  quota?: Record<string, string | number>;
  needsApiAccess?: boolean;
  waivers?: Omit<Waiver, 'pointer'>[];
  cluster?: string;
  decommissioned?: boolean;
}

/** tenants.yaml after schema validation: shapes are guaranteed, meaning is not yet. */
export interface RawConfig {
  version: 1;
  platform: Platform;
  tiers: Record<string, Tier>;
  defaults: {
    tier: string;
    imageTag: string;
    api: RawTenant['api'];
    worker: RawTenant['worker'];
    config?: Record<string, string>;
  };
  tenants: RawTenant[];
  clusters?: RawCluster[];
  validation?: { allowKinds?: string[] };
}


function mergeResources(base: Resources | undefined, over: Resources | undefined): Resources {
  return {
    requests: { ...base?.requests, ...over?.requests },
    limits: { ...base?.limits, ...over?.limits },
  };
}

function quantityErrors(values: Record<string, unknown> | undefined, pointer: string, report: (p: string, m: string, h: string) => void): void {
  for (const [k, v] of Object.entries(values ?? {})) {
    const problem = quantityProblem(v);
    if (!problem) continue;
    const shown = typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf') : JSON.stringify(v);
    const hint = /negative/.test(problem) ? 'write zero or a positive quantity' : /larger/.test(problem) ? 'write at most 8Ei (2^63 bytes less one), e.g. 64Gi' : 'write a number with an optional suffix, e.g. 500m, 2, 512Mi, 4Gi';
    report(`${pointer}${toPointer([k])}`, `${k}: ${shown} ${problem === 'is not a Kubernetes quantity' || /^is (larger|negative)/.test(problem) ? problem : `${problem}, not a Kubernetes quantity`}`, hint);
  }
}


/**
 * Checks what the schema cannot (ids, references, quantities) and applies tiers
 * and defaults. All problems are returned together so one run shows them all.
 */
export function resolveTenants(
  raw: RawConfig,
  file: string,
  locate: (pointer: string) => Position,
): { config?: TenantsConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string, hint: string, tenant?: string): void => {
    const d: Diagnostic = diagnostic('input/tenants-file', message, { file: { path: file, ...locate(pointer) }, field: { pointer }, hint });
    if (tenant) d.tenant = tenant;
    diagnostics.push(d);
  };
  const { platform, tiers, defaults } = raw;
  const tierNames = Object.keys(tiers);
  const checkTier = (name: string, pointer: string, tenant?: string): void => {
    if (!(name in tiers)) {
      const guess = nearest(name, tierNames);
      report(pointer, `tier "${name}" is not defined under tiers`, `${guess ? `did you mean "${guess}"? ` : ''}defined tiers: ${tierNames.join(', ')}`, tenant);
    }
  };
  checkTier(defaults.tier, '/defaults/tier');
  // managedBy names the platform's GitOps objects and folders as well as labelling everything: a DNS label, nothing else.
  const managedBy = dns1123Label(platform.labels.managedBy);
  if (managedBy) report('/platform/labels/managedBy', `"${platform.labels.managedBy}" ${managedBy}`, 'use lower-case letters, digits and dashes, e.g. ai-agents-platform; it names the ApplicationSet, projects and folders');
  const app = platform.labels.app === '' ? 'must not be empty' : labelValue(platform.labels.app);
  if (app) report('/platform/labels/app', `"${platform.labels.app}" ${app}`, 'use a plain label value, e.g. ai-agents');

  quantityErrors(platform.maxQuota, '/platform/maxQuota', report);
  for (const [name, tier] of Object.entries(tiers)) {
    quantityErrors(tier.quota, `/tiers/${name}/quota`, report);
    for (const part of ['default', 'defaultRequest', 'max'] as const) quantityErrors(tier.limits[part], `/tiers/${name}/limits/${part}`, report);
  }
  const resourceErrors = (r: Resources | undefined, pointer: string, tenant?: string): void => {
    quantityErrors(r?.requests, `${pointer}/requests`, (p, m, h) => report(p, m, h, tenant));
    quantityErrors(r?.limits, `${pointer}/limits`, (p, m, h) => report(p, m, h, tenant));
  };
  resourceErrors(defaults.api?.resources, '/defaults/api/resources');
  resourceErrors(defaults.worker?.resources, '/defaults/worker/resources');
  egressErrors(platform.egress, report);

  const gitops = resolveGitOps(platform.gitops, report);
  const clusters = resolveClusters(raw.clusters, gitops, report);
  const admission = resolveAdmission(platform.admission, gitops, report);
  if (gitops.secretRef && gitops.tool === 'argocd') {
    report('/platform/gitops/secretRef', 'secretRef applies to Flux only; Argo CD does not reference repository credentials from its Applications', 'for Argo CD, create a Secret labelled argocd.argoproj.io/secret-type: repository in the Argo CD namespace, and remove secretRef');
  }

  const reserved = new Set(['default', gitops.namespace, platform.database.namespace, platform.ingress.namespace, platform.dns.namespace]);
  const isReserved = (name: string) => reserved.has(name) || name.startsWith('kube-');
  /**
   * A tenant's quota: its tier's with its own on top, every amount as a string.
   * Most tenants have none of their own; their tier's is made once and copied
   * (Object.fromEntries took about 8 µs a tenant, a quarter of resolving 10,000).
   */
  const tierQuotas = new Map<string, Record<string, string>>();
  const quotaOf = (tierName: string, tier: Tier, own: RawTenant['quota']): Record<string, string> => {
    const strings = (q: Record<string, string | number>) => Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)]));
    if (own !== undefined) return strings({ ...tier.quota, ...own });
    let q = tierQuotas.get(tierName);
    if (q === undefined) tierQuotas.set(tierName, (q = strings({ ...tier.quota })));
    return { ...q };
  };
  const firstSeen = new Map<string, number>();
  const tenants: Tenant[] = [];
  raw.tenants.forEach((t, i) => {
    const at = `/tenants/${i}`;
    const namespace = platform.namespacePrefix + t.id;
    let ok = true;
    const fail = (pointer: string, message: string, hint: string) => {
      ok = false;
      report(pointer, message, hint, t.id);
    };
    // Length is judged on the whole namespace name below, where the prefix counts too; the
    // characters are judged on their own, so an over-long id with `_` hears about both.
    const badChars = !isLabel1123Shape(t.id);
    if (badChars) {
      const odd = [...new Set([...t.id].filter((c) => !/[-a-z0-9]/.test(c)))].map((c) => (/[\x21-\x7e]/.test(c) ? `"${c}"` : codePointName(c)));
      fail(`${at}/id`, `tenant id "${t.id}" is not a DNS-1123 label${odd.length ? ` (it contains ${odd.join(', ')})` : ''}`, 'use lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. acme-corp');
    }
    if (namespace.length > 63) {
      fail(`${at}/id`, `namespace "${namespace}" is ${namespace.length} characters; Kubernetes allows 63`, `shorten the id to at most ${63 - platform.namespacePrefix.length} characters (the prefix "${platform.namespacePrefix}" counts)`);
    }
    if (isReserved(t.id) || isReserved(namespace)) {
      fail(`${at}/id`, `tenant id "${t.id}" is reserved`, 'default, kube-* and the shared namespaces (database, ingress, DNS) cannot be tenants; choose another id');
    }
    const prev = firstSeen.get(t.id);
    if (prev !== undefined) {
      fail(`${at}/id`, `tenant id "${t.id}" is already used by tenants[${prev}] (line ${locate(`/tenants/${prev}/id`).line})`, 'tenant ids must be unique; rename or remove one of the entries');
    } else {
      firstSeen.set(t.id, i);
    }
    const tierName = t.tier ?? defaults.tier;
    if (t.tier !== undefined) checkTier(t.tier, `${at}/tier`, t.id);
    quantityErrors(t.quota, `${at}/quota`, (p, m, h) => fail(p, m, h));
    resourceErrors(t.api?.resources, `${at}/api/resources`, t.id);
    resourceErrors(t.worker?.resources, `${at}/worker/resources`, t.id);
    const autoscaling = { minReplicas: 1, maxReplicas: 1, targetCPUUtilization: 80, ...defaults.worker?.autoscaling, ...t.worker?.autoscaling };
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      fail(`${at}/worker/autoscaling`, `worker autoscaling minReplicas ${autoscaling.minReplicas} exceeds maxReplicas ${autoscaling.maxReplicas}`, 'set minReplicas <= maxReplicas');
    }
    const cluster = placeTenant(t, at, clusters, raw.clusters !== undefined, (p, m, h) => fail(p, m, h));
    const tier = tiers[tierName];
    if (!ok || !tier || cluster === undefined) return;
    const quota = quotaOf(tierName, tier, t.quota);
    const imageTag = t.imageTag ?? defaults.imageTag;
    tenants.push({
      id: t.id,
      name: t.name,
      namespace,
      tierName,
      quota,
      limits: tier.limits,
      imageTag,
      image: imageTag.startsWith('sha256:') ? `${platform.image.repository}@${imageTag}` : `${platform.image.repository}:${imageTag}`,
      api: {
        replicas: t.api?.replicas ?? defaults.api?.replicas ?? 1,
        resources: mergeResources(defaults.api?.resources, t.api?.resources),
      },
      worker: { autoscaling, resources: mergeResources(defaults.worker?.resources, t.worker?.resources) },
      config: { ...defaults.config, ...t.config },
      needsApiAccess: t.needsApiAccess ?? false,
      waivers: (t.waivers ?? []).map((w, j) => ({ ...w, pointer: `${at}/waivers/${j}` })),
      pointer: at,
      cluster,
      decommissioned: t.decommissioned ?? false,
    });
  });
  if (diagnostics.length > 0) return { diagnostics };
  return {
    config: { file, platform, tiers, tenants, allowKinds: raw.validation?.allowKinds ?? [], locate, gitops, admission, clusters },
    diagnostics,
  };
}
