import { exitCodeFor, formatLocation, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { QuotaHeadroomJson, TenantMatrixJson } from '../diagnostics/result.js';
import { formatQuantity, parseQuantity } from '../manifest/quantity.js';
import { compareStrings, countDiagnostics, formatObject, plural, severityPhrase, shardNote } from './common.js';
import type { Formatter } from './types.js';

/*
 * The check as a GitHub job summary (`>> "$GITHUB_STEP_SUMMARY"`): the verdict
 * first, then what a reviewer weighs, each bounded so a summary of 10,000
 * tenants stays readable (GitHub caps a step's summary at 1 MiB): the findings,
 * the isolation matrix as counts and the open paths, and the tenants with the
 * least quota headroom at peak.
 */

/** Rows a table shows before it says how many more there are. */
export const SUMMARY_ROWS = 20;

/** Table cells: a `|` would end the cell and a newline the row. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function more(total: number, shown: number, where: string): string[] {
  return total > shown ? ['', `… and ${total - shown} more ${where}`] : [];
}

function findings(ds: readonly Diagnostic[]): string[] {
  if (ds.length === 0) return [];
  const sorted = sortDiagnostics(ds).sort((a, b) => rank(a) - rank(b));
  const shown = sorted.slice(0, SUMMARY_ROWS);
  const out = ['', `### Findings (${ds.length})`, '', '| Severity | Finding | Where | What |', '| --- | --- | --- | --- |'];
  for (const d of shown) {
    const where = d.file ? code(formatLocation(d.file)) : d.object ? code(formatObject(d.object)) : '–';
    out.push(`| ${d.waived ? 'waived' : d.severity} | ${code(d.ruleId)} | ${where} | ${cell(d.message.split('\n')[0]!)}${d.hint ? `<br>hint: ${cell(d.hint)}` : ''} |`);
  }
  return [...out, ...more(sorted.length, shown.length, 'finding(s): the annotations, the SARIF upload and the HTML report list them all')];
}

const rank = (d: Diagnostic): number => (d.waived ? 3 : d.severity === 'error' ? 0 : d.severity === 'warning' ? 1 : 2);

function matrix(json: TenantMatrixJson): string[] {
  const open = json.paths.filter((p) => p.open === 'both');
  const n = json.tenants.length;
  const flows = `declared flows: ${json.declaredFlows.checked - json.declaredFlows.blocked}/${json.declaredFlows.checked} open`;
  const out = ['', '### Tenant isolation', ''];
  if (open.length === 0) {
    out.push(`No cross-tenant path among ${plural(n, 'tenant')} (${n * (n - 1)} ordered pairs); ${flows}.`);
    return out;
  }
  out.push(`**${plural(open.length, 'cross-tenant path')}** among ${plural(n, 'tenant')}; ${flows}.`, '', '| From | To | Ports | Allowed by |', '| --- | --- | --- | --- |');
  const ports = (p: TenantMatrixJson['paths'][number]['ports']) =>
    p === 'all' ? 'all' : Object.entries(p).map(([proto, rs]) => `${proto} ${rs!.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`).join(', ');
  for (const p of open.slice(0, SUMMARY_ROWS)) out.push(`| ${code(p.from)} | ${code(p.to)} | ${ports(p.ports)} | ${cell([...p.egressPolicies, ...p.ingressPolicies].join(', ') || '–')} |`);
  return [...out, ...more(open.length, Math.min(open.length, SUMMARY_ROWS), 'path(s): see the HTML report')];
}

function headroom(json: QuotaHeadroomJson): string[] {
  const out = ['', '### Quota headroom at peak (mid-rollout at the HPA maximum)', ''];
  // Each tenant by its tightest resource: the smallest share of the hard limit left at peak.
  const rows = json
    .map((t) => {
      const tight = t.resources.filter((r) => r.hard > 0).sort((a, b) => a.headroom / a.hard - b.headroom / b.hard || compareStrings(a.resource, b.resource))[0];
      return { t, tight, share: tight ? tight.headroom / tight.hard : 1 };
    })
    .sort((a, b) => Number(a.t.fits) - Number(b.t.fits) || a.share - b.share || compareStrings(a.t.tenant, b.t.tenant));
  const over = json.filter((t) => !t.fits).length;
  out.push(over === 0 ? `All ${plural(json.length, 'tenant')} fit their quotas in every scenario.` : `**${plural(over, 'tenant')} do not fit their quota** in some scenario.`);
  out.push('', '| Tenant | Fits | Tightest resource | Peak use / hard | Headroom |', '| --- | --- | --- | --- | --- |');
  for (const { t, tight } of rows.slice(0, SUMMARY_ROWS)) {
    // The section's numbers read back as exact quantities (each was converted once from an exact sum).
    const q = (v: number) => (tight ? formatQuantity(parseQuantity(v) ?? 0n, tight.resource) : '–');
    out.push(`| ${code(t.tenant)} | ${t.fits ? 'yes' : '**no**'} | ${tight ? tight.resource : '–'} | ${tight ? `${q(tight.rolloutAtHpaMax)} / ${q(tight.hard)}` : '–'} | ${tight ? `${q(tight.headroom)} (${Math.round((tight.headroom / tight.hard) * 100)}%)` : '–'} |`);
  }
  return [...out, ...more(rows.length, Math.min(rows.length, SUMMARY_ROWS), 'tenant(s), tightest first: see the HTML report')];
}

export const markdown: Formatter = (result) => {
  const c = countDiagnostics(result.diagnostics);
  const failed = exitCodeFor(result.diagnostics) !== 0;
  const phrase = severityPhrase(c) || 'no findings';
  const counts = `${phrase[0]!.toUpperCase()}${phrase.slice(1)}`;
  const out = [
    `## tenantctl check: ${failed ? '❌ failed' : '✅ passed'}`,
    '',
    `${counts} in ${plural(result.summary.objects, 'object')} of ${plural(result.summary.tenants, 'tenant')}${shardNote(result.summary, (n) => ` (${n})`)}${c.waived ? ` (${c.waived} waived)` : ''}.`,
    ...findings(result.diagnostics),
  ];
  for (const s of result.sections ?? []) {
    if (s.kind === 'tenant-matrix') out.push(...matrix(s.json as TenantMatrixJson));
    else if (s.kind === 'quota-headroom') out.push(...headroom(s.json as QuotaHeadroomJson));
    else if (s.title === 'RBAC') out.push('', '### RBAC', '', ...s.text.trimEnd().split('\n').map((l) => `- ${cell(l)}`));
  }
  // A blank line last, so a document appended to the same summary starts a block of its own.
  return `${out.join('\n')}\n\n`;
};
