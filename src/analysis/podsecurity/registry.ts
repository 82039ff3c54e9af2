import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { baselineChecks } from './checks-baseline.js';
import { restrictedChecks } from './checks-restricted.js';
import type { Check, Level, PodMeta, VersionedCheck, Violation } from './types.js';

/** Every check, in upstream's order: baseline ids sorted, then restricted ids sorted. */
export const allChecks: readonly Check[] = [
  ...[...baselineChecks].sort((a, b) => (a.id < b.id ? -1 : 1)),
  ...[...restrictedChecks].sort((a, b) => (a.id < b.id ? -1 : 1)),
];

/**
 * Newest policy version any check has a revision for. Like upstream's registry,
 * `latest` and any newer pinned version evaluate as this one.
 */
export const maxPolicyMinor = Math.max(...allChecks.flatMap((c) => c.versions.map((v) => v.minimumMinor)));

const versionPattern = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** Policy version as a v1 minor; `latest` is Infinity. Undefined for anything upstream would reject. */
export function parsePolicyVersion(version: string): number | undefined {
  if (version === 'latest') return Infinity;
  const m = versionPattern.exec(version);
  return m ? Number(m[1]) : undefined;
}

function revisionAt(check: Check, minor: number): VersionedCheck | undefined {
  let chosen: VersionedCheck | undefined;
  for (const v of check.versions) if (v.minimumMinor <= minor) chosen = v;
  return chosen;
}

/** The check revisions in force for a level and version, with restricted overrides applied. */
export function checksFor(level: Level, version: string): { id: string; revision: VersionedCheck }[] {
  if (level === 'privileged') return [];
  const parsed = parsePolicyVersion(version);
  if (parsed === undefined) throw new Error(`invalid Pod Security version "${version}": must be "latest" or "v1.x"`);
  const minor = Math.min(parsed, maxPolicyMinor);
  const active = allChecks
    .filter((c) => level === 'restricted' || c.level === 'baseline')
    .map((c) => ({ id: c.id, level: c.level, revision: revisionAt(c, minor) }))
    .filter((c): c is { id: string; level: Check['level']; revision: VersionedCheck } => c.revision !== undefined);
  const overridden = new Set(active.filter((c) => c.level === 'restricted').flatMap((c) => c.revision.overrides ?? []));
  return active.filter((c) => !(c.level === 'baseline' && overridden.has(c.id))).map(({ id, revision }) => ({ id, revision }));
}

/**
 * Evaluate a pod template against a Pod Security level at a policy version, as
 * the PodSecurity admission plugin would. Pointers are relative to the template.
 */
export function evaluatePod(podMeta: PodMeta | undefined, spec: PodSpec, level: Level, version: string): Violation[] {
  const meta = podMeta ?? {};
  const out: Violation[] = [];
  for (const { id, revision } of checksFor(level, version)) {
    const r = revision.check(meta, spec ?? {});
    if (!r.allowed) out.push({ check: id, reason: r.reason, detail: r.detail, pointers: r.pointers });
  }
  return out;
}

/** Upstream's one-line summary: `host ports (8080), privileged (container "a" ...)`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}
