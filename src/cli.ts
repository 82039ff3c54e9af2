import { fstatSync, writeSync } from 'node:fs';
import { version } from './version.js';
import { helpText, UsageError, usageMessage } from './commands/options.js';
import { commandSpecs } from './commands/specs.js';
import type { Command, CommandContext, CommandResult } from './commands/types.js';
import { nearest } from './diagnostics/suggest.js';

// Each command module is imported only when it runs, so `--help` stays instant.
const commands: Record<string, () => Promise<Command>> = {
  render: async () => (await import('./commands/render.js')).render,
  check: async () => (await import('./commands/check.js')).check,
  verify: async () => (await import('./commands/verify.js')).verify,
  add: async () => (await import('./commands/add.js')).add,
  plan: async () => (await import('./commands/plan.js')).plan,
  reach: async () => (await import('./commands/reach.js')).reach,
  'can-i': async () => (await import('./commands/can-i.js')).canI,
};

function help(): string {
  const width = Math.max(...commandSpecs.map((c) => c.name.length));
  return [
    'tenantctl: policy-validated GitOps manifests for namespace-per-tenant Kubernetes',
    '',
    'Usage: tenantctl <command> [options]',
    '',
    'Commands:',
    ...commandSpecs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (tenantctl <command> --help for a command\'s options)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 clean; 1 findings or drift; 2 usage error or input that cannot be processed.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], ctx: CommandContext): Promise<CommandResult> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return { stdout: help(), exitCode: name === undefined ? 2 : 0 };
  if (name === '--version' || name === '-v') return { stdout: `${version}\n`, exitCode: 0 };
  const load = commands[name];
  if (!load) {
    const guess = nearest(name, Object.keys(commands));
    return { stdout: '', stderr: `tenantctl: unknown command "${name}"${guess ? `; did you mean ${guess}?` : ''}\n\n${help()}`, exitCode: 2 };
  }
  const command = await load();
  // Options after `--` are arguments (can-i takes a literal "--help" as a resource name that way).
  const end = rest.indexOf('--');
  const flags = end < 0 ? rest : rest.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) return { stdout: helpText(command.spec), exitCode: 0 };
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: usageMessage(command.spec, e), exitCode: 2 };
    throw e;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Progress on a terminal's stderr, once a run has taken a second: a
 * 1,000-tenant check says what it is doing instead of staying silent, and a
 * quick run prints nothing extra. Pipes and CI logs never get it.
 */
function progressLine(command: string): (step: string) => void {
  return (step) => {
    const elapsed = performance.now();
    if (elapsed < 1000) return;
    process.stderr.write(`tenantctl ${command}: ${step}… (${(elapsed / 1000).toFixed(1)} s)\n`);
  };
}

/** UTF-16 code units encoded per write by writeSliced. */
const SLICE = 1 << 16;

/**
 * `text` to a regular file in slices, UTF-8 encoded into one reused buffer.
 * process.stdout.write would encode all of it into one fresh buffer as large as the
 * output (32 MB for `check --format json` at 10,000 tenants), and touching that much
 * new memory costs more than the encoding and the write together.
 */
export function writeSliced(fd: number, text: string, slice = SLICE): void {
  // Three bytes at most per code unit, and a slice may take one more to keep a surrogate pair whole.
  const buf = Buffer.allocUnsafe((Math.min(slice, text.length) + 1) * 3);
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + slice, text.length);
    // Split between its halves, a surrogate pair would encode as two U+FFFD.
    if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end++;
    const bytes = buf.write(text.slice(at, end));
    for (let done = 0; done < bytes; ) done += writeSync(fd, buf, done, bytes - done);
    at = end;
  }
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** Pipes and terminals keep process.stdout.write: their writes may be queued, so a reused buffer would change under them. */
function writeStdout(text: string): void {
  if (isRegularFile(1)) writeSliced(1, text);
  else process.stdout.write(text);
}

/** The process entry point: the only place that writes to stdout/stderr and sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  try {
    const r = await runCli(argv, { cwd: process.cwd(), env: process.env, isTTY: Boolean(process.stdout.isTTY), stdin: readStdin, ...(process.stderr.isTTY ? { progress: progressLine(argv[0] ?? '') } : {}) });
    if (r.stdout) writeStdout(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  } catch (e) {
    process.stderr.write(`tenantctl: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  }
}
