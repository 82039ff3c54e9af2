import { deliveryUnits, ownerIndex } from '../../analysis/delivery/model.js';
import type { Manifest } from '../../manifest/types.js';
import type { Rule } from '../types.js';

type Messages = 'cycle';

type Ref = { name?: string; namespace?: string; kind?: string };
type KustomizationSpec = { wait?: boolean; healthChecks?: Ref[]; dependsOn?: Ref[] };

const folderOf = (file: string) => file.slice(0, file.lastIndexOf('/'));
const isKustomization = (m: Manifest) => m.object.kind === 'Kustomization' && m.object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');
const specOf = (m: Manifest) => ((m.object as unknown as { spec?: KustomizationSpec }).spec ?? {});

/**
 * Flux: a Kustomization with `wait: true` is Ready only when every object it
 * applied is healthy, a Kustomization included ("wait: true [...] the
 * controller will wait for all the reconciled resources to be ready"), and a
 * Kustomization with `dependsOn` is reconciled only after its dependencies are
 * Ready. A parent that waits for the Kustomizations it applies while they
 * depend on it is a cycle the Kustomization docs tell to avoid: nothing
 * becomes Ready, and one failing child holds back every other.
 */
export const coupled: Rule<Messages> = {
  meta: {
    id: 'delivery/coupled-tenants',
    appliesTo: ['Kustomization'],
    messages: {
      cycle: 'Kustomization {parent} waits for the health of the {count} Kustomization(s) it applies ({children}), which depend on it: a cycle, so none becomes Ready and one failing tenant holds back the others',
    },
  },
  checkManifest(m, ctx) {
    if (!isKustomization(m)) return;
    const spec = specOf(m);
    const checks = spec.healthChecks ?? [];
    if (spec.wait !== true && checks.length === 0) return;
    const { owner, kustomizations } = ctx.shared('delivery-coupled/units', () => {
      const units = deliveryUnits(ctx.all, ctx.all.map((x) => x.file));
      return { owner: ownerIndex(units), kustomizations: ctx.all.filter(isKustomization) };
    });
    const name = m.object.metadata?.name;
    const namespace = m.object.metadata?.namespace;
    const ownPath = ((spec as { path?: string }).path ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
    const children = kustomizations.filter((d) => {
      // Siblings in the parent's own folder are not its to apply unless that folder is its path: the
      // platform's entry point leaves out the GitOps folder it sits in.
      if (d === m || owner(d.file)?.manifest !== m || (folderOf(d.file) === folderOf(m.file) && ownPath !== folderOf(m.file))) return false;
      const waitedFor = spec.wait === true || checks.some((c) => c.kind === 'Kustomization' && c.name === d.object.metadata?.name && (c.namespace ?? namespace) === d.object.metadata?.namespace);
      const dependsOnParent = (specOf(d).dependsOn ?? []).some((r) => r.name === name && (r.namespace ?? d.object.metadata?.namespace) === namespace);
      return waitedFor && dependsOnParent;
    });
    if (children.length === 0) return;
    const shown = children.slice(0, 3).map((d) => `${d.object.metadata?.namespace}/${d.object.metadata?.name}`).join(', ') + (children.length > 3 ? ', …' : '');
    ctx.report({ manifest: m, messageId: 'cycle', pointer: spec.wait === true ? '/spec/wait' : '/spec/healthChecks', data: { parent: `${namespace}/${name}`, count: children.length, children: shown } });
  },
};
