import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';

/** What SARIF's `tool.driver.rules` and the docs links are built from. */
export interface RuleDescriptor {
  id: string;
  description: string;
  severity: Severity;
  remediation: string;
  /** Repo-relative, e.g. `docs/rules/<id>.md`. */
  helpUri: string;
}

/** An extra report (e.g. a tenant×tenant connectivity matrix): `text` prints it, `json` embeds it. */
export interface Section {
  title: string;
  text: string;
  json: unknown;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  summary: { files: number; objects: number; tenants: number };
  rules: RuleDescriptor[];
  sections?: Section[];
}

export interface FormatOptions {
  /** The CLI decides (TTY and no NO_COLOR); formatters never probe the environment. */
  color: boolean;
  toolVersion: string;
}

export type Formatter = (result: CheckResult, opts: FormatOptions) => string;
