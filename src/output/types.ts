import type { CheckResult } from '../diagnostics/result.js';

export type { CheckResult, RuleDescriptor, Section } from '../diagnostics/result.js';

export interface FormatOptions {
  /** The CLI decides (TTY and no NO_COLOR); formatters never probe the environment. */
  color: boolean;
  toolVersion: string;
}

export type Formatter = (result: CheckResult, opts: FormatOptions) => string;
