import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/**
 * The cores this process can use: the available parallelism (its CPU
 * affinity), or fewer under a CPU bandwidth limit on its cgroup, which is how
 * a container's CPU limit is set (a CI runner in Kubernetes, `docker run
 * --cpus`) and which availableParallelism does not see. Threads past it only
 * add memory: each render worker loads the templates and renders on a core
 * another thread needs.
 */
export function usableCores(root = '/'): number {
  const quota = cpuQuota(root);
  return Math.max(1, Math.min(availableParallelism(), quota === undefined ? Infinity : Math.ceil(quota)));
}

/**
 * The CPU bandwidth limit on this process's cgroup or any of its ancestors,
 * in CPUs (the smallest), or undefined for none. cgroup v2: `cpu.max` holds
 * "$MAX $PERIOD", "max" for no limit
 * (https://docs.kernel.org/admin-guide/cgroup-v2.html#cpu-interface-files).
 * cgroup v1: `cpu.cfs_quota_us` over `cpu.cfs_period_us`, -1 for no limit
 * (https://docs.kernel.org/scheduler/sched-bwc.html). The group's path is
 * the one /proc/self/cgroup gives; in a container that mounts its own group
 * at the root of the hierarchy the path does not exist there, so each
 * ancestor that exists is read, up to the mount. `root` stands for `/`.
 */
export function cpuQuota(root = '/'): number | undefined {
  const membership = readOr(path.join(root, 'proc/self/cgroup'));
  if (membership === undefined) return undefined;
  let limit: number | undefined;
  const take = (cpus: number | undefined) => {
    if (cpus !== undefined && Number.isFinite(cpus) && cpus > 0 && (limit === undefined || cpus < limit)) limit = cpus;
  };
  for (const line of membership.split('\n')) {
    const m = /^\d+:([^:]*):(\/.*)$/.exec(line);
    if (!m) continue;
    const [controllers, group] = [m[1]!, m[2]!];
    if (controllers === '') {
      for (const dir of groupAndAncestors(path.join(root, 'sys/fs/cgroup'), group)) take(v2Limit(readOr(path.join(dir, 'cpu.max'))));
    } else if (controllers.split(',').includes('cpu')) {
      // Mounted under the controllers' names, joined as /proc/self/cgroup lists them or the other way round.
      for (const mount of new Set([controllers, 'cpu', 'cpu,cpuacct', 'cpuacct,cpu'])) {
        for (const dir of groupAndAncestors(path.join(root, 'sys/fs/cgroup', mount), group)) take(v1Limit(readOr(path.join(dir, 'cpu.cfs_quota_us')), readOr(path.join(dir, 'cpu.cfs_period_us'))));
      }
    }
  }
  return limit;
}

/** The group's folder under the mount and each folder above it, up to the mount itself. */
function groupAndAncestors(mount: string, group: string): string[] {
  const parts = group.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.map((_, i) => path.join(mount, ...parts.slice(0, parts.length - i))).concat(mount);
}

function v2Limit(text: string | undefined): number | undefined {
  const m = /^(\d+) (\d+)\s*$/.exec(text ?? '');
  return m && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : undefined;
}

function v1Limit(quota: string | undefined, period: string | undefined): number | undefined {
  const [q, p] = [Number((quota ?? '').trim()), Number((period ?? '').trim())];
  return quota !== undefined && period !== undefined && Number.isInteger(q) && q > 0 && Number.isInteger(p) && p > 0 ? q / p : undefined;
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
