import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/manifest/types.js';
import { analyzeQuota, formatArithmetic, surgeOf, type QuotaAnalysis, type Scenario } from '../../../src/analysis/quota/index.js';

const meta = (name: string) => ({ name, namespace: 't1' });

function deployment(name: string, replicas: number, resources: object | undefined, strategy?: object): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: {
      replicas,
      ...(strategy ? { strategy } : {}),
      template: { spec: { containers: [{ name: 'main', image: 'x', ...(resources ? { resources } : {}) }] } },
    },
  };
}

const quota = (hard: Record<string, string | number>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: meta('compute'),
  spec: { hard },
});

const limitRange = (item: object): KubeObject => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: meta('defaults'),
  spec: { limits: [{ type: 'Container', ...item }] },
});

const hpa = (target: string, min: number, max: number): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta(`${target}-hpa`),
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: min, maxReplicas: max },
});

function fit(a: QuotaAnalysis, scenario: Scenario, resource: string) {
  const r = a.scenarios.find((s) => s.scenario === scenario)?.quotas[0]?.resources.find((x) => x.resource === resource);
  if (!r) throw new Error(`no ${resource} in ${scenario}`);
  return r;
}

const halfCore = { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

describe('analyzeQuota scenarios', () => {
  it('fits at steady state but not during a rollout', () => {
    const a = analyzeQuota([
      quota({ 'limits.cpu': '4', pods: 10 }),
      deployment('api', 2, halfCore),
      deployment('worker', 4, halfCore),
    ]);
    expect(formatArithmetic(fit(a, 'steady', 'limits.cpu'))).toBe('limits.cpu: api 2×500m + worker 4×500m = 3 ≤ 4 (headroom 1)');
    // 25% of 2 rounds up to 1 surge pod, 25% of 4 to 1.
    expect(formatArithmetic(fit(a, 'rollout', 'limits.cpu'))).toBe('limits.cpu: api 3×500m + worker 5×500m = 4 ≤ 4 (headroom 0)');
    const tight = analyzeQuota([quota({ 'limits.cpu': '3500m' }), deployment('api', 2, halfCore), deployment('worker', 4, halfCore)]);
    expect(fit(tight, 'steady', 'limits.cpu').fits).toBe(true);
    expect(fit(tight, 'rollout', 'limits.cpu').fits).toBe(false);
    expect(formatArithmetic(fit(tight, 'rollout', 'limits.cpu'))).toBe(
      'limits.cpu: api 3×500m + worker 5×500m = 4 > 3500m (over by 500m)',
    );
    expect(tight.scenarios.find((s) => s.scenario === 'rollout')?.fits).toBe(false);
  });

  it('counts an HPA at minReplicas in steady state and maxReplicas at peak', () => {
    const a = analyzeQuota([quota({ 'requests.memory': '2Gi', pods: 6 }), deployment('web', 3, halfCore), hpa('web', 2, 10)]);
    expect(fit(a, 'steady', 'requests.memory').used).toBe(2n * 256n * 2n ** 20n * 1000n);
    const peak = fit(a, 'hpaMax', 'requests.memory');
    expect(peak.fits).toBe(false);
    expect(formatArithmetic(peak)).toBe('requests.memory: web 10×256Mi = 2560Mi > 2Gi (over by 512Mi)');
    expect(fit(a, 'hpaMax', 'pods')).toMatchObject({ used: 10_000n, hard: 6000n, fits: false });
    expect(fit(a, 'rolloutAtHpaMax', 'pods').used).toBe(13_000n);
    expect(a.workloads[0]?.hpa).toBe('web-hpa');
  });

  it('rejects a deployment asking for 5 cores with the arithmetic', () => {
    const big = { requests: { cpu: '5' }, limits: { cpu: '5' } };
    const a = analyzeQuota([quota({ 'requests.cpu': '4', 'limits.cpu': '4' }), deployment('batch', 1, big)]);
    const r = a.rejections.filter((x) => x.reason === 'pod-exceeds-quota');
    expect(r.map((x) => x.message)).toEqual([
      'exceeded quota: compute, requested: limits.cpu=5, limited: limits.cpu=4',
      'exceeded quota: compute, requested: requests.cpu=5, limited: requests.cpu=4',
    ]);
    expect(r[0]).toMatchObject({ kind: 'Deployment', name: 'batch', pointer: '/spec/template', by: 'ResourceQuota/compute' });
    expect(formatArithmetic(fit(a, 'steady', 'requests.cpu'))).toBe('requests.cpu: batch 1×5 = 5 > 4 (over by 1)');
  });

  it('applies LimitRange defaults to a container without resources', () => {
    const a = analyzeQuota([
      quota({ 'limits.memory': '1Gi', 'requests.cpu': '1' }),
      limitRange({ default: { cpu: '200m', memory: '128Mi' }, defaultRequest: { cpu: '100m' } }),
      deployment('plain', 3, undefined),
    ]);
    const c = a.workloads[0]?.containers[0];
    expect(c?.pointer).toBe('/spec/template/spec/containers/0');
    expect(c?.limits).toEqual({ cpu: 200n, memory: 128n * 2n ** 20n * 1000n });
    // memory has no defaultRequest, so the request follows the defaulted limit.
    expect(c?.requests).toEqual({ cpu: 100n, memory: 128n * 2n ** 20n * 1000n });
    expect(c?.defaulted.sort()).toEqual(['limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);
    expect(a.rejections).toEqual([]);
    expect(formatArithmetic(fit(a, 'steady', 'requests.cpu'))).toBe('requests.cpu: plain 3×100m = 300m ≤ 1 (headroom 700m)');
  });

  it('makes a container with only a limit request its limit', () => {
    const a = analyzeQuota([limitRange({ defaultRequest: { cpu: '100m' }, default: { cpu: '1' } }), deployment('x', 1, { limits: { cpu: '300m' } })]);
    expect(a.workloads[0]?.containers[0]?.requests.cpu).toBe(300n);
  });

  it('reports a pod missing a quota-tracked resource when no default exists', () => {
    const a = analyzeQuota([quota({ 'limits.cpu': '4', 'requests.memory': '1Gi' }), deployment('bare', 1, { requests: { memory: '64Mi' } })]);
    expect(a.rejections.map((r) => r.message)).toEqual(['must specify limits.cpu for: main']);
  });

  it('reports containers outside LimitRange min and max', () => {
    const a = analyzeQuota([
      limitRange({ max: { cpu: '1' }, min: { memory: '64Mi' }, maxLimitRequestRatio: { cpu: '2' } }),
      deployment('greedy', 1, { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '2' } }),
    ]);
    expect(a.rejections.map((r) => `${r.reason}: ${r.message}`)).toEqual([
      'limitrange-min: minimum memory usage per Container is 64Mi, but request is 32Mi',
      'limitrange-max: maximum cpu usage per Container is 1, but limit is 2',
      'limitrange-ratio: cpu max limit to request ratio per Container is 2, but provided ratio is 20',
    ]);
    expect(a.rejections[0]).toMatchObject({ container: 'main', pointer: '/spec/template/spec/containers/0', by: 'LimitRange/defaults' });
  });
});

describe('maxSurge', () => {
  it.each([
    [undefined, 4, 1],
    [undefined, 10, 3],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%' } }, 3, 2],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: '1%' } }, 1, 1],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: 2 } }, 5, 2],
    [{ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, 5, 0],
    [{ type: 'Recreate' }, 5, 0],
  ])('strategy %j with %i replicas surges %i', (strategy, replicas, surge) => {
    expect(surgeOf(deployment('d', replicas, undefined, strategy), replicas)).toBe(surge);
  });

  it('does not surge StatefulSets', () => {
    const sts: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'), spec: { replicas: 3, template: { spec: { containers: [] } } } };
    expect(surgeOf(sts, 3)).toBe(0);
  });
});

describe('init containers and storage', () => {
  it('charges max(sum of containers, largest init container)', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('p'),
      spec: {
        initContainers: [{ name: 'migrate', image: 'm', resources: { requests: { cpu: '2' } } }],
        containers: [
          { name: 'a', image: 'a', resources: { requests: { cpu: '500m' } } },
          { name: 'b', image: 'b', resources: { requests: { cpu: '500m' } } },
        ],
      },
    };
    const a = analyzeQuota([quota({ 'requests.cpu': '4' }), pod]);
    expect(a.workloads[0]?.perPod['requests.cpu']).toBe(2000n);
  });

  it('charges StatefulSet claim templates per replica', () => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db'),
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'db', image: 'pg' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '10Gi' } } } }],
      },
    };
    const a = analyzeQuota([quota({ 'requests.storage': '25Gi', persistentvolumeclaims: 5 }), sts]);
    expect(formatArithmetic(fit(a, 'steady', 'requests.storage'))).toBe('requests.storage: db/data 3×10Gi = 30Gi > 25Gi (over by 5Gi)');
    expect(fit(a, 'steady', 'persistentvolumeclaims').used).toBe(3000n);
  });
});

describe('analyzeQuota asked twice', () => {
  it('gives the analysis already made for the same objects in the same order, and a new one for any other list', () => {
    const objects = [quota({ 'requests.cpu': '2' }), deployment('api', 2, { requests: { cpu: '500m' } })];
    const first = analyzeQuota([...objects]);
    expect(analyzeQuota([...objects])).toBe(first);
    // Equal content in other objects, another order, one more object, or options: analysed again.
    const copies = objects.map((o) => structuredClone(o));
    expect(analyzeQuota(copies)).not.toBe(first);
    expect(analyzeQuota(copies)).toEqual(first);
    expect(analyzeQuota([objects[1]!, objects[0]!])).not.toBe(first);
    const more = analyzeQuota([...objects, deployment('worker', 1, { requests: { cpu: '2' } })]);
    expect(more.scenarios[0]!.fits).toBe(false);
    expect(analyzeQuota([...objects], { daemonSetNodes: 3 })).not.toBe(first);
    // One analysis is kept per first object: the longer list took its place.
    const again = analyzeQuota([...objects]);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
