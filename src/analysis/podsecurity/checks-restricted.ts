import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { listContainers } from '../../manifest/pod-template.js';
import { containersPhrase, joinQuote, pluralize, sortedUnique } from './format.js';
import { inUserNamespace, procMountStrict, validSeccompType } from './checks-baseline-profiles.js';
import { allowed, forbid, type Check, type CheckFn, type CheckResult, type PodMeta } from './types.js';

/*
 * Restricted checks of kubernetes/pod-security-admission. From policy v1.25 a
 * pod declaring `spec.os.name: windows` is exempt from the Linux-only ones
 * (API validation already forbids those fields on Windows pods).
 */

const isWindows = (spec: PodSpec) => spec.os?.name === 'windows';
const exceptWindows = (fn: CheckFn): CheckFn => (m, spec) => (isWindows(spec) ? allowed : fn(m, spec));
const exceptUserNamespace = (fn: CheckFn): CheckFn => (m, spec) => (inUserNamespace(spec) ? allowed : fn(m, spec));

function allowPrivilegeEscalation(_m: PodMeta, spec: PodSpec): CheckResult {
  const bad = listContainers(spec).filter((c) => c.container.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return allowed;
  return forbid(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(bad.map((c) => c.container.name))} must set securityContext.allowPrivilegeEscalation=false`,
    bad.map((c) => `${c.pointer}/securityContext/allowPrivilegeEscalation`),
  );
}

function capabilitiesRestricted(_m: PodMeta, spec: PodSpec): CheckResult {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const forbiddenCaps: string[] = [];
  const pointers: string[] = [];
  for (const c of listContainers(spec)) {
    const caps = c.container.securityContext?.capabilities;
    if (!caps) {
      missingDrop.push(c.container.name);
      pointers.push(`${c.pointer}/securityContext/capabilities/drop`);
      continue;
    }
    if (!(caps.drop ?? []).includes('ALL')) {
      missingDrop.push(c.container.name);
      pointers.push(`${c.pointer}/securityContext/capabilities/drop`);
    }
    const extra = (caps.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      adding.push(c.container.name);
      forbiddenCaps.push(...extra);
      pointers.push(`${c.pointer}/securityContext/capabilities/add`);
    }
  }
  const details: string[] = [];
  if (missingDrop.length > 0) {
    details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (adding.length > 0) {
    details.push(
      `${containersPhrase(adding)} must not include ${joinQuote(sortedUnique(forbiddenCaps))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return allowed;
  return forbid('unrestricted capabilities', details.join('; '), pointers);
}

/**
 * Shared shape of runAsNonRoot and seccompProfile_restricted: a pod-level value
 * covers containers that leave the field unset; an explicit bad value anywhere fails.
 */
function requiredSetting(opts: {
  reason: string;
  field: string;
  pod: (spec: PodSpec) => { set: boolean; good: boolean; value: string };
  container: (sc: Record<string, unknown> | undefined) => { set: boolean; good: boolean; value: string };
  explicitDetail: (setters: string, values: string[]) => string;
  implicitDetail: (containers: string) => string;
}): CheckFn {
  return (_m, spec) => {
    const setters: string[] = [];
    const values: string[] = [];
    const explicitPointers: string[] = [];
    const pod = opts.pod(spec);
    if (pod.set && !pod.good) {
      setters.push('pod');
      values.push(pod.value);
      explicitPointers.push(`/spec/securityContext/${opts.field}`);
    }
    const podGood = pod.set && pod.good;
    const explicit: string[] = [];
    const implicit: string[] = [];
    const implicitPointers: string[] = [];
    for (const c of listContainers(spec)) {
      const v = opts.container(c.container.securityContext as Record<string, unknown> | undefined);
      if (v.set) {
        if (!v.good) {
          explicit.push(c.container.name);
          values.push(v.value);
          explicitPointers.push(`${c.pointer}/securityContext/${opts.field}`);
        }
      } else if (!podGood) {
        implicit.push(c.container.name);
        implicitPointers.push(`${c.pointer}/securityContext/${opts.field}`);
      }
    }
    if (explicit.length > 0) setters.push(containersPhrase(explicit));
    if (setters.length > 0) {
      return forbid(opts.reason, opts.explicitDetail(setters.join(' and '), sortedUnique(values)), explicitPointers);
    }
    if (implicit.length > 0) return forbid(opts.reason, opts.implicitDetail(containersPhrase(implicit)), implicitPointers);
    return allowed;
  };
}

const runAsNonRoot = requiredSetting({
  reason: 'runAsNonRoot != true',
  field: 'runAsNonRoot',
  pod: (spec) => {
    const v = spec.securityContext?.runAsNonRoot;
    return { set: v !== undefined && v !== null, good: v === true, value: String(v) };
  },
  container: (sc) => {
    const v = sc?.runAsNonRoot;
    return { set: v !== undefined && v !== null, good: v === true, value: String(v) };
  },
  explicitDetail: (setters) => `${setters} must not set securityContext.runAsNonRoot=false`,
  implicitDetail: (containers) => `pod or ${containers} must set securityContext.runAsNonRoot=true`,
});

const seccompProfileRestricted = requiredSetting({
  reason: 'seccompProfile',
  field: 'seccompProfile/type',
  pod: (spec) => {
    const p = spec.securityContext?.seccompProfile;
    return { set: p != null, good: validSeccompType(p?.type), value: String(p?.type ?? '') };
  },
  container: (sc) => {
    const p = sc?.seccompProfile as { type?: string } | undefined | null;
    return { set: p != null, good: validSeccompType(p?.type), value: String(p?.type ?? '') };
  },
  explicitDetail: (setters, values) =>
    `${setters} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`,
  implicitDetail: (containers) =>
    `pod or ${containers} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
});

function runAsUser(_m: PodMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const pointers: string[] = [];
  if (spec.securityContext?.runAsUser === 0) {
    setters.push('pod');
    pointers.push('/spec/securityContext/runAsUser');
  }
  const bad = listContainers(spec).filter((c) => c.container.securityContext?.runAsUser === 0);
  if (bad.length > 0) setters.push(containersPhrase(bad.map((c) => c.container.name)));
  pointers.push(...bad.map((c) => `${c.pointer}/securityContext/runAsUser`));
  if (setters.length === 0) return allowed;
  return forbid('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, pointers);
}

const allowedVolumeSources = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);
const restrictedVolumeSources = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

function restrictedVolumes(_m: PodMeta, spec: PodSpec): CheckResult {
  const names: string[] = [];
  const types = new Set<string>();
  const pointers: string[] = [];
  (spec.volumes ?? []).forEach((volume, i) => {
    const sources = Object.entries(volume as unknown as Record<string, unknown>)
      .filter(([k, v]) => k !== 'name' && v !== null && v !== undefined)
      .map(([k]) => k);
    // A volume naming no source is defaulted to emptyDir by the API server.
    if (sources.length === 0 || sources.some((s) => allowedVolumeSources.has(s))) return;
    const known = restrictedVolumeSources.find((s) => sources.includes(s));
    names.push(volume.name);
    types.add(known ?? 'unknown');
    pointers.push(known ? `/spec/volumes/${i}/${known}` : `/spec/volumes/${i}`);
  });
  if (names.length === 0) return allowed;
  const list = [...types].sort();
  return forbid(
    'restricted volume types',
    `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
    pointers,
  );
}

export const restrictedChecks: readonly Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minimumMinor: 8, check: allowPrivilegeEscalation },
      { minimumMinor: 25, check: exceptWindows(allowPrivilegeEscalation) },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minimumMinor: 22, check: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
      { minimumMinor: 25, check: exceptWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
    ],
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    versions: [{ minimumMinor: 35, check: procMountStrict, overrides: ['procMount'] }],
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    versions: [{ minimumMinor: 0, check: restrictedVolumes, overrides: ['hostPathVolumes'] }],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    versions: [
      { minimumMinor: 0, check: runAsNonRoot },
      { minimumMinor: 35, check: exceptUserNamespace(runAsNonRoot) },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    versions: [
      { minimumMinor: 23, check: runAsUser },
      { minimumMinor: 35, check: exceptUserNamespace(runAsUser) },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minimumMinor: 19, check: seccompProfileRestricted, overrides: ['seccompProfile_baseline'] },
      {
        minimumMinor: 25,
        check: exceptWindows(seccompProfileRestricted),
        overrides: ['seccompProfile_baseline'],
      },
    ],
  },
];
