import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { listContainers } from '../../manifest/pod-template.js';
import { containersPhrase, joinQuote, pluralize, sortedUnique } from './format.js';
import { allowed, forbid, type Check, type CheckResult, type PodMeta } from './types.js';
import {
  appArmorProfile,
  procMountRelaxed,
  procMountStrict,
  seccompBaselineAnnotations,
  seccompBaselineFields,
  seLinuxOptions,
  seLinuxTypes10,
  seLinuxTypes131,
  sysctls,
  sysctls10,
  sysctls127,
  sysctls129,
  sysctls132,
  sysctls137,
} from './checks-baseline-profiles.js';

/*
 * Baseline checks of kubernetes/pod-security-admission (package policy), one
 * function per upstream revision. Ids, reasons and details follow upstream so a
 * finding can be matched against the admission error a cluster would return.
 */

function privileged(_m: PodMeta, spec: PodSpec): CheckResult {
  const bad = listContainers(spec).filter((c) => c.container.securityContext?.privileged === true);
  if (bad.length === 0) return allowed;
  return forbid(
    'privileged',
    `${containersPhrase(bad.map((c) => c.container.name))} must not set securityContext.privileged=true`,
    bad.map((c) => `${c.pointer}/securityContext/privileged`),
  );
}

function hostNamespaces(_m: PodMeta, spec: PodSpec): CheckResult {
  const set = (['hostIPC', 'hostNetwork', 'hostPID'] as const).filter((k) => spec[k] === true);
  if (set.length === 0) return allowed;
  return forbid('host namespaces', set.join(', '), set.map((k) => `/spec/${k}`));
}

function hostPorts(_m: PodMeta, spec: PodSpec): CheckResult {
  const names: string[] = [];
  const ports: string[] = [];
  const pointers: string[] = [];
  for (const c of listContainers(spec)) {
    let bad = false;
    (c.container.ports ?? []).forEach((p, i) => {
      if (p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
        bad = true;
        ports.push(String(p.hostPort));
        pointers.push(`${c.pointer}/ports/${i}/hostPort`);
      }
    });
    if (bad) names.push(c.container.name);
  }
  if (names.length === 0) return allowed;
  const unique = sortedUnique(ports);
  return forbid(
    'hostPort',
    `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('hostPort', 'hostPorts', unique.length)} ${unique.join(', ')}`,
    pointers,
  );
}

function hostPathVolumes(_m: PodMeta, spec: PodSpec): CheckResult {
  const bad = (spec.volumes ?? []).map((v, i) => ({ v, i })).filter(({ v }) => v.hostPath != null);
  if (bad.length === 0) return allowed;
  return forbid(
    'hostPath volumes',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad.map(({ v }) => v.name))}`,
    bad.map(({ i }) => `/spec/volumes/${i}/hostPath`),
  );
}

const defaultCapabilities = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesBaseline(_m: PodMeta, spec: PodSpec): CheckResult {
  const names: string[] = [];
  const caps: string[] = [];
  const pointers: string[] = [];
  for (const c of listContainers(spec)) {
    const add = c.container.securityContext?.capabilities?.add ?? [];
    const extra = add.filter((cap) => !defaultCapabilities.has(cap));
    if (extra.length > 0) {
      names.push(c.container.name);
      caps.push(...extra);
      pointers.push(`${c.pointer}/securityContext/capabilities/add`);
    }
  }
  if (names.length === 0) return allowed;
  return forbid(
    'non-default capabilities',
    `${containersPhrase(names)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`,
    pointers,
  );
}

function windowsHostProcess(_m: PodMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const pointers: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) {
    setters.push('pod');
    pointers.push('/spec/securityContext/windowsOptions/hostProcess');
  }
  const bad = listContainers(spec).filter((c) => c.container.securityContext?.windowsOptions?.hostProcess === true);
  if (bad.length > 0) setters.push(containersPhrase(bad.map((c) => c.container.name)));
  pointers.push(...bad.map((c) => `${c.pointer}/securityContext/windowsOptions/hostProcess`));
  if (setters.length === 0) return allowed;
  return forbid(
    'hostProcess',
    `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    pointers,
  );
}

function hostProbesAndHostLifecycle(_m: PodMeta, spec: PodSpec): CheckResult {
  const names = new Set<string>();
  const hosts = new Set<string>();
  const pointers: string[] = [];
  for (const c of listContainers(spec)) {
    const handlers: [string, unknown][] = [
      ['livenessProbe', c.container.livenessProbe],
      ['readinessProbe', c.container.readinessProbe],
      ['startupProbe', c.container.startupProbe],
      ['lifecycle/postStart', c.container.lifecycle?.postStart],
      ['lifecycle/preStop', c.container.lifecycle?.preStop],
    ];
    for (const [path, h] of handlers) {
      for (const action of ['httpGet', 'tcpSocket'] as const) {
        const host = (h as Record<string, { host?: string } | undefined> | undefined)?.[action]?.host;
        if (host) {
          names.add(c.container.name);
          hosts.add(host);
          pointers.push(`${c.pointer}/${path}/${action}/host`);
        }
      }
    }
  }
  if (names.size === 0) return allowed;
  const n = [...names].sort();
  const h = [...hosts].sort();
  return forbid(
    'probe or lifecycle host',
    `${containersPhrase(n)} ${pluralize('uses', 'use', n.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', h.length)} ${joinQuote(h)}`,
    pointers,
  );
}

export const baselineChecks: readonly Check[] = [
  { id: 'privileged', level: 'baseline', versions: [{ minimumMinor: 0, check: privileged }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minimumMinor: 0, check: hostNamespaces }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minimumMinor: 0, check: hostPorts }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minimumMinor: 0, check: hostPathVolumes }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minimumMinor: 0, check: capabilitiesBaseline }] },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minimumMinor: 0, check: appArmorProfile }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minimumMinor: 0, check: seLinuxOptions(seLinuxTypes10) },
      { minimumMinor: 31, check: seLinuxOptions(seLinuxTypes131) },
    ],
  },
  {
    id: 'procMount',
    level: 'baseline',
    versions: [
      { minimumMinor: 0, check: procMountStrict },
      { minimumMinor: 35, check: procMountRelaxed },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minimumMinor: 0, check: seccompBaselineAnnotations },
      { minimumMinor: 19, check: seccompBaselineFields },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { minimumMinor: 0, check: sysctls(sysctls10) },
      { minimumMinor: 27, check: sysctls(sysctls127) },
      { minimumMinor: 29, check: sysctls(sysctls129) },
      { minimumMinor: 32, check: sysctls(sysctls132) },
      { minimumMinor: 37, check: sysctls(sysctls137) },
    ],
  },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minimumMinor: 0, check: windowsHostProcess }] },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    versions: [{ minimumMinor: 34, check: hostProbesAndHostLifecycle }],
  },
];
