import { formatLocation, sortDiagnostics, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';
import { countDiagnostics, formatObject, plural, severityPhrase, shardNote } from './common.js';
import type { CheckResult, Formatter } from './types.js';
import { escapeChar, hiddenCharInText } from '../diagnostics/characters.js';

/** Heading for findings that belong to no file (tool failures, tenant-level or whole-tree findings). */
export const GENERAL_HEADING = 'general (not tied to a file)';

type Paint = (s: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  severity: Record<Severity, Paint>;
  added: Paint;
  removed: Paint;
}

// Raw SGR codes rather than a colour library: the caller already decided whether colour is
// wanted, and a library would second-guess that by probing the terminal itself.
const sgr =
  (open: number, close: number): Paint =>
  (s) =>
    s === '' ? s : `\u001b[${open}m${s}\u001b[${close}m`;

const identity: Paint = (s) => s;

const colourPalette: Palette = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  severity: { error: sgr(31, 39), warning: sgr(33, 39), info: sgr(36, 39) },
  added: sgr(32, 39),
  removed: sgr(31, 39),
};

const plainPalette: Palette = {
  bold: identity,
  dim: identity,
  severity: { error: identity, warning: identity, info: identity },
  added: identity,
  removed: identity,
};

const INDENT = '    ';

/**
 * Control characters in a message (from a template, a tenant name, a YAML value) could move
 * the cursor or recolour the terminal, and invisible or bidirectional-override characters
 * (U+200B…U+200F, U+202A…U+202E, U+2060…U+2069) would hide what a value really is, so all
 * of them are shown as escapes, never sent raw.
 */
export function clean(s: string): string {
  return s
    .replace(/\r\n/g, '\n')
    .replace(hiddenCharInText, escapeChar);
}

/** Continuation lines of a multi-line value are indented so they stay under their finding. */
function indentLines(s: string, indent: string): string {
  return clean(s).replace(/\n/g, `\n${indent}`);
}

// A whole object as `actual`, or every allowed field as `expected`, drowns the finding; json keeps them in full.
const maxFieldText = 160;
function shorten(s: string): string {
  return s.length <= maxFieldText ? s : `${s.slice(0, maxFieldText - 1)}…`;
}

function paintDiffLine(line: string, p: Palette): string {
  // File headers (`+++`/`---`) are context, not changes.
  if (line.startsWith('+++') || line.startsWith('---')) return p.bold(line);
  if (line.startsWith('+')) return p.added(line);
  if (line.startsWith('-')) return p.removed(line);
  if (line.startsWith('@@')) return p.dim(line);
  return line;
}

function formatDiagnostic(d: Diagnostic, p: Palette): string[] {
  const head: string[] = [];
  if (d.file) head.push(clean(formatLocation(d.file)));
  head.push(p.severity[d.severity](d.severity), p.dim(clean(d.ruleId)));
  let message = indentLines(d.message, INDENT);
  if (d.kind === 'failure') message = `could not process: ${message}`;
  if (d.waived) message += ` ${p.dim(`[waived: ${indentLines(d.waived.reason, INDENT)}]`)}`;
  head.push(message);
  const lines = [`  ${head.join('  ')}`];

  const where: string[] = [];
  if (d.tenant) where.push(`tenant: ${d.tenant}`);
  if (d.object) where.push(`object: ${formatObject(d.object)}`);
  if (d.origin) where.push(`template: ${d.origin.template}`);
  if (where.length) lines.push(INDENT + p.dim(indentLines(where.join('  '), INDENT)));

  if (d.field) {
    const parts = [`field: ${d.field.pointer}`];
    if (d.field.actual !== undefined) parts.push(`actual: ${shorten(JSON.stringify(d.field.actual) ?? 'undefined')}`);
    if (d.field.expected !== undefined) parts.push(`expected: ${shorten(d.field.expected)}`);
    lines.push(INDENT + indentLines(parts.join('  '), INDENT));
  }
  if (d.hint) lines.push(`${INDENT}hint: ${indentLines(d.hint, INDENT)}`);
  if (d.detail) {
    for (const line of clean(d.detail).replace(/\n$/, '').split('\n')) {
      lines.push(INDENT + paintDiffLine(line, p));
    }
  }
  return lines;
}

function groupByFile(ds: readonly Diagnostic[]): Map<string | undefined, Diagnostic[]> {
  const groups = new Map<string | undefined, Diagnostic[]>();
  for (const d of sortDiagnostics(ds)) {
    const key = d.file?.path;
    const group = groups.get(key);
    if (group) group.push(d);
    else groups.set(key, [d]);
  }
  return groups;
}

function summaryLine(result: CheckResult, p: Palette): string {
  const checked = `${plural(result.summary.objects, 'object')}, ${plural(result.summary.tenants, 'tenant')} checked${shardNote(result.summary, (n) => ` in ${n}`)}`;
  const c = countDiagnostics(result.diagnostics);
  if (result.diagnostics.length === 0) return `${p.added('✓')} no findings: ${checked}`;
  const notes: string[] = [];
  if (c.waived) notes.push(`${c.waived} waived`);
  if (c.failures) notes.push(`${c.failures} could not be processed`);
  const files = new Set(result.diagnostics.flatMap((d) => (d.file ? [d.file.path] : []))).size;
  const counts = c.errors ? p.severity.error(severityPhrase(c)) : severityPhrase(c);
  return `${counts}${notes.length ? ` (${notes.join(', ')})` : ''} in ${plural(files, 'file')}; ${checked}`;
}

/** Human output: findings grouped under their file, extra sections, then one summary line. */
export const text: Formatter = (result, opts) => {
  const p = opts.color ? colourPalette : plainPalette;
  const blocks: string[] = [];
  for (const [path, ds] of groupByFile(result.diagnostics)) {
    const lines = [p.bold(path === undefined ? GENERAL_HEADING : clean(path))];
    for (const d of ds) lines.push(...formatDiagnostic(d, p));
    blocks.push(lines.join('\n'));
  }
  for (const s of result.sections ?? []) {
    blocks.push(`${p.bold(clean(s.title))}\n${clean(s.text).replace(/\n$/, '')}`);
  }
  blocks.push(summaryLine(result, p));
  return `${blocks.join('\n\n')}\n`;
};
