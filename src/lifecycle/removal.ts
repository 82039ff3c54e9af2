import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Side } from './base.js';
import type { Plan, TenantChange } from './changes.js';

/**
 * What deleting the tenant's namespace takes with it, one line each, for
 * review. The namespace is protected from pruning, so this happens only when
 * someone deletes it by hand; the removed objects (the rest of the list) go on sync.
 */
export function deletionList(t: TenantChange): string[] {
  const lines: string[] = [];
  lines.push(`namespace ${t.namespace ?? '(unknown: the base tenants.yaml does not validate)'} (kept on sync: it is protected from pruning) and, once deleted by hand, everything in it, including objects created outside Git`);
  const storage = t.tenant?.quota['requests.storage'];
  const pvcs = t.tenant?.quota['persistentvolumeclaims'];
  if (t.tenant) {
    lines.push(`storage: up to ${storage ?? 'an unlimited amount'} of PersistentVolumeClaims${pvcs ? ` (at most ${pvcs} claims)` : ''} under its quota; volumes with reclaimPolicy Delete are erased`);
  }
  for (const o of t.objects.filter((x) => x.change === 'removed')) lines.push(`${o.ref}  (${o.path})`);
  return lines;
}

/**
 * Removing a tenant is the one change that destroys data, so it must be
 * deliberate: the tenant was marked `decommissioned: true` in the base (an
 * earlier, merged commit), or the removal is acknowledged with --allow-removal.
 */
export function removalDiagnostics(plan: Plan, base: Side, allow: readonly string[], ref: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of plan.tenants.filter((x) => x.change === 'removed')) {
    const decommissioned = base.config?.tenants.find((b) => b.id === t.id)?.decommissioned === true;
    const detail = deletionList(t).map((l) => `  - ${l}`).join('\n');
    if (decommissioned || allow.includes(t.id)) {
      out.push(diagnostic('lifecycle/tenant-removal', `tenant "${t.id}" is removed (${decommissioned ? `decommissioned in ${ref}` : 'allowed by --allow-removal'}); its Namespace is protected from pruning and stays until deleted by hand`, { severity: 'info', tenant: t.id, detail: `would be deleted once the namespace is deleted:\n${detail}`, hint: `after merging, back up what must be kept, then: kubectl delete namespace ${t.namespace ?? ''}`.trimEnd() }));
      continue;
    }
    out.push(diagnostic('lifecycle/tenant-removal', `tenant "${t.id}" was removed from tenants.yaml without being decommissioned first (compared with ${ref}): on sync its guardrails are pruned in the same step as its workloads leave delivery (Flux deletes them; Argo CD leaves them running, unmanaged, as its ApplicationSet preserves resources), while its namespace stays`, { tenant: t.id, detail: `what goes:\n${detail}`, hint: `mark the tenant "decommissioned: true" and merge that first, then remove it in a later pull request; or acknowledge this removal with --allow-removal ${t.id}` }));
  }
  return out;
}
