import type { FindingId } from './catalogue.js';

export type Severity = 'error' | 'warning' | 'info';

/** Identity of a Kubernetes object as reported in findings. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface FileLocation {
  /** Repo-relative, forward slashes. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * The one shape every stage reports in. A finding ("processed and found
 * wrong") and a tool failure ("could not process") share it; `kind` keeps them apart
 * so exit codes and formatters can tell them apart.
 */
export interface Diagnostic {
  /** One of the catalogue's ids (src/diagnostics/catalogue.ts). */
  ruleId: FindingId;
  severity: Severity;
  message: string;
  /** 'failure' = input could not be processed (exit 2); 'finding' = processed and wrong (exit 1). */
  kind?: 'finding' | 'failure';
  tenant?: string;
  object?: ObjectRef;
  file?: FileLocation;
  field?: { pointer: string; actual?: unknown; expected?: string };
  /** The template and tenant a rendered object came from. */
  origin?: { template: string; tenant?: string };
  hint?: string;
  /** Set when a waiver in tenants.yaml covers this finding; it is still reported. */
  waived?: { reason: string };
  /** Extra text shown under the message (a unified diff, an arithmetic breakdown). */
  detail?: string;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/**
 * A total order: file, line, column, rule, message, then everything else, so
 * the output does not depend on the order stages found things in (findings
 * replayed from the cache arrive in a different order than computed ones).
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file?.path, b.file?.path) ||
    cmp(a.file?.line, b.file?.line) ||
    cmp(a.file?.column, b.file?.column) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(severityRank[a.severity], severityRank[b.severity]) ||
    cmp(a.message, b.message) ||
    cmp(JSON.stringify(a), JSON.stringify(b))
  );
}

export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(compareDiagnostics);
}

/** 0 clean, 1 findings or drift, 2 could not process. Waived and non-error findings do not fail. */
export function exitCodeFor(ds: readonly Diagnostic[]): 0 | 1 | 2 {
  if (ds.some((d) => d.kind === 'failure')) return 2;
  if (ds.some((d) => d.severity === 'error' && !d.waived)) return 1;
  return 0;
}

/** One object of one file as findings name it: the same for every finding about that object. */
export function objectInFile(file: string | undefined, o: ObjectRef | undefined): string {
  return `${file}\u0000${o?.kind}\u0000${o?.namespace ?? ''}\u0000${o?.name}`;
}

export function formatLocation(f: FileLocation | undefined): string {
  return f ? `${f.path}:${f.line}:${f.column}` : '';
}
