// How much heap a run gets. The bin's shebang (and the npm scripts) cap the V8
// heap at DEFAULT_HEAP_MIB, which keeps a check of 10,000 tenants under
// 1.5 GiB: with a larger limit V8 lets the heap grow far past the live set.
// A run holds every tenant's objects, though, so under that cap a larger
// repository would abort with V8's "JavaScript heap out of memory". Before
// anything else is loaded, the bin counts the tenants in tenants.yaml and,
// when they need more than the cap allows, runs itself again in a child
// process with a limit sized for them (never past most of the machine's
// memory). A limit the user set, or none at all, is left alone.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_HEAP_MIB = 1280;

/**
 * Heap per tenant, in KiB, measured with the bundled templates (18 objects a
 * tenant): `check --base` of 14,000 tenants fit under 1,280 MiB, but with
 * every tenant checked afresh its rules took four times as long as at 10,000
 * (the collector near the cap); at 20,000 it aborted. A check of 50,000
 * completed within V8's 4,144 MiB: about 80 KiB a tenant. 128 leaves the
 * collector room, and keeps 10,000 tenants at the default cap.
 */
export const HEAP_KIB_PER_TENANT = 128;

/**
 * The templates rendered once per tenant, each one object, in the repository
 * HEAP_KIB_PER_TENANT was measured with (templates/tenant and the larger of the
 * GitOps tools' tenant folders): templates that make more objects per tenant
 * need proportionally more.
 */
export const MEASURED_TENANT_TEMPLATES = 20;

/** Never more than this share of the machine's memory: past it the system, not V8, would end the run. */
const MACHINE_SHARE = 0.75;

/** Marks the child the bin started, so it never starts another. */
export const SIZED_ENV = 'TENANTCTL_HEAP_SIZED';

/** Commands that load <root>/tenants.yaml. */
const REPOSITORY_COMMANDS = new Set(['render', 'check', 'plan', 'add', 'reach', 'can-i']);

const HEAP_FLAG = /^--max[-_]old[-_]space[-_]size=(\d+)$/;

/** The old-space limit (MiB) set on the command line or in NODE_OPTIONS; the command line wins, as in Node. */
export function requestedHeapMiB(execArgv, nodeOptions = '') {
  let mib;
  for (const arg of [...nodeOptions.split(/\s+/), ...execArgv]) {
    const m = HEAP_FLAG.exec(arg);
    if (m) mib = Number(m[1]);
  }
  return mib;
}

/**
 * About how many tenants a tenants.yaml lists: its `id:` keys, in block or
 * flow style. Other `id:` keys (and commented-out tenants) only count more,
 * which is the safe side: the limit is a ceiling, not an allocation.
 */
export function tenantCount(text) {
  return text.match(/(?:^|[\s{,])["']?id["']?[ \t]*:/gm)?.length ?? 0;
}

/** The heap (MiB) a run over this many tenants, each rendered by this many templates, needs: never less than the default cap. */
export function heapForTenants(tenants, templates = MEASURED_TENANT_TEMPLATES) {
  const perTenant = HEAP_KIB_PER_TENANT * Math.max(1, templates / MEASURED_TENANT_TEMPLATES);
  return Math.max(DEFAULT_HEAP_MIB, Math.ceil((tenants * perTenant) / 1024));
}

/**
 * Templates a tenant is rendered through: templates/tenant/, and the GitOps tool's tenant folder
 * with more of them. The folders are those src/render/templates.ts (isTemplate) takes as
 * tenant-scope; this runs before dist/ is loaded, so it names them again.
 */
export function tenantTemplateCount(templatesDir, list = (d) => readdirSync(d)) {
  const count = (d) => {
    try {
      return list(d).filter((f) => f.endsWith('.yaml.ejs')).length;
    } catch {
      return 0;
    }
  };
  return count(path.join(templatesDir, 'tenant')) + Math.max(count(path.join(templatesDir, 'gitops/argocd/tenant')), count(path.join(templatesDir, 'gitops/flux/tenant')));
}

/** The repository root a command line names with --root (default: the working directory). */
function rootOf(args, cwd) {
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--') break;
    if (args[i] === '--root' && i + 1 < args.length) return path.resolve(cwd, args[i + 1]);
    if (args[i].startsWith('--root=')) return path.resolve(cwd, args[i].slice('--root='.length));
  }
  return cwd;
}

/**
 * The heap limit (MiB) to run the command again with, or undefined to run it
 * in this process. `current` is this process's limit (MiB); `machine` the
 * machine's memory (MiB).
 */
export function heapPlan({ args, execArgv, nodeOptions, env, cwd, current, machine, readText = (f) => readFileSync(f, 'utf8'), list }) {
  if (env[SIZED_ENV] !== undefined) return undefined;
  // Only the bin's own cap is sized: another limit was chosen on purpose, and without any
  // (`node bin/tenantctl.js`) V8 sizes the heap from the machine, as the bench's "no cap" measures.
  if (requestedHeapMiB(execArgv, nodeOptions) !== DEFAULT_HEAP_MIB) return undefined;
  if (!REPOSITORY_COMMANDS.has(args[0]) || args.includes('--help') || args.includes('-h')) return undefined;
  // A debugger is attached to this process (and a child would find the inspector's port taken).
  if ([...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--inspect(-brk|-wait)?(=|$)/.test(a))) return undefined;
  const root = rootOf(args, cwd);
  let text;
  try {
    text = readText(path.join(root, 'tenants.yaml'));
  } catch {
    // The command itself reports a tenants.yaml it cannot read.
    return undefined;
  }
  const wanted = Math.min(heapForTenants(tenantCount(text), tenantTemplateCount(path.join(root, 'templates'), list)), Math.floor(machine * MACHINE_SHARE));
  return wanted > current ? wanted : undefined;
}

/**
 * Runs the bin again with `mib` of heap and ends this process as the child
 * ends: same exit code, same signal. Signals sent to this process are passed
 * on; if this process dies without passing one on (SIGKILL), the child sees
 * its channel close and stops (childSide).
 */
export function runSized(mib, binFile, args) {
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [...process.execArgv.filter((a) => !HEAP_FLAG.test(a)), `--max-old-space-size=${mib}`, binFile, ...args], {
          stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
          env: { ...process.env, [SIZED_ENV]: String(mib) },
        });
        const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
        const pass = (signal) => child.kill(signal);
        for (const s of signals) process.on(s, pass);
        child.on('error', (e) => {
          process.stderr.write(`tenantctl: cannot start a process with a ${mib} MiB heap (${e.message}); run node --max-old-space-size=${mib} bin/tenantctl.js ${args.join(' ')}\n`);
          process.exitCode = 2;
          resolve();
        });
        child.on('exit', (code, signal) => {
          for (const s of signals) process.off(s, pass);
          if (signal === 'SIGABRT') {
            // V8 aborts when the heap is exhausted, after printing its own error.
            process.stderr.write(`tenantctl: the run was aborted (SIGABRT, which V8 raises when the heap is exhausted) with a heap limit of ${mib} MiB, sized for the tenants in tenants.yaml; run it with a larger one: node --max-old-space-size=<MiB> bin/tenantctl.js ${args.join(' ')}\n`);
            process.exitCode = 2;
          } else if (signal) {
            process.kill(process.pid, signal);
          } else {
            process.exitCode = code ?? 2;
          }
          resolve();
        });
      }),
  );
}

/** In the child runSized started: stop when the parent is gone, without the channel keeping this process alive. */
export function childSide() {
  if (process.env[SIZED_ENV] === undefined || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
