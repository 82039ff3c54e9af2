import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../manifest/quantity.js';
import type { ContainerResources } from './types.js';

/*
 * ResourceQuota scopes (https://kubernetes.io/docs/concepts/policy/resource-quotas/#quota-scopes):
 * "A quota will only measure usage for a resource if it matches the
 * intersection of enumerated scopes." `scopes` entries are Exists
 * requirements; `scopeSelector.matchExpressions` add In / NotIn / Exists /
 * DoesNotExist on PriorityClass and VolumeAttributesClass. Matching follows
 * the quota evaluators (pkg/quota/v1/evaluator/core): a pod's priority class
 * and a claim's volume attributes class are read as a one-key label set.
 */

export type ScopeOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface ScopeRequirement {
  scopeName: string;
  operator: ScopeOperator;
  values: string[];
}

/** What scope matching needs to know about one pod (after LimitRange defaulting). */
export interface PodScopeFacts {
  terminating: boolean;
  bestEffort: boolean;
  priorityClassName?: string;
  crossNamespaceAffinity: boolean;
}

/** What scope matching needs to know about one PersistentVolumeClaim. */
export interface ClaimScopeFacts {
  volumeAttributesClassName?: string;
}

const podScopes = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
const claimScopes = new Set(['VolumeAttributesClass']);
const knownScopes = new Set([...podScopes, ...claimScopes]);

const computeResources = [
  'pods', 'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
];

/**
 * Resources each scope may track; any other key in `hard` is a validation
 * error. "The BestEffort scope restricts a quota to tracking the following
 * resource: pods"; Terminating, NotTerminating, NotBestEffort and PriorityClass
 * track pods and the compute requests and limits; CrossNamespacePodAffinity
 * the same; VolumeAttributesClass tracks claims and their storage.
 */
export function scopeResources(scopeName: string): (resource: string) => boolean {
  switch (scopeName) {
    case 'BestEffort':
      return (r) => r === 'pods';
    case 'VolumeAttributesClass':
      return (r) => r === 'persistentvolumeclaims' || r === 'requests.storage' || /^count\/persistentvolumeclaims$/.test(r) || /\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/.test(r);
    default:
      return (r) => computeResources.includes(r) || r === 'count/pods' || /^(requests\.)?hugepages-/.test(r);
  }
}

type RawSpec = { scopes?: unknown; scopeSelector?: { matchExpressions?: unknown } } | undefined;

export function scopeRequirements(spec: RawSpec): ScopeRequirement[] {
  const out: ScopeRequirement[] = [];
  for (const s of Array.isArray(spec?.scopes) ? spec.scopes : []) out.push({ scopeName: String(s), operator: 'Exists', values: [] });
  const exprs = spec?.scopeSelector?.matchExpressions;
  for (const e of Array.isArray(exprs) ? (exprs as Record<string, unknown>[]) : []) {
    out.push({
      scopeName: String(e?.['scopeName'] ?? ''),
      operator: String(e?.['operator'] ?? '') as ScopeOperator,
      values: Array.isArray(e?.['values']) ? (e['values'] as unknown[]).map(String) : [],
    });
  }
  return out;
}

/** Why the API server would refuse this quota's scopes (ValidateResourceQuotaSpec), one line each. */
export function scopeProblems(reqs: readonly ScopeRequirement[], hard: readonly string[]): { message: string; resource?: string }[] {
  const out: { message: string; resource?: string }[] = [];
  const names = new Set(reqs.map((r) => r.scopeName));
  for (const r of reqs) {
    if (!knownScopes.has(r.scopeName)) out.push({ message: `unsupported scope "${r.scopeName}"` });
    else if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(r.operator)) out.push({ message: `scope ${r.scopeName}: unsupported operator "${r.operator}"` });
    // "When using one of the following values as the scopeName … Terminating, NotTerminating, BestEffort, NotBestEffort … the operator must be Exists."
    else if (['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort'].includes(r.scopeName) && r.operator !== 'Exists') out.push({ message: `scope ${r.scopeName} takes only the Exists operator, not ${r.operator}` });
    // "If the operator is In or NotIn, the values field must have at least one value … If the operator is Exists or DoesNotExist, the values field must NOT be specified."
    else if ((r.operator === 'In' || r.operator === 'NotIn') && r.values.length === 0) out.push({ message: `scope ${r.scopeName} ${r.operator} needs at least one value` });
    else if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && r.values.length > 0) out.push({ message: `scope ${r.scopeName} ${r.operator} must not list values` });
  }
  // "you cannot specify both the Terminating and the NotTerminating scopes in the same quota, and you cannot specify both the BestEffort and NotBestEffort scopes"
  if (names.has('Terminating') && names.has('NotTerminating')) out.push({ message: 'scopes Terminating and NotTerminating exclude each other' });
  if (names.has('BestEffort') && names.has('NotBestEffort')) out.push({ message: 'scopes BestEffort and NotBestEffort exclude each other' });
  for (const resource of hard) {
    const refusing = reqs.find((r) => knownScopes.has(r.scopeName) && !scopeResources(r.scopeName)(resource));
    if (refusing) out.push({ resource, message: `scope ${refusing.scopeName} cannot track ${resource}` });
  }
  return out;
}

