import type { Container } from 'kubernetes-types/core/v1.js';
import { pushTo } from '../../collections.js';
import { toPointer } from '../../manifest/locate.js';
import type { KubeObject } from '../../manifest/types.js';
import { listContainers, podTemplateOf } from '../../manifest/pod-template.js';
import { admissionRejections, type QuotaRef } from './admission.js';
import { claimMatches, podMatches, podScopeFacts, scopeProblems, scopeRequirements } from './scopes.js';
import { nonPodCharges, type Charge } from './objects.js';
import { effectiveContainer, podTotal, quotaUsage, toResourceMap, type LimitRangeRef } from './resources.js';
import { hpaFor, hpasOf, replicasByScenario } from './workloads.js';
import {
  scenarios,
  type ContainerResources,
  type QuotaAnalysis,
  type QuotaOptions,
  type Rejection,
  type ResourceFit,
  type Scenario,
  type ScenarioResult,
  type Term,
  type WorkloadUsage,
} from './types.js';

const byName = (a: KubeObject, b: KubeObject) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);

function limitRangesOf(objects: readonly KubeObject[]): LimitRangeRef[] {
  return objects
    .filter((o) => o.kind === 'LimitRange')
    .sort(byName)
    .map((o) => ({ name: o.metadata?.name ?? '', limits: ((o.spec as { limits?: unknown[] })?.limits ?? []) as LimitRangeRef['limits'] }));
}

/**
 * Every ResourceQuota with its scopes, and the quotas the API server would
 * refuse to store (bad scope, operator, values, or a resource the scope cannot
 * track): those are reported and left out of the arithmetic.
 */
function quotasOf(objects: readonly KubeObject[]): { quotas: QuotaRef[]; invalid: Rejection[] } {
  const quotas: QuotaRef[] = [];
  const invalid: Rejection[] = [];
  objects.forEach((o, index) => {
    if (o.kind !== 'ResourceQuota') return;
    const spec = o.spec as { hard?: Record<string, unknown>; scopes?: unknown; scopeSelector?: { matchExpressions?: unknown } } | undefined;
    const name = o.metadata?.name ?? '';
    const scopes = scopeRequirements(spec);
    const problems = scopeProblems(scopes, Object.keys(spec?.hard ?? {}).sort());
    for (const p of problems) {
      const pointer = p.resource !== undefined ? toPointer(['spec', 'hard', p.resource]) : spec?.scopeSelector ? '/spec/scopeSelector' : '/spec/scopes';
      invalid.push({ index, kind: 'ResourceQuota', name, pointer, resource: p.resource ?? '', reason: 'invalid-quota', by: 'validation', message: p.message });
    }
    if (problems.length === 0) quotas.push({ name, hard: toResourceMap(spec?.hard), scopes });
  });
  quotas.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { quotas, invalid };
}

/**
 * Simulate ResourceQuota and LimitRange admission for one namespace's objects:
 * per-pod usage after defaulting, totals per scenario against every quota,
 * and the pods admission would refuse outright.
 */
export function analyzeQuota(objects: readonly KubeObject[], options: QuotaOptions = {}): QuotaAnalysis {
  if (objects.length === 0 || Object.keys(options).length > 0) return analyze(objects, options);
  const seen = recent.get(objects[0]!);
  if (seen && seen.objects.length === objects.length && seen.objects.every((o, i) => o === objects[i])) return seen.analysis;
  const analysis = analyze(objects, options);
  recent.delete(objects[0]!);
  recent.set(objects[0]!, { objects: [...objects], analysis });
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  return analysis;
}

/**
 * The last analyses, by the first object they read. The quota/fit rule and
 * the quota report analyse the same namespace's objects, one batch of tenants
 * apart at most while rendering: the second asks for the same objects in the
 * same order and gets the same (never changed) analysis. Any other list is a miss.
 */
const recent = new Map<KubeObject, { objects: readonly KubeObject[]; analysis: QuotaAnalysis }>();
const RECENT_LIMIT = 256;

