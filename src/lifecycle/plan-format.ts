import type { Change, ObjectChange, Plan, TenantChange } from './changes.js';
import type { FlowChange, FlowGroup } from '../analysis/delta/connectivity.js';
import type { CapacityChange } from '../analysis/delta/capacity.js';
import type { PermissionChange } from '../analysis/delta/permissions.js';
import { deletionList } from './removal.js';
import { verdictCounts, verdictLine, type PlanVerdict, type VerdictFinding } from './verdict.js';

export interface PlanView {
  plan: Plan;
  /** The ref as the user named it (never a hash that changes per run). */
  ref: string;
  /** Removed tenants that `check` would refuse, with the reason. */
  blocked: ReadonlySet<string>;
  /** Flows the change opens or closes (src/analysis/delta). */
  connectivity?: readonly FlowChange[];
  /** The same flows grouped by what changed for whom: the sentences read first. */
  flowGroups?: readonly FlowGroup[];
  /** What the GitOps controller would delete for tenants that stay (delivery findings), shown first. */
  deletions?: readonly string[];
  /** What each bound subject gains or loses (src/analysis/delta). */
  permissions?: readonly PermissionChange[];
  /** Quota, peak use and headroom before and after, per tenant and resource (src/analysis/delta). */
  capacity?: readonly CapacityChange[];
  /** `check`'s result on the head (src/lifecycle/verdict.ts). */
  verdict?: PlanVerdict;
  /** Sections that could not be computed, and why (objects whose shapes their schemas refuse): a missing section must not read as "no changes". */
  notComputed?: readonly string[];
}

/** `1 unintended deletion(s) by the GitOps controller; 0 tenant(s) added, …`: deletions first. */
function summaryText(c: Record<Change, number>, deletions: number): string {
  return `${deletions ? `${deletions} unintended deletion(s) by the GitOps controller; ` : ''}${c.added} tenant(s) added, ${c.changed} changed, ${c.removed} removed`;
}

const passWord = (v: PlanVerdict) => (v.passes ? 'passes' : 'fails');

/** The verdict as text: one line, then the findings, deletions first and marked `!`. */
function verdictText(v: PlanVerdict): string[] {
  const counts = v.errors + v.warnings + v.infos === 0 ? 'no findings' : verdictCounts(v);
  const out = [`Verdict: \`${v.command}\` ${passWord(v)} on the head (exit ${v.exitCode}): ${counts}`];
  for (const f of v.findings) out.push(`  ${f.deletion ? '! ' : '  '}${verdictLine(f)}`);
  if (v.more > 0) out.push(`    … and ${v.more} more: run \`${v.command}\``);
  return out;
}

const pair = (p: readonly [string, string]) => (p[0] === p[1] ? p[0] : `${p[0]} → ${p[1]}`);

function overNote(c: CapacityChange): string {
  return c.over[0] === c.over[1] ? '' : c.over[1] ? ' (OVER QUOTA at peak)' : ' (fits again)';
}

function capacityLine(c: CapacityChange): string {
  return `${c.tenant} ${c.resource}: hard ${pair(c.hard)}, peak use ${pair(c.peak)}, headroom ${pair(c.headroom)}${overNote(c)}`;
}

/** One sentence per tenant whose quota stops (or starts) covering its peak use. */
function capacityVerdicts(capacity: readonly CapacityChange[]): string[] {
  const by = new Map<string, { over: string[]; fits: string[] }>();
  for (const c of capacity) {
    if (c.over[0] === c.over[1]) continue;
    const e = by.get(c.tenant) ?? { over: [], fits: [] };
    (c.over[1] ? e.over : e.fits).push(c.resource);
    by.set(c.tenant, e);
  }
  const out: string[] = [];
  for (const [tenant, e] of by) {
    if (e.over.length) out.push(`${tenant} no longer fits its quota at peak (mid-rollout at the HPA maximum): ${e.over.join(', ')}`);
    if (e.fits.length) out.push(`${tenant} fits its quota at peak again: ${e.fits.join(', ')}`);
  }
  return out;
}

