import type { CheckResult } from '../../diagnostics/result.js';
import type { FormatOptions } from '../types.js';
import { escapeHtml as e } from './escape.js';
import { reportPage } from './page.js';

/**
 * The fields of the `plan --format json` document that the page shows.
 * lifecycle/plan-format.ts writes that document; output/ may not import
 * lifecycle/, so the page takes the document itself and shows exactly what
 * the JSON says.
 */
export interface PlanDocument {
  ref: string;
  /** `check`'s result on the head (src/lifecycle/verdict.ts). */
  verdict?: {
    command: string;
    exitCode: number;
    passes: boolean;
    errors: number;
    warnings: number;
    infos: number;
    waived: number;
    findings: readonly { ruleId: string; severity: string; message: string; where?: string; tenant?: string; waived?: string; deletion?: boolean }[];
    more: number;
  };
  summary: { added: number; changed: number; removed: number; deletions: number };
  /** Sections that could not be computed, and why. */
  notComputed?: readonly string[];
  deletions: readonly string[];
  connectivitySummary?: readonly ({ sentence: string; opens: string; closes: string } & Intent)[];
  connectivity: readonly ({ from: string; to: string; before: string; after: string; opens?: string; closes?: string } & Intent)[];
  permissions: readonly { subject: string; namespace: string; gained: string[]; lost: string[] }[];
  capacitySummary?: readonly string[];
  capacity: readonly { tenant: string; resource: string; hard: [string, string]; peak: [string, string]; headroom: [string, string]; over?: [boolean, boolean] }[];
  tenants: readonly { id: string; change: 'added' | 'changed' | 'removed'; namespace?: string; tier?: string; blocked?: boolean; settings: string[]; objects: { change: string; ref: string }[] }[];
  platform: readonly { change: string; ref: string }[];
}

/** Whether tenants.yaml declares a flow (src/analysis/isolation/intent.ts), and whether a reviewer must look at it. */
interface Intent {
  declared?: boolean;
  intent?: readonly string[];
  review?: boolean;
}

/** A badge after a flow: declared (with the declared flows it belongs to) or undeclared, in red when it needs review. */
function intentBadge(f: Intent): string {
  if (f.declared === undefined) return '';
  const text = f.declared ? `declared${f.intent?.length ? `: ${f.intent.join(', ')}` : ''}` : 'undeclared';
  return ` <span class="intent ${f.declared ? 'declared' : 'undeclared'}${f.review ? ' review' : ''}">${e(text)}</span>`;
}

/** Rows of a long list written into the page; the JSON plan has them all. */
const MAX_ROWS = 1000;

const pair = (p: readonly [string, string]) => (p[0] === p[1] ? e(p[0]) : `${e(p[0])} → <b>${e(p[1])}</b>`);

function capped<T>(items: readonly T[], row: (t: T) => string, what: string): string {
  const more = items.length > MAX_ROWS ? `<p class="muted">The first ${MAX_ROWS} of ${items.length} ${what} are listed; <code>plan --format json</code> has them all.</p>` : '';
  return `${items.slice(0, MAX_ROWS).map(row).join('\n')}</tbody></table>${more}`;
}

function connectivity(doc: PlanDocument): string {
  if (doc.connectivity.length === 0) return '';
  const review = (f: Intent) => (f.review ? ' review' : '');
  const sentences = (doc.connectivitySummary ?? []).map((s) => `<li class="${s.opens ? 'delta-open' : 'delta-close'}${review(s)}"><span class="sentence">${e(s.sentence)}</span>${intentBadge(s)}</li>`).join('\n');
  const declared = doc.connectivity.some((f) => f.declared !== undefined);
  const row = (f: PlanDocument['connectivity'][number]) => {
    const opens = f.opens ?? '';
    return `<tr class="flow ${opens ? 'delta-open' : 'delta-close'}${review(f)}"><td class="mono">${e(f.from)}</td><td class="mono">${e(f.to)}</td><td>${e(f.before)}</td><td>${e(f.after)}</td><td class="delta-gain">${e(opens)}</td><td class="delta-loss">${e(f.closes ?? '')}</td>${declared ? `<td>${intentBadge(f)}</td>` : ''}</tr>`;
  };
  const toReview = doc.connectivity.filter((f) => f.review).length;
  return `<section class="card" id="delta-connectivity"><h2>Connectivity: ${doc.connectivity.length} flow(s) change${toReview ? ` <span class="sev error">${toReview} to review</span>` : ''}</h2>
${declared ? '<p class="muted">Declared: a flow tenants.yaml declares (ingress to the api, the shared database, DNS, external egress on <code>externalPorts</code>). Undeclared flows that open, and declared flows that close, are marked for review and listed first.</p>' : ''}
${sentences ? `<ul class="sentences">${sentences}</ul>` : ''}
<details${doc.connectivity.length <= 20 ? ' open' : ''}><summary>every flow</summary>
<table class="plain"><thead><tr><th>from</th><th>to</th><th>before</th><th>after</th><th>opens</th><th>closes</th>${declared ? '<th>declared</th>' : ''}</tr></thead><tbody>
${capped(doc.connectivity, row, 'flows')}
</details></section>`;
}

