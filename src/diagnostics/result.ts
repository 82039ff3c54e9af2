import type { Diagnostic, Severity } from './diagnostic.js';

/** What SARIF's `tool.driver.rules` and the docs links are built from. */
export interface RuleDescriptor {
  id: string;
  description: string;
  severity: Severity;
  remediation: string;
  /** Repo-relative, e.g. `docs/rules/<id>.md`. */
  helpUri: string;
}

/**
 * An extra report (e.g. a tenant×tenant connectivity matrix), produced as data by
 * the analyses: `text` prints `text`, `json` embeds `json`.
 */
export interface Section {
  title: string;
  text: string;
  json: unknown;
}

/** Everything a run found, in the one shape every formatter takes. */
export interface CheckResult {
  diagnostics: Diagnostic[];
  summary: { files: number; objects: number; tenants: number };
  rules: RuleDescriptor[];
  sections?: Section[];
}
