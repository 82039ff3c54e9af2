import { describe, expect, it } from 'vitest';
import { analyzeQuota } from '../../../src/analysis/quota/index.js';
import { parseQuantity } from '../../../src/manifest/quantity.js';
import type { KubeObject } from '../../../src/manifest/types.js';

// Quota scopes, each row quoting https://kubernetes.io/docs/concepts/policy/resource-quotas/#quota-scopes
// ("Each quota can have an associated set of scopes. A quota will only measure usage for a resource if it
// matches the intersection of enumerated scopes."). `used` is what the scoped quota counts at steady state;
// `rejected` whether a pod is refused because the scoped quota is exceeded by a single pod.

const ns = 't1';
const sized = { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const deployment = (name: string, replicas: number, spec: Record<string, unknown> = {}, resources: object | null = sized): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { replicas, template: { spec: { containers: [{ name: 'main', image: 'x', ...(resources ? { resources } : {}) }], ...spec } } },
});
const job = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: ns },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'x', resources: sized }], ...spec } } },
});
const pvc = (name: string, storage: string, vac?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: ns },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...(vac ? { volumeAttributesClassName: vac } : {}) },
});
const quota = (hard: Record<string, string>, scoping: { scopes?: string[]; scopeSelector?: object }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'scoped', namespace: ns },
  spec: { hard, ...scoping },
});
const selector = (scopeName: string, operator: string, values?: string[]) => ({ scopeSelector: { matchExpressions: [{ scopeName, operator, ...(values ? { values } : {}) }] } });
const affinity = (term: object) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } }, ...term }] } } });

interface Row {
  doc: string;
  objects: KubeObject[];
  resource: string;
  used: string;
}

