import { makeManifest } from '../../manifest/parse.js';
import { headOf, type Manifest } from '../../manifest/types.js';

/**
 * What Argo CD or Flux does with a tree, as far as deletion goes: which
 * delivery units (Applications, ApplicationSet-generated Applications, Flux
 * Kustomizations) exist, which files each one applies, and what happens to
 * those objects when the unit disappears. Each rule below is one documented
 * behaviour; test/analysis/delivery/semantics.test.ts quotes the page it
 * encodes, row by row.
 */

export interface SemanticsRow {
  rule: string;
  /** The documentation page and the sentence the rule encodes. */
  source: string;
  quote: string;
}

export const SEMANTICS = {
  autoPrune: {
    rule: 'an Application with syncPolicy.automated.prune deletes the objects removed from its path',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning',
    quote: 'By default (and as a safety mechanism), automated sync will not delete resources when Argo CD detects the resource is no longer defined in Git. To prune the resources, a manual sync can always be performed [...] Pruning can also be enabled to happen automatically as part of the automated sync by running: ... prune: true',
  },
  appsetCascade: {
    rule: 'deleting an ApplicationSet deletes the Applications it generated (by owner reference), as does its generator no longer producing one; what happens to their deployed objects is up to each Application\'s finalizer',
    source: 'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Application-Deletion/',
    quote: 'when an ApplicationSet is deleted, the following occurs (in rough order): The ApplicationSet resource itself is deleted; Any Application resources that were created from this ApplicationSet (as identified by owner reference) will be deleted; Any deployed resources (Deployments, Services, ConfigMaps, etc) on the managed cluster, that were created from that Application resource (by Argo CD), will be deleted. Argo CD is responsible for handling this deletion, via the deletion finalizer.',
  },
  appsetFinalizer: {
    rule: 'a generated Application gets resources-finalizer.argocd.argoproj.io unless the ApplicationSet sets syncPolicy.preserveResourcesOnDeletion: true',
    source: 'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Application-Deletion/',
    quote: 'All Application resources created by the ApplicationSet controller (from an ApplicationSet) will contain: A .metadata.ownerReferences reference back to the parent ApplicationSet resource; An Argo CD resources-finalizer.argocd.argoproj.io finalizer in .metadata.finalizers of the Application if .syncPolicy.preserveResourcesOnDeletion is set to false. [...] To preserve deployed resources, set .syncPolicy.preserveResourcesOnDeletion to true in the ApplicationSet.',
  },
  templateFinalizerWins: {
    rule: 'finalizers listed in the ApplicationSet template are kept as they are: preserveResourcesOnDeletion only withholds the default finalizer from a template that lists none',
    source: 'https://github.com/argoproj/argo-cd/blob/master/applicationset/utils/utils.go',
    quote: "Add the 'resources-finalizer' finalizer if: The template application doesn't have any finalizers, and: a) there is no syncPolicy, or b) there IS a syncPolicy, but preserveResourcesOnDeletion is set to false (test case: \"user-specified finalizer should overwrite preserveResourcesOnDeletion\")",
  },
  allowEmpty: {
    rule: 'automated sync with prune does not prune an Application down to no objects unless syncPolicy.automated.allowEmpty is true',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning-with-allow-empty-v18',
    quote: 'By default (and as a safety mechanism), automated sync with prune have a protection from any automation/human errors when there are no target resources. It prevents application from having empty resources. To allow applications have empty resources [...] allowEmpty: true',
  },
  appFinalizer: {
    rule: 'deleting an Application deletes its deployed objects only when it carries resources-finalizer.argocd.argoproj.io',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/#about-the-deletion-finalizer',
    quote: 'For the technical amongst you, the Argo CD application controller watches for this finalizer: metadata: finalizers: - resources-finalizer.argocd.argoproj.io [...] Argo CD\'s app controller watches for this finalizer and will perform a cascading delete.',
  },
  noPrune: {
    rule: 'objects annotated argocd.argoproj.io/sync-options Prune=false are never pruned, Delete=false are kept when the Application is deleted',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources',
    quote: 'You may wish to prevent an object from being pruned: argocd.argoproj.io/sync-options: Prune=false [...] For certain resources you might want to retain them even after your application is deleted [...] argocd.argoproj.io/sync-options: Delete=false',
  },
  syncWaves: {
    rule: 'in one sync Argo CD creates and updates lower waves first and deletes higher waves first; a resource without the annotation is in wave 0',
    source: 'https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/',
    quote: 'Hooks and resources are assigned to wave zero by default. [...] When Argo CD starts a sync, it orders the resources in the following precedence: The phase; The wave they are in (lower values first for creation & updation and higher values first for deletion); By kind [...]; By name',
  },
  projectFinalizer: {
    rule: 'an AppProject with resources-finalizer.argocd.argoproj.io is not deleted while an Application references it; without it, an Application whose project is gone cannot sync or finish its deletion ("DeletionError ... appproject not found", argo-cd issues 4369 and 21111)',
    source: 'https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/',
    quote: '# Finalizer that ensures that project is not deleted until it is not referenced by any application finalizers: - resources-finalizer.argocd.argoproj.io',
  },
  fluxPrune: {
    rule: 'a Kustomization with spec.prune deletes objects removed from its path and, when it is itself deleted, every object it applied, unless deletionPolicy is Orphan',
    source: 'https://fluxcd.io/flux/components/kustomize/kustomizations/#prune',
    quote: 'When enabled, if a Kubernetes object that was previously applied is removed from the source, it will be deleted from the cluster. [...] when the Kustomization object is deleted, the controller will also delete all the objects it applied (deletionPolicy MirrorPrune, the default) [...] Orphan: keeps the objects',
  },
  fluxNoPrune: {
    rule: 'objects annotated kustomize.toolkit.fluxcd.io/prune: disabled are never garbage collected: not when removed from the source, not when their Kustomization is deleted',
    source: 'https://fluxcd.io/flux/components/kustomize/kustomizations/#prune',
    quote: 'To keep track of the Kubernetes objects reconciled from a Kustomization, Flux creates an inventory [...] You can disable pruning for certain resources by either labelling or annotating them with: kustomize.toolkit.fluxcd.io/prune: disabled',
  },
} as const satisfies Record<string, SemanticsRow>;

