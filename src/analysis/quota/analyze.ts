import type { Container } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../manifest/types.js';
import { listContainers, podTemplateOf } from '../../manifest/pod-template.js';
import { admissionRejections, type QuotaRef } from './admission.js';
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
 * Quotas that apply to every pod. A quota narrowed by scopes or a scopeSelector
 * charges only some pods; it is left out rather than over-reported.
 */
function quotasOf(objects: readonly KubeObject[]): QuotaRef[] {
  return objects
    .filter((o) => o.kind === 'ResourceQuota')
    .filter((o) => {
      const spec = o.spec as { scopes?: unknown[]; scopeSelector?: unknown } | undefined;
      return !(spec?.scopes && spec.scopes.length > 0) && !spec?.scopeSelector;
    })
    .sort(byName)
    .map((o) => ({ name: o.metadata?.name ?? '', hard: toResourceMap((o.spec as { hard?: Record<string, unknown> })?.hard) }));
}

/**
 * Simulate ResourceQuota and LimitRange admission for one namespace's objects:
 * per-pod usage after defaulting, totals per scenario against every quota,
 * and the pods admission would refuse outright.
 */
export function analyzeQuota(objects: readonly KubeObject[], options: QuotaOptions = {}): QuotaAnalysis {
  const limitRanges = limitRangesOf(objects);
  const quotas = quotasOf(objects);
  const hpas = hpasOf(objects);
  const workloads: WorkloadUsage[] = [];
  const rejections: Rejection[] = [];

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
    const w: WorkloadUsage = {
      index,
      kind: o.kind,
      name: o.metadata?.name ?? '',
      perPod: quotaUsage(requests, limits),
      replicas: replicasByScenario(o, hpa, options.daemonSetNodes ?? 1),
      containers: [...byContainer.values()],
    };
    if (hpa) w.hpa = hpa.name;
    workloads.push(w);
    rejections.push(...admissionRejections(w, template.pointer, requests, limits, limitRanges, quotas));
  });

  const replicasAt = (i: number) => workloads.find((w) => w.index === i)?.replicas;
  const charges = nonPodCharges(objects, replicasAt);
  const results: ScenarioResult[] = scenarios.map((scenario) => {
    const quotaFits = quotas.map((q) => ({
      quota: q.name,
      resources: Object.keys(q.hard)
        .sort()
        .map((resource) => fitOf(resource, q.hard[resource] ?? 0n, scenario, workloads, charges)),
    }));
    return { scenario, quotas: quotaFits, fits: quotaFits.every((q) => q.resources.every((r) => r.fits)) };
  });
  return { workloads, scenarios: results, rejections };
}

function fitOf(resource: string, hard: bigint, scenario: Scenario, workloads: readonly WorkloadUsage[], charges: readonly Charge[]): ResourceFit {
  const terms = [
    ...workloads
      .filter((w) => (w.perPod[resource] ?? 0n) > 0n && w.replicas[scenario] > 0)
      .map((w) => ({ workload: w.name, replicas: w.replicas[scenario], perPod: w.perPod[resource] ?? 0n })),
    ...charges
      .filter((c) => c.resource === resource && c.count[scenario] > 0 && c.amount > 0n)
      .map((c) => ({ workload: c.label, replicas: c.count[scenario], perPod: c.amount })),
  ];
  const used = terms.reduce((sum, t) => sum + BigInt(t.replicas) * t.perPod, 0n);
  return { resource, used, hard, headroom: hard - used, fits: used <= hard, terms };
}
