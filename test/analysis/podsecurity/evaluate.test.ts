import { describe, expect, it } from 'vitest';
import {
  evaluatePod,
  listContainers,
  maxPolicyMinor,
  parsePodSecurityLabels,
  podTemplateOf,
} from '../../../src/analysis/podsecurity/index.js';

const restrictedContainer = {
  name: 'app',
  image: 'app:1',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};
const restrictedPodSecurity = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api' },
  spec: {
    template: {
      metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } },
      spec: {
        securityContext: restrictedPodSecurity,
        initContainers: [{ name: 'init', image: 'i', securityContext: { ...restrictedContainer.securityContext, runAsUser: 0 } }],
        containers: [restrictedContainer, { name: 'side', image: 's', ports: [{ containerPort: 80, hostPort: 8080 }] }],
      },
    },
  },
};

const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly' },
  spec: {
    schedule: '0 0 * * *',
    jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'j', securityContext: { privileged: true } }] } } } },
  },
};

describe('podTemplateOf', () => {
  it.each([
    [{ kind: 'Pod', spec: { containers: [] } }, ''],
    [deployment, '/spec/template'],
    [{ kind: 'StatefulSet', spec: { template: { spec: {} } } }, '/spec/template'],
    [{ kind: 'Job', spec: { template: { spec: {} } } }, '/spec/template'],
    [cronJob, '/spec/jobTemplate/spec/template'],
    [{ kind: 'PodTemplate', template: { spec: {} } }, '/template'],
  ])('finds the template of %#', (object, pointer) => {
    expect(podTemplateOf(object)?.pointer).toBe(pointer);
  });

  it('ignores kinds without a template and workloads missing one', () => {
    expect(podTemplateOf({ kind: 'Service', spec: {} })).toBeUndefined();
    expect(podTemplateOf({ kind: 'Deployment', spec: {} })).toBeUndefined();
  });

  it('lists containers in admission order with pointers', () => {
    const t = podTemplateOf(deployment)!;
    expect(listContainers(t.spec).map((c) => c.pointer)).toEqual([
      '/spec/initContainers/0',
      '/spec/containers/0',
      '/spec/containers/1',
    ]);
  });
});

describe('evaluatePod pointers', () => {
  it('points at the offending fields of a Deployment template', () => {
    const t = podTemplateOf(deployment)!;
    const byCheck = Object.fromEntries(evaluatePod(t.metadata, t.spec, 'restricted', 'v1.33').map((v) => [v.check, v]));
    expect(Object.keys(byCheck).sort()).toEqual([
      'allowPrivilegeEscalation',
      'appArmorProfile',
      'capabilities_restricted',
      'hostPorts',
      'runAsUser',
    ]);
    expect(byCheck.hostPorts!.pointers).toEqual(['/spec/containers/1/ports/0/hostPort']);
    expect(byCheck.hostPorts!.detail).toBe('container "side" uses hostPort 8080');
    expect(byCheck.runAsUser!.pointers).toEqual(['/spec/initContainers/0/securityContext/runAsUser']);
    expect(byCheck.appArmorProfile!.pointers).toEqual([
      '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app',
    ]);
    expect(byCheck.capabilities_restricted!.pointers).toEqual(['/spec/containers/1/securityContext/capabilities/drop']);
  });

  it('reports a privileged CronJob container at baseline', () => {
    const t = podTemplateOf(cronJob)!;
    const v = evaluatePod(t.metadata, t.spec, 'baseline', 'latest');
    expect(v).toEqual([
      {
        check: 'privileged',
        reason: 'privileged',
        detail: 'container "job" must not set securityContext.privileged=true',
        pointers: ['/spec/containers/0/securityContext/privileged'],
      },
    ]);
    expect(t.pointer + v[0]!.pointers[0]).toBe('/spec/jobTemplate/spec/template/spec/containers/0/securityContext/privileged');
  });

  it('allows anything at privileged', () => {
    const t = podTemplateOf(cronJob)!;
    expect(evaluatePod(t.metadata, t.spec, 'privileged', 'latest')).toEqual([]);
  });
});

