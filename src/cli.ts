import { version } from './version.js';
import type { Command, CommandContext, CommandResult } from './commands/types.js';

// Each command module is imported only when it runs, so `--help` stays instant.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  render: { summary: 'render tenants.yaml into rendered/ (atomic; nothing written on error)', load: async () => (await import('./commands/render.js')).render },
  check: { summary: 're-render in memory; fail on drift, schema errors and isolation findings', load: async () => (await import('./commands/check.js')).check },
  'can-i': { summary: 'offline `kubectl auth can-i` over the RBAC objects of any manifests', load: async () => (await import('./commands/can-i.js')).canI },
  add: { summary: 'add a tenant to tenants.yaml (idempotent, keeps formatting) and render', load: async () => (await import('./commands/add.js')).add },
  plan: { summary: 'tenants added, changed and removed against a git ref, per object (text or markdown)', load: async () => (await import('./commands/plan.js')).plan },
  reach: { summary: 'NetworkPolicy reachability between workloads of any manifests', load: async () => (await import('./commands/reach.js')).reach },
};


function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'tenantctl: policy-validated GitOps manifests for namespace-per-tenant Kubernetes',
    '',
    'Usage: tenantctl <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Common options:',
    '  --root DIR     repository root holding tenants.yaml, templates/ and rendered/ (default: .)',
    '  --help         show help for a command',
    '',
    'Exit codes: 0 clean; 1 findings or drift; 2 usage error or input that cannot be processed.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], ctx: CommandContext): Promise<CommandResult> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return { stdout: help(), exitCode: name === undefined ? 2 : 0 };
  if (name === '--version' || name === '-v') return { stdout: `${version}\n`, exitCode: 0 };
  const entry = commands[name];
  if (!entry) return { stdout: '', stderr: `tenantctl: unknown command "${name}"\n\n${help()}`, exitCode: 2 };
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) return { stdout: `${command.summary}\n\nUsage: ${command.usage}\n`, exitCode: 0 };
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    const { UsageError } = await import('./commands/options.js');
    if (e instanceof UsageError) return { stdout: '', stderr: `tenantctl ${name}: ${e.message}\nUsage: ${command.usage}\n`, exitCode: 2 };
    throw e;
  }
}

/** The process entry point: the only place that writes to stdout/stderr and sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  try {
    const r = await runCli(argv, { cwd: process.cwd(), env: process.env, isTTY: Boolean(process.stdout.isTTY) });
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  } catch (e) {
    process.stderr.write(`tenantctl: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  }
}
