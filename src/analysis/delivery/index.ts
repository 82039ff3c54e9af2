import { diagnostic } from '../../diagnostics/catalogue.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { objectRef, type Manifest } from '../../manifest/types.js';
import { GUARDRAILS } from '../../platform/index.js';
import { applies, deliveryUnits, syncOptions, type Unit } from './model.js';

export { deliveryUnits, SEMANTICS, type Unit } from './model.js';

export interface DeliverySide {
  manifests: readonly Manifest[];
  /** Every file of the tree (kustomization.yaml files included: they decide which folders exist). */
  files: Iterable<string>;
  /** Tenant owning each namespace. */
  tenantOfNamespace: ReadonlyMap<string, string>;
}

export interface Deletion {
  object: Manifest;
  tenant?: string;
  /** The unit whose deletion or pruning removes the object. */
  by: string;
  cause: string;
}

const ref = (m: Manifest) => `${m.object.kind} ${m.object.metadata?.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata?.name ?? ''}`;
const guardrailKinds = new Set([...GUARDRAILS.map((g) => g.kind)]);

/** The unit (of `units`) that applies a file: the deepest folder wins. */
function ownerOf(units: readonly Unit[], file: string): Unit | undefined {
  return units.filter((u) => applies(u, file)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** A same-kind object that appears in the head in the same folder: what the removed one was most likely renamed to. */
function replacement(m: Manifest, head: readonly Manifest[], base: readonly Manifest[]): string | undefined {
  const folder = m.file.slice(0, m.file.lastIndexOf('/'));
  const before = new Set(base.map(ref));
  const candidates = head.filter((h) => h.object.kind === m.object.kind && h.file.startsWith(`${folder}/`) && !before.has(ref(h)));
  return candidates.length === 1 ? ref(candidates[0]!) : undefined;
}

/**
 * Every object of the base tree that the GitOps controller would delete when
 * the head is synced, with the reason: a unit that disappears and cascades, or
 * a file removed from a pruning unit's path.
 */
export function deletions(base: DeliverySide, head: DeliverySide): Deletion[] {
  const baseUnits = deliveryUnits(base.manifests, base.files);
  const headUnitList = deliveryUnits(head.manifests, head.files);
  const headUnits = new Set(headUnitList.map((u) => u.id));
  const headById = new Map(headUnitList.map((u) => [u.id, u]));
  const headObjects = new Set(head.manifests.map((m) => `${m.file}\u0000${ref(m)}`));
  const out: Deletion[] = [];
  const tenantOf = (m: Manifest) => base.tenantOfNamespace.get(m.object.metadata?.namespace ?? (m.object.kind === 'Namespace' ? (m.object.metadata?.name ?? '') : ''));
  const push = (object: Manifest, by: string, cause: string) => {
    const tenant = tenantOf(object);
    out.push({ object, by, cause, ...(tenant ? { tenant } : {}) });
  };
  for (const u of baseUnits) {
    if (headUnits.has(u.id)) continue;
    // How the unit goes away: its defining object pruned by the unit that applies it, or (generated
    // Applications) its ApplicationSet deleted or no longer generating it.
    const parent = ownerOf(baseUnits, u.manifest.file);
    const definingGone = !head.manifests.some((m) => ref(m) === ref(u.manifest));
    let cause: string | undefined;
    let cascades = u.cascades;
    if (u.kind === 'GeneratedApplication') {
      if (definingGone) {
        if (!parent?.prunes) continue;
        const to = replacement(u.manifest, head.manifests, base.manifests);
        cause = `${ref(u.manifest)} is removed from Git${to ? ` (the head has ${to} in its place: a rename is a delete plus a create)` : ''} and pruned by ${parent.id}; deleting an ApplicationSet deletes the Applications it generated`;
        cascades = u.cascades && !u.appset!.preserves;
      } else {
        cause = `${ref(u.manifest)} no longer generates an Application for ${u.path}`;
      }
    } else {
      if (!definingGone || !parent?.prunes) continue;
      const to = replacement(u.manifest, head.manifests, base.manifests);
      cause = `${ref(u.manifest)} is removed from Git${to ? ` (the head has ${to} in its place: a rename is a delete plus a create)` : ''} and pruned by ${parent.id}`;
    }
    if (!cascades) continue;
    for (const m of base.manifests) {
      if (!applies(u, m.file)) continue;
      if (syncOptions(m).includes('Delete=false') || syncOptions(m).includes('Prune=false')) continue;
      push(m, u.id, cause);
    }
  }
  // Files removed from the path of a unit that stays and prunes.
  for (const u of baseUnits) {
    if (!headUnits.has(u.id) || !u.prunes) continue;
    for (const m of base.manifests) {
      if (!applies(u, m.file) || ownerOf(baseUnits, m.file) !== u) continue;
      // Still applied by the same unit (the file may have moved inside its path): not pruned. The
      // same object under another unit (another cluster's platform) is another object.
      const same = headById.get(u.id)!;
      if (headObjects.has(`${m.file}\u0000${ref(m)}`) || head.manifests.some((h) => ref(h) === ref(m) && ownerOf(headUnitList, h.file) === same)) continue;
      if (syncOptions(m).includes('Prune=false')) continue;
      push(m, u.id, `${m.file} is removed from the path ${u.path} that ${u.id} prunes`);
    }
  }
  return out;
}

/**
 * Findings for what a merge would do to tenants that stay: a cascade that
 * deletes their objects, or the removal of a guardrail from a namespace that
 * still exists.
 */
export function deliveryFindings(base: DeliverySide, head: DeliverySide, staying: ReadonlySet<string>, headNamespaces: ReadonlySet<string>): Diagnostic[] {
  const all = deletions(base, head).filter((d) => d.tenant !== undefined && staying.has(d.tenant));
  const out: Diagnostic[] = [];
  const byCause = new Map<string, Deletion[]>();
  for (const d of all) {
    if (d.cause.includes(' is removed from the path ')) continue;
    const list = byCause.get(d.cause) ?? [];
    list.push(d);
    byCause.set(d.cause, list);
  }
  for (const [cause, list] of byCause) {
    const tenants = [...new Set(list.map((d) => d.tenant!))].sort();
    const shown = tenants.length > 10 ? `${tenants.slice(0, 10).join(', ')}, …` : tenants.join(', ');
    const by = [...new Set(list.map((d) => d.by))];
    out.push(
      diagnostic('delivery/cascade-deletion', `merging would delete ${list.length} live object(s) of ${tenants.length} tenant(s) that stay in tenants.yaml: ${shown}; cause: ${cause}`, {
        object: objectRef(list[0]!.object.object),
        detail: [`deleted through ${by.join(', ')}:`, ...list.slice(0, 20).map((d) => `  - ${ref(d.object)}  (${d.object.file})`), ...(list.length > 20 ? [`  … and ${list.length - 20} more`] : [])].join('\n'),
      }),
    );
  }
  for (const d of all) {
    if (!d.cause.includes(' is removed from the path ')) continue;
    const ns = d.object.object.metadata?.namespace;
    const isGuardrail = guardrailKinds.has(d.object.object.kind);
    if (!isGuardrail || !ns || !headNamespaces.has(ns)) continue;
    out.push(
      diagnostic('delivery/guardrail-removed', `${ref(d.object)} would be pruned while namespace ${ns} stays: ${d.cause}`, {
        tenant: d.tenant!,
        object: objectRef(d.object.object),
        file: { path: d.object.file, line: 1, column: 1 },
      }),
    );
  }
  return out;
}
