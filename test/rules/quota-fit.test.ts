import { describe, expect, it } from 'vitest';
import { quotaFit } from '../../src/rules/quota/fit.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const api = `${tenantA}/workloads/deployment-api.yaml`;
const worker = `${tenantA}/workloads/deployment-worker.yaml`;
const id = 'quota/fit';

describe('quota/fit', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(quotaFit);
    expect(diagnostics).toEqual([]);
  });

  it('fails when more api replicas no longer fit during a rollout', async () => {
    const { diagnostics, fixture } = await runRule(quotaFit, [{ file: api, from: '  replicas: 1\n', to: '  replicas: 6\n' }]);
    const rollout = diagnostics.filter((d) => d.message.includes('during a rolling update (maxSurge)'));
    expect(rollout.length).toBeGreaterThan(0);
    const d = expectFinding(rollout, fixture, id, api, 'replicas: 6');
    expect(d.message).toContain('limits.cpu: api 7×500m + worker 2×500m = 4500m > 4 (over by 500m)');
  });

  it('fails with the arithmetic when a container asks for 5 cores', async () => {
    const { diagnostics, fixture } = await runRule(quotaFit, [{ file: worker, from: '              cpu: 500m\n', to: '              cpu: "5"\n' }]);
    const d = expectFinding(diagnostics, fixture, id, worker, 'resources:');
    expect(d.message).toBe('ResourceQuota tenant-quota (tier standard) is exceeded at steady state: limits.cpu: api 1×500m + worker 1×5 = 5500m > 4 (over by 1500m)');
    const max = expectFinding(diagnostics, fixture, id, worker, 'cpu: "5"');
    expect(max.message).toContain('maximum cpu usage per Container is 2, but limit is 5');
  });

  it('points at the HPA when its maxReplicas breaks the quota', async () => {
    const hpa = `${tenantA}/workloads/horizontalpodautoscaler-worker.yaml`;
    const { diagnostics, fixture } = await runRule(quotaFit, [{ file: hpa, from: 'maxReplicas: 3', to: 'maxReplicas: 10' }]);
    const d = expectFinding(diagnostics, fixture, id, hpa, 'maxReplicas');
    expect(d.message).toContain('at HPA maxReplicas');
    expect(d.message).toMatch(/worker 10×500m = .* > 4/);
  });

  it('fails when quota admission would reject a pod without a memory request', async () => {
    const { diagnostics, fixture } = await runRule(quotaFit, [
      { file: `${tenantA}/limitrange-tenant-limits.yaml`, remove: true },
      { file: api, from: '              memory: 512Mi\n', to: '' },
      { file: api, from: '              memory: 1Gi\n', to: '' },
    ]);
    const d = expectFinding(diagnostics, fixture, id, api, '  template:');
    expect(diagnostics.map((x) => x.message)).toContain('admission would reject this pod: Deployment/api: ResourceQuota/tenant-quota: must specify limits.memory for: api');
    expect(d.ruleId).toBe(id);
  });
  // Quota scopes (https://kubernetes.io/docs/concepts/policy/resource-quotas/#quota-scopes): "A quota is matched
  // and consumed only if scopeSelector in the quota spec selects the pod."
  const quotaFile = `${tenantA}/resourcequota-tenant-quota.yaml`;
  const scoped = (values: string) => ({ file: quotaFile, from: 'spec:\n  hard:\n', to: `spec:\n  scopeSelector:\n    matchExpressions:\n      - scopeName: PriorityClass\n        operator: In\n        values: [${values}]\n  hard:\n` });
  const highApi = [
    { file: api, from: '  replicas: 1\n', to: '  replicas: 9\n' },
    { file: api, from: '    spec:\n      automountServiceAccountToken: false\n', to: '    spec:\n      priorityClassName: high\n      automountServiceAccountToken: false\n' },
  ];

  it('fails when a PriorityClass-scoped quota selects the pods that exceed it', async () => {
    const { diagnostics, fixture } = await runRule(quotaFit, [scoped('high'), ...highApi, { file: quotaFile, from: 'services.loadbalancers: "0"\n    services.nodeports: "0"\n', to: '' }, { file: quotaFile, from: '    persistentvolumeclaims: "5"\n', to: '' }, { file: quotaFile, from: '    requests.storage: 20Gi\n    services: "5"\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, api, 'replicas: 9');
    expect(d.message).toContain('limits.cpu: api 9×500m = 4500m > 4 (over by 500m)');
  });

  it('passes when the scoped quota does not select those pods (only the worker is charged)', async () => {
    const { diagnostics } = await runRule(quotaFit, [scoped('batch'), ...highApi, { file: quotaFile, from: 'services.loadbalancers: "0"\n    services.nodeports: "0"\n', to: '' }, { file: quotaFile, from: '    persistentvolumeclaims: "5"\n', to: '' }, { file: quotaFile, from: '    requests.storage: 20Gi\n    services: "5"\n', to: '' }]);
    expect(diagnostics).toEqual([]);
  });

  it('fails on a scoped quota the API server refuses: BestEffort tracks only pods', async () => {
    const { diagnostics, fixture } = await runRule(quotaFit, [{ file: quotaFile, from: 'spec:\n  hard:\n', to: 'spec:\n  scopes: [BestEffort]\n  hard:\n' }]);
    const d = expectFinding(diagnostics, fixture, id, quotaFile, 'limits.cpu: "4"');
    expect(d.message).toBe('the API server would refuse this ResourceQuota: scope BestEffort cannot track limits.cpu');
  });
});
