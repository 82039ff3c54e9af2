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

  // pod-security-admission policy/check_sysctls.go: "Allowed Values: ... 'net.ipv4.tcp_slow_start_after_idle'
  // 'net.ipv4.tcp_notsent_lowat'", added by the MinimumVersion 1.37 revision (sysctlsAllowedV1Dot37).
  describe('follows the policy version the namespace pins (sysctls revision of v1.37)', () => {
    const ns = 'rendered/_cluster/namespace-ai-agents-test-tenant-a.yaml';
    const sysctl = { file: api, from: '        seccompProfile:\n          type: RuntimeDefault\n', to: '        seccompProfile:\n          type: RuntimeDefault\n        sysctls:\n          - name: net.ipv4.tcp_notsent_lowat\n            value: "16384"\n' };
    const pin = (version: string) => ({ file: ns, from: 'pod-security.kubernetes.io/enforce-version: v1.33', to: `pod-security.kubernetes.io/enforce-version: ${version}` });

    it.each(['v1.37', 'latest', 'v1.40'])('enforce-version %s allows net.ipv4.tcp_notsent_lowat', async (version) => {
      const { diagnostics } = await runRule(podSecurityStandards, [pin(version), sysctl]);
      expect(diagnostics).toEqual([]);
    });

    it.each(['v1.36', 'v1.32'])('enforce-version %s still forbids it', async (version) => {
      const { diagnostics, fixture } = await runRule(podSecurityStandards, [pin(version), sysctl]);
      const d = expectFinding(diagnostics, fixture, id, api, '- name: net.ipv4.tcp_notsent_lowat');
      expect(d.message).toContain(`(${version}): sysctls: forbidden sysctls (net.ipv4.tcp_notsent_lowat)`);
    });
  });
});
