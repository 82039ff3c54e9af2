import { analyzeQuota, formatArithmetic, formatRejection, type ResourceFit, type Scenario, type WorkloadUsage } from '../../analysis/quota/index.js';
import { toPointer } from '../../manifest/locate.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule, RuleContext } from '../types.js';

type Messages = 'overQuota' | 'rejected' | 'invalidQuota';

const label: Record<Scenario, string> = {
  steady: 'at steady state',
  hpaMax: 'at HPA maxReplicas',
  rollout: 'during a rolling update (maxSurge)',
  rolloutAtHpaMax: 'during a rolling update at HPA maxReplicas',
};

/**
 * Scenarios a failure could come from first. A resource that is over in
 * steady state is over everywhere; reporting only where it starts keeps one
 * cause to one finding.
 */
const before: Record<Scenario, Scenario[]> = { steady: [], hpaMax: ['steady'], rollout: ['steady'], rolloutAtHpaMax: ['hpaMax', 'rollout'] };

type Fits = Map<string, ResourceFit>;

/**
 * Where a reviewer would change something: the HPA when only its peak breaks
 * the quota, the replica count when steady state fits (surge is the overrun)
 * or several replicas share the blame, otherwise the pod's own size.
 */
function pointerFor(w: WorkloadUsage, resource: string, scenario: Scenario, fits: Record<Scenario, Fits>, key: string, manifests: readonly Manifest[]) {
  const workload = manifests[w.index]!;
  const hpaScenario = scenario === 'hpaMax' || scenario === 'rolloutAtHpaMax';
  const withoutHpa = scenario === 'hpaMax' ? 'steady' : 'rollout';
  if (hpaScenario && w.hpa && fits[withoutHpa].get(key)?.fits) {
    const hpa = manifests.find((m) => m.object.kind === 'HorizontalPodAutoscaler' && m.object.metadata.name === w.hpa);
    if (hpa) return { manifest: hpa, pointer: '/spec/maxReplicas' };
  }
  const steadyFits = fits.steady.get(key)?.fits ?? true;
  const declared = (workload.object.spec as { replicas?: unknown } | undefined)?.replicas !== undefined;
  if (declared && (steadyFits || w.replicas.steady > 1)) return { manifest: workload, pointer: '/spec/replicas' };
  // Pod sizing is the cause: point at the container asking for most of it.
  const [kind, name] = resource.includes('.') ? resource.split('.') : ['requests', resource];
  const biggest = [...w.containers].sort((a, b) => {
    const get = (c: WorkloadUsage['containers'][number]) => (kind === 'limits' ? c.limits : c.requests)[name ?? ''] ?? 0n;
    return get(b) > get(a) ? 1 : get(b) < get(a) ? -1 : 0;
  })[0];
  return { manifest: workload, pointer: biggest ? `${biggest.pointer}/resources` : '/spec/template/spec' };
}

function reportFits(manifests: readonly Manifest[], ctx: RuleContext<Messages>, tier: string): void {
  const analysis = analyzeQuota(manifests.map((m) => m.object));
  const fits = Object.fromEntries(
    analysis.scenarios.map((s) => [s.scenario, new Map(s.quotas.flatMap((q) => q.resources.map((r) => [`${q.quota}/${r.resource}`, r] as const)))]),
  ) as Record<Scenario, Fits>;
  for (const s of analysis.scenarios) {
    for (const q of s.quotas) {
      for (const fit of q.resources) {
        const key = `${q.quota}/${fit.resource}`;
        if (fit.fits || before[s.scenario].some((p) => fits[p].get(key)?.fits === false)) continue;
        const share = (t: (typeof fit.terms)[number]) => BigInt(t.replicas) * t.perPod;
        const top = [...fit.terms].sort((a, b) => (share(b) > share(a) ? 1 : share(b) < share(a) ? -1 : 0))[0];
        const w = analysis.workloads.find((x) => x.name === top?.workload);
        const quota = manifests.find((m) => m.object.kind === 'ResourceQuota' && m.object.metadata.name === q.quota);
        const at = w ? pointerFor(w, fit.resource, s.scenario, fits, key, manifests) : quota && { manifest: quota, pointer: toPointer(['spec', 'hard', fit.resource]) };
        if (!at) continue;
        const arithmetic = formatArithmetic(fit);
        ctx.report({
          ...at,
          messageId: 'overQuota',
          data: { quota: q.quota, tier, scenario: label[s.scenario], arithmetic },
          detail: arithmetic,
        });
      }
    }
  }
  for (const r of analysis.rejections) {
    if (r.reason === 'invalid-quota') {
      ctx.report({ manifest: manifests[r.index]!, messageId: 'invalidQuota', pointer: r.pointer, data: { reason: r.message } });
      continue;
    }
    const pointer = r.container ? `${r.pointer}/resources/${r.reason === 'limitrange-min' ? 'requests' : 'limits'}/${r.resource}` : r.pointer;
    ctx.report({ manifest: manifests[r.index]!, messageId: 'rejected', pointer, data: { reason: formatRejection(r) } });
  }
}

/**
 * The quota must hold the workloads at their worst moment, not only at rest:
 * a rollout that cannot create its surge pod stalls, and an HPA that cannot
 * scale out fails silently under load.
 */
export const quotaFit: Rule<Messages> = {
  meta: {
    local: true,
    id: 'quota/fit',
    messages: {
      overQuota: 'ResourceQuota {quota} (tier {tier}) is exceeded {scenario}: {arithmetic}',
      rejected: 'admission would reject this pod: {reason}',
      invalidQuota: 'the API server would refuse this ResourceQuota: {reason}',
    },
  },
  checkTenant(tenant, manifests, ctx) {
    reportFits(manifests, ctx, tenant.tierName);
  },
};