function permissionLine(p: PermissionChange): string {
  const where = p.namespace ? `in ${p.namespace}` : 'cluster-wide';
  const parts = [...p.gained.map((g) => `+ ${g}`), ...p.lost.map((l) => `- ${l}`)];
  const shown = parts.length > 12 ? [...parts.slice(0, 12), `… ${parts.length - 12} more`] : parts;
  return `${p.subject} ${where}: ${shown.join('; ')}`;
}

/** A group of flows as the sentence a reviewer reads: who can now (or no longer) reach what, on which ports. */
export function flowSentence(g: FlowGroup): string {
  const [src, dst] = g.direction === 'to' ? [g.who, g.peer] : [g.peer, g.who];
  const count = g.flows > 1 ? ` [${g.flows} flows]` : '';
  if (g.opens && !g.closes) return `${src} can now reach ${dst} on ${g.opens}${g.before === 'denied' ? '' : ` (was ${g.before})`}${count}`;
  if (g.closes && !g.opens) return `${src} can no longer reach ${dst} on ${g.closes}${g.after === 'denied' ? '' : ` (still ${g.after})`}${count}`;
  return `${src} -> ${dst}: now ${g.after}, was ${g.before}${count}`;
}

/** Whether tenants.yaml declares the flow, as said after it: `declared: external services (TCP 80)` or `undeclared`. */
export function intentLabel(f: Pick<FlowChange, 'declared' | 'intent'>): string {
  if (f.declared === undefined) return '';
  return f.declared ? `declared${f.intent?.length ? `: ${f.intent.join(', ')}` : ''}` : 'undeclared: not a flow tenants.yaml declares';
}

/** `4 undeclared flow(s) open, 2 declared flow(s) close`: the flows a reviewer must look at, or '' when none. */
function reviewSummary(flows: readonly FlowChange[]): string {
  const opens = flows.filter((f) => f.review && f.opens).length;
  const closes = flows.filter((f) => f.review && !f.opens).length;
  return [opens ? `${opens} undeclared flow(s) open` : '', closes ? `${closes} declared flow(s) close` : ''].filter(Boolean).join(', ');
}

const sign: Record<Change, string> = { added: '+', removed: '-', changed: '~' };

function counts(plan: Plan): Record<Change, number> {
  const c = { added: 0, changed: 0, removed: 0 };
  for (const t of plan.tenants) c[t.change]++;
  return c;
}

function describe(t: TenantChange): string {
  const bits = [t.namespace, t.tenant ? `tier ${t.tenant.tierName}` : undefined, t.tenant?.cluster ? `cluster ${t.tenant.cluster}` : undefined].filter(Boolean);
  return bits.length > 0 ? ` (${bits.join(', ')})` : '';
}

