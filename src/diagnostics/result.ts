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
  /** Set on the sections whose `json` has a declared shape, so a report can read it without guessing from the title. */
  kind?: 'tenant-matrix' | 'quota-headroom';
}

/** The `json` of the `tenant-matrix` section: only the pairs that are not isolated are listed. */
export interface TenantMatrixJson {
  tenants: string[];
  paths: {
    from: string;
    to: string;
    /** `both`: a real path; `ingress`/`egress`: only that side's policies admit it. */
    open: 'both' | 'ingress' | 'egress';
    source: string;
    destination: string;
    ports: 'all' | Partial<Record<'TCP' | 'UDP' | 'SCTP', [number, number][]>>;
    egressPolicies: string[];
    ingressPolicies: string[];
  }[];
  /**
   * Per tenant, the NetworkPolicies of its namespace that govern each direction:
   * a pair not listed in `paths` is isolated because none of the source's egress
   * policies, or none of the destination's ingress policies, admits the other.
   */
  policies: Record<string, { ingress: string[]; egress: string[] }>;
  declaredFlows: { checked: number; blocked: number };
  stats: { evaluations: number; candidatePairs: number; skippedPairs: number };
}

/** The `json` of the `quota-headroom` section: per tenant, each quota resource in each scenario (base units: cores, bytes, counts). */
export type QuotaHeadroomJson = {
  tenant: string;
  fits: boolean;
  rejections: number;
  resources: { quota: string; resource: string; hard: number; steady: number; hpaMax: number; rollout: number; rolloutAtHpaMax: number; headroom: number }[];
}[];

/** Who a tenant is, for reports that label and group tenants (the HTML report). */
export interface TenantFacts {
  id: string;
  /** Display name from tenants.yaml: free text, escaped wherever it is shown. */
  name: string;
  namespace: string;
  tier: string;
  cluster?: string;
}

/** Everything a run found, in the one shape every formatter takes. */
export interface CheckResult {
  diagnostics: Diagnostic[];
  /** `shard`: with `check --shard I/N`, which part this run checked (`I/N`); the counts are that part's. */
  summary: { files: number; objects: number; tenants: number; shard?: string };
  rules: RuleDescriptor[];
  sections?: Section[];
  /** The tenants checked, in tenants.yaml order (absent when tenants.yaml did not load). */
  tenants?: TenantFacts[];
}
