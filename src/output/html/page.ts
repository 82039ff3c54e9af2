import { exitCodeFor, formatLocation, sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { CheckResult } from '../../diagnostics/result.js';
import { countDiagnostics, formatObject, plural, severityPhrase, shardNote } from '../common.js';
import type { FormatOptions } from '../types.js';
import { CLIENT_SCRIPT } from './client.js';
import { reportData, type ReportData } from './data.js';
import { escapeHtml as e, jsonForScript } from './escape.js';
import { STYLE } from './style.js';

/** Findings written into the page as rows; past this the JSON output has the rest (the page must stay light at any scale). */
export const MAX_FINDING_ROWS = 2000;

/** Where a rule's doc is: absolute with --docs base (CI), else the repo-relative path, which works for a report saved at the repository root. */
function docHref(helpUri: string, base: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(helpUri)) return helpUri;
  return base ? new URL(helpUri, base).href : helpUri;
}

function findingRow(d: Diagnostic, docs: ReadonlyMap<string, string>, base: string | undefined): string {
  const where = d.file ? formatLocation(d.file) : 'general';
  const doc = docs.get(d.ruleId);
  const rule = doc ? `<a href="${e(docHref(doc, base))}">${e(d.ruleId)}</a>` : e(d.ruleId);
  const context = [d.tenant ? `tenant ${d.tenant}` : '', d.object ? formatObject(d.object) : ''].filter(Boolean).join(' · ');
  const message = `${d.kind === 'failure' ? 'could not process: ' : ''}${d.message}`;
  return [
    `<tr class="finding" data-severity="${e(d.severity)}" data-rule="${e(d.ruleId)}">`,
    `<td><span class="sev ${e(d.severity)}">${e(d.severity)}</span>${d.waived ? '<div class="muted">waived</div>' : ''}</td>`,
    `<td class="mono">${rule}</td>`,
    `<td class="mono loc">${e(where)}</td>`,
    `<td class="msg">${e(message)}${context ? `<div class="muted">${e(context)}</div>` : ''}${d.waived ? `<div class="hint">waived: ${e(d.waived.reason)}</div>` : ''}${d.hint ? `<div class="hint">${e(d.hint)}</div>` : ''}</td>`,
    '</tr>',
  ].join('');
}

function findingsSection(result: CheckResult, opts: FormatOptions): string {
  const ds = sortDiagnostics(result.diagnostics);
  if (ds.length === 0) return `<section class="card" id="findings"><h2>Findings</h2><p class="verdict pass">No findings</p></section>`;
  const docs = new Map(result.rules.filter((r) => r.helpUri).map((r) => [r.id, r.helpUri]));
  const shown = ds.slice(0, MAX_FINDING_ROWS);
  const rows = shown.map((d) => findingRow(d, docs, opts.docsBaseUrl)).join('\n');
  const more = ds.length > shown.length ? `<p class="muted">The first ${MAX_FINDING_ROWS} of ${ds.length} findings are listed; <code>--format json</code> has them all.</p>` : '';
  return `<section class="card" id="findings">
<h2>Findings <span class="muted">(${e(severityPhrase(countDiagnostics(ds)))})</span></h2>
<div class="controls">
<select id="findings-severity" aria-label="severity"><option value="all">all severities</option><option value="error">errors</option><option value="warning">warnings</option><option value="info">infos</option></select>
<input type="search" id="findings-search" placeholder="filter findings: rule, file, tenant, text" aria-label="filter findings">
<span id="findings-count" class="muted"></span>
</div>
<table class="plain"><thead><tr><th>severity</th><th>rule</th><th>where</th><th>finding</th></tr></thead>
<tbody>
${rows}
</tbody></table>${more}
</section>`;
}

