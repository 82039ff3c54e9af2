import path from 'node:path';
import { parseArgs } from 'node:util';
import { nearest } from '../diagnostics/suggest.js';

/**
 * The one option layer: each command declares its options once (name, type,
 * value placeholder, help, choices, default); parsing, validation, "did you
 * mean" and the help text are all generated from that declaration.
 */

/** Every usage mistake, from any command: exit code 2 with the command's usage. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. DIR. */
  value?: string;
  help: string;
  default?: string;
  choices?: readonly string[];
  required?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface PositionalSpec {
  name: string;
  help: string;
  /** Fewest and most positionals accepted (default: any number; a command without positionals takes none). */
  min?: number;
  max?: number;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** Extra paragraphs shown under the synopsis. */
  description?: string;
  /** Synopsis lines when the generated one is not enough (can-i's forms). */
  synopsis?: readonly string[];
  positionals?: PositionalSpec;
  options: O;
  /** Exit code meanings when they differ from the tool's (0 clean, 1 findings, 2 usage or input error). */
  exitCodes?: string;
}

/** The value a string option holds: one of its choices when it declares them. */
type StringOf<S extends OptionSpec> = S extends { choices: readonly (infer C extends string)[] } ? C : string;

type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { multiple: true }
    ? StringOf<S>[]
    : S extends { default: string } | { required: true }
      ? StringOf<S>
      : StringOf<S> | undefined;

export type Values<O extends OptionSpecs> = { [K in keyof O]: ValueOf<O[K]> };

export interface Parsed<O extends OptionSpecs> {
  values: Values<O>;
  positionals: string[];
}

/** `--root DIR`, shared by the commands that work on a tenants repository. */
export const rootOption = {
  root: { type: 'string', value: 'DIR', default: '.', help: 'repository root holding tenants.yaml, templates/ and rendered/' },
} as const satisfies OptionSpecs;

export function resolveRoot(cwd: string, root: string | undefined): string {
  return path.resolve(cwd, root ?? '.');
}

function flagNames(options: OptionSpecs): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** Turns node's parseArgs messages into ours, naming the nearest real flag for a typo. */
function explain(cause: Error, options: OptionSpecs): string {
  const msg = cause.message;
  const unknown = /^Unknown option '([^']+)'/.exec(msg);
  if (unknown) {
    const flag = unknown[1]!;
    const guess = nearest(flag, flagNames(options));
    return `unknown option ${flag}${guess ? `; did you mean ${guess}?` : ''}`;
  }
  const needsValue = /^Option '(?:-\w, )?(--[^ ]+) <value>' argument missing/.exec(msg);
  if (needsValue) return `${needsValue[1]} needs a value`;
  const unexpected = /^Unexpected argument '([^']+)'/.exec(msg);
  if (unexpected) return `unexpected argument "${unexpected[1]}"`;
  const noValue = /^Option '(?:-\w, )?(--[^']+)' does not take an argument/.exec(msg);
  if (noValue) return `${noValue[1]} takes no value`;
  return msg.replace(/\. To specify a positional.*$/s, '');
}

/** Pure: argv → values and positionals, or a UsageError that says what is wrong and what was meant. */
export function parseOptions<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> {
  const config = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (cause) {
    throw new UsageError(explain(cause as Error, spec.options));
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    let v = parsed.values[name];
    if (o.type === 'string' && !o.multiple && v === '') throw new UsageError(`--${name} needs a value`);
    if (o.type === 'string' && o.multiple && Array.isArray(v) && v.includes('')) throw new UsageError(`--${name} needs a value`);
    if (v === undefined) v = o.type === 'boolean' ? false : o.multiple ? [] : o.default;
    if (o.required && v === undefined) throw new UsageError(`--${name}${o.value ? ` ${o.value}` : ''} is required`);
    if (o.choices && v !== undefined) {
      for (const one of Array.isArray(v) ? (v as string[]) : [v as string]) {
        if (!o.choices.includes(one)) {
          const guess = nearest(one, o.choices);
          throw new UsageError(`--${name} must be one of ${o.choices.join(', ')}, not "${one}"${guess ? `; did you mean ${guess}?` : ''}`);
        }
      }
    }
    values[name] = v;
  }
  const p = spec.positionals;
  const min = p?.min ?? 0;
  const max = p ? (p.max ?? Number.POSITIVE_INFINITY) : 0;
  const n = parsed.positionals.length;
  if (n > max) {
    const extra = parsed.positionals[max]!;
    const guess = extra.startsWith('-') ? undefined : nearest(`--${extra}`, flagNames(spec.options));
    throw new UsageError(max === 0 ? `unexpected argument "${extra}"${guess ? `; did you mean ${guess}?` : ''}` : `at most ${max} ${p!.name} argument${max === 1 ? '' : 's'}, got ${n}`);
  }
  if (n < min) throw new UsageError(`${p!.name} is required`);
  return { values: values as Values<O>, positionals: parsed.positionals };
}

function optionLabel(name: string, o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : ''}--${name}`;
  if (o.type === 'boolean') return flag;
  return `${flag} ${o.choices ? o.choices.join('|') : (o.value ?? 'VALUE')}`;
}

/** One synopsis line built from the declaration: required options first, then the rest in brackets. */
export function synopsis(spec: CommandSpec): string {
  const parts = [`tenantctl ${spec.name}`];
  if (spec.positionals) {
    const pos = spec.positionals.max && spec.positionals.max > 1 ? `${spec.positionals.name}...` : spec.positionals.name;
    parts.push((spec.positionals.min ?? 0) > 0 ? pos : `[${pos}]`);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    const label = optionLabel(name, o).replace(/^-\w, /, '');
    parts.push(o.required ? label : `[${label}]${o.multiple ? '...' : ''}`);
  }
  return parts.join(' ');
}

/** The command's --help, generated from its declaration. */
export function helpText(spec: CommandSpec): string {
  const lines = [`tenantctl ${spec.name}: ${spec.summary}`, '', 'Usage:'];
  for (const s of spec.synopsis ?? [synopsis(spec)]) lines.push(`  ${s}`);
  if (spec.description) lines.push('', spec.description);
  const rows: [string, string][] = [];
  if (spec.positionals) rows.push([spec.positionals.name, spec.positionals.help]);
  for (const [name, o] of Object.entries(spec.options)) {
    const extra = [o.multiple ? 'repeatable' : '', o.default !== undefined ? `default: ${o.default}` : '', o.required ? 'required' : ''].filter(Boolean);
    rows.push([optionLabel(name, o), `${o.help}${extra.length ? ` (${extra.join('; ')})` : ''}`]);
  }
  rows.push(['-h, --help', 'show this help']);
  const width = Math.min(30, Math.max(...rows.map(([l]) => l.length)));
  lines.push('', 'Options:');
  for (const [label, help] of rows) {
    lines.push(label.length > width ? `  ${label}\n  ${' '.repeat(width)}  ${help}` : `  ${label.padEnd(width)}  ${help}`);
  }
  lines.push('', `Exit codes: ${spec.exitCodes ?? '0 clean; 1 findings or drift; 2 usage error or input that cannot be processed.'}`, '');
  return lines.join('\n');
}

/** A usage error as the CLI prints it: what is wrong, then where to look. */
export function usageMessage(spec: CommandSpec, error: UsageError): string {
  return `tenantctl ${spec.name}: ${error.message}\nUsage: ${(spec.synopsis ?? [synopsis(spec)])[0]}\nRun \`tenantctl ${spec.name} --help\` for every option.\n`;
}
