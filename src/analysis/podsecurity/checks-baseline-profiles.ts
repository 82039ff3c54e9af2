import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { toPointer } from '../../manifest/locate.js';
import { listContainers } from '../../manifest/pod-template.js';
import { containersPhrase, joinQuote, pluralize, sortedUnique } from './format.js';
import { allowed, forbid, type CheckResult, type PodMeta } from './types.js';

/*
 * Baseline checks over security profiles (AppArmor, SELinux, /proc mount,
 * seccomp) and sysctls: the ones whose allowed values changed across policy
 * versions, so each revision is a separate function or allow-list.
 */

const annotationPointer = (key: string) => toPointer(['metadata', 'annotations', key]);

/** hostUsers: false puts the pod in a user namespace; upstream relaxes some checks for it from v1.35. */
export const inUserNamespace = (spec: PodSpec) => spec.hostUsers === false;

const validAnnotationAppArmor = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');
const validAppArmorType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

export function appArmorProfile(meta: PodMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const pointers: string[] = [];
  const podType = spec.securityContext?.appArmorProfile?.type;
  if (spec.securityContext?.appArmorProfile && !validAppArmorType(podType)) {
    setters.push('pod');
    values.push(String(podType ?? ''));
    pointers.push('/spec/securityContext/appArmorProfile/type');
  }
  const names: string[] = [];
  for (const c of listContainers(spec)) {
    const profile = c.container.securityContext?.appArmorProfile;
    if (profile && !validAppArmorType(profile.type)) {
      names.push(c.container.name);
      values.push(String(profile.type ?? ''));
      pointers.push(`${c.pointer}/securityContext/appArmorProfile/type`);
    }
  }
  if (names.length > 0) setters.push(containersPhrase(names));
  const badValues = sortedUnique(values);
  const annotations: string[] = [];
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !validAnnotationAppArmor(String(v))) {
      annotations.push(`${k}=${JSON.stringify(String(v))}`);
      pointers.push(annotationPointer(k));
    }
  }
  if (annotations.length > 0) {
    annotations.sort();
    badValues.push(...annotations);
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (setters.length === 0) return allowed;
  return forbid(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValues.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
    pointers,
  );
}

export const seLinuxTypes10 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
export const seLinuxTypes131 = new Set([...seLinuxTypes10, 'container_engine_t']);

export function seLinuxOptions(allowedTypes: ReadonlySet<string>) {
  return (_m: PodMeta, spec: PodSpec): CheckResult => {
    const setters: string[] = [];
    const badTypes: string[] = [];
    const pointers: string[] = [];
    let setUser = false;
    let setRole = false;
    const validate = (opts: { type?: string; user?: string; role?: string }, at: string): boolean => {
      let valid = true;
      if (!allowedTypes.has(opts.type ?? '')) {
        valid = false;
        badTypes.push(opts.type ?? '');
        pointers.push(`${at}/type`);
      }
      if (opts.user) {
        valid = false;
        setUser = true;
        pointers.push(`${at}/user`);
      }
      if (opts.role) {
        valid = false;
        setRole = true;
        pointers.push(`${at}/role`);
      }
      return valid;
    };
    const podOpts = spec.securityContext?.seLinuxOptions;
    if (podOpts && !validate(podOpts, '/spec/securityContext/seLinuxOptions')) setters.push('pod');
    const names: string[] = [];
    for (const c of listContainers(spec)) {
      const opts = c.container.securityContext?.seLinuxOptions;
      if (opts && !validate(opts, `${c.pointer}/securityContext/seLinuxOptions`)) names.push(c.container.name);
    }
    if (names.length > 0) setters.push(containersPhrase(names));
    if (setters.length === 0) return allowed;
    const types = sortedUnique(badTypes);
    const data: string[] = [];
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return forbid(
      'seLinuxOptions',
      `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
      pointers,
    );
  };
}

/** Shared by baseline procMount and restricted procMount_restricted. */
export function procMountStrict(_m: PodMeta, spec: PodSpec): CheckResult {
  const names: string[] = [];
  const types: string[] = [];
  const pointers: string[] = [];
  for (const c of listContainers(spec)) {
    const pm = c.container.securityContext?.procMount;
    if (pm !== undefined && pm !== null && pm !== 'Default') {
      names.push(c.container.name);
      types.push(pm);
      pointers.push(`${c.pointer}/securityContext/procMount`);
    }
  }
  if (names.length === 0) return allowed;
  return forbid(
    'procMount',
    `${containersPhrase(names)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}`,
    pointers,
  );
}

export const procMountRelaxed = (m: PodMeta, spec: PodSpec): CheckResult =>
  inUserNamespace(spec) ? allowed : procMountStrict(m, spec);

export const validSeccompType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
const validSeccompAnnotation = (v: string) =>
  v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

export function seccompBaselineAnnotations(meta: PodMeta, spec: PodSpec): CheckResult {
  const annotations = meta.annotations ?? {};
  const bad = new Map<string, string>();
  const consider = (key: string) => {
    const v = annotations[key];
    if (v !== undefined && !validSeccompAnnotation(String(v))) bad.set(`${key}=${JSON.stringify(String(v))}`, key);
  };
  consider(seccompPodAnnotation);
  for (const c of listContainers(spec)) consider(seccompContainerPrefix + c.container.name);
  if (bad.size === 0) return allowed;
  const list = [...bad.keys()].sort();
  return forbid(
    'seccompProfile',
    `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`,
    list.map((k) => annotationPointer(bad.get(k) ?? '')),
  );
}

export function seccompBaselineFields(_m: PodMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const pointers: string[] = [];
  const pod = spec.securityContext?.seccompProfile;
  if (pod && !validSeccompType(pod.type)) {
    setters.push('pod');
    values.push(String(pod.type ?? ''));
    pointers.push('/spec/securityContext/seccompProfile/type');
  }
  const names: string[] = [];
  for (const c of listContainers(spec)) {
    const p = c.container.securityContext?.seccompProfile;
    if (p && !validSeccompType(p.type)) {
      names.push(c.container.name);
      values.push(String(p.type ?? ''));
      pointers.push(`${c.pointer}/securityContext/seccompProfile/type`);
    }
  }
  if (names.length > 0) setters.push(containersPhrase(names));
  if (setters.length === 0) return allowed;
  return forbid(
    'seccompProfile',
    `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`,
    pointers,
  );
}

export const sysctls10 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
export const sysctls127 = [...sysctls10, 'net.ipv4.ip_local_reserved_ports'];
export const sysctls129 = [
  ...sysctls127,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
export const sysctls132 = [...sysctls129, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
// pod-security-admission policy/check_sysctls.go, `sysctlsAllowedV1Dot37 = sysctlsAllowedV1Dot32.Union(...)`.
export const sysctls137 = [...sysctls132, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

export function sysctls(allowedNames: readonly string[]) {
  const allowedSet = new Set(allowedNames);
  return (_m: PodMeta, spec: PodSpec): CheckResult => {
    const names: string[] = [];
    const pointers: string[] = [];
    (spec.securityContext?.sysctls ?? []).forEach((s, i) => {
      if (!allowedSet.has(s.name)) {
        names.push(s.name);
        pointers.push(`/spec/securityContext/sysctls/${i}/name`);
      }
    });
    if (names.length === 0) return allowed;
    return forbid('forbidden sysctls', names.join(', '), pointers);
  };
}