/** 18,015: grouped by hand, as Intl would depend on the machine's ICU data. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function stat(value: string, label: string, tone = ''): string {
  return `<div class="stat${tone ? ` ${tone}` : ''}"><b>${e(value)}</b>${e(label)}</div>`;
}

function summarySection(result: CheckResult, data: ReportData): string {
  const c = countDiagnostics(result.diagnostics);
  // The exit code decides, so a waived error does not fail the page while check passes.
  const phrase = `${severityPhrase(c)}${c.waived ? ` (${c.waived} waived)` : ''}`;
  const verdict =
    exitCodeFor(result.diagnostics) !== 0
      ? `<span class="verdict fail" id="verdict">✗ check fails: ${e(phrase)}</span>`
      : c.warnings + c.infos + c.errors > 0
        ? `<span class="verdict warn" id="verdict">✓ check passes with ${e(phrase)}</span>`
        : `<span class="verdict pass" id="verdict">✓ check passes: no findings</span>`;
  const paths = data.paths.filter((p) => p[2] === 'both').length;
  const oneSided = data.paths.length - paths;
  const over = data.quota.filter((q) => !q[1]).length;
  const stats = [
    stat(thousands(result.summary.tenants), 'tenants'),
    stat(thousands(result.summary.objects), 'objects'),
    stat(thousands(result.summary.files), 'files'),
    stat(thousands(paths), 'cross-tenant paths', paths ? 'bad' : 'ok'),
    stat(thousands(oneSided), 'one-sided exposures', oneSided ? 'bad' : 'ok'),
    ...(data.declaredFlows ? [stat(`${thousands(data.declaredFlows.checked - data.declaredFlows.blocked)}/${thousands(data.declaredFlows.checked)}`, 'declared flows open', data.declaredFlows.blocked ? 'bad' : 'ok')] : []),
    stat(thousands(over), 'tenants over quota', over ? 'bad' : 'ok'),
  ];
  return `<section class="card" id="summary"><h2>Verdict</h2>${verdict}<div class="stats">${stats.join('')}</div></section>`;
}

function matrixSection(data: ReportData): string {
  if (data.tenants.length === 0) return '';
  return `<section class="card" id="matrix">
<h2>Tenant isolation matrix</h2>
<p class="muted">Row: the tenant a connection comes from; column: the tenant it goes to. Every pair is proven by the NetworkPolicy engine of <code>check</code>; hover or click a cell for the policies that decide it.</p>
<div class="controls">
<input type="search" id="matrix-search" placeholder="search tenants by id, name or namespace" aria-label="search tenants">
<label><input type="checkbox" id="matrix-cols" checked> filter columns too</label>
<label><input type="checkbox" id="matrix-only-paths"> only tenants on a path</label>
<label>group by <select id="matrix-group-by"><option value="cluster">cluster</option><option value="tier">tier</option><option value="none">nothing</option></select></label>
<button type="button" id="matrix-clear">clear</button>
<span id="matrix-count" class="muted"></span>
</div>
<div class="legend"><span><span class="sw iso"></span>· isolated</span><span><span class="sw path"></span>✗ cross-tenant path</span><span><span class="sw one"></span>! one side's policies admit it</span><span><span class="sw self"></span>– same tenant</span></div>
<h3>By group</h3>
<div id="matrix-groups"></div>
<h3>Tenants</h3>
<div class="mgrid" id="matrix-grid"><div class="corner">from \\ to</div><div class="colhead"><div class="sizer"></div></div><div class="rowhead"><div class="sizer"></div></div><div class="body"><div class="sizer"></div></div></div>
<p id="matrix-empty" class="empty" hidden>No tenant matches the filter.</p>
<div id="cell-details" hidden></div>
<h3>Pairs that are not isolated</h3>
<div id="matrix-exceptions"></div>
<noscript><p>The matrix and the headroom bars need JavaScript; the findings below do not.</p></noscript>
</section>`;
}

function quotaSection(data: ReportData): string {
  if (data.quotaSets.length === 0) return '';
  return `<section class="card" id="quota">
<h2>Quota headroom</h2>
<p class="muted">Each bar is the quota the tenant's declared pods use in one scenario of the quota analysis (green under 80%, amber up to 100%, red over). The search above filters these tenants too.</p>
<p id="quota-count" class="muted"></p>
<div id="quota-list"></div>
<button type="button" class="link" id="quota-more" hidden></button>
</section>`;
}

export interface PageParts {
  title: string;
  subtitle: string;
  /** Markup placed before the check report (the plan's delta). */
  before?: string;
}

/** One self-contained page: inline style, data and script; no timestamp and no path, so the same result gives the same bytes. */
export function reportPage(result: CheckResult, opts: FormatOptions, parts: PageParts): string {
  const data = reportData(result);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${e(parts.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><h1>${e(parts.title)}</h1><div class="sub">${e(parts.subtitle)}</div></header>
<main>
${parts.before ?? ''}
${summarySection(result, data)}
${matrixSection(data)}
${quotaSection(data)}
${findingsSection(result, opts)}
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

export function checkSubtitle(result: CheckResult, opts: FormatOptions): string {
  return `tenantctl ${opts.toolVersion} · ${plural(result.summary.tenants, 'tenant')}, ${plural(result.summary.objects, 'object')} in ${plural(result.summary.files, 'file')}${shardNote(result.summary, (n) => ` · ${n}`)}`;
}
