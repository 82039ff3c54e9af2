import { sortDiagnostics, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { formatObject, shardNote } from './common.js';
import type { Formatter } from './types.js';

/*
 * GitHub Actions workflow commands. The runner parses `::cmd key=value,…::message` per line,
 * so an unescaped newline would end the annotation and an unescaped `,` or `:` inside a
 * property would start a new one; the escapes match @actions/core's escapeData and
 * escapeProperty, which the runner reverses. `%` goes first so the escapes themselves
 * survive.
 */

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type Command = 'error' | 'warning' | 'notice';
const commands: Record<Severity, Command> = { error: 'error', warning: 'warning', info: 'notice' };

function annotation(d: Diagnostic): string {
  // A waived finding does not fail the check, so it must not look like one in the PR view;
  // it stays visible as a notice so the waiver itself gets reviewed.
  const command: Command = d.waived ? 'notice' : commands[d.severity];
  const props: string[] = [];
  if (d.file) props.push(`file=${escapeProperty(d.file.path)}`, `line=${d.file.line}`, `col=${d.file.column}`);
  props.push(`title=${escapeProperty(d.ruleId)}`);

  let message = d.message;
  if (d.waived) message = `waived (${d.waived.reason}): ${message}`;
  if (d.object) message += `\nobject: ${formatObject(d.object)}`;
  if (d.hint) message += `\nhint: ${d.hint}`;
  // `detail` (diffs, arithmetic) is left out: annotations are size-limited and the diff of a
  // drifted file is one `git diff` away.
  return `::${command} ${props.join(',')}::${escapeData(message)}`;
}

/**
 * GitHub shows "a maximum of 10 warning annotations and 10 error annotations per step"
 * (and as many notices); the rest of a step's annotations are dropped silently. So at most
 * that many of each go out as annotations, errors that fail the check first, and the log
 * ends with a summary that lists every finding, so none is invisible.
 */
export const ANNOTATIONS_PER_STEP = 10;

const rank = (d: Diagnostic): number => (d.waived ? 2 : d.severity === 'error' ? 0 : d.severity === 'warning' ? 1 : 2);

export const github: Formatter = (result) => {
  const sorted = sortDiagnostics(result.diagnostics);
  if (sorted.length === 0) return '';
  const shown = new Set<Diagnostic>();
  const used: Record<Command, number> = { error: 0, warning: 0, notice: 0 };
  for (const d of [...sorted].sort((a, b) => rank(a) - rank(b))) {
    const c: Command = d.waived ? 'notice' : commands[d.severity];
    if (used[c] >= ANNOTATIONS_PER_STEP) continue;
    used[c]++;
    shown.add(d);
  }
  const lines = sorted.filter((d) => shown.has(d)).map(annotation);
  const count = (sev: Severity) => sorted.filter((d) => d.severity === sev && !d.waived).length;
  const hidden = sorted.filter((d) => !shown.has(d));
  lines.push(
    `tenantctl: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info') + sorted.filter((d) => d.waived).length} notice(s) in ${result.summary.objects} objects of ${result.summary.tenants} tenants${shardNote(result.summary, (n) => ` (${n})`)}`,
  );
  if (hidden.length > 0) {
    lines.push(`${hidden.length} more finding(s) below are not annotations (GitHub shows ${ANNOTATIONS_PER_STEP} errors and ${ANNOTATIONS_PER_STEP} warnings per step):`);
    for (const d of hidden) lines.push(`  ${d.severity}  ${d.ruleId}  ${d.file ? `${d.file.path}:${d.file.line}:${d.file.column}  ` : ''}${d.message.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
};
