import { github } from './github.js';
import { html } from './html/index.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { isFormatName, unknownFormat, type FormatName } from './names.js';
import { sarif } from './sarif.js';
import { text } from './text.js';
import type { Formatter } from './types.js';

export type { CheckResult, Formatter, FormatOptions, RuleDescriptor, Section } from './types.js';
export { formatNames, isFormatName, type FormatName } from './names.js';

export const formatters = { text, json, junit, sarif, github, markdown, html } satisfies Record<FormatName, Formatter>;

export function resolveFormat(name: string): Formatter {
  if (isFormatName(name)) return formatters[name];
  throw unknownFormat(name);
}
