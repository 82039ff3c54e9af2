import { readInputs } from '../manifest/read-inputs.js';
import { formatLocation, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Manifest } from '../manifest/types.js';
import {
  allowed,
  buildModel,
  connection,
  displayNames,
  externalAtoms,
  formatPorts,
  formatRange,
  ipRemote,
  isEmptyPorts,
  isProtocol,
  listConnections,
  parseCidr,
  toPortJson,
  type EvalOptions,
  type IpRange,
  type NetpolModel,
  type Protocol,
  type Remote,
  type Workload,
} from '../analysis/netpol/index.js';
import { parseOptions, UsageError } from './options.js';
import { reachSpec } from './specs.js';
import type { Command, CommandContext, CommandResult } from './types.js';

interface Options {
  manifests: string;
  from?: string;
  to?: string;
  port?: { port: number; protocol: Protocol };
  format: 'text' | 'json';
  eval: EvalOptions;
}

function options(argv: readonly string[]): Options {
  const { values } = parseOptions(reachSpec, argv);
  if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together');
  if (values.port !== undefined && values.from === undefined) throw new UsageError('--port needs --from and --to');
  const opts: Options = { manifests: values.manifests, format: values.format, eval: { ipBlockMatchesPods: values['ipblock-matches-pods'] } };
  if (values.from !== undefined) opts.from = values.from;
  if (values.to !== undefined) opts.to = values.to;
  if (values.port !== undefined) {
    const pm = /^(\d+)(?:\/([A-Za-z]+))?$/.exec(values.port);
    const protocol = (pm?.[2] ?? 'TCP').toUpperCase();
    const port = Number(pm?.[1]);
    if (!pm || !isProtocol(protocol) || port < 1 || port > 65535) {
      throw new UsageError(`--port must look like 8000/TCP (port 1-65535; TCP, UDP or SCTP), not "${values.port}"`);
    }
    opts.port = { port, protocol };
  }
  return opts;
}

type Side = { kind: 'workload'; workload: Workload } | { kind: 'external'; range: IpRange };

function resolveSide(arg: string, model: NetpolModel, names: Map<Workload, string>): Side {
  const exact = model.workloads.filter((w) => w.id === arg || names.get(w) === arg);
  if (exact.length === 1) return { kind: 'workload', workload: exact[0]! };
  const loose = model.workloads.filter((w) => `${w.namespace}/${w.name}` === arg);
  if (loose.length > 1) throw new UsageError(`"${arg}" is ambiguous: ${loose.map((w) => w.id).join(', ')}`);
  const range = parseCidr(arg);
  if (range) return { kind: 'external', range };
  const known = [...names.values()].sort();
  const shown = known.length > 10 ? `${known.slice(0, 10).join(', ')}, …` : known.join(', ') || '(none)';
  throw new UsageError(`no workload "${arg}" in the manifests (expected NS/WORKLOAD or an IP/CIDR); known: ${shown}`);
}

function sideName(s: Side, names: Map<Workload, string>): string {
  return s.kind === 'workload' ? names.get(s.workload)! : formatRange(s.range);
}

/** External sides are split into the atoms policies distinguish, so each answer is exact. */
function remotes(s: Side, model: NetpolModel): { label?: string; remote: Remote }[] {
  if (s.kind === 'workload') return [{ remote: { kind: 'pod', endpoint: s.workload } }];
  return externalAtoms(model.policies, [s.range]).map((r) => ({ label: formatRange(r), remote: ipRemote(r) }));
}

function answer(model: NetpolModel, opts: Options, names: Map<Workload, string>): CommandResult {
  const from = resolveSide(opts.from!, model, names);
  const to = resolveSide(opts.to!, model, names);
  if (from.kind === 'external' && to.kind === 'external') throw new UsageError('--from and --to cannot both be external: NetworkPolicy governs pods only');
  const parts: { range?: string; allowed: boolean; egressPolicies: string[]; ingressPolicies: string[]; reason: string; ports?: ReturnType<typeof toPortJson> }[] = [];
  for (const s of remotes(from, model)) {
    for (const d of remotes(to, model)) {
      const range = s.label ?? d.label;
      const base = range === undefined ? {} : { range };
      if (opts.port) {
        const a = allowed(model.policies, s.remote, d.remote, opts.port.port, opts.port.protocol, opts.eval);
        parts.push({ ...base, allowed: a.allowed, egressPolicies: [...a.egressPolicies], ingressPolicies: [...a.ingressPolicies], reason: a.reason });
      } else {
        const c = connection(model.policies, s.remote, d.remote, opts.eval);
        const eg = c.egress?.isolated ? (c.egress.allowedBy.length ? c.egress.allowedBy.map((x) => x.policy) : [...c.egress.policies]) : [];
        const ig = c.ingress?.isolated ? (c.ingress.allowedBy.length ? c.ingress.allowedBy.map((x) => x.policy) : [...c.ingress.policies]) : [];
        parts.push({ ...base, allowed: !isEmptyPorts(c.ports), egressPolicies: eg, ingressPolicies: ig, reason: formatPorts(c.ports), ports: toPortJson(c.ports) });
      }
    }
  }
  const ok = parts.every((p) => p.allowed);
  const question = { from: sideName(from, names), to: sideName(to, names), ...(opts.port ? { port: opts.port.port, protocol: opts.port.protocol } : {}) };
  if (opts.format === 'json') {
    return { stdout: `${JSON.stringify({ version: 1, question, allowed: ok, answers: parts }, null, 2)}\n`, exitCode: ok ? 0 : 1 };
  }
  const what = opts.port ? ` ${opts.port.protocol}/${opts.port.port}` : '';
  const lines = [`${ok ? 'ALLOWED' : 'DENIED'}: ${question.from} -> ${question.to}${what}`];
  for (const p of parts) {
    const at = p.range ? `  [${p.range}] ${p.allowed ? 'allowed' : 'denied'}` : '';
    if (at) lines.push(at);
    const indent = p.range ? '    ' : '  ';
    if (opts.port) for (const r of p.reason.split('; ')) lines.push(`${indent}${r}`);
    else {
      lines.push(`${indent}allowed ports: ${p.reason}`);
      lines.push(`${indent}egress decided by: ${p.egressPolicies.join(', ') || '(no policy: unrestricted)'}`);
      lines.push(`${indent}ingress decided by: ${p.ingressPolicies.join(', ') || '(no policy: unrestricted)'}`);
    }
  }
  return { stdout: `${lines.join('\n')}\n`, exitCode: ok ? 0 : 1 };
}

