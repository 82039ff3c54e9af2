import { pushTo } from '../../collections.js';
import { diagnostic } from '../../diagnostics/catalogue.js';
import type { Diagnostic, FileLocation } from '../../diagnostics/diagnostic.js';
import { headOf, manifestLabel, objectRef, type Manifest } from '../../manifest/types.js';
import { GUARDRAILS } from '../../platform/index.js';
import { isTenantWorkload } from '../../platform/layout.js';
import { deliveryUnits, keptOnDelete, keptOnPrune, ownerIndex, RESOURCES_FINALIZER, syncWave, type Unit } from './model.js';

export { deliveryUnits, SEMANTICS, type Unit } from './model.js';

export interface DeliverySide {
  manifests: readonly Manifest[];
  /** Every file of the tree (kustomization.yaml files included: they decide which folders exist). */
  files: Iterable<string>;
  /** Tenant owning each namespace. */
  tenantOfNamespace: ReadonlyMap<string, string>;
  /** Folders a Flux bootstrap reconciles (the GitOps folders); their Kustomization is not in the tree. */
  bootstrapPaths?: readonly string[];
  /** Where tenants' namespaces are named (namespacePrefix in tenants.yaml): a namespace move is reported there, at the change that made it. */
  namespacesNamedAt?: FileLocation;
}

export interface Deletion {
  object: Manifest;
  tenant?: string;
  /** The unit whose deletion or pruning removes the object. */
  by: string;
  /** cascade: the unit itself goes and takes its objects; pruned: the file left a path the unit keeps syncing. */
  reason: 'cascade' | 'pruned';
  cause: string;
}

/**
 * `Kind namespace/name`, made once per object: the base and the head share most objects, and each side asks several times.
 * From the head: a tenant placed from its summary keeps its objects unread unless one is deleted.
 */
const refs = new WeakMap<Manifest, string>();
const ref = (m: Manifest): string => {
  let r = refs.get(m);
  if (r === undefined) {
    r = manifestLabel(m);
    refs.set(m, r);
  }
  return r;
};

/** Each side's delivery units, worked out once for both analyses. */
interface Units {
  base: Unit[];
  head: Unit[];
}

const unitsOf = (base: DeliverySide, head: DeliverySide): Units => ({
  base: deliveryUnits(base.manifests, base.files, base.bootstrapPaths),
  head: deliveryUnits(head.manifests, head.files, head.bootstrapPaths),
});
const guardrailKinds = new Set([...GUARDRAILS.map((g) => g.kind)]);

/**
 * Every object of the base tree that the GitOps controller would delete when
 * the head is synced, with the reason: a unit that disappears and cascades, or
 * a file removed from a pruning unit's path. Linear in the size of both trees:
 * each object is looked up by identity, never searched for.
 *
 * `unchanged`: the file is in the head with the same text. Its objects, applied
 * by a unit of the same id on both sides, are still applied: a unit that stays
 * does not prune them, and the head's objects are looked through only for the others.
 */
