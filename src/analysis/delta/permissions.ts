import type { RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import { headOf, type Manifest } from '../../manifest/types.js';
import { agree } from './fingerprint.js';
import { buildAuthorizer, RBAC_KINDS, type Authorizer } from '../rbac/authorizer.js';
import { serviceAccountUser, userInfo } from '../rbac/user.js';

/**
 * What each subject of a RoleBinding or ClusterRoleBinding gains or loses,
 * from the same RBAC evaluator as `can-i` and the proofs: the rules it holds
 * in each namespace it is bound in (and cluster-wide), before and after.
 */
export interface PermissionChange {
  /** `ServiceAccount ns/name`, `User name` or `Group name`. */
  subject: string;
  /** '' for cluster-wide. */
  namespace: string;
  gained: string[];
  lost: string[];
}

function subjectsOf(ms: readonly Manifest[]): { subject: Subject; namespace: string }[] {
  const out: { subject: Subject; namespace: string }[] = [];
  for (const m of ms) {
    if (m.object.kind !== 'RoleBinding' && m.object.kind !== 'ClusterRoleBinding') continue;
    const b = m.object as unknown as RoleBinding;
    const ns = m.object.kind === 'RoleBinding' ? (m.object.metadata?.namespace ?? '') : '';
    for (const s of b.subjects ?? []) out.push({ subject: s, namespace: ns });
  }
  return out;
}

function label(s: Subject, bindingNs: string): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? bindingNs}/${s.name}` : `${s.kind} ${s.name}`;
}

function user(s: Subject, bindingNs: string) {
  if (s.kind === 'ServiceAccount') return userInfo(serviceAccountUser(s.namespace ?? bindingNs, s.name));
  if (s.kind === 'Group') return userInfo('reviewer:anyone', [s.name]);
  return userInfo(s.name, ['system:authenticated']);
}

/** `verb resource.group [name]` per allowed combination, so two rule layouts that grant the same compare equal. */
function grants(authz: Authorizer, s: Subject, bindingNs: string, namespace: string): Set<string> {
  const out = new Set<string>();
  for (const { rule } of authz.rulesFor(user(s, bindingNs), namespace)) {
    const groups = rule.apiGroups ?? [''];
    for (const verb of rule.verbs) {
      for (const url of rule.nonResourceURLs ?? []) out.add(`${verb} ${url}`);
      for (const g of groups) {
        for (const r of rule.resources ?? []) {
          const names = rule.resourceNames?.length ? rule.resourceNames : [''];
          for (const n of names) out.add(verb === '*' && r === '*' && g === '*' && !n ? 'everything (* on *.*)' : `${verb} ${r}${g ? `.${g}` : ''}${n ? ` ${n}` : ''}`);
        }
      }
    }
  }
  return out;
}

/** Everything in an RBAC object that can change what it grants. */
function rbacPart(m: Manifest): string {
  const o = m.object as Record<string, unknown> & typeof m.object;
  return JSON.stringify([o.kind, o.metadata?.namespace, o.metadata?.name, o.metadata?.labels, o.rules, o.aggregationRule, o.roleRef, o.subjects]);
}

const rbacOf = (ms: readonly Manifest[]) => ms.filter((m) => RBAC_KINDS.has(headOf(m).kind));

export function permissionsDelta(base: readonly Manifest[], head: readonly Manifest[]): PermissionChange[] {
  if (agree(rbacOf(base), rbacOf(head), rbacPart)) return [];
  const a = buildAuthorizer(base);
  const b = buildAuthorizer(head);
  const seen = new Set<string>();
  const out: PermissionChange[] = [];
  // A namespace that only one side has belongs to a tenant being added or removed: the object
  // list shows that; the delta is about namespaces that stay.
  const namespaces = (ms: readonly Manifest[]) => new Set(ms.filter((m) => m.object.kind === 'Namespace').map((m) => m.object.metadata?.name ?? ''));
  const before = namespaces(base);
  const staying = new Set([...namespaces(head)].filter((n) => before.has(n)));
  for (const { subject, namespace } of [...subjectsOf(base), ...subjectsOf(head)]) {
    if (namespace !== '' && !staying.has(namespace) && (before.size > 0 || staying.size > 0)) continue;
    const who = label(subject, namespace);
    const key = `${who}\u0000${namespace}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const had = grants(a, subject, namespace, namespace);
    const has = grants(b, subject, namespace, namespace);
    const gained = [...has].filter((g) => !had.has(g)).sort();
    const lost = [...had].filter((g) => !has.has(g)).sort();
    if (gained.length || lost.length) out.push({ subject: who, namespace, gained, lost });
  }
  return out.sort((x, y) => (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : x.namespace < y.namespace ? -1 : x.namespace > y.namespace ? 1 : 0));
}
