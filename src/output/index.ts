import { github } from './github.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { text } from './text.js';
import type { Formatter } from './types.js';

export type { CheckResult, Formatter, FormatOptions, RuleDescriptor, Section } from './types.js';

/** The order here is the order `--help` and the unknown-format error list them in. */
export const formatters = { text, json, junit, sarif, github } satisfies Record<string, Formatter>;

export type FormatName = keyof typeof formatters;

export const formatNames = Object.keys(formatters) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(formatters, name);
}

export function resolveFormat(name: string): Formatter {
  if (isFormatName(name)) return formatters[name];
  throw new Error(`unknown format ${JSON.stringify(name)}: must be one of ${formatNames.join(', ')}`);
}