export function deletions(base: DeliverySide, head: DeliverySide, units: Units = unitsOf(base, head), unchanged: (file: string) => boolean = () => false): Deletion[] {
  const { base: baseUnits, head: headUnits } = units;
  const baseOwner = ownerIndex(baseUnits);
  const headOwner = ownerIndex(headUnits);
  const headUnitIds = new Set(headUnits.map((u) => u.id));
  // Only a unit that goes away asks these: most changes remove none.
  let headRefs: Set<string> | undefined;
  const inHead = (m: Manifest) => (headRefs ??= new Set(head.manifests.map(ref))).has(ref(m));
  let newInHead: Manifest[] | undefined;
  const newObjects = (): Manifest[] => {
    if (newInHead === undefined) {
      const baseRefs = new Set(base.manifests.map(ref));
      newInHead = head.manifests.filter((h) => !baseRefs.has(ref(h)));
    }
    return newInHead;
  };
  let appliedBy: Map<Unit, Manifest[]> | undefined;
  const applied = (u: Unit): Manifest[] => {
    if (!appliedBy) {
      appliedBy = new Map();
      for (const m of base.manifests) {
        const owner = baseOwner(m.file);
        if (owner) pushTo(appliedBy, owner, m);
      }
    }
    return appliedBy.get(u) ?? [];
  };
  /** A same-kind object new in the head, in the same folder: what the removed one was most likely renamed to. */
  const replacement = (m: Manifest): string | undefined => {
    const folder = m.file.slice(0, m.file.lastIndexOf('/'));
    const kind = headOf(m).kind;
    const candidates = newObjects().filter((h) => headOf(h).kind === kind && h.file.startsWith(`${folder}/`));
    return candidates.length === 1 ? ref(candidates[0]!) : undefined;
  };
  const removedBy = (u: Unit, parent: Unit) => {
    const to = replacement(u.manifest);
    return `${ref(u.manifest)} is removed from Git${to ? ` (the head has ${to} in its place: a rename is a delete plus a create)` : ''} and pruned by ${parent.id}`;
  };
  const out: Deletion[] = [];
  const push = (object: Manifest, by: string, reason: Deletion['reason'], cause: string) => {
    const ns = object.object.metadata?.namespace ?? (object.object.kind === 'Namespace' ? (object.object.metadata?.name ?? '') : '');
    const tenant = base.tenantOfNamespace.get(ns);
    out.push({ object, by, reason, cause, ...(tenant ? { tenant } : {}) });
  };
  for (const u of baseUnits) {
    if (headUnitIds.has(u.id)) continue;
    // How the unit goes away: its defining object pruned by the unit that applies it, or (generated
    // Applications) its ApplicationSet deleted or no longer generating it.
    const parent = baseOwner(u.manifest.file);
    const definingGone = !inHead(u.manifest);
    let cause: string;
    const cascades = u.cascades;
    if (u.kind === 'GeneratedApplication' && !definingGone) {
      cause = `${ref(u.manifest)} no longer generates an Application for ${u.path}`;
    } else {
      if (!definingGone || !parent?.prunes) continue;
      cause = removedBy(u, parent);
      if (u.kind === 'GeneratedApplication') cause += '; deleting an ApplicationSet deletes the Applications it generated';
    }
    if (!cascades) continue;
    for (const m of applied(u)) {
      if (keptOnDelete(m)) continue;
      push(m, u.id, 'cascade', cause);
    }
  }
  // Files removed from the path of a unit that stays and prunes (Argo CD refuses to prune a unit
  // down to nothing unless it allows empty). An object stays when the same unit still applies it,
  // whichever file it moved to; the same object under another unit (another cluster's platform) is another object.
  const headUnit = new Map(headUnits.map((u) => [u.id, u]));
  const maybePruned = new Map<Unit, Manifest[]>();
  for (const m of base.manifests) {
    const u = baseOwner(m.file);
    if (!u || !headUnit.get(u.id)?.prunes) continue;
    if (unchanged(m.file) && headOwner(m.file)?.id === u.id) continue;
    pushTo(maybePruned, u, m);
  }
  // Unit id → the refs it applies in the head, of objects named as one that may be pruned (most of the
  // head's objects are not, and their refs are not made); and the units that apply anything.
  const names = new Set([...maybePruned.values()].flatMap((ms) => ms.map((m) => headOf(m).name)));
  const headApplied = new Map<string, Set<string>>();
  const applying = new Set<string>();
  for (const h of head.manifests) {
    const id = headOwner(h.file)?.id ?? '';
    applying.add(id);
    if (!names.has(headOf(h).name)) continue;
    let refs = headApplied.get(id);
    if (!refs) headApplied.set(id, (refs = new Set()));
    refs.add(ref(h));
  }
  for (const u of baseUnits) {
    const now = headUnit.get(u.id);
    const candidates = maybePruned.get(u);
    if (!now || !candidates) continue;
    if (!now.allowEmpty && !applying.has(u.id)) continue;
    const kept = headApplied.get(u.id);
    for (const m of candidates) {
      if (kept?.has(ref(m))) continue;
      if (keptOnPrune(m)) continue;
      push(m, u.id, 'pruned', `${m.file} is removed from the path ${u.path} that ${u.id} prunes`);
    }
  }
  return out;
}

export interface ProjectHazard {
  unit: Unit;
  project: Manifest;
  reason: 'stranded' | 'before-project';
}

/**
 * Applications left without their AppProject. A project the head deletes, without the project
 * finalizer, strands every Application that still uses it: one that stays can no longer sync, one
 * that is being deleted with its resources finalizer cannot finish ("appproject not found"). And in
 * the head, an Application in an earlier sync wave than its project is created before the project
 * exists on a fresh sync (waves create lower first).
 */
export function projectHazards(base: DeliverySide, head: DeliverySide, units: Units = unitsOf(base, head)): ProjectHazard[] {
  const projects = (s: DeliverySide) => new Map(s.manifests.filter((m) => headOf(m).kind === 'AppProject').map((m) => [headOf(m).name ?? '', m]));
  const [baseProjects, headProjects] = [projects(base), projects(head)];
  const headUnits = units.head;
  const headIds = new Set(headUnits.map((u) => u.id));
  const out: ProjectHazard[] = [];
  for (const u of units.base) {
    const p = u.project ? baseProjects.get(u.project) : undefined;
    if (!p || headProjects.has(u.project!)) continue;
    if ((p.object.metadata?.finalizers ?? []).includes(RESOURCES_FINALIZER)) continue;
    if (headIds.has(u.id) || u.cascades) out.push({ unit: u, project: p, reason: 'stranded' });
  }
  for (const u of headUnits) {
    const p = u.project ? headProjects.get(u.project) : undefined;
    if (p && u.wave < syncWave(p)) out.push({ unit: u, project: p, reason: 'before-project' });
  }
  return out;
}

/**
 * Findings for what a merge would do to tenants that stay: a cascade that
 * deletes their objects, or the removal of a guardrail from a namespace that
 * still exists. `unchanged`: as for deletions.
 */
