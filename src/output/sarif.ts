import { createHash } from 'node:crypto';
import { sortDiagnostics, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { isFindingId, securitySeverityOf } from '../diagnostics/catalogue.js';
import { compareStrings, formatObject } from './common.js';
import type { CheckResult, Formatter, RuleDescriptor } from './types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/**
 * Where a finding that belongs to no rendered file is pinned. Code-scanning UIs drop or
 * reject results without a physical location, and every such finding (a tenant-level check,
 * a tool failure, a whole-tree analysis) traces back to the tenant catalogue, so line 1 of
 * tenants.yaml is the honest "somewhere in the input" place.
 */
export const FALLBACK_ARTIFACT = 'tenants.yaml';

type Level = 'error' | 'warning' | 'note';
const levels: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

const isAbsoluteUri = (s: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(s);
const sentence = (s: string): string => (/[.!?]$/.test(s) ? s : `${s}.`);

function ruleEntry(r: RuleDescriptor, docsBaseUrl: string | undefined): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: r.id,
    shortDescription: { text: r.description },
    fullDescription: { text: r.remediation ? `${sentence(r.description)} ${sentence(r.remediation)}` : r.description },
    defaultConfiguration: { level: levels[r.severity] },
  };
  const help = r.remediation ? sentence(r.remediation) : '';
  if (!r.helpUri) {
    if (help) entry['help'] = { text: help };
  } else if (isAbsoluteUri(r.helpUri) || docsBaseUrl) {
    if (help) entry['help'] = { text: help };
    entry['helpUri'] = isAbsoluteUri(r.helpUri) ? r.helpUri : new URL(r.helpUri, docsBaseUrl).href;
  } else {
    // SARIF requires helpUri to be absolute; a repo-relative doc path goes into the help
    // text instead of producing a log that fails validation.
    entry['help'] = { text: help ? `${help} See ${r.helpUri}.` : `See ${r.helpUri}.` };
    entry['properties'] = { docs: r.helpUri };
  }
  const score = isFindingId(r.id) ? securitySeverityOf(r.id) : undefined;
  if (score !== undefined) {
    entry['properties'] = { ...(entry['properties'] as object | undefined), 'security-severity': score.toFixed(1), tags: ['security'] };
  }
  return entry;
}

/**
 * Ids reported by stages outside the rule registry (schema, render, tool failures) still get
 * an entry, so every result can name its rule by index; they have no rule doc to link to.
 */
function collectRules(result: CheckResult): RuleDescriptor[] {
  const known = new Set(result.rules.map((r) => r.id));
  const extra = new Map<string, RuleDescriptor>();
  for (const d of result.diagnostics) {
    if (known.has(d.ruleId) || extra.has(d.ruleId)) continue;
    extra.set(d.ruleId, { id: d.ruleId, description: d.ruleId, severity: d.severity, remediation: '', helpUri: '' });
  }
  return [...result.rules, ...[...extra.values()].sort((a, b) => compareStrings(a.id, b.id))];
}

/**
 * Line and column are left out so a finding keeps its identity when unrelated edits move it;
 * code scanning uses this to match alerts across runs.
 */
export function fingerprint(d: Diagnostic): string {
  const key = [d.ruleId, d.file?.path ?? '', d.object ? formatObject(d.object) : '', d.tenant ?? '', d.message];
  return createHash('sha256').update(key.join('\u0000')).digest('hex').slice(0, 32);
}

function location(d: Diagnostic): Record<string, unknown> {
  const uri = d.file?.path ?? FALLBACK_ARTIFACT;
  const region = d.file
    ? { startLine: Math.max(1, d.file.line), startColumn: Math.max(1, d.file.column) }
    : { startLine: 1, startColumn: 1 };
  const loc: Record<string, unknown> = {
    physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region },
  };
  if (d.object) {
    loc['logicalLocations'] = [{ name: d.object.name, fullyQualifiedName: formatObject(d.object), kind: 'resource' }];
  }
  return loc;
}

function properties(d: Diagnostic): Record<string, unknown> | undefined {
  const p: Record<string, unknown> = {};
  if (d.kind) p['kind'] = d.kind;
  if (d.tenant) p['tenant'] = d.tenant;
  if (d.object) p['object'] = d.object;
  if (d.origin) p['template'] = d.origin.template;
  if (d.field) p['field'] = d.field;
  if (d.detail) p['detail'] = d.detail;
  return Object.keys(p).length ? p : undefined;
}

function resultEntry(d: Diagnostic, ruleIndex: number): Record<string, unknown> {
  const r: Record<string, unknown> = {
    ruleId: d.ruleId,
    ruleIndex,
    level: levels[d.severity],
    // The per-finding hint is more specific than the rule's help text, so it travels with the message.
    message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
    locations: [location(d)],
    partialFingerprints: { 'tenantctl/v1': fingerprint(d) },
  };
  if (d.waived) r['suppressions'] = [{ kind: 'external', justification: d.waived.reason }];
  const props = properties(d);
  if (props) r['properties'] = props;
  return r;
}

/**
 * Results one run may hold: GitHub code scanning rejects a SARIF file whose
 * run has more than 25,000 results, losing every alert, and shows only the
 * top 5,000 by severity of those it keeps
 * (https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit).
 */
export const MAX_SARIF_RESULTS = 25_000;

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** SARIF 2.1.0, one run, for code-scanning upload. */
export const sarif: Formatter = (result, opts) => {
  const rules = collectRules(result);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  let kept = result.diagnostics;
  if (kept.length > MAX_SARIF_RESULTS) {
    // The most severe are kept (sort is stable: the usual order within a severity), then shown in the usual order.
    kept = sortDiagnostics(kept)
      .sort((a, b) => severityRank[a.severity] - severityRank[b.severity])
      .slice(0, MAX_SARIF_RESULTS);
  }
  const left = result.diagnostics.length - kept.length;
  const results = sortDiagnostics(kept).map((d) => resultEntry(d, index.get(d.ruleId) ?? -1));
  const notifications = left > 0 ? [{ level: 'warning', message: { text: `${left} more findings are not in this file: code scanning rejects a run of more than ${MAX_SARIF_RESULTS} results, so the ${MAX_SARIF_RESULTS} most severe are kept; --format json or text lists every finding` } }] : [];
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tenantctl', version: opts.toolVersion, rules: rules.map((r) => ruleEntry(r, opts.docsBaseUrl)) } },
        // Code scanning keeps one analysis per tool and category for a commit: each shard's upload is
        // its own category (the id up to its last "/"), or the last shard uploaded would replace the others.
        ...(result.summary.shard ? { automationDetails: { id: `tenantctl/shard-${result.summary.shard.replace('/', '-of-')}/` } } : {}),
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root.' } } },
        invocations: [{ executionSuccessful: !result.diagnostics.some((d) => d.kind === 'failure'), ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