describe('policy versions', () => {
  const pod = (spec: object) => ({ containers: [restrictedContainer], securityContext: restrictedPodSecurity, ...spec });
  const ids = (spec: object, level: 'baseline' | 'restricted', version: string) =>
    evaluatePod({}, pod(spec), level, version).map((v) => v.check);

  it.each([
    // check, spec, version where it does not fire, version where it fires
    ['runAsUser', { securityContext: { ...restrictedPodSecurity, runAsUser: 0 } }, 'v1.22', 'v1.23'],
    ['sysctls', { securityContext: { ...restrictedPodSecurity, sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '1' }] } }, 'v1.29', 'v1.28'],
    ['sysctls', { securityContext: { ...restrictedPodSecurity, sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1' }] } }, 'v1.27', 'v1.26'],
    ['sysctls', { securityContext: { ...restrictedPodSecurity, sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1' }] } }, 'v1.32', 'v1.31'],
    // check_sysctls.go MinimumVersion 1.37: sysctlsAllowedV1Dot32 plus tcp_slow_start_after_idle and tcp_notsent_lowat.
    ['sysctls', { securityContext: { ...restrictedPodSecurity, sysctls: [{ name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' }] } }, 'v1.37', 'v1.36'],
    ['sysctls', { securityContext: { ...restrictedPodSecurity, sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }] } }, 'v1.37', 'v1.36'],
    ['seLinuxOptions', { securityContext: { ...restrictedPodSecurity, seLinuxOptions: { type: 'container_engine_t' } } }, 'v1.31', 'v1.30'],
  ])('%s depends on the version (%#)', (check, spec, quiet, loud) => {
    expect(ids(spec, 'restricted', quiet)).not.toContain(check);
    expect(ids(spec, 'restricted', loud)).toContain(check);
  });

  it('adds the probe host check from v1.34', () => {
    const c = { ...restrictedContainer, livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } };
    const spec = { containers: [c], securityContext: restrictedPodSecurity };
    expect(evaluatePod({}, spec, 'baseline', 'v1.33')).toEqual([]);
    const [v] = evaluatePod({}, spec, 'baseline', 'v1.34');
    expect(v?.check).toBe('hostProbesAndHostLifecycle');
    expect(v?.pointers).toEqual(['/spec/containers/0/livenessProbe/httpGet/host']);
  });

  it('exempts Windows pods from Linux-only restricted checks from v1.25', () => {
    const spec = { os: { name: 'windows' }, containers: [{ name: 'w', image: 'w' }], securityContext: { runAsNonRoot: true } };
    expect(evaluatePod({}, spec, 'restricted', 'v1.25')).toEqual([]);
    expect(evaluatePod({}, spec, 'restricted', 'v1.24').map((v) => v.check)).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]);
  });

  it('checks seccomp annotations before v1.19 and fields after', () => {
    const meta = { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } };
    const spec = { containers: [{ name: 'a', image: 'a' }] };
    expect(evaluatePod(meta, spec, 'baseline', 'v1.18').map((v) => v.check)).toEqual(['seccompProfile_baseline']);
    expect(evaluatePod(meta, spec, 'baseline', 'v1.19')).toEqual([]);
  });

  it('relaxes user-namespace pods from v1.35 only', () => {
    const spec = { hostUsers: false, containers: [{ ...restrictedContainer }], securityContext: { seccompProfile: { type: 'RuntimeDefault' } } };
    expect(ids(spec, 'restricted', 'v1.34')).toContain('runAsNonRoot');
    expect(ids(spec, 'restricted', 'latest')).not.toContain('runAsNonRoot');
    expect(maxPolicyMinor).toBe(37);
  });

  it('rejects an unparseable version', () => {
    expect(() => evaluatePod({}, pod({}), 'baseline', '1.33')).toThrow(/latest/);
  });
});

describe('parsePodSecurityLabels', () => {
  it('defaults to privileged/latest', () => {
    expect(parsePodSecurityLabels({})).toEqual({
      enforce: { level: 'privileged', version: 'latest' },
      audit: { level: 'privileged', version: 'latest' },
      warn: { level: 'privileged', version: 'latest' },
      errors: [],
    });
  });

  it('reads pinned levels and versions', () => {
    const p = parsePodSecurityLabels({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/warn': 'baseline',
    });
    expect(p.enforce).toEqual({ level: 'restricted', version: 'v1.33' });
    expect(p.warn).toEqual({ level: 'baseline', version: 'latest' });
  });

  it('fails closed for enforce and open for audit/warn on invalid values', () => {
    const p = parsePodSecurityLabels({
      'pod-security.kubernetes.io/enforce': 'strict',
      'pod-security.kubernetes.io/audit': 'nope',
      'pod-security.kubernetes.io/warn-version': '1.30',
    });
    expect(p.enforce.level).toBe('restricted');
    expect(p.audit.level).toBe('privileged');
    expect(p.warn.version).toBe('latest');
    expect(p.errors.map((e) => e.label)).toEqual([
      'pod-security.kubernetes.io/enforce',
      'pod-security.kubernetes.io/audit',
      'pod-security.kubernetes.io/warn-version',
    ]);
  });
});

// Pod Security Standards, Baseline, Sysctls: "Sysctls can disable security mechanisms or affect all containers on a
// host, and should be disallowed except for an allowed "safe" subset." The subset grows by policy version
// (pod-security-admission policy/check_sysctls.go: sysctlsAllowedV1Dot0, V1Dot27, V1Dot29, V1Dot32, V1Dot37).
describe('sysctls allowed at each policy version', () => {
  const since: [string, number][] = [
    ['kernel.shm_rmid_forced', 0],
    ['net.ipv4.ip_unprivileged_port_start', 0],
    ['net.ipv4.ip_local_reserved_ports', 27],
    ['net.ipv4.tcp_fin_timeout', 29],
    ['net.ipv4.tcp_wmem', 32],
    ['net.ipv4.tcp_slow_start_after_idle', 37],
    ['net.ipv4.tcp_notsent_lowat', 37],
    ['net.core.somaxconn', Infinity],
    ['kernel.msgmax', Infinity],
  ];
  const versions: [string, number][] = [['v1.0', 0], ['v1.26', 26], ['v1.27', 27], ['v1.31', 31], ['v1.32', 32], ['v1.35', 35], ['v1.36', 36], ['v1.37', 37], ['v1.99', 99], ['latest', 1000]];
  const rows = since.flatMap(([name, minor]) => versions.map(([version, at]) => [name, version, minor <= at] as const));

  it.each(rows)('%s at %s: allowed %s', (name, version, allowed) => {
    const spec = { containers: [restrictedContainer], securityContext: { ...restrictedPodSecurity, sysctls: [{ name, value: '1' }] } };
    for (const level of ['baseline', 'restricted'] as const) {
      const v = evaluatePod({}, spec, level, version).filter((x) => x.check === 'sysctls');
      expect(v, `${level} ${version}`).toEqual(allowed ? [] : [expect.objectContaining({ reason: 'forbidden sysctls', detail: name, pointers: ['/spec/securityContext/sysctls/0/name'] })]);
    }
  });
});
