import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_MIB, heapForTenants, heapPlan, MEASURED_TENANT_TEMPLATES, requestedHeapMiB, SIZED_ENV, tenantCount, tenantTemplateCount } from '../../bin/heap.js';
import { repoRoot } from '../helpers.js';

/**
 * The bin sizes the V8 heap for the tenants in tenants.yaml: under its default
 * cap a large repository would abort with V8's out-of-memory error. The
 * processes below run the real bin/ with a stand-in dist/cli.js that reports
 * the heap limit and process id it runs with, so no build and no large render
 * are needed.
 */

const tenantsYaml = (n: number) => `version: 1\ntenants:\n${Array.from({ length: n }, (_, i) => `  - id: t${i}\n    tier: standard\n`).join('')}`;

describe('how many tenants tenants.yaml lists', () => {
  it('counts id keys in block and flow style, quoted or not, and nothing that only ends in id', () => {
    expect(tenantCount(tenantsYaml(3))).toBe(3);
    expect(tenantCount('tenants: [{id: a, tier: x}, {tier: y, id: b}, {"id": c}]\n')).toBe(3);
    expect(tenantCount("tenants:\n  - name: A\n    id: a\n  - 'id': b\n")).toBe(2);
    expect(tenantCount('platform:\n  tenant-id: x\n  grid: 2\n  valid: true\n')).toBe(0);
  });
});

