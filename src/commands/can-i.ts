import { buildAuthorizer } from '../analysis/rbac/authorizer.js';
import { formatRuleTable, SUPERUSER_RULES } from '../analysis/rbac/list.js';
import { parseResourceArg } from '../analysis/rbac/resources.js';
import { refString, type AccessRequest, type ResourceRequest } from '../analysis/rbac/types.js';
import { userInfo } from '../analysis/rbac/user.js';
import { formatLocation } from '../diagnostics/diagnostic.js';
import { readInputs } from '../manifest/read-inputs.js';
import { parseOptions, UsageError } from './options.js';
import { canISpec } from './specs.js';
import type { Command, CommandContext, CommandResult } from './types.js';

const KNOWN_VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']);
const NON_STANDARD_VERBS = new Set(['use', 'bind', 'impersonate', 'escalate', 'approve', 'sign', '*', 'proxy']);

interface Options {
  positional: string[];
  as?: string;
  groups: string[];
  namespace?: string;
  allNamespaces: boolean;
  subresource?: string;
  manifests: string;
  list: boolean;
  noHeaders: boolean;
  explain: boolean;
  quiet: boolean;
}

function options(argv: readonly string[]): Options {
  const { values: v, positionals } = parseOptions(canISpec, argv);
  const o: Options = {
    positional: positionals,
    groups: v['as-group'],
    manifests: v.manifests,
    allNamespaces: v['all-namespaces'],
    list: v.list,
    noHeaders: v['no-headers'],
    explain: v.explain,
    quiet: v.quiet,
  };
  if (v.as !== undefined) o.as = v.as;
  if (v.namespace !== undefined) o.namespace = v.namespace;
  if (v.subresource !== undefined) o.subresource = v.subresource;
  return o;
}

function fail(message: string): never {
  throw new UsageError(message);
}

async function run(argv: string[], ctx: CommandContext): Promise<CommandResult> {
  const o = options(argv);
  if (o.as === undefined) return fail('--as USER is required: offline there is no logged-in identity to fall back to');
  if (o.list && o.positional.length > 0) return fail('list option must be specified with no arguments');
  if (!o.list && (o.positional.length < 2 || o.positional.length > 3)) {
    return fail('you must specify two or three arguments: verb, resource, and optional resourceName');
  }
  const warnings: string[] = [];
  const namespace = o.allNamespaces ? '' : (o.namespace ?? 'default');

  // A directory or a single file (a rendered tree, a kubectl get -o yaml dump).
  const read = await readInputs([o.manifests], { cwd: ctx.cwd });
  const missing = read.diagnostics.find((d) => d.ruleId === 'input/manifests');
  if (missing) return { stdout: '', stderr: `error: --manifests ${missing.message}\n`, exitCode: 2 };
  const broken = read.diagnostics.filter((d) => d.severity === 'error');
  if (broken.length > 0) {
    const lines = broken.map((d) => `${formatLocation(d.file) || d.file?.path || o.manifests}: ${d.message}`);
    return { stdout: '', stderr: `error: cannot evaluate RBAC over unreadable manifests:\n${lines.join('\n')}\n`, exitCode: 2 };
  }
  const authz = buildAuthorizer(read.manifests);
  const user = userInfo(o.as, o.groups);

  if (o.list) {
    const rules = authz.rulesFor(user, namespace).map((r) => r.rule);
    if (authz.superuserGroup(user)) rules.unshift(...SUPERUSER_RULES);
    return { stdout: formatRuleTable(rules, { headers: !o.noHeaders }), exitCode: 0 };
  }

  const [verb = '', target = '', name] = o.positional;
  if (!KNOWN_VERBS.has(verb) && !NON_STANDARD_VERBS.has(verb)) warnings.push(`verb '${verb}' is not a known verb`);
  let req: AccessRequest;
  if (target.startsWith('/')) {
    if (o.subresource) return fail('--subresource can not be used with NonResourceURL');
    if (name !== undefined) return fail('NonResourceURL and ResourceName can not specified together');
    req = { verb, nonResourceURL: target };
  } else {
    const parsed = parseResourceArg(target, authz.resources);
    if (!parsed.known && parsed.resource !== '*') {
      const where = parsed.apiGroup ? ` in group '${parsed.apiGroup}'` : '';
      warnings.push(`resource type '${parsed.resource}'${where} is not known (not built in, no CustomResourceDefinition); evaluated as written`);
    }
    const r: ResourceRequest = { verb, apiGroup: parsed.apiGroup, resource: parsed.resource, namespace };
    const sub = o.subresource ?? parsed.subresource;
    if (sub) r.subresource = sub;
    if (name !== undefined) r.name = name;
    if (authz.resources.isNamespaced(r.resource, r.apiGroup) === false && o.namespace !== undefined) {
      warnings.push(`resource '${r.resource}' is not namespace scoped`);
    }
    req = r;
  }

  const decision = authz.allowed(user, req);
  const lines = [decision.allowed ? 'yes' : 'no'];
  if (o.explain) {
    const ns = authz.effectiveNamespace(req);
    lines.push(`  as ${user.name} (groups: ${user.groups.join(', ')})${ns ? ` in namespace ${ns}` : ', cluster-wide'}`);
    if (decision.superuserGroup) lines.push(`  allowed: group ${decision.superuserGroup} bypasses authorization`);
    for (const v of decision.via) lines.push(`  allowed by ${refString(v.binding)} -> ${refString(v.role)}`);
    if (!decision.allowed) lines.push('  no binding grants this');
    for (const w of authz.warnings) warnings.push(`${refString(w.object)} ${w.message}`);
  }
  const stderr = warnings.map((w) => `Warning: ${w}\n`).join('');
  const result: CommandResult = { stdout: o.quiet ? '' : `${lines.join('\n')}\n`, exitCode: decision.allowed ? 0 : 1 };
  return stderr && !o.quiet ? { ...result, stderr } : result;
}

export const canI: Command = {
  spec: canISpec,
  run,
};