const rows: Row[] = [
  {
    doc: 'Terminating: "Match pods where .spec.activeDeadlineSeconds >= 0" (the Job with a deadline counts, the Deployment does not)',
    objects: [quota({ 'requests.cpu': '4' }, { scopes: ['Terminating'] }), job('batch', { activeDeadlineSeconds: 600 }), deployment('api', 2)],
    resource: 'requests.cpu',
    used: '500m',
  },
  {
    doc: 'NotTerminating: "Match pods where .spec.activeDeadlineSeconds is nil"',
    objects: [quota({ 'requests.cpu': '4' }, { scopes: ['NotTerminating'] }), job('batch', { activeDeadlineSeconds: 600 }), deployment('api', 2)],
    resource: 'requests.cpu',
    used: '1',
  },
  {
    doc: 'BestEffort: "Match pods that have best effort quality of service." "The BestEffort scope restricts a quota to tracking the following resource: pods"',
    objects: [quota({ pods: '5' }, { scopes: ['BestEffort'] }), deployment('sized', 3), deployment('bare', 2, {}, null)],
    resource: 'pods',
    used: '2',
  },
  {
    doc: 'NotBestEffort: "Match pods that do not have best effort quality of service."',
    objects: [quota({ pods: '5', 'limits.memory': '4Gi' }, { scopes: ['NotBestEffort'] }), deployment('sized', 3), deployment('bare', 2, {}, null)],
    resource: 'pods',
    used: '3',
  },
  {
    doc: 'BestEffort is the QoS after LimitRange defaulting: a bare container given defaults is not best effort',
    objects: [
      quota({ pods: '5' }, { scopes: ['BestEffort'] }),
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: ns }, spec: { limits: [{ type: 'Container', default: { cpu: '100m' }, defaultRequest: { cpu: '100m' } }] } },
      deployment('bare', 2, {}, null),
    ],
    resource: 'pods',
    used: '0',
  },
  {
    doc: 'Pod-level resources (https://kubernetes.io/docs/tasks/configure-pod-container/assign-pod-level-resources/): "QoS: Pod-level resources take precedence in influencing the QoS class of the pod." — bare containers under pod-level requests are not best effort',
    objects: [quota({ pods: '5' }, { scopes: ['BestEffort'] }), deployment('pod-level', 3, { resources: { requests: { cpu: '1', memory: '1Gi' } } }, null), deployment('bare', 2, {}, null)],
    resource: 'pods',
    used: '2',
  },
  {
    doc: 'Pod-level resources: "Pod-level resources take precedence in influencing the QoS class of the pod." — a pod-level limit alone makes the pod NotBestEffort',
    objects: [quota({ pods: '5' }, { scopes: ['NotBestEffort'] }), deployment('pod-level', 3, { resources: { limits: { memory: '1Gi' } } }, null), deployment('bare', 2, {}, null)],
    resource: 'pods',
    used: '3',
  },
  {
    doc: 'QoS (pkg/apis/core/helper/qos ComputePodQOS): only cpu and memory quantities "greater than zero" count — a zero request leaves the pod best effort',
    objects: [quota({ pods: '5' }, { scopes: ['BestEffort'] }), deployment('zero', 2, {}, { requests: { cpu: '0', memory: '0' } }), deployment('sized', 1)],
    resource: 'pods',
    used: '2',
  },
  {
    doc: 'PriorityClass In: "Match pods that references the specified priority class." "A quota is matched and consumed only if scopeSelector in the quota spec selects the pod."',
    objects: [quota({ 'requests.cpu': '10' }, selector('PriorityClass', 'In', ['high'])), deployment('hi', 2, { priorityClassName: 'high' }), deployment('lo', 3, { priorityClassName: 'low' }), deployment('none', 1)],
    resource: 'requests.cpu',
    used: '1',
  },
  {
    doc: 'PriorityClass NotIn: the selector matches pods whose class is not listed, including pods with none (a label set without the key)',
    objects: [quota({ 'requests.cpu': '10' }, selector('PriorityClass', 'NotIn', ['high'])), deployment('hi', 2, { priorityClassName: 'high' }), deployment('lo', 3, { priorityClassName: 'low' }), deployment('none', 1)],
    resource: 'requests.cpu',
    used: '2',
  },
  {
    doc: 'PriorityClass Exists: any pod that names a priority class',
    objects: [quota({ 'requests.cpu': '10' }, selector('PriorityClass', 'Exists')), deployment('hi', 2, { priorityClassName: 'high' }), deployment('none', 1)],
    resource: 'requests.cpu',
    used: '1',
  },
  {
    doc: 'PriorityClass DoesNotExist: only pods without a priority class',
    objects: [quota({ 'requests.cpu': '10' }, selector('PriorityClass', 'DoesNotExist')), deployment('hi', 2, { priorityClassName: 'high' }), deployment('none', 1)],
    resource: 'requests.cpu',
    used: '500m',
  },
  {
    doc: 'CrossNamespacePodAffinity: "Match pods that have cross-namespace pod (anti)affinity terms" (namespaces or namespaceSelector set)',
    objects: [
      quota({ pods: '0' }, selector('CrossNamespacePodAffinity', 'Exists')),
      deployment('cross', 2, affinity({ namespaceSelector: {} })),
      deployment('listed', 1, affinity({ namespaces: ['other'] })),
      deployment('local', 4, affinity({})),
    ],
    resource: 'pods',
    used: '3',
  },
  {
    doc: 'VolumeAttributesClass: "Match persistentvolumeclaims that references the specified volume attributes class." (pods are not charged)',
    objects: [quota({ 'requests.storage': '50Gi', persistentvolumeclaims: '5' }, selector('VolumeAttributesClass', 'In', ['gold'])), pvc('a', '10Gi', 'gold'), pvc('b', '20Gi', 'silver'), pvc('c', '5Gi'), deployment('api', 2)],
    resource: 'requests.storage',
    used: '10Gi',
  },
  {
    doc: 'VolumeAttributesClass: the claim count is selected too: "Match persistentvolumeclaims that references the specified volume attributes class."',
    objects: [quota({ 'requests.storage': '50Gi', persistentvolumeclaims: '5' }, selector('VolumeAttributesClass', 'In', ['gold'])), pvc('a', '10Gi', 'gold'), pvc('b', '20Gi', 'silver'), pvc('c', '5Gi'), deployment('api', 2)],
    resource: 'persistentvolumeclaims',
    used: '1',
  },
  {
    doc: 'Scopes intersect: "A quota will only measure usage for a resource if it matches the intersection of enumerated scopes."',
    objects: [quota({ 'requests.cpu': '10' }, { scopes: ['NotTerminating'], ...selector('PriorityClass', 'In', ['high']) }), deployment('hi', 2, { priorityClassName: 'high' }), job('hi-batch', { priorityClassName: 'high', activeDeadlineSeconds: 60 }), deployment('none', 1)],
    resource: 'requests.cpu',
    used: '1',
  },
  {
    doc: 'A scoped quota does not charge other objects: a Terminating quota on services counts nothing (and is refused, see below)',
    objects: [quota({ pods: '3' }, { scopes: ['Terminating'] }), deployment('api', 2)],
    resource: 'pods',
    used: '0',
  },
];

