import { describe, expect, it } from 'vitest';
import { podResources } from '../../src/rules/pod/resources.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const api = `${tenantA}/workloads/deployment-api.yaml`;
const id = 'pod/resources';

describe('pod/resources', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(podResources);
    expect(diagnostics).toEqual([]);
  });

  it('fails when a container has no memory limit', async () => {
    const { diagnostics, fixture } = await runRule(podResources, [{ file: api, from: '              memory: 1Gi\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, api, 'limits:');
    expect(d.message).toBe('container "api" sets no memory limit');
    expect(diagnostics).toHaveLength(1);
  });

  it('fails when a limit is below its request', async () => {
    const worker = `${tenantB}/workloads/deployment-worker.yaml`;
    const { diagnostics, fixture } = await runRule(podResources, [{ file: worker, from: '              cpu: 250m\n', to: '              cpu: "1"\n' }]);
    const d = expectFinding(diagnostics, fixture, id, worker, 'cpu: 500m');
    expect(d.message).toBe('container "worker" cpu limit 500m is below its request 1');
  });

  it('fails for an init container without resources', async () => {
    const init = '      initContainers:\n        - name: migrate\n          image: ghcr.io/example/ai-agents:1.4.2\n';
    const { diagnostics, fixture } = await runRule(podResources, [{ file: api, from: '      containers:\n', to: `${init}      containers:\n` }]);
    const d = expectFinding(diagnostics, fixture, id, api, '- name: migrate');
    expect(d.message).toBe('container "migrate" sets no cpu request');
    expect(diagnostics).toHaveLength(4);
  });
});