export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

export interface Unit {
  /** `Application argocd/name`, `ApplicationSet argocd/name → tenant-a`, `Kustomization ns/name`. */
  id: string;
  kind: 'Application' | 'GeneratedApplication' | 'Kustomization';
  /** The object that defines the unit (for a generated Application: its ApplicationSet). */
  manifest: Manifest;
  /** Folder (repo-relative, no trailing slash) whose files the unit applies, except the folders of units below it. */
  path: string;
  /** Removed files are deleted by the controller. */
  prunes: boolean;
  /** Argo CD: pruning may leave the unit with no objects at all (automated.allowEmpty); Flux always may. */
  allowEmpty: boolean;
  /** When the unit itself is deleted, its objects are deleted too. */
  cascades: boolean;
  /** Argo CD: the AppProject the Application names (for a generated one, its template filled in), if known. */
  project?: string;
  /** Argo CD sync wave of the defining object in its parent's sync. */
  wave: number;
  /** For a generated Application: its ApplicationSet and whether that sets preserveResourcesOnDeletion. */
  appset?: { id: string; preserves: boolean };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function ref(m: Manifest): string {
  const h = headOf(m);
  return `${h.kind} ${h.namespace ?? ''}/${h.name ?? ''}`;
}

function trimPath(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * The delivery units a tree declares (an ApplicationSet's git generator yields one per matching
 * folder), plus, for each Flux bootstrap path, the Kustomization `flux bootstrap` creates there
 * (gotk-sync.yaml: prune on, applies the whole folder; it is not in the tree tenantctl renders).
 */
export function deliveryUnits(manifests: readonly Manifest[], files: Iterable<string>, bootstrapPaths: readonly string[] = []): Unit[] {
  const units: Unit[] = [];
  for (const path of bootstrapPaths) {
    const namespace = path.slice(path.lastIndexOf('/') + 1);
    const object = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: namespace, namespace }, spec: { path: `./${path}`, prune: true } };
    const manifest = makeManifest(object, `${path}/${namespace}/gotk-sync.yaml`, '', 0);
    units.push({ id: `Kustomization ${namespace}/${namespace} (flux bootstrap of ${path})`, kind: 'Kustomization', manifest, path, prunes: true, allowEmpty: true, cascades: true, wave: 0 });
  }
  const folders = new Set<string>();
  // A folder's files come together: a file in the folder just added is not hashed again (slice and === as in kustomizations()).
  let last: string | undefined;
  for (const f of files) {
    const end = f.lastIndexOf('/');
    const folder = f.slice(0, end);
    if (end === last?.length && folder === last) continue;
    last = folder;
    folders.add(folder);
  }
  for (const m of manifests) {
    // The head first: only the delivery objects are parsed.
    const kind = headOf(m).kind;
    if (kind !== 'Application' && kind !== 'ApplicationSet' && kind !== 'Kustomization') continue;
    const spec = obj(m.object.spec);
    const group = m.object.apiVersion.split('/')[0];
    if (m.object.kind === 'Application' && group === 'argoproj.io') {
      const path = str(obj(spec.source).path);
      if (path === undefined) continue;
      const automated = obj(obj(spec.syncPolicy).automated);
      units.push({
        id: ref(m),
        kind: 'Application',
        manifest: m,
        path: trimPath(path),
        prunes: automated.prune === true,
        allowEmpty: automated.allowEmpty === true,
        cascades: cascadingFinalizer(m.object.metadata?.finalizers ?? []),
        ...(str(spec.project) ? { project: str(spec.project)! } : {}),
        wave: syncWave(m),
      });
    } else if (m.object.kind === 'ApplicationSet' && group === 'argoproj.io') {
      const template = obj(spec.template);
      const preserves = obj(spec.syncPolicy).preserveResourcesOnDeletion === true;
      // The template's own finalizers win; only a template without any gets the default one, and only without preserve.
      const listed = ((obj(template.metadata).finalizers as unknown[] | undefined) ?? []).filter((f): f is string => typeof f === 'string');
      const finalizers = listed.length > 0 ? listed : preserves ? [] : [RESOURCES_FINALIZER];
      const automated = obj(obj(obj(template.spec).syncPolicy).automated);
      for (const g of (spec.generators as unknown[] | undefined) ?? []) {
        for (const d of (obj(obj(g).git).directories as unknown[] | undefined) ?? []) {
          const pattern = str(obj(d).path);
          if (!pattern || obj(d).exclude === true) continue;
          // Git directory generator: one Application per matching folder; `*` matches one path segment.
          const re = new RegExp(`^${trimPath(pattern).split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
          // What every generated Application shares: worked out once, not once per folder (one per tenant).
          const id = ref(m);
          const [wave, cascades, appset] = [syncWave(m), cascadingFinalizer(finalizers), { id, preserves }];
          const projectTemplate = str(obj(template.spec).project);
          for (const folder of [...folders].filter((f) => re.test(f)).sort()) {
            // One shape for every unit (no spread): tens of thousands are made at 10,000 tenants.
            const unit: Unit = { wave, id: `${id} → ${folder}`, kind: 'GeneratedApplication', manifest: m, path: folder, prunes: automated.prune === true, allowEmpty: automated.allowEmpty === true, cascades, appset };
            const project = fillPath(projectTemplate, folder);
            if (project) unit.project = project;
            units.push(unit);
          }
        }
      }
    } else if (m.object.kind === 'Kustomization' && group === 'kustomize.toolkit.fluxcd.io') {
      const path = str(spec.path);
      if (path === undefined) continue;
      const prunes = spec.prune === true;
      units.push({
        id: ref(m),
        kind: 'Kustomization',
        manifest: m,
        path: trimPath(path),
        prunes,
        allowEmpty: true,
        wave: 0,
        cascades: prunes && spec.deletionPolicy !== 'Orphan',
      });
    }
  }
  return units;
}

/**
 * Which unit applies a file: the one whose folder is the file's nearest
 * ancestor. A folder that another unit applies is that unit's, not its
 * parent's: kustomizations list subfolders, and the platform entry point
 * leaves the workloads folders to the tenant units. One walk up the file's
 * folders, so it stays linear in the tree at any number of units.
 */
export function ownerIndex(units: readonly Unit[]): (file: string) => Unit | undefined {
  const byPath = new Map<string, Unit>();
  for (const u of units) if (!byPath.has(u.path)) byPath.set(u.path, u);
  // The owner depends only on the file's folder, which a tenant's files share: each folder is walked once.
  const byFolder = new Map<string, Unit | undefined>();
  // Files are asked for in tree order, a folder's together: the folder asked last is compared, not hashed again.
  let last: { folder: string; owner: Unit | undefined } | undefined;
  return (file) => {
    const end = file.lastIndexOf('/');
    if (end <= 0) return undefined;
    const folder = file.slice(0, end);
    if (end === last?.folder.length && folder === last.folder) return last.owner;
    let owner: Unit | undefined;
    if (byFolder.has(folder)) owner = byFolder.get(folder);
    else {
      for (let i = end; i > 0 && owner === undefined; i = file.lastIndexOf('/', i - 1)) owner = byPath.get(file.slice(0, i));
      byFolder.set(folder, owner);
    }
    last = { folder, owner };
    return owner;
  };
}

/** Argo CD's sync wave of an object (0 without the annotation). */
export function syncWave(m: Manifest): number {
  const v = Number(m.object.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

/**
 * A git directory generator's template field filled in for one folder: only the forms
 * `{{ index .path.segments N }}`, `{{ trimPrefix "p" (index .path.segments N) }}` and
 * `{{ .path.path }}` are understood; anything else leaves the value unknown.
 */
export function fillPath(template: string | undefined, folder: string): string | undefined {
  if (template === undefined) return undefined;
  const segments = folder.split('/');
  let unknown = false;
  const out = template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_all, expr: string) => {
    const e = expr.trim();
    if (e === '.path.path') return folder;
    const idx = /^\(?index \.path\.segments (\d+)\)?$/.exec(e);
    if (idx) return segments[Number(idx[1])] ?? '';
    const trim = /^trimPrefix "([^"]*)" \(index \.path\.segments (\d+)\)$/.exec(e);
    if (trim) {
      const seg = segments[Number(trim[2])] ?? '';
      return seg.startsWith(trim[1]!) ? seg.slice(trim[1]!.length) : seg;
    }
    unknown = true;
    return '';
  });
  return unknown ? undefined : out;
}

/** The resources finalizer, in its foreground or background form, makes deleting the Application delete its objects. */
function cascadingFinalizer(finalizers: readonly string[]): boolean {
  return finalizers.some((f) => f === RESOURCES_FINALIZER || f.startsWith(`${RESOURCES_FINALIZER}/`));
}

/** Whether pruning leaves the object in place (Argo CD Prune=false, or Flux's prune: disabled). */
export function keptOnPrune(m: Manifest): boolean {
  return syncOptions(m).includes('Prune=false') || fluxPruneDisabled(m);
}

/** Whether deleting the unit that applied it leaves the object in place (Argo CD Delete=false or Prune=false as the cascade treats it, or Flux's prune: disabled). */
export function keptOnDelete(m: Manifest): boolean {
  const options = syncOptions(m);
  return options.includes('Delete=false') || options.includes('Prune=false') || fluxPruneDisabled(m);
}

function fluxPruneDisabled(m: Manifest): boolean {
  const key = 'kustomize.toolkit.fluxcd.io/prune';
  return m.object.metadata?.annotations?.[key] === 'disabled' || m.object.metadata?.labels?.[key] === 'disabled';
}

export function syncOptions(m: Manifest): string[] {
  const v = m.object.metadata?.annotations?.[SYNC_OPTIONS];
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [];
}
