/**
 * The table `kubectl auth can-i --list` prints, reproduced step by step so the
 * two can be diffed: the server splits rules into resource and non-resource
 * rules, kubectl breaks them down to one resource per row, merges verbs of
 * simple rows, sorts by the Go string form of each rule (verbs first) and
 * aligns with a tabwriter (min width 10, padding 3).
 */
import type { PolicyRule } from './types.js';

const rule = (p: Partial<PolicyRule>): PolicyRule => ({
  verbs: [],
  apiGroups: [],
  resources: [],
  resourceNames: [],
  nonResourceURLs: [],
  ...p,
});

/** SelfSubjectRulesReview: a rule with both kinds of target is reported twice, once per kind. */
function splitForReview(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const r of rules) {
    if (r.resources.length > 0) {
      out.push(rule({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames }));
    }
    if (r.nonResourceURLs.length > 0) out.push(rule({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  }
  return out;
}

function breakdown(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const g of r.apiGroups) {
    for (const res of r.resources) out.push(rule({ apiGroups: [g], resources: [res], verbs: r.verbs, resourceNames: r.resourceNames }));
  }
  for (const u of r.nonResourceURLs) out.push(rule({ nonResourceURLs: [u], verbs: r.verbs }));
  return out;
}

function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple =
      r.resourceNames.length <= 1 && r.nonResourceURLs.length === 0 && r.apiGroups.length === 1 && r.resources.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames.length, r.resourceNames[0] ?? '']);
    const existing = simple.get(key);
    if (!existing) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

const goList = (xs: readonly string[]): string => `[${xs.join(' ')}]`;

/** rbacv1.PolicyRule.String(), the sort key kubectl uses. */
function goString(r: PolicyRule): string {
  return (
    `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},` +
    `ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`
  );
}

function combineResourceGroup(r: PolicyRule): string {
  const first = r.resources[0];
  if (first === undefined) return '';
  const slash = first.indexOf('/');
  const res = slash < 0 ? first : first.slice(0, slash);
  const group = r.apiGroups[0];
  return `${res}${group ? `.${group}` : ''}${slash < 0 ? '' : first.slice(slash)}`;
}

function tabwrite(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 10, cell.length + 3);
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 10) : cell)).join(''))
    .map((line) => `${line}\n`)
    .join('');
}

/** Rows in kubectl's order: [Resources, Non-Resource URLs, Resource Names, Verbs]. */
export function listRows(rules: readonly PolicyRule[]): string[][] {
  const sorted = compact(splitForReview(rules).flatMap(breakdown))
    .map((r) => ({ r, k: goString(r) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return sorted.map(({ r }) => [combineResourceGroup(r), goList(r.nonResourceURLs), goList(r.resourceNames), goList(r.verbs)]);
}

export function formatRuleTable(rules: readonly PolicyRule[], opts: { headers?: boolean } = {}): string {
  const rows = listRows(rules);
  if (opts.headers !== false) rows.unshift(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  return tabwrite(rows);
}

/** The rules the API server reports for a user in a privileged group. */
export const SUPERUSER_RULES: readonly PolicyRule[] = [
  rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }),
  rule({ verbs: ['*'], nonResourceURLs: ['*'] }),
];
