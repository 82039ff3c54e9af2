import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { RenderResult } from '../render/render.js';
import type { TenantsConfig } from '../tenants/types.js';
import type { BaseSide, Side } from './base.js';

export { baseTenantsText, type BaseSide, type BaseText, type Side } from './base.js';
export { listedIds } from './tenants-edit.js';
import { comparePlans } from './changes.js';
import { removalDiagnostics } from './removal.js';

export function headSide(config: TenantsConfig, render: RenderResult | undefined): Side {
  return { config, ids: config.tenants.map((t) => t.id), ...(render ? { render } : {}) };
}

/** `check`'s guard against deleting a tenant (and its data) by accident. */
export function removalCheck(
  base: BaseSide,
  head: { config?: TenantsConfig; render?: RenderResult },
  opts: { base?: string; allowRemoval?: readonly string[]; moved?: readonly string[]; noBase?: 'warn' | 'error' | 'ignore' },
): Diagnostic[] {
  if (!head.config) return [];
  const allow = opts.allowRemoval ?? [];
  if (base.ref === undefined) {
    // A git work tree without an upstream: the guard could not run, and a reader must know it.
    // Outside git there is no history to compare with at all, and nothing to say.
    const skipped = base.diagnostics.filter((d) => d.severity === 'info').map((d) => noBaseFinding(d, opts.noBase ?? 'warn'));
    const failures = base.diagnostics.filter((d) => d.severity !== 'info');
    return [...failures, ...skipped.filter((d): d is Diagnostic => d !== undefined), ...unmatchedAllowances(allow, [])];
  }
  const plan = comparePlans(base, headSide(head.config, head.render));
  const removed = plan.tenants.filter((t) => t.change === 'removed').map((t) => t.id);
  return [...base.diagnostics, ...removalDiagnostics(plan, base, allow, opts.base ?? `merge base ${base.ref.slice(0, 12)}`), ...unmatchedAllowances(allow, [...removed, ...(opts.moved ?? [])])];
}

function noBaseFinding(d: Diagnostic, mode: 'warn' | 'error' | 'ignore'): Diagnostic | undefined {
  if (mode === 'ignore') return undefined;
  if (mode === 'warn') return { ...d, severity: 'warning' };
  return {
    ...d,
    severity: 'error',
    message: `${d.message}; in CI (CI=true) the removal check must run`,
    hint: 'fetch the target branch and pass --base origin/main (actions/checkout: fetch-depth: 0), or pass --allow-no-base to accept running without it',
  };
}

/** An allowance that names no removed tenant is a typo or a stale flag: it would silently allow nothing. */
function unmatchedAllowances(allow: readonly string[], removed: readonly string[]): Diagnostic[] {
  return allow
    .filter((id) => !removed.includes(id))
    .map((id) => ({
      ...diagnostic('lifecycle/tenant-removal', `--allow-removal ${id} matches no removed or moved tenant${removed.length ? ` (removed or moved: ${removed.join(', ')})` : ''}`, {
        severity: 'error',
        hint: 'pass --allow-removal only for tenants this change removes from tenants.yaml',
      }),
      kind: 'failure' as const,
    }));
}