function analyze(objects: readonly KubeObject[], options: QuotaOptions): QuotaAnalysis {
  const limitRanges = limitRangesOf(objects);
  const { quotas, invalid } = quotasOf(objects);
  const hpas = hpasOf(objects);
  const workloads: WorkloadUsage[] = [];
  const rejections: Rejection[] = [...invalid];

  objects.forEach((o, index) => {
    const template = podTemplateOf(o);
    if (!template) return;
    const byContainer = new Map<Container, ContainerResources>();
    for (const ref of listContainers(template.spec)) {
      if (ref.kind === 'ephemeralContainers') continue;
      byContainer.set(ref.container, effectiveContainer(ref.container, template.pointer + ref.pointer, limitRanges));
    }
    const requests = podTotal(template.spec, byContainer, (c) => c.requests);
    const limits = podTotal(template.spec, byContainer, (c) => c.limits);
    const hpa = hpaFor(o, hpas);
    const containers = [...byContainer.values()];
    const w: WorkloadUsage = {
      index,
      kind: o.kind,
      name: o.metadata?.name ?? '',
      perPod: quotaUsage(requests, limits),
      replicas: replicasByScenario(o, hpa, options.daemonSetNodes ?? 1),
      containers,
      scope: podScopeFacts(template.spec, containers),
    };
    if (hpa) w.hpa = hpa.name;
    workloads.push(w);
    rejections.push(...admissionRejections(w, template.pointer, requests, limits, limitRanges, quotas.filter((q) => podMatches(q.scopes, w.scope))));
  });

  const replicasAt = (i: number) => workloads.find((w) => w.index === i)?.replicas;
  // Each quota resource reads only its own charges and, per quota, the pods its scopes select: grouped once, in order.
  const chargesOf = new Map<string, Charge[]>();
  for (const c of nonPodCharges(objects, replicasAt)) pushTo(chargesOf, c.resource, c);
  const selected = new Map(quotas.map((q) => [q, workloads.filter((w) => podMatches(q.scopes, w.scope))]));
  const resourcesOf = new Map(quotas.map((q) => [q, Object.keys(q.hard).sort()]));
  const results: ScenarioResult[] = scenarios.map((scenario) => {
    const quotaFits = quotas.map((q) => ({
      quota: q.name,
      resources: resourcesOf.get(q)!.map((resource) => fitOf(resource, q, scenario, selected.get(q)!, chargesOf.get(resource) ?? [])),
    }));
    return { scenario, quotas: quotaFits, fits: quotaFits.every((q) => q.resources.every((r) => r.fits)) };
  });
  return { workloads, scenarios: results, rejections };
}

/**
 * `workloads`: those the quota's scopes select; `charges`: this resource's.
 * Asked for every resource of every quota in every scenario of every tenant,
 * so it makes one array and no intermediate ones.
 */
function fitOf(resource: string, q: QuotaRef, scenario: Scenario, workloads: readonly WorkloadUsage[], charges: readonly Charge[]): ResourceFit {
  const hard = q.hard[resource] ?? 0n;
  const terms: Term[] = [];
  let used = 0n;
  for (const w of workloads) {
    const perPod = w.perPod[resource] ?? 0n;
    const replicas = w.replicas[scenario];
    if (perPod > 0n && replicas > 0) {
      terms.push({ workload: w.name, replicas, perPod });
      used += BigInt(replicas) * perPod;
    }
  }
  // An unscoped quota charges everything; a scoped one only the pods (or claims) its scopes select.
  for (const c of charges) {
    if (q.scopes.length > 0 && (c.claim === undefined || !claimMatches(q.scopes, c.claim))) continue;
    if (c.resource !== resource || !(c.count[scenario] > 0) || !(c.amount > 0n)) continue;
    terms.push({ workload: c.label, replicas: c.count[scenario], perPod: c.amount });
    used += BigInt(c.count[scenario]) * c.amount;
  }
  return { resource, used, hard, headroom: hard - used, fits: used <= hard, terms };
}
