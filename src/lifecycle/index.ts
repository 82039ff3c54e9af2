import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { RenderResult } from '../render/render.js';
import type { TenantsConfig } from '../tenants/types.js';
import { loadBase, type Side } from './base.js';
import { comparePlans } from './changes.js';
import { removalDiagnostics } from './removal.js';

export function headSide(config: TenantsConfig, render: RenderResult | undefined): Side {
  return { config, ids: config.tenants.map((t) => t.id), ...(render ? { render } : {}) };
}

/** `check`'s guard against deleting a tenant (and its data) by accident. */
export async function removalCheck(
  root: string,
  head: { config?: TenantsConfig; render?: RenderResult },
  opts: { base?: string; allowRemoval?: readonly string[] },
): Promise<Diagnostic[]> {
  if (!head.config) return [];
  const loaded = await loadBase(root, opts.base);
  // Without an upstream (a fresh clone, a detached CI checkout) there is nothing
  // to compare with; saying so on every clean run would only be noise.
  if (!loaded.base || loaded.ref === undefined) return loaded.diagnostics.filter((d) => d.severity !== 'info');
  const plan = comparePlans(loaded.base, headSide(head.config, head.render));
  return [...loaded.diagnostics, ...removalDiagnostics(plan, loaded.base, opts.allowRemoval ?? [], opts.base ?? `merge base ${loaded.ref.slice(0, 12)}`)];
}