describe('the heap limit a run needs', () => {
  it('is the default cap up to the repositories it was measured on, and grows with the tenants past them', () => {
    expect(heapForTenants(2)).toBe(DEFAULT_HEAP_MIB);
    expect(heapForTenants(10_000)).toBe(DEFAULT_HEAP_MIB);
    expect(heapForTenants(50_000)).toBeGreaterThan(4_144);
    expect(heapForTenants(100_000)).toBe(2 * heapForTenants(50_000));
  });

  it('grows with the templates a tenant is rendered through, counted as the bundled ones were', () => {
    expect(tenantTemplateCount(path.join(repoRoot, 'templates'))).toBe(MEASURED_TENANT_TEMPLATES);
    const folders: Record<string, string[]> = {
      '/t/tenant': ['a.yaml.ejs', 'b.yaml.ejs', 'notes.md', 'labels.ejs'],
      '/t/gitops/argocd/tenant': ['app.yaml.ejs'],
      '/t/gitops/flux/tenant': ['k.yaml.ejs', 'sa.yaml.ejs', 'rb.yaml.ejs'],
    };
    const list = (d: string) => {
      if (!folders[d]) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return folders[d];
    };
    // templates/tenant, and the tool with more tenant templates; a missing folder counts none.
    expect(tenantTemplateCount('/t', list)).toBe(5);
    delete folders['/t/gitops/flux/tenant'];
    expect(tenantTemplateCount('/t', list)).toBe(3);
    expect(heapForTenants(30_000, 2 * MEASURED_TENANT_TEMPLATES)).toBe(2 * heapForTenants(30_000));
    // Fewer templates than measured never lower the estimate.
    expect(heapForTenants(30_000, 5)).toBe(heapForTenants(30_000));
  });

  it('reads a limit from the command line over NODE_OPTIONS, in either spelling', () => {
    expect(requestedHeapMiB([], '')).toBeUndefined();
    expect(requestedHeapMiB(['--max-old-space-size=3000'], '--max-old-space-size=1280')).toBe(3000);
    expect(requestedHeapMiB(['--inspect'], '--trace-gc --max_old_space_size=2048')).toBe(2048);
  });

  const plan = (o: { text?: string; args?: string[]; execArgv?: string[]; nodeOptions?: string; env?: Record<string, string>; current?: number; machine?: number; templates?: number }) => {
    const read: string[] = [];
    const limit = heapPlan({
      args: o.args ?? ['check'],
      execArgv: o.execArgv ?? [`--max-old-space-size=${DEFAULT_HEAP_MIB}`],
      nodeOptions: o.nodeOptions ?? '',
      env: o.env ?? {},
      cwd: '/repo',
      current: o.current ?? DEFAULT_HEAP_MIB,
      machine: o.machine ?? 24_000,
      // templates/tenant/ holds `templates` of them (the measured number when not given); no GitOps folder.
      list: (d: string) => {
        if (d !== '/repo/templates/tenant' && d !== '/elsewhere/templates/tenant' && d !== '/repo/sub/templates/tenant') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return Array.from({ length: o.templates ?? MEASURED_TENANT_TEMPLATES }, (_, i) => `t${i}.yaml.ejs`);
      },
      readText: (f: string) => {
        read.push(f);
        if (o.text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return o.text;
      },
    });
    return { limit, read };
  };

  it('runs again with a limit sized for a large repository, from the tenants.yaml under --root', () => {
    const large = tenantsYaml(30_000);
    expect(plan({ text: large })).toEqual({ limit: heapForTenants(30_000), read: ['/repo/tenants.yaml'] });
    expect(plan({ text: large, args: ['render', '--root', 'sub'] }).read).toEqual(['/repo/sub/tenants.yaml']);
    expect(plan({ text: large, args: ['plan', '--root=/elsewhere'] }).read).toEqual(['/elsewhere/tenants.yaml']);
    expect(plan({ text: large, templates: 2 * MEASURED_TENANT_TEMPLATES }).limit).toBe(heapForTenants(30_000, 2 * MEASURED_TENANT_TEMPLATES));
  });

  it('never asks for more than three quarters of the machine, nor for less than it has', () => {
    expect(plan({ text: tenantsYaml(30_000), machine: 2_048 }).limit).toBe(1_536);
    expect(plan({ text: tenantsYaml(30_000), current: 8_000 }).limit).toBeUndefined();
  });

  it('runs in this process for a small repository, a limit the user chose or none, --help, verify, a debugger, the child it started, or no tenants.yaml', () => {
    const large = tenantsYaml(30_000);
    expect(plan({ text: tenantsYaml(2) }).limit).toBeUndefined();
    expect(plan({ text: large, execArgv: ['--max-old-space-size=2000'] }).limit).toBeUndefined();
    expect(plan({ text: large, execArgv: [], nodeOptions: '--max-old-space-size=1500', current: 1_500 }).limit).toBeUndefined();
    // No heap flag at all: V8's own limit, sized from the machine.
    expect(plan({ text: tenantsYaml(60_000), execArgv: [], current: 4_144 }).limit).toBeUndefined();
    expect(plan({ text: large, args: ['check', '--help'] }).limit).toBeUndefined();
    expect(plan({ text: large, execArgv: ['--max-old-space-size=1280', '--inspect-brk'] }).limit).toBeUndefined();
    expect(plan({ text: large, nodeOptions: '--inspect=9230' }).limit).toBeUndefined();
    expect(plan({ text: large, args: ['verify', 'manifests/'] }).limit).toBeUndefined();
    expect(plan({ text: large, env: { [SIZED_ENV]: '3750' } }).limit).toBeUndefined();
    expect(plan({}).limit).toBeUndefined();
  });
});

const dirs: string[] = [];
/** Processes a test started; a failing test must not leave them running. */
const pids: number[] = [];
afterAll(() => {
  for (const pid of pids) {
    try {
      // Only our own: a pid that ended may have been reused.
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tenantctl-heap-')) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, as it should be.
    }
  }
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A copy of bin/ whose dist/cli.js prints the heap limit and pid it runs with; with `wait` it stays until killed. */
function layout(tenants: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tenantctl-heap-'));
  dirs.push(dir);
  cpSync(path.join(repoRoot, 'bin'), path.join(dir, 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(
    path.join(dir, 'dist/cli.js'),
    [
      "import { getHeapStatistics } from 'node:v8';",
      'export async function main(argv) {',
      "  process.stdout.write(`heap ${Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20)} pid ${process.pid} args ${argv.join(' ')}\\n`);",
      // Takes half a second to stop, as a run does that finishes a write: long enough to tell who waited for whom.
      "  if (argv.includes('slow-stop')) process.on('SIGTERM', () => setTimeout(() => { process.removeAllListeners('SIGTERM'); process.kill(process.pid, 'SIGTERM'); }, 500));",
      "  if (argv.includes('wait')) await new Promise(() => setInterval(() => undefined, 1000));",
      "  if (argv.includes('fail')) process.exitCode = 3;",
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'tenants.yaml'), tenantsYaml(tenants));
  return dir;
}

const bin = (dir: string) => path.join(dir, 'bin/tenantctl.js');
const reported = (stdout: string) => {
  const m = /heap (\d+) pid (\d+) args (.*)/.exec(stdout);
  if (!m) throw new Error(`no report in ${JSON.stringify(stdout)}`);
  return { heap: Number(m[1]), pid: Number(m[2]), args: m[3] };
};
/** Running: /proc still has it and it is not a zombie waiting to be reaped. */
const alive = (pid: number) => {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function until(what: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (what()) return true;
  return what();
}

/** Starts the bin as a user would under the default cap, and resolves once the process running the command has reported. */
function started(dir: string, args: string[]) {
  const parent = spawn(process.execPath, [`--max-old-space-size=${DEFAULT_HEAP_MIB}`, bin(dir), ...args], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
  pids.push(parent.pid!);
  let stdout = '';
  let stderr = '';
  parent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => parent.on('exit', (code, signal) => resolve({ code, signal })));
  const report = new Promise<ReturnType<typeof reported>>((resolve) =>
    parent.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!stdout.includes('\n')) return;
      const child = reported(stdout);
      pids.push(child.pid);
      resolve(child);
    }),
  );
  return { parent, report, exit, stderr: () => stderr };
}

describe('the bin under its default heap cap', () => {
  const run = (dir: string, execArgv: string[], args: string[]) => spawnSync(process.execPath, [...execArgv, bin(dir), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

  it('runs a large repository in a child with a heap sized for its tenants, passing its output and exit code through', () => {
    const dir = layout(20_000);
    const r = run(dir, [`--max-old-space-size=${DEFAULT_HEAP_MIB}`], ['check', '--root', '.', 'fail']);
    const child = reported(r.stdout);
    expect(child.pid).not.toBe(r.pid);
    expect(child.heap).toBeGreaterThanOrEqual(heapForTenants(20_000));
    expect(heapForTenants(20_000)).toBeGreaterThan(DEFAULT_HEAP_MIB);
    expect(child.args).toBe('check --root . fail');
    expect([r.status, r.stderr]).toEqual([3, '']);
  });

  it('runs a small repository, and any repository under a limit the user set, in its own process', () => {
    const small = run(layout(2), [`--max-old-space-size=${DEFAULT_HEAP_MIB}`], ['check']);
    expect(reported(small.stdout).pid).toBe(small.pid);
    expect(reported(small.stdout).heap).toBeLessThan(DEFAULT_HEAP_MIB + 100);
    const chosen = run(layout(20_000), ['--max-old-space-size=1500'], ['check']);
    expect(reported(chosen.stdout).pid).toBe(chosen.pid);
    expect(reported(chosen.stdout).heap).toBeLessThan(1_600);
  });

  it('passes a SIGTERM on to the child and ends by it', async () => {
    const run = started(layout(20_000), ['render', 'wait', 'slow-stop']);
    const child = await run.report;
    expect(child.pid).not.toBe(run.parent.pid);
    run.parent.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: null, signal: 'SIGTERM' });
    // Gone before the bin ended: the bin waited for it instead of leaving it to notice on its own.
    expect(alive(child.pid)).toBe(false);
  });

  it('leaves no child running when it is killed outright', async () => {
    const run = started(layout(20_000), ['check', 'wait']);
    const child = await run.report;
    run.parent.kill('SIGKILL');
    await run.exit;
    expect(await until(() => !alive(child.pid))).toBe(true);
  });

  it('says in its own words that the child was aborted, with the limit and how to raise it, and exits 2', async () => {
    const run = started(layout(20_000), ['check', 'wait']);
    const child = await run.report;
    process.kill(child.pid, 'SIGABRT');
    expect(await run.exit).toEqual({ code: 2, signal: null });
    expect(run.stderr()).toContain(`heap limit of ${heapForTenants(20_000)} MiB`);
    expect(run.stderr()).toContain('node --max-old-space-size=<MiB> bin/tenantctl.js check wait');
  });
});