export function deliveryFindings(baseSide: DeliverySide, headSide: DeliverySide, staying: ReadonlySet<string>, headNamespaces: ReadonlySet<string>, unchanged?: (file: string) => boolean): Diagnostic[] {
  // Both analyses walk the file lists: an iterator would be spent after the first.
  const [base, head] = [baseSide, headSide].map((s) => ({ ...s, files: [...s.files] }));
  const units = unitsOf(base!, head!);
  const deleted = deletions(base!, head!, units, unchanged);
  const all = deleted.filter((d) => d.tenant !== undefined && staying.has(d.tenant));
  // A namespace stays on the cluster when the head has it, or when the controller does not delete
  // the base's Namespace (Prune=false, Delete=false: a tenant moved to another namespace leaves it behind).
  const namespaceNames = (ms: Iterable<Manifest>) => new Set([...ms].flatMap((m) => (headOf(m).kind === 'Namespace' ? [headOf(m).name ?? ''] : [])));
  const goneNamespaces = namespaceNames(deleted.map((d) => d.object));
  let kept: Set<string> | undefined;
  const stays = (ns: string): boolean => headNamespaces.has(ns) || ((kept ??= namespaceNames(base!.manifests)).has(ns) && !goneNamespaces.has(ns));
  const out: Diagnostic[] = [];
  const byCause = new Map<string, Deletion[]>();
  for (const d of all) {
    if (d.reason !== 'cascade') continue;
    pushTo(byCause, d.cause, d);
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
  for (const h of projectHazards(base!, head!, units)) {
    const project = ref(h.project);
    const message =
      h.reason === 'stranded'
        ? `${h.unit.id} is left without ${project}, which the change deletes and which has no project finalizer: the Application ${h.unit.cascades ? 'cannot finish its deletion' : 'can no longer sync'} ("appproject not found")`
        : `${h.unit.id} is in sync wave ${h.unit.wave}, before ${project} (wave ${syncWave(h.project)}): on a fresh sync it is created before its project exists`;
    out.push(diagnostic('delivery/stranded-application', message, { object: objectRef(h.unit.manifest.object), file: { path: (h.reason === 'stranded' ? h.project : h.unit.manifest).file, line: 1, column: 1 } }));
  }
  // A tenant whose namespace changes (a new namespacePrefix) leaves the old one behind: said once per tenant, with the reason.
  const namespaceNow = new Map([...head!.tenantOfNamespace].map(([ns, tenant]) => [tenant, ns]));
  const left = new Map<string, { from: string; to: string; pruned: Deletion[] }>();
  for (const d of all) {
    if (d.reason !== 'pruned') continue;
    const ns = d.object.object.metadata?.namespace;
    const isGuardrail = guardrailKinds.has(d.object.object.kind);
    if (!isGuardrail || !ns || !stays(ns)) continue;
    const to = namespaceNow.get(d.tenant!);
    if (to !== undefined && to !== ns) {
      const move = left.get(d.tenant!) ?? { from: ns, to, pruned: [] };
      left.set(d.tenant!, move);
      move.pruned.push(d);
      continue;
    }
    out.push(
      diagnostic('delivery/guardrail-removed', `${ref(d.object)} would be pruned while namespace ${ns} stays: ${d.cause}`, {
        tenant: d.tenant!,
        object: objectRef(d.object.object),
        file: { path: d.object.file, line: 1, column: 1 },
      }),
    );
  }
  // Argo CD's ApplicationSet preserves the workloads of the Application that goes; a Flux Kustomization whose path moves prunes them.
  const workloadsGo = new Set<string>();
  for (const d of all) {
    const ns = d.object.object.metadata?.namespace;
    if (ns !== undefined && left.get(d.tenant!)?.from === ns && isTenantWorkload(d.object.object)) workloadsGo.add(d.tenant!);
  }
  for (const [tenant, { from, to, pruned }] of left) {
    const first = pruned[0]!.object;
    const held = workloadsGo.has(tenant) ? 'the data created there outside Git (its workloads there are deleted)' : 'the data created there outside Git and its workloads, left running unmanaged';
    out.push(
      diagnostic('delivery/guardrail-removed', `tenant ${tenant} moves from namespace ${from} to ${to}: ${from} stays (its Namespace is protected from pruning) with ${held}, while ${pruned.length} of its guardrails are pruned`, {
        tenant,
        object: objectRef(first.object),
        file: head!.namespacesNamedAt ?? { path: first.file, line: 1, column: 1 },
        detail: ['pruned:', ...pruned.map((d) => `  - ${ref(d.object)}  (${d.object.file})`)].join('\n'),
        hint: `nothing moves with the tenant: copy what ${from} holds (volumes, Secrets) into ${to}, acknowledge the move with --allow-removal ${tenant}, and delete ${from} by hand once it is empty; or keep namespacePrefix as it was`,
      }),
    );
  }
  return out;
}
