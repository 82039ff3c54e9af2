import { formatLocation, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { compareStrings, formatObject } from './common.js';
import type { Formatter, RuleDescriptor } from './types.js';
import { attrs, escapeXmlText } from './xml.js';

/*
 * One <testsuite> per rule, not per file: CI test views (GitLab, Jenkins, Azure, the GitHub
 * test-report actions) list suites first and count failures per suite, so grouping by rule
 * answers "which policy is broken, how often" at a glance, while the file and line of each
 * occurrence stays in the testcase name and `file` attribute. Per file would instead put one
 * suite per rendered manifest, hundreds of them, most showing a single failure.
 *
 * Mapping: an error or warning is a <failure> (type = severity); a tool failure (input could
 * not be processed) is an <error>, JUnit's own split between "assertion failed" and "could
 * not run"; a waived finding is <skipped> with the waiver's reason; an info finding is a
 * passing testcase whose text is in <system-out>. Every registered rule without findings
 * gets one passing testcase, so the report shows what was checked, not only what failed.
 */

interface Case {
  name: string;
  file?: string;
  line?: number;
  body?: string;
}

function caseName(d: Diagnostic): string {
  const where = d.file ? formatLocation(d.file) : d.tenant ? `tenant ${d.tenant}` : 'general';
  return d.object ? `${where} ${formatObject(d.object)}` : where;
}

function body(d: Diagnostic): string {
  const lines = [d.message];
  if (d.file) lines.push(`at: ${formatLocation(d.file)}`);
  if (d.tenant) lines.push(`tenant: ${d.tenant}`);
  if (d.object) lines.push(`object: ${formatObject(d.object)}`);
  if (d.origin) lines.push(`template: ${d.origin.template}`);
  if (d.field) {
    lines.push(`field: ${d.field.pointer}`);
    if (d.field.actual !== undefined) lines.push(`actual: ${JSON.stringify(d.field.actual)}`);
    if (d.field.expected !== undefined) lines.push(`expected: ${d.field.expected}`);
  }
  if (d.hint) lines.push(`hint: ${d.hint}`);
  if (d.detail) lines.push('', d.detail.replace(/\r?\n$/, ''));
  return lines.join('\n');
}

function testcase(suite: string, c: Case, inner: string): string {
  const open = `    <testcase${attrs({ name: c.name, classname: suite, file: c.file, line: c.line, time: '0' })}`;
  return inner ? `${open}>\n${inner}\n    </testcase>` : `${open}/>`;
}

function diagnosticCase(suite: string, d: Diagnostic): { xml: string; outcome: keyof Tally } {
  const c: Case = { name: caseName(d), file: d.file?.path, line: d.file?.line };
  const text = escapeXmlText(body(d));
  if (d.waived) {
    const inner = `      <skipped${attrs({ message: `waived: ${d.waived.reason}` })}/>\n      <system-out>${text}</system-out>`;
    return { xml: testcase(suite, c, inner), outcome: 'skipped' };
  }
  if (d.kind === 'failure') {
    const inner = `      <error${attrs({ message: d.message, type: 'failure' })}>${text}</error>`;
    return { xml: testcase(suite, c, inner), outcome: 'errors' };
  }
  if (d.severity === 'info') {
    return { xml: testcase(suite, c, `      <system-out>${text}</system-out>`), outcome: 'passed' };
  }
  const inner = `      <failure${attrs({ message: d.message, type: d.severity })}>${text}</failure>`;
  return { xml: testcase(suite, c, inner), outcome: 'failures' };
}

interface Tally {
  passed: number;
  failures: number;
  errors: number;
  skipped: number;
}

const emptyTally = (): Tally => ({ passed: 0, failures: 0, errors: 0, skipped: 0 });
const total = (t: Tally): number => t.passed + t.failures + t.errors + t.skipped;

export const junit: Formatter = (result) => {
  const byRule = new Map<string, Diagnostic[]>();
  for (const r of result.rules) byRule.set(r.id, []);
  for (const d of sortDiagnostics(result.diagnostics)) {
    const list = byRule.get(d.ruleId);
    if (list) list.push(d);
    else byRule.set(d.ruleId, [d]);
  }
  const descriptions = new Map<string, RuleDescriptor>(result.rules.map((r) => [r.id, r]));

  const suites: string[] = [];
  const all = emptyTally();
  const ids = [...byRule.keys()].sort(compareStrings);
  if (ids.length === 0) ids.push('tenantctl');
  for (const id of ids) {
    const ds = byRule.get(id) ?? [];
    const tally = emptyTally();
    const cases: string[] = [];
    for (const d of ds) {
      const { xml, outcome } = diagnosticCase(id, d);
      cases.push(xml);
      tally[outcome]++;
    }
    if (cases.length === 0) {
      const name = descriptions.get(id)?.description ?? 'no findings';
      cases.push(testcase(id, { name }, ''));
      tally.passed++;
    }
    for (const k of Object.keys(tally) as (keyof Tally)[]) all[k] += tally[k];
    const head = attrs({ name: id, tests: total(tally), failures: tally.failures, errors: tally.errors, skipped: tally.skipped, time: '0' });
    suites.push(`  <testsuite${head}>\n${cases.join('\n')}\n  </testsuite>`);
  }
  const root = attrs({ name: 'tenantctl', tests: total(all), failures: all.failures, errors: all.errors, skipped: all.skipped, time: '0' });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n${suites.join('\n')}\n</testsuites>\n`;
};
