import { describe, expect, it } from 'vitest';
import { podSecurityStandards } from '../../src/rules/pod/security-standards.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const api = `${tenantA}/workloads/deployment-api.yaml`;
const id = 'pod/security-standards';

describe('pod/security-standards', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(podSecurityStandards);
    expect(diagnostics).toEqual([]);
  });

  it('fails for a privileged container', async () => {
    const { diagnostics, fixture } = await runRule(podSecurityStandards, [
      { file: api, from: '            allowPrivilegeEscalation: false\n', to: '            allowPrivilegeEscalation: false\n            privileged: true\n' },
    ]);
    const d = expectFinding(diagnostics, fixture, id, api, 'privileged: true');
    expect(d.message).toContain('violates Pod Security "restricted" (v1.33): privileged: privileged');
  });

  it('fails when the pod runs as root', async () => {
    const { diagnostics, fixture } = await runRule(podSecurityStandards, [{ file: api, from: 'runAsUser: 10001', to: 'runAsUser: 0' }]);
    const d = expectFinding(diagnostics, fixture, id, api, 'runAsUser: 0');
    expect(d.message).toContain('runAsUser');
  });

  it('fails when capabilities are no longer dropped', async () => {
    const { diagnostics, fixture } = await runRule(podSecurityStandards, [{ file: api, from: '            capabilities:\n              drop:\n                - ALL\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, api, '          securityContext:');
    expect(d.message).toContain('capabilities');
  });

  it('fails for a hostPath volume', async () => {
    const { diagnostics, fixture } = await runRule(podSecurityStandards, [{ file: api, from: '          emptyDir:\n            sizeLimit: 64Mi\n', to: '          hostPath:\n            path: /var/run\n' }]);
    const d = expectFinding(diagnostics, fixture, id, api, 'hostPath:');
    expect(d.message).toContain('hostPath');
  });

  it('fails when the seccomp profile is removed', async () => {
    const { diagnostics, fixture } = await runRule(podSecurityStandards, [{ file: api, from: '        seccompProfile:\n          type: RuntimeDefault\n', to: '' }]);
    const d = expectFinding(diagnostics, fixture, id, api, '          securityContext:');
    expect(d.message).toContain('seccompProfile_restricted: seccompProfile (pod or container "api" must set securityContext.seccompProfile.type');
  });

  it('checks at the level the namespace pins: baseline allows what restricted refuses', async () => {
    const ns = 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml';
    const edits = [
      { file: ns, from: 'pod-security.kubernetes.io/enforce: restricted', to: 'pod-security.kubernetes.io/enforce: baseline' },
      { file: api, from: '        seccompProfile:\n          type: RuntimeDefault\n', to: '' },
    ];
    const { diagnostics } = await runRule(podSecurityStandards, edits);
    expect(diagnostics).toEqual([]);
  });
});