function listing(model: NetpolModel, opts: Options, names: Map<Workload, string>): CommandResult {
  const list = listConnections(model, opts.eval);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const pairs = list.pairs
    .map((p) => ({ src: names.get(p.src)!, dst: names.get(p.dst)!, ports: p.ports }))
    .sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst));
  const external = list.external.map((e) => ({ direction: e.direction, range: formatRange(e.range), workload: names.get(e.workload)!, ports: e.ports }));
  if (opts.format === 'json') {
    const out = {
      version: 1,
      connections: pairs.map((p) => ({ src: p.src, dst: p.dst, ports: toPortJson(p.ports) })),
      external: external.map((e) => ({ direction: e.direction, range: e.range, workload: e.workload, ports: toPortJson(e.ports) })),
      warnings: [...model.warnings],
    };
    return { stdout: `${JSON.stringify(out, null, 2)}\n`, exitCode: 0 };
  }
  const lines = [
    ...pairs.map((p) => `${p.src} => ${p.dst} : ${formatPorts(p.ports)}`),
    ...external.map((e) => (e.direction === 'ingress' ? `${e.range} => ${e.workload}` : `${e.workload} => ${e.range}`) + ` : ${formatPorts(e.ports)}`),
  ];
  return { stdout: lines.length ? `${lines.join('\n')}\n` : '', exitCode: 0 };
}

/** A finding as `file:line:column: message`, or the message alone when it has no place. */
const located = (d: Diagnostic): string => `${d.file ? `${formatLocation(d.file)}: ` : ''}${d.message}`;

/** At most this many objects are named; the rest are counted. */
const SHOWN = 10;

/**
 * The evaluation failed. When some objects have shapes their schemas refuse
 * (a number where a list belongs), the model could not read them: that is the
 * input's fault, said with file:line and exit 2. With every shape valid the
 * failure is a bug, and is thrown.
 */
async function refusedInput(e: unknown, manifests: readonly Manifest[]): Promise<CommandResult> {
  if (e instanceof UsageError) throw e;
  const { shapeProblems } = await import('../pipeline.js');
  const problems = await shapeProblems(manifests);
  if (problems.length === 0) throw e;
  const lines = problems.slice(0, SHOWN).map((d) => `  ${located(d)}`);
  if (problems.length > SHOWN) lines.push(`  and ${problems.length - SHOWN} more`);
  return { stdout: '', stderr: `tenantctl reach: cannot evaluate the NetworkPolicies: objects have shapes their schemas refuse:\n${lines.join('\n')}\nfix them (\`tenantctl verify PATH\` lists every schema finding) and ask again\n`, exitCode: 2 };
}

async function run(argv: string[], ctx: CommandContext): Promise<CommandResult> {
  const fail = (msg: string): CommandResult => ({ stdout: '', stderr: `tenantctl reach: ${msg}\n`, exitCode: 2 });
  const opts = options(argv);
  // A directory or a single file.
  const read = await readInputs([opts.manifests], { cwd: ctx.cwd });
  const missing = read.diagnostics.find((d) => d.ruleId === 'input/manifests');
  if (missing) return fail(`--manifests ${missing.message}`);
  // Unparseable YAML could hide a policy, so the answer would be unsound; other skipped documents are only noted.
  const broken = read.diagnostics.filter((d) => d.ruleId === 'manifest/yaml-syntax');
  const notes = read.diagnostics.filter((d) => d.ruleId !== 'manifest/yaml-syntax').map((d) => `warning: ${located(d)}`);
  if (broken.length > 0) {
    return fail(broken.map(located).join('\n'));
  }
  try {
    const model = buildModel(read.manifests);
    const names = displayNames(model.workloads);
    const stderrLines = [...notes, ...model.warnings.map((w) => `warning: ${w}`)];
    const r = opts.from !== undefined ? answer(model, opts, names) : listing(model, opts, names);
    return stderrLines.length ? { ...r, stderr: `${stderrLines.join('\n')}\n` } : r;
  } catch (e) {
    return refusedInput(e, read.manifests);
  }
}

export const reach: Command = {
  spec: reachSpec,
  run,
};
