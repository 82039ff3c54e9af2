import { describe, expect, it } from 'vitest';
import { imagePinned, imageTag } from '../../src/rules/workload/image-pinned.js';
import { expectFinding, runRule, tenantA, tenantB } from './harness.js';

const id = 'workload/image-pinned';
const api = `${tenantA}/workloads/deployment-api.yaml`;
const worker = `${tenantB}/workloads/deployment-worker.yaml`;
const digest = 'sha256:' + 'a'.repeat(64);

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(imagePinned);
    expect(diagnostics).toEqual([]);
  });

  it.each([
    ['ghcr.io/example/ai-agents:1.4.2', { digest: false, tag: '1.4.2' }],
    ['ghcr.io/example/ai-agents', { digest: false }],
    ['registry:5000/app', { digest: false }],
    ['registry:5000/app:latest', { digest: false, tag: 'latest' }],
    [`registry:5000/app@${digest}`, { digest: true }],
    [`app:1.0@${digest}`, { digest: true }],
  ])('reads the tag of %s', (image, expected) => {
    expect(imageTag(image)).toEqual(expected);
  });

  it('fails on the latest tag', async () => {
    const { diagnostics, fixture } = await runRule(imagePinned, [{ file: api, from: 'ai-agents:1.4.2', to: 'ai-agents:latest' }]);
    const d = expectFinding(diagnostics, fixture, id, api, 'image:');
    expect(d.message).toBe('container api image ghcr.io/example/ai-agents:latest uses the moving tag `latest`');
  });

  it('fails on an untagged image behind a registry port', async () => {
    const edit = { file: worker, from: 'image: ghcr.io/example/ai-agents:1.4.2', to: 'image: registry.internal:5000/ai-agents' };
    const { diagnostics, fixture } = await runRule(imagePinned, [edit]);
    expect(expectFinding(diagnostics, fixture, id, worker, 'image:').message).toContain('has no tag');
  });

  it('passes on a digest', async () => {
    const edit = { file: api, from: 'ai-agents:1.4.2', to: `ai-agents@${digest}` };
    expect((await runRule(imagePinned, [edit])).diagnostics).toEqual([]);
  });

  it('can be waived per object: the finding stays, marked waived', async () => {
    const waiver = {
      file: 'tenants.yaml',
      from: '    name: Test Tenant A\n',
      to: '    name: Test Tenant A\n    waivers:\n      - rule: workload/image-pinned\n        object: Deployment/api\n        reason: "vendor image, pinned by the vendor\'s release channel"\n',
    };
    const { diagnostics, fixture } = await runRule(imagePinned, [{ file: api, from: 'ai-agents:1.4.2', to: 'ai-agents:latest' }, waiver]);
    const d = expectFinding(diagnostics, fixture, id, api, 'image:');
    expect(d.waived).toEqual({ reason: "vendor image, pinned by the vendor's release channel" });
    expect(diagnostics.filter((x) => x.ruleId === 'input/waiver')).toEqual([]);
  });
});