function permissions(doc: PlanDocument): string {
  if (doc.permissions.length === 0) return '';
  const list = (xs: readonly string[], cls: string, sign: string) => xs.map((x) => `<div class="${cls}">${sign} <code>${e(x)}</code></div>`).join('');
  const row = (p: PlanDocument['permissions'][number]) =>
    `<tr class="permission${p.gained.length ? ' delta-open' : ''}"><td class="mono">${e(p.subject)}</td><td>${p.namespace ? `<code>${e(p.namespace)}</code>` : 'cluster-wide'}</td><td>${list(p.gained, 'delta-gain', '+')}</td><td>${list(p.lost, 'delta-loss', '−')}</td></tr>`;
  return `<section class="card" id="delta-permissions"><h2>Permissions: ${doc.permissions.length} subject(s) gain or lose access</h2>
<table class="plain"><thead><tr><th>subject</th><th>where</th><th>gains</th><th>loses</th></tr></thead><tbody>
${capped(doc.permissions, row, 'subjects')}
</section>`;
}

function capacity(doc: PlanDocument): string {
  if (doc.capacity.length === 0) return '';
  const sentences = (doc.capacitySummary ?? []).map((s) => `<li class="${/no longer fits/.test(s) ? 'delta-open' : 'delta-close'}">${e(s)}</li>`).join('\n');
  const row = (c: PlanDocument['capacity'][number]) => {
    const over = c.over?.[1] ?? false;
    return `<tr class="capacity${over ? ' delta-open' : ''}"><td class="mono">${e(c.tenant)}</td><td class="mono">${e(c.resource)}</td><td>${pair(c.hard)}</td><td>${pair(c.peak)}</td><td>${pair(c.headroom)}${over ? ' <span class="sev error">over quota at peak</span>' : ''}</td></tr>`;
  };
  return `<section class="card" id="delta-capacity"><h2>Capacity: ${doc.capacity.length} quota resource(s) change</h2>
<p class="muted">Peak use is mid-rollout at the HPA maximum, the worst scenario of the quota analysis.</p>
${sentences ? `<ul class="sentences">${sentences}</ul>` : ''}
<table class="plain"><thead><tr><th>tenant</th><th>resource</th><th>hard</th><th>peak use</th><th>headroom</th></tr></thead><tbody>
${capped(doc.capacity, row, 'resources')}
</section>`;
}

const SIGN: Record<string, string> = { added: '+', removed: '−', changed: '~' };

function tenants(doc: PlanDocument): string {
  if (doc.tenants.length === 0 && doc.platform.length === 0) return '';
  const row = (t: PlanDocument['tenants'][number]) => {
    const settings = t.settings.map((s) => `<div class="mono">${e(s)}</div>`).join('');
    const objects = t.objects.length ? `<details><summary>${t.objects.length} object(s)</summary>${t.objects.map((o) => `<div class="mono">${e(SIGN[o.change] ?? '?')} ${e(o.ref)}</div>`).join('')}</details>` : '';
    const blocked = t.blocked ? '<div class="caution">not decommissioned in the base: <code>check</code> fails unless <code>--allow-removal</code> is given</div>' : '';
    return `<tr class="tenant-change ${e(t.change)}" data-tenant="${e(t.id)}"><td>${e(t.change)}</td><td class="mono">${e(t.id)}</td><td>${e(t.tier ?? '')}</td><td>${settings}${blocked}${objects}</td></tr>`;
  };
  const platform = doc.platform.length
    ? `<details><summary>platform: ${doc.platform.length} object(s)</summary>${doc.platform.map((o) => `<div class="mono">${e(SIGN[o.change] ?? '?')} ${e(o.ref)}</div>`).join('')}</details>`
    : '';
  return `<section class="card" id="delta-tenants"><h2>Tenants and settings</h2>
<table class="plain"><thead><tr><th>change</th><th>tenant</th><th>tier</th><th>settings and objects</th></tr></thead><tbody>
${capped(doc.tenants, row, 'tenants')}
${platform}
</section>`;
}

