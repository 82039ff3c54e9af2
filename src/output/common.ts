import type { Diagnostic, ObjectRef } from '../diagnostics/diagnostic.js';

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  /** Included in the severity counts above: a waiver silences, it does not hide. */
  waived: number;
  /** Diagnostics of kind `failure` (input could not be processed). */
  failures: number;
}

export function countDiagnostics(ds: readonly Diagnostic[]): Counts {
  const c: Counts = { errors: 0, warnings: 0, infos: 0, waived: 0, failures: 0 };
  for (const d of ds) {
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    else c.infos++;
    if (d.waived) c.waived++;
    if (d.kind === 'failure') c.failures++;
  }
  return c;
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function formatObject(o: ObjectRef): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

/** With --shard: `shard I/N` in the form a format gives it (`wrap`); '' for a full run. */
export function shardNote(summary: { shard?: string }, wrap: (note: string) => string): string {
  return summary.shard ? wrap(`shard ${summary.shard}`) : '';
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Counts as prose, e.g. `2 errors, 1 warning`; severities with no findings are left out. */
export function severityPhrase(c: Counts): string {
  const parts: string[] = [];
  if (c.errors) parts.push(plural(c.errors, 'error'));
  if (c.warnings) parts.push(plural(c.warnings, 'warning'));
  if (c.infos) parts.push(plural(c.infos, 'info', 'infos'));
  return parts.join(', ');
}


/** Plain `<`, not localeCompare: output must not depend on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
