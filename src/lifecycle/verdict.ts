import { exitCodeFor, formatLocation, sortDiagnostics, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';

/**
 * `check`'s result on the head, as `plan` puts it above the delta: whether the
 * pull request would pass, the counts, and the findings a reviewer reads first.
 * The findings are the ones `check` reports (the same pipeline runs), in the
 * order that matters to a reviewer: what the change deletes comes before
 * anything else, then errors, warnings and notes, waived findings last.
 */

/** Findings a verdict lists before it says how many more there are. */
export const VERDICT_FINDINGS = 10;

export interface VerdictFinding {
  ruleId: string;
  severity: Severity;
  /** The first line of the message. */
  message: string;
  /** `file:line:column`, else the object. */
  where?: string;
  tenant?: string;
  /** The waiver's reason, when one covers the finding. */
  waived?: string;
  /** The finding is about what the change deletes (delivery/*, lifecycle/tenant-removal). */
  deletion?: true;
}

export interface PlanVerdict {
  /** The command whose result this is, as a reviewer would run it. */
  command: string;
  /** The exit status `check` gives on the head: 0 passes, 1 findings or drift, 2 input it cannot process. */
  exitCode: 0 | 1 | 2;
  passes: boolean;
  errors: number;
  warnings: number;
  infos: number;
  /** Included in the counts above: a waiver silences, it does not hide. */
  waived: number;
  /** At most VERDICT_FINDINGS, deletions first, then by severity; waived last. */
  findings: VerdictFinding[];
  /** Findings not listed. */
  more: number;
}

/** What the GitOps controller would delete, or a tenant removed with its namespace: read before anything else. */
export const isDeletion = (d: Pick<Diagnostic, 'ruleId'>): boolean => d.ruleId.startsWith('delivery/') || d.ruleId === 'lifecycle/tenant-removal';

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function rank(d: Diagnostic): number {
  if (d.waived) return 6 + severityRank[d.severity];
  return (isDeletion(d) ? 0 : 3) + severityRank[d.severity];
}

function where(d: Diagnostic): string | undefined {
  if (d.file) return formatLocation(d.file);
  const o = d.object;
  return o ? `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}` : undefined;
}

export function planVerdict(diagnostics: readonly Diagnostic[], command: string, cap = VERDICT_FINDINGS): PlanVerdict {
  const exitCode = exitCodeFor(diagnostics);
  const count = (s: Severity) => diagnostics.filter((d) => d.severity === s).length;
  // sortDiagnostics gives a stable order within a rank (file, line, rule, message).
  const ordered = sortDiagnostics(diagnostics).sort((a, b) => rank(a) - rank(b));
  const findings = ordered.slice(0, cap).map((d): VerdictFinding => {
    const w = where(d);
    return {
      ruleId: d.ruleId,
      severity: d.severity,
      message: `${d.kind === 'failure' ? 'could not process: ' : ''}${d.message.split('\n')[0]!}`,
      ...(w ? { where: w } : {}),
      ...(d.tenant ? { tenant: d.tenant } : {}),
      ...(d.waived ? { waived: d.waived.reason } : {}),
      ...(isDeletion(d) ? { deletion: true as const } : {}),
    };
  });
  return {
    command,
    exitCode,
    passes: exitCode === 0,
    errors: count('error'),
    warnings: count('warning'),
    infos: count('info'),
    waived: diagnostics.filter((d) => d.waived).length,
    findings,
    more: ordered.length - findings.length,
  };
}

/** `fails (exit 1): 2 errors, 1 warning, 0 waived`. */
export function verdictCounts(v: PlanVerdict): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `${n(v.errors, 'error')}, ${n(v.warnings, 'warning')}${v.infos ? `, ${v.infos} info${v.infos === 1 ? '' : 's'}` : ''}, ${v.waived} waived`;
}

/** One finding as a line: `error lifecycle/tenant-removal [test-tenant-b] tenants.yaml:12:5: message`. */
export function verdictLine(f: VerdictFinding): string {
  const sev = f.waived ? `waived ${f.severity}` : f.severity;
  return `${sev} ${f.ruleId}${f.tenant ? ` [${f.tenant}]` : ''}${f.where ? ` ${f.where}` : ''}: ${f.message}${f.waived ? ` (waived: ${f.waived})` : ''}`;
}
