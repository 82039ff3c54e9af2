import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuQuota, usableCores } from '../../src/cores.js';

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** A stand-in for `/`: /proc/self/cgroup and the files under /sys/fs/cgroup it is given. */
async function fakeRoot(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'tenantctl-cores-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

describe('the CPU limit of the process', () => {
  it('is read from cgroup v2 cpu.max: $MAX over $PERIOD, "max" for none', async () => {
    expect(cpuQuota(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(1.5);
    expect(cpuQuota(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined();
  });

  it("is the smallest of the group's and its ancestors' limits", async () => {
    const root = await fakeRoot({
      'proc/self/cgroup': '0::/runners/job-7\n',
      'sys/fs/cgroup/runners/cpu.max': '100000 100000\n',
      'sys/fs/cgroup/runners/job-7/cpu.max': 'max 100000\n',
    });
    expect(cpuQuota(root)).toBe(1);
    // A container that mounts its own group at the root: the listed path is not there, the mount is.
    const mounted = await fakeRoot({ 'proc/self/cgroup': '0::/kubepods/pod1/abc\n', 'sys/fs/cgroup/cpu.max': '50000 100000\n' });
    expect(cpuQuota(mounted)).toBe(0.5);
  });

  it('is read from cgroup v1 cpu.cfs_quota_us over cpu.cfs_period_us, -1 for none', async () => {
    const limited = await fakeRoot({
      'proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n',
      'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '300000\n',
      'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
    });
    expect(cpuQuota(limited)).toBe(3);
    const none = await fakeRoot({ 'proc/self/cgroup': '1:cpu:/\n', 'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', 'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' });
    expect(cpuQuota(none)).toBeUndefined();
  });

  it('is none when nothing can be read, or what is there is not a limit', async () => {
    expect(cpuQuota(await fakeRoot({}))).toBeUndefined();
    for (const text of ['', 'garbage', '0 100000', '100000 0', '-5 100000', '1e9 100000']) {
      expect(cpuQuota(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': text })), text).toBeUndefined();
    }
  });

  it('caps the cores used, rounded up, never below one', async () => {
    expect(usableCores(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '50000 100000\n' }))).toBe(1);
    expect(usableCores(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '100000 100000\n' }))).toBe(1);
    // 1.5 CPUs: two threads where the machine has them (rounded down it would be one).
    expect(usableCores(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(Math.min(2, availableParallelism()));
    expect(usableCores(await fakeRoot({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '6400000 100000\n' }))).toBe(availableParallelism());
    expect(usableCores(await fakeRoot({}))).toBe(availableParallelism());
  });
});