describe('quota scopes', () => {
  it.each(rows)('$doc', (row) => {
    const a = analyzeQuota(row.objects);
    const fit = a.scenarios.find((s) => s.scenario === 'steady')?.quotas.find((q) => q.quota === 'scoped')?.resources.find((r) => r.resource === row.resource);
    expect(fit?.used).toBe(parseQuantity(row.used));
  });

  it('a scoped quota that should reject does: CrossNamespacePodAffinity with pods: "0" refuses the pod that uses it', () => {
    const a = analyzeQuota([quota({ pods: '0' }, selector('CrossNamespacePodAffinity', 'Exists')), deployment('cross', 1, affinity({ namespaceSelector: {} })), deployment('local', 1)]);
    expect(a.rejections.map((r) => [r.name, r.reason, r.by])).toEqual([['cross', 'pod-exceeds-quota', 'ResourceQuota/scoped']]);
    expect(a.scenarios.find((s) => s.scenario === 'steady')?.fits).toBe(false);
  });

  it('"If quota is enabled … for compute resources … users must specify requests or limits" applies only to the pods a scoped quota selects', () => {
    const a = analyzeQuota([quota({ 'limits.cpu': '4' }, selector('PriorityClass', 'In', ['high'])), deployment('hi', 1, { priorityClassName: 'high' }, { requests: { cpu: '1' } }), deployment('lo', 1, {}, { requests: { cpu: '1' } })]);
    expect(a.rejections.map((r) => [r.name, r.reason, r.resource])).toEqual([['hi', 'missing-resource', 'limits.cpu']]);
  });

  const invalid: [doc: string, hard: Record<string, string>, scoping: object, message: string][] = [
    ['"The BestEffort scope restricts a quota to tracking the following resource: pods" — "Resources specified on the quota outside of the allowed set results in a validation error."', { 'requests.cpu': '1' }, { scopes: ['BestEffort'] }, 'scope BestEffort cannot track requests.cpu'],
    ['The Terminating scope tracks pods and compute resources, not object counts', { services: '1' }, { scopes: ['Terminating'] }, 'scope Terminating cannot track services'],
    ['"you cannot specify both the Terminating and the NotTerminating scopes in the same quota"', { pods: '1' }, { scopes: ['Terminating', 'NotTerminating'] }, 'scopes Terminating and NotTerminating exclude each other'],
    ['"you cannot specify both the BestEffort and NotBestEffort scopes in the same quota either"', { pods: '1' }, { scopes: ['BestEffort', 'NotBestEffort'] }, 'scopes BestEffort and NotBestEffort exclude each other'],
    ['"When using one of the following values as the scopeName … BestEffort … the operator must be Exists."', { pods: '1' }, selector('BestEffort', 'In', ['x']), 'scope BestEffort takes only the Exists operator, not In'],
    ['"If the operator is In or NotIn, the values field must have at least one value."', { pods: '1' }, selector('PriorityClass', 'In', []), 'scope PriorityClass In needs at least one value'],
    ['"If the operator is Exists or DoesNotExist, the values field must NOT be specified."', { pods: '1' }, selector('PriorityClass', 'Exists', ['high']), 'scope PriorityClass Exists must not list values'],
  ];
  it.each(invalid)('%s', (_doc, hard, scoping, message) => {
    const a = analyzeQuota([quota(hard, scoping), deployment('api', 9)]);
    expect(a.rejections.filter((r) => r.reason === 'invalid-quota').map((r) => r.message)).toContain(message);
    // A quota the API server refuses does not exist: nothing is charged against it.
    expect(a.scenarios[0]!.quotas).toEqual([]);
  });

  it('points at the refused key of spec.hard, escaped as a JSON pointer', () => {
    const a = analyzeQuota([quota({ 'count/services': '1' }, { scopes: ['Terminating'] })]);
    expect(a.rejections.map((r) => [r.pointer, r.message])).toEqual([['/spec/hard/count~1services', 'scope Terminating cannot track count/services']]);
  });
});