/** The verdict, first on the page: would check pass on the head, and the findings to read first (deletions before anything else). */
function verdictSection(v: NonNullable<PlanDocument['verdict']>): string {
  const status = `<span class="verdict ${v.passes ? (v.errors + v.warnings ? 'warn' : 'pass') : 'fail'}" id="plan-verdict-status">${v.passes ? '✓' : '✗'} <code>${e(v.command)}</code> ${v.passes ? 'passes' : 'fails'} on the head (exit ${v.exitCode})</span>`;
  const stat = (n: number, label: string, bad: boolean) => `<div class="stat${bad ? ' bad' : n === 0 ? ' ok' : ''}"><b>${n}</b>${e(label)}</div>`;
  const stats = `<div class="stats">${stat(v.errors, 'errors', v.errors - v.waived > 0)}${stat(v.warnings, 'warnings', false)}${stat(v.waived, 'waived', false)}</div>`;
  const item = (f: NonNullable<PlanDocument['verdict']>['findings'][number]) =>
    `<li class="verdict-finding${f.deletion ? ' caution' : ''}" data-rule="${e(f.ruleId)}"><span class="sev ${e(f.severity)}">${e(f.waived ? `waived ${f.severity}` : f.severity)}</span> <code>${e(f.ruleId)}</code>${f.tenant ? ` <span class="muted">${e(f.tenant)}</span>` : ''}${f.where ? ` <span class="mono loc">${e(f.where)}</span>` : ''}: ${e(f.message)}</li>`;
  const list = v.findings.length ? `<ol class="verdict-findings">${v.findings.map(item).join('\n')}</ol>` : '';
  const more = v.more > 0 ? `<p class="muted" id="plan-verdict-more">… and ${v.more} more: the findings below list them all.</p>` : '';
  return `<section class="card" id="plan-verdict"><h2>Verdict</h2>
${status}${stats}
${list}${more}
</section>`;
}

/** The semantic delta, deletions first, then what the change opens, grants and costs. */
export function planDelta(doc: PlanDocument): string {
  const s = doc.summary;
  const removedBlocked = doc.tenants.filter((t) => t.change === 'removed' && t.blocked).map((t) => t.id);
  const deletions = doc.deletions.length
    ? `<div class="caution" id="delta-deletions"><strong>${doc.deletions.length} deletion(s) by the GitOps controller that nobody asked for:</strong><ul>${doc.deletions.map((d) => `<li>${e(d)}</li>`).join('')}</ul></div>`
    : '';
  const blocked = removedBlocked.length
    ? `<div class="caution" id="delta-removals">Removing ${removedBlocked.map((id) => `<code>${e(id)}</code>`).join(', ')} deletes namespaces and their data, and none was decommissioned first.</div>`
    : '';
  const missing = doc.notComputed?.length ? `<div class="caution" id="delta-not-computed"><ul>${doc.notComputed.map((n) => `<li>${e(n)}</li>`).join('')}</ul></div>` : '';
  const none = doc.tenants.length === 0 && doc.platform.length === 0 && doc.connectivity.length === 0 ? '<p class="verdict pass">No changes.</p>' : '';
  return `${doc.verdict ? verdictSection(doc.verdict) : ''}
<section class="card" id="delta"><h2>Change against <code>${e(doc.ref)}</code></h2>
<div class="stats"><div class="stat"><b>${s.added}</b>tenants added</div><div class="stat"><b>${s.changed}</b>changed</div><div class="stat${s.removed ? ' bad' : ''}"><b>${s.removed}</b>removed</div><div class="stat${s.deletions ? ' bad' : ' ok'}"><b>${s.deletions}</b>unintended deletions</div><div class="stat${doc.connectivity.length ? ' bad' : ''}"><b>${doc.connectivity.length}</b>flows change</div><div class="stat"><b>${doc.permissions.length}</b>subjects' access changes</div><div class="stat"><b>${doc.capacity.length}</b>quota resources change</div></div>
${deletions}${missing}${blocked}${none}
</section>
${connectivity(doc)}
${permissions(doc)}
${capacity(doc)}
${tenants(doc)}
<h2 class="head-title">The head, as <code>check</code> sees it</h2>`;
}

/** `plan --format html`: the delta highlighted on top of the head's check report. */
export function planHtml(doc: PlanDocument, head: CheckResult, opts: FormatOptions): string {
  const s = doc.summary;
  return reportPage(head, opts, {
    title: 'tenantctl plan report',
    subtitle: `against ${doc.ref}: ${s.added} tenant(s) added, ${s.changed} changed, ${s.removed} removed · tenantctl ${opts.toolVersion}`,
    before: planDelta(doc),
  });
}