function objectCounts(objects: readonly ObjectChange[]): string {
  const c = { added: 0, changed: 0, removed: 0 };
  for (const o of objects) c[o.change]++;
  const parts = (['added', 'changed', 'removed'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'no object changes';
}

export function planText({ plan, ref, blocked, connectivity = [], flowGroups = [], deletions = [], permissions = [], capacity = [], verdict, notComputed = [] }: PlanView): string {
  const c = counts(plan);
  const out = [`Plan against ${ref}: ${summaryText(c, deletions.length)}`];
  // The verdict lists the deletions first; without one they are listed here.
  if (verdict) out.push(...verdictText(verdict));
  else for (const d of deletions) out.push(`! ${d}`);
  for (const n of notComputed) out.push(`! ${n}`);
  if (plan.tenants.length === 0 && plan.platform.length === 0) return `${out.join('\n')}\nNo changes.\n`;
  if (connectivity.length > 0) {
    const review = reviewSummary(connectivity);
    out.push('', `Connectivity: ${connectivity.length} flow(s) change (NetworkPolicy evaluation of base and head)${review ? `; ${review}: look at the lines marked !` : ''}`);
    const tail = (f: Pick<FlowChange, 'declared' | 'intent'>) => (f.declared === undefined ? '' : ` — ${intentLabel(f)}`);
    for (const g of flowGroups) out.push(`  ${g.review ? '! ' : '  '}${flowSentence(g)}${tail(g)}`);
    if (flowGroups.length === 0) for (const f of connectivity) out.push(`  ${f.review ? '! ' : '  '}${f.from} -> ${f.to}: now ${f.after}, was ${f.before}${tail(f)}`);
  }
  if (permissions.length > 0) {
    out.push('', `Permissions: ${permissions.length} subject(s) gain or lose access (RBAC evaluation of base and head)`);
    for (const p of permissions) out.push(`    ${permissionLine(p)}`);
  }
  if (capacity.length > 0) {
    out.push('', `Capacity: ${capacity.length} quota resource(s) change (peak = mid-rollout at the HPA maximum)`);
    for (const v of capacityVerdicts(capacity)) out.push(`    ! ${v}`);
    for (const c of capacity) out.push(`    ${capacityLine(c)}`);
  }
  for (const t of plan.tenants) {
    out.push('', `${sign[t.change]} tenant ${t.id}${describe(t)}: ${t.change}, ${objectCounts(t.objects)}`);
    for (const f of t.fields) out.push(`    ${f}`);
    for (const o of t.objects) out.push(`    ${sign[o.change]} ${o.ref}`);
    if (t.change === 'removed') {
      out.push(blocked.has(t.id) ? '    ! BLOCKED: not decommissioned in the base; `check` fails unless --allow-removal is given' : '    removal is deliberate (decommissioned earlier or allowed)');
      out.push('    deleting the namespace would delete:', ...deletionList(t).slice(0, 2).map((l) => `      ${l}`));
    }
  }
  if (plan.platform.length > 0) {
    out.push('', `~ platform: ${objectCounts(plan.platform)}`);
    for (const o of plan.platform) out.push(`    ${sign[o.change]} ${o.ref}`);
  }
  return `${out.join('\n')}\n`;
}

const word: Record<Change, string> = { added: 'added', removed: 'removed', changed: 'changed' };

/** The plan as data, versioned, keys in a stable order: what `planJson` writes and the HTML page shows. */
export function planDocument({ plan, ref, blocked, connectivity = [], flowGroups = [], deletions = [], permissions = [], capacity = [], verdict, notComputed = [] }: PlanView) {
  const c = counts(plan);
  return {
    version: 1,
    ref,
    ...(verdict ? { verdict } : {}),
    ...(notComputed.length ? { notComputed } : {}),
    summary: { added: c.added, changed: c.changed, removed: c.removed, deletions: deletions.length },
    deletions,
    connectivitySummary: flowGroups.map((g) => ({ ...g, sentence: flowSentence(g) })),
    connectivity,
    permissions,
    capacitySummary: capacityVerdicts(capacity),
    capacity,
    tenants: plan.tenants.map((t) => ({
      id: t.id,
      change: t.change,
      ...(t.namespace ? { namespace: t.namespace } : {}),
      ...(t.tenant ? { tier: t.tenant.tierName } : {}),
      ...(t.change === 'removed' ? { blocked: blocked.has(t.id) } : {}),
      settings: t.fields,
      objects: t.objects,
    })),
    platform: plan.platform,
  };
}

/** The plan document as JSON: for bots and dashboards. */
export function planJson(view: PlanView): string {
  return `${JSON.stringify(planDocument(view), null, 2)}\n`;
}

/** Inline markdown: `<` would start HTML, a newline would end the bullet. */
const inline = (s: string) => s.replace(/</g, '&lt;').replace(/\r?\n/g, ' ');

function findingMarkdown(f: VerdictFinding): string {
  const sev = f.waived ? `waived ${f.severity}` : f.severity;
  return `**${sev}** \`${f.ruleId}\`${f.tenant ? ` (${inline(f.tenant)})` : ''}${f.where ? ` \`${f.where.replace(/`/g, "'")}\`` : ''}: ${inline(f.message)}${f.waived ? ` (waived: ${inline(f.waived)})` : ''}`;
}

/** Findings shown before the rest are folded: a comment read in seconds. */
const SHOWN = 3;

/**
 * The verdict first, as a reviewer reads a pull-request comment: pass or fail
 * in the title, the counts and what the change does in one sentence, what it
 * deletes in a caution block, the most severe other findings, the rest folded.
 */
function verdictMarkdown(v: PlanVerdict, compared: string): string[] {
  const out = [`## Tenant plan: ${v.passes ? '✅ `check` passes' : '❌ `check` fails'} on the head`, ''];
  const counts = v.errors + v.warnings + v.infos === 0 ? 'no findings' : verdictCounts(v).replace(/^(\d+ errors?)/, v.errors ? '**$1**' : '$1');
  out.push(`\`${v.command}\` exits ${v.exitCode}: ${counts}. ${compared}`);
  const deletions = v.findings.filter((f) => f.deletion);
  const rest = v.findings.filter((f) => !f.deletion);
  if (deletions.length > 0) out.push('', '> [!CAUTION]', ...deletions.map((f) => `> ${findingMarkdown(f)}`));
  if (rest.length > 0) out.push('', ...rest.slice(0, SHOWN).map((f) => `- ${findingMarkdown(f)}`));
  const folded = rest.slice(SHOWN);
  const more = v.more > 0 ? `… and ${v.more} more: run \`${v.command}\`` : '';
  if (folded.length > 0) {
    out.push('', `<details><summary>${folded.length + v.more} more finding(s)</summary>`, '', ...folded.map((f) => `- ${findingMarkdown(f)}`), ...(more ? [`- ${more}`] : []), '', '</details>');
  } else if (more) out.push(`- ${more}`);
  return out;
}

