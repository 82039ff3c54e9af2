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
  opts: { base?: string; allowRemoval?: readonly string[] },
): Diagnostic[] {
  if (!head.config) return [];
  // Without an upstream (a fresh clone, a detached CI checkout) there is nothing
  // to compare with; saying so on every clean run would only be noise.
  if (base.ref === undefined) return base.diagnostics.filter((d) => d.severity !== 'info');
  const plan = comparePlans(base, headSide(head.config, head.render));
  return [...base.diagnostics, ...removalDiagnostics(plan, base, opts.allowRemoval ?? [], opts.base ?? `merge base ${base.ref.slice(0, 12)}`)];
}
