import { sortDiagnostics, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { formatObject } from './common.js';
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

/** One workflow command per finding; findings without a file become annotations without one. */
export const github: Formatter = (result) => {
  const lines = sortDiagnostics(result.diagnostics).map(annotation);
  return lines.length ? `${lines.join('\n')}\n` : '';
};
