import type { CheckResult } from '../diagnostics/result.js';

export type { CheckResult, RuleDescriptor, Section } from '../diagnostics/result.js';

export interface FormatOptions {
  /** The CLI decides (TTY and no NO_COLOR); formatters never probe the environment. */
  color: boolean;
  toolVersion: string;
  /**
   * Absolute URL that repo-relative doc paths resolve against (in CI, the
   * repository at the commit checked), so SARIF can carry a helpUri.
   */
  docsBaseUrl?: string;
}

export type Formatter = (result: CheckResult, opts: FormatOptions) => string;
