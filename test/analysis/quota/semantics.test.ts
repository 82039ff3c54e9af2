import { describe, expect, it } from 'vitest';
import { analyzeQuota, type Scenario } from '../../../src/analysis/quota/index.js';
import { parseQuantity } from '../../../src/manifest/quantity.js';
import type { KubeObject } from '../../../src/manifest/types.js';

// Each row encodes one statement of the Kubernetes documentation about how a
// ResourceQuota and a LimitRange admit pods; `used` is what the quota counts.

const ns = 't1';
const container = (resources?: object, name = 'main') => ({ name, image: 'x', ...(resources ? { resources } : {}) });
const deployment = (name: string, replicas: number, containers: object[], extra: { strategy?: object; initContainers?: object[] } = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas,
    ...(extra.strategy ? { strategy: extra.strategy } : {}),
    template: { spec: { containers, ...(extra.initContainers ? { initContainers: extra.initContainers } : {}) } },
  },
});
const quota = (hard: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: ns }, spec: { hard } });
const limits = (item: object): KubeObject => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: ns }, spec: { limits: [{ type: 'Container', ...item }] } });
const hpa = (target: string, min: number, max: number): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: `${target}-hpa`, namespace: ns },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: min, maxReplicas: max },
});


interface Row {
  doc: string;
  source: string;
  objects: KubeObject[];
  scenario: Scenario;
  resource: string;
  /** What the quota counts, as a quantity (compared exactly). */
  used: string;
}

const rows: Row[] = [
  {
    doc: 'If a container does not specify its own memory limit, the default memory limit of the LimitRange is applied, and its request defaults to the defaultRequest.',
    source: 'concepts/policy/limit-range; tasks/administer-cluster/manage-resources/memory-default-namespace',
    objects: [quota({ 'limits.memory': '8Gi', 'requests.memory': '4Gi' }), limits({ default: { memory: '512Mi' }, defaultRequest: { memory: '256Mi' } }), deployment('api', 2, [container()])],
    scenario: 'steady',
    resource: 'limits.memory',
    used: '1Gi',
  },
  {
    doc: "If you specify a container's limit but not its request, the container's request is set to match its limit (the LimitRange defaultRequest is not used).",
    source: 'tasks/administer-cluster/manage-resources/memory-default-namespace ("What if you specify a container\'s limit, but not its request?")',
    objects: [quota({ 'requests.memory': '4Gi' }), limits({ default: { memory: '512Mi' }, defaultRequest: { memory: '256Mi' } }), deployment('api', 1, [container({ limits: { memory: '1Gi' } })])],
    scenario: 'steady',
    resource: 'requests.memory',
    used: '1024Mi',
  },
  {
    doc: 'maxSurge: the absolute number is calculated from the percentage by rounding up; the default value is 25%.',
    source: 'concepts/workloads/controllers/deployment#max-surge',
    objects: [quota({ pods: '20' }), deployment('api', 5, [container({ requests: { cpu: '100m' }, limits: { cpu: '100m' } })])],
    scenario: 'rollout',
    resource: 'pods',
    used: '7',
  },
  {
    doc: 'With .spec.strategy.type==Recreate all existing Pods are killed before new ones are created: no surge pods.',
    source: 'concepts/workloads/controllers/deployment#recreate-deployment',
    objects: [quota({ pods: '20' }), deployment('api', 5, [container({ requests: { cpu: '100m' }, limits: { cpu: '100m' } })], { strategy: { type: 'Recreate' } })],
    scenario: 'rollout',
    resource: 'pods',
    used: '5',
  },
  {
    doc: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    source: 'reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2 (spec.maxReplicas)',
    objects: [quota({ 'requests.cpu': '10' }), deployment('worker', 1, [container({ requests: { cpu: '500m' }, limits: { cpu: '1' } })]), hpa('worker', 1, 3)],
    scenario: 'hpaMax',
    resource: 'requests.cpu',
    used: '1.5',
  },
  {
    doc: "The Pod's effective request is the higher of the sum of all app containers' requests and the effective init request (the highest of any init container).",
    source: 'concepts/workloads/pods/init-containers#resource-sharing-within-containers',
    objects: [
      quota({ 'requests.cpu': '10' }),
      deployment('api', 1, [container({ requests: { cpu: '200m' }, limits: { cpu: '200m' } }, 'a'), container({ requests: { cpu: '300m' }, limits: { cpu: '300m' } }, 'b')], {
        initContainers: [container({ requests: { cpu: '800m' }, limits: { cpu: '800m' } }, 'init')],
      }),
    ],
    scenario: 'steady',
    resource: 'requests.cpu',
    used: '800m',
  },
  {
    doc: 'The quota `cpu` and `memory` resources mean requests: "Across all pods in a non-terminal state, the sum of CPU requests cannot exceed this value."',
    source: 'concepts/policy/resource-quotas#compute-resource-quota',
    objects: [quota({ cpu: '4' }), deployment('api', 3, [container({ requests: { cpu: '250m' }, limits: { cpu: '1' } })])],
    scenario: 'steady',
    resource: 'cpu',
    used: '750m',
  },
];

describe('quota admission semantics', () => {
  it.each(rows)('$doc ($source)', (row) => {
    const a = analyzeQuota(row.objects);
    const fit = a.scenarios.find((s) => s.scenario === row.scenario)?.quotas[0]?.resources.find((r) => r.resource === row.resource);
    expect(fit?.used).toBe(parseQuantity(row.used));
  });

  it('"If quota is enabled in a namespace for compute resources like cpu and memory, users must specify requests or limits for those values; otherwise, the quota system may reject pod creation." (concepts/policy/resource-quotas)', () => {
    const a = analyzeQuota([quota({ 'limits.cpu': '4' }), deployment('api', 1, [container()])]);
    expect(a.rejections.map((r) => [r.reason, r.resource])).toEqual([['missing-resource', 'limits.cpu']]);
  });

  it('"The LimitRange max is the maximum a container may use; a container asking for more is rejected." (concepts/policy/limit-range) — the brief\'s 5-core deployment', () => {
    const a = analyzeQuota([quota({ 'limits.cpu': '4' }), limits({ default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '2' } }), deployment('api', 1, [container({ requests: { cpu: '5' }, limits: { cpu: '5' } })])]);
    expect(a.rejections.map((r) => r.reason)).toContain('limitrange-max');
  });
});