/**
 * Rows of each list the markdown plan shows, and tenants whose objects it
 * lists. The markdown goes to a job summary or a pull-request comment, which
 * GitHub caps (a step's summary at 1 MiB, a comment at 64 KiB, and it drops a
 * summary that is larger): a change to every tenant of a large repository
 * must not lose the whole plan. The text and JSON plans list everything.
 */
export const MARKDOWN_ROWS = 100;
export const MARKDOWN_TENANT_DETAILS = 50;
/** Objects listed per tenant: a tenant renders about 18, and one moved to another namespace twice that. */
export const MARKDOWN_TENANT_OBJECTS = 40;

export function planMarkdown({ plan, ref, blocked, connectivity = [], flowGroups = [], deletions = [], permissions = [], capacity = [], verdict, notComputed = [] }: PlanView): string {
  const everything = `\`tenantctl plan${ref.startsWith('merge base ') ? '' : ` --base ${ref.replace(/`/g, "'")}`}\` lists every one`;
  /**
   * The first `limit` of a list, and a line saying how many more there are: an
   * item of the list it ends (`- `, `> `), or a paragraph after a table ('').
   */
  const capped = <T>(list: readonly T[], line: (x: T) => string, limit = MARKDOWN_ROWS, item: '' | '- ' | '> ' = ''): string[] => {
    if (list.length <= limit) return list.map(line);
    const more = `_… and ${list.length - limit} more: ${everything}._`;
    return [...list.slice(0, limit).map(line), ...(item ? [`${item}${more}`] : ['', more])];
  };
  const c = counts(plan);
  const review = reviewSummary(connectivity);
  const compared = `Compared with \`${ref}\`: ${deletions.length ? `**${deletions.length} unintended deletion(s)** by the GitOps controller, ` : ''}**${c.added} added**, **${c.changed} changed**, **${c.removed} removed**${review ? `; **${review}**` : ''}.`;
  const out = verdict ? verdictMarkdown(verdict, compared) : ['## Tenant plan', '', compared];
  if (!verdict && deletions.length > 0) out.push('', '> [!CAUTION]', ...deletions.map((d) => `> ${d}`));
  if (notComputed.length > 0) out.push('', '> [!WARNING]', ...notComputed.map((n) => `> ${inline(n)}`));
  if (plan.tenants.length === 0 && plan.platform.length === 0) return `${out.join('\n')}\n\nNo changes.\n`;
  const removedBlocked = plan.tenants.filter((t) => t.change === 'removed' && blocked.has(t.id));
  if (removedBlocked.length > 0) {
    out.push('', '> [!CAUTION]', `> Removing ${removedBlocked.map((t) => `\`${t.id}\``).join(', ')} deletes namespaces and data, and none was decommissioned first: \`check\` fails until it is (or \`--allow-removal\` is given).`);
  }
  if (connectivity.length > 0) {
    const review = reviewSummary(connectivity);
    out.push('', `### Connectivity: ${connectivity.length} flow(s) change${review ? `, ${review}` : ''}`, '');
    const named = (f: Pick<FlowChange, 'declared' | 'intent'>) => (f.declared && f.intent?.length ? `: ${f.intent.join(', ')}` : '');
    const mark = (f: Pick<FlowChange, 'declared' | 'intent' | 'review'>) =>
      f.declared === undefined ? '' : f.review ? ` — **${f.declared ? `declared${named(f)}, and it closes` : 'undeclared'}**` : ` — ${f.declared ? `declared${named(f)}` : 'undeclared'}`;
    out.push(...capped(flowGroups, (g) => `- ${g.review ? '⚠️ ' : ''}${flowSentence(g)}${mark(g)}`, MARKDOWN_ROWS, '- '));
    const declaredColumn = connectivity.some((f) => f.declared !== undefined);
    out.push('', `<details><summary>${connectivity.length} flow(s), before and after</summary>`, '', `| From | To | Before | After |${declaredColumn ? ' Declared |' : ''}`, `| --- | --- | --- | --- |${declaredColumn ? ' --- |' : ''}`);
    const declaredCell = (f: FlowChange) => (f.declared ? `yes${named(f)}` : f.review ? '**no**' : 'no');
    out.push(...capped(connectivity, (f) => `| \`${f.from}\` | \`${f.to}\` | ${f.before} | ${f.after} |${declaredColumn ? ` ${declaredCell(f)} |` : ''}`));
    out.push('', '</details>');
  }
  if (permissions.length > 0) {
    out.push('', `### Permissions: ${permissions.length} subject(s) change`, '', '| Subject | Where | Gains | Loses |', '| --- | --- | --- | --- |');
    out.push(...capped(permissions, (p) => `| \`${p.subject}\` | ${p.namespace ? `\`${p.namespace}\`` : 'cluster-wide'} | ${p.gained.map((g) => `\`${g}\``).join(', ') || '–'} | ${p.lost.map((l) => `\`${l}\``).join(', ') || '–'} |`));
  }
  if (capacity.length > 0) {
    out.push('', `### Capacity: ${capacity.length} quota resource(s) change`, '');
    const verdicts = capacityVerdicts(capacity);
    if (verdicts.length > 0) out.push('> [!WARNING]', ...capped(verdicts, (v) => `> ${v}`, MARKDOWN_ROWS, '> '), '');
    out.push('| Tenant | Resource | Hard | Peak use | Headroom |', '| --- | --- | --- | --- | --- |');
    out.push(...capped(capacity, (c) => `| \`${c.tenant}\` | ${c.resource} | ${pair(c.hard)} | ${pair(c.peak)} | ${pair(c.headroom)}${c.over[0] !== c.over[1] ? (c.over[1] ? ' **over quota at peak**' : ' (fits again)') : ''} |`));
  }
  if (plan.tenants.length > 0) {
    out.push('', '| Change | Tenant | Namespace | Objects |', '| --- | --- | --- | --- |');
    out.push(...capped(plan.tenants, (t) => `| ${word[t.change]} | \`${t.id}\` | \`${t.namespace ?? '?'}\` | ${objectCounts(t.objects)} |`));
  }
  for (const t of plan.tenants.slice(0, MARKDOWN_TENANT_DETAILS)) {
    out.push('', `<details><summary><code>${t.id}</code>: ${t.change}, ${objectCounts(t.objects)}</summary>`, '');
    for (const f of t.fields) out.push(`- ${f}`);
    out.push(...capped(t.objects, (o) => `- ${word[o.change]} \`${o.ref}\``, MARKDOWN_TENANT_OBJECTS, '- '));
    if (t.change === 'removed') {
      out.push('', 'Deleting the namespace would delete:', '', ...deletionList(t).slice(0, 2).map((l) => `- ${l}`));
    }
    out.push('', '</details>');
  }
  if (plan.tenants.length > MARKDOWN_TENANT_DETAILS) out.push('', `_The objects of ${plan.tenants.length - MARKDOWN_TENANT_DETAILS} more tenant(s) are not listed here: ${everything}._`);
  if (plan.platform.length > 0) {
    out.push('', `<details><summary>platform: ${objectCounts(plan.platform)}</summary>`, '');
    out.push(...capped(plan.platform, (o) => `- ${word[o.change]} \`${o.ref}\``, MARKDOWN_ROWS, '- '));
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