/** A label-selector requirement on a one-key set: the key is present only when the name is set. */
function selects(r: ScopeRequirement, name: string | undefined): boolean {
  switch (r.operator) {
    case 'Exists':
      return Boolean(name);
    case 'DoesNotExist':
      return !name;
    case 'In':
      return Boolean(name) && r.values.includes(name!);
    case 'NotIn':
      return !name || !r.values.includes(name);
    default:
      return false;
  }
}

/** Whether a scoped quota charges this pod; an unscoped quota charges every pod. */
export function podMatches(reqs: readonly ScopeRequirement[], pod: PodScopeFacts): boolean {
  return reqs.every((r) => {
    switch (r.scopeName) {
      case 'Terminating':
        return pod.terminating;
      case 'NotTerminating':
        return !pod.terminating;
      case 'BestEffort':
        return pod.bestEffort;
      case 'NotBestEffort':
        return !pod.bestEffort;
      case 'PriorityClass':
        return selects(r, pod.priorityClassName);
      case 'CrossNamespacePodAffinity':
        return pod.crossNamespaceAffinity;
      default:
        return false;
    }
  });
}

/** Whether a scoped quota charges this claim: only VolumeAttributesClass scopes select claims. */
export function claimMatches(reqs: readonly ScopeRequirement[], claim: ClaimScopeFacts): boolean {
  return reqs.every((r) => r.scopeName === 'VolumeAttributesClass' && selects(r, claim.volumeAttributesClassName));
}

type AffinityTerm = { namespaces?: unknown[]; namespaceSelector?: unknown };

/** `spec.resources` of the pod (PodLevelResources); the kubernetes-types release in use predates it. */
type PodLevelResources = { resources?: { requests?: Record<string, unknown> | null; limits?: Record<string, unknown> | null } | null };

/** Only cpu and memory decide the QoS class, and only when greater than zero (qos.go getQOSResources). */
const QOS_RESOURCES = ['cpu', 'memory'];
const positive = (v: unknown): boolean => (typeof v === 'bigint' ? v : parseQuantity(v) ?? 0n) > 0n;
const hasQosResource = (list: Record<string, unknown> | null | undefined): boolean => QOS_RESOURCES.some((k) => positive(list?.[k]));

/**
 * The BestEffort QoS class, as ComputePodQOS (pkg/apis/core/helper/qos)
 * decides it: when the pod sets pod-level `spec.resources` ("Pod-level
 * resources take precedence in influencing the QoS class of the pod"), those
 * alone count, and the containers are not looked at; otherwise no container
 * (after LimitRange defaulting) has a cpu or memory request or limit above zero.
 */
function isBestEffort(spec: PodSpec, containers: readonly ContainerResources[]): boolean {
  const podLevel = (spec as PodSpec & PodLevelResources).resources;
  if (podLevel) return !hasQosResource(podLevel.requests) && !hasQosResource(podLevel.limits);
  return containers.every((c) => !hasQosResource(c.requests) && !hasQosResource(c.limits));
}

/**
 * Pod facts from the template after defaulting: Terminating is
 * `activeDeadlineSeconds >= 0`; BestEffort is the QoS class (isBestEffort);
 * cross-namespace affinity is a pod (anti-)affinity term naming `namespaces`
 * or a `namespaceSelector`.
 */
export function podScopeFacts(spec: PodSpec, containers: readonly ContainerResources[]): PodScopeFacts {
  const bestEffort = isBestEffort(spec, containers);
  const terms: AffinityTerm[] = [];
  for (const a of [spec.affinity?.podAffinity, spec.affinity?.podAntiAffinity]) {
    terms.push(...((a?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as AffinityTerm[]));
    terms.push(...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm as AffinityTerm));
  }
  const facts: PodScopeFacts = {
    terminating: typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0,
    bestEffort,
    crossNamespaceAffinity: terms.some((t) => (t?.namespaces?.length ?? 0) > 0 || (t?.namespaceSelector !== undefined && t?.namespaceSelector !== null)),
  };
  if (spec.priorityClassName) facts.priorityClassName = spec.priorityClassName;
  return facts;
}
