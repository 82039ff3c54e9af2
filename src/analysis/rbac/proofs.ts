/**
 * Isolation proofs over an Authorizer, shaped for `check`: data in, findings
 * out. They walk bindings (a RoleBinding only grants inside its own
 * namespace), never namespaces × identities, so they stay linear in the
 * number of bindings and identities at thousands of tenants.
 */
import { headOf, type Manifest } from '../../manifest/types.js';
import { subjectKey, type Authorizer, type ResolvedBinding } from './authorizer.js';
import { apiGroupMatches, resourceMatches, ruleAllows, verbMatches } from './match.js';
import type { ResourceTable } from './resources.js';
import type { Decision, PolicyRule, RbacObjectRef, ResourceRequest, Subject, UserInfo } from './types.js';
import { pushTo } from '../../collections.js';
import { GUARDRAILS, NAMESPACE_GUARDRAIL } from '../../platform/index.js';

/** An identity to prove things about, with the namespace it belongs to. */
export interface ProofSubject {
  user: UserInfo;
  namespace: string;
}

export interface BindingFinding {
  /** Where the access applies; absent = every namespace (a ClusterRoleBinding). */
  namespace?: string;
  binding: RbacObjectRef;
  role: RbacObjectRef;
  /** The binding's subject entry that reaches the identities. */
  subject: Subject;
  /** The rules that reach the identities (for cross-namespace: only those that can name namespaced resources). */
  rules: readonly PolicyRule[];
  /** Binding refers to a role that does not exist: no access today, access as soon as someone creates it. */
  dangling: boolean;
  /** How many of the given identities it reaches, and the first few (sorted). */
  affected: number;
  sample: string[];
}

const SAMPLE = 3;

interface Population {
  byKey: Map<string, ProofSubject[]>;
  /** Per index key: how many members live in each namespace. */
  homes: Map<string, Map<string, number>>;
}

/** Both proofs index the same identities: each list is indexed once (the lists are never changed once made). */
const populations = new WeakMap<readonly ProofSubject[], Population>();

function population(subjects: readonly ProofSubject[]): Population {
  let pop = populations.get(subjects);
  if (!pop) populations.set(subjects, (pop = indexed(subjects)));
  return pop;
}

function indexed(subjects: readonly ProofSubject[]): Population {
  const byKey = new Map<string, ProofSubject[]>();
  const homes = new Map<string, Map<string, number>>();
  const sorted = [...subjects].sort((a, b) => (a.user.name < b.user.name ? -1 : a.user.name > b.user.name ? 1 : 0));
  for (const s of sorted) {
    for (const k of [`u:${s.user.name}`, ...s.user.groups.map((g) => `g:${g}`)]) {
      const list = byKey.get(k) ?? [];
      list.push(s);
      byKey.set(k, list);
      const h = homes.get(k) ?? new Map<string, number>();
      h.set(s.namespace, (h.get(s.namespace) ?? 0) + 1);
      homes.set(k, h);
    }
  }
  return { byKey, homes };
}

/** Members of `key` that do not live in `outside` (all members when `outside` is undefined). */
function reached(pop: Population, key: string, outside: string | undefined): { affected: number; sample: string[] } {
  const members = pop.byKey.get(key) ?? [];
  const local = outside === undefined ? 0 : (pop.homes.get(key)?.get(outside) ?? 0);
  const affected = members.length - local;
  const sample: string[] = [];
  for (const m of members) {
    if (sample.length >= SAMPLE || sample.length >= affected) break;
    if (m.namespace !== outside) sample.push(m.user.name);
  }
  return { affected, sample };
}

/** Could the rule name anything but known cluster-scoped resources? (`namespaces` counts: see effectiveNamespace.) */
function touchesNamespaced(rule: PolicyRule, table: ResourceTable): boolean {
  if (rule.verbs.length === 0) return false;
  return rule.apiGroups.some((g) =>
    rule.resources.some((r) => {
      const base = r.split('/')[0] ?? '';
      if (g === '*' || base === '*' || base === 'namespaces') return true;
      return table.isNamespaced(base, g) !== false;
    }),
  );
}

function findings(
  bindings: readonly ResolvedBinding[],
  pop: Population,
  outside: string | undefined,
  keep: (r: PolicyRule) => boolean,
): BindingFinding[] {
  const out: BindingFinding[] = [];
  for (const b of bindings) {
    const rules = b.rules.filter(keep);
    if (rules.length === 0 && !b.dangling) continue;
    for (const subject of b.subjects) {
      const k = subjectKey(subject);
      if (!k) continue;
      const { affected, sample } = reached(pop, k, outside);
      if (affected === 0) continue;
      const f: BindingFinding = { binding: b.ref, role: b.role, subject, rules, dangling: b.dangling, affected, sample };
      out.push(b.ref.namespace ? { namespace: b.ref.namespace, ...f } : f);
    }
  }
  return out;
}

/**
 * Every binding through which one of `subjects` gets access to namespaced
 * resources outside its own namespace: RoleBindings in other namespaces
 * (restricted to `namespaces` when given) and ClusterRoleBindings (which reach
 * every namespace).
 */
export function crossNamespaceGrants(
  authz: Authorizer,
  subjects: readonly ProofSubject[],
  namespaces?: readonly string[],
): BindingFinding[] {
  const pop = population(subjects);
  const keep = (r: PolicyRule): boolean => touchesNamespaced(r, authz.resources);
  const out = findings(authz.clusterRoleBindings, pop, undefined, keep);
  for (const ns of namespaces ?? authz.roleBindingNamespaces) out.push(...findings(authz.roleBindingsIn(ns), pop, ns, keep));
  return out;
}

/** Every ClusterRoleBinding reaching one of `subjects`, with all its rules: compare with what was meant to be granted. */
export function clusterGrants(authz: Authorizer, subjects: readonly ProofSubject[]): BindingFinding[] {
  return findings(authz.clusterRoleBindings, population(subjects), undefined, () => true);
}

/** An object whose change would loosen a tenant's guardrails. */
export interface GuardrailTarget {
  namespace: string;
  apiGroup: string;
  resource: string;
  name: string;
}

const GUARDRAIL_KINDS: Record<string, { group: string; resource: string }> = Object.fromEntries(
  GUARDRAILS.map((g) => [g.kind, { group: g.group, resource: g.resource }]),
);

/** The quota, limit range, network policy and RBAC objects of each namespace. */
export function guardrailTargets(manifests: readonly Manifest[]): GuardrailTarget[] {
  const out: GuardrailTarget[] = [];
  for (const m of manifests) {
    const { kind, apiVersion, namespace: ns, name } = headOf(m);
    const k = GUARDRAIL_KINDS[kind];
    // Most objects are not guardrails: their apiVersion is never looked at.
    if (!k || !ns) continue;
    const slash = apiVersion.indexOf('/');
    if ((slash < 0 ? '' : apiVersion.slice(0, slash)) !== k.group) continue;
    out.push({ namespace: ns, apiGroup: k.group, resource: k.resource, name: name ?? '' });
  }
  return out;
}

export interface GuardrailFinding {
  user: string;
  namespace: string;
  apiGroup: string;
  resource: string;
  /** Absent for requests without a name (create, deletecollection). */
  name?: string;
  verbs: string[];
  via: Decision['via'];
}

const UNNAMED_VERBS = ['create', 'deletecollection'];
const NAMED_VERBS = ['update', 'patch', 'delete'];

/** Every (group, resource) the guardrail check asks about: the guardrail kinds and the Namespace itself. */
const GUARDRAIL_RESOURCES = [...GUARDRAILS, NAMESPACE_GUARDRAIL];

/**
 * Whether a rule could allow any request the guardrail check makes. Most
 * tenant rules name workloads only; skipping them is exact, because a rule
 * that allows none of these verbs on none of these resources allows none of
 * the requests, whatever their name.
 */
const guardrailRelevant = new WeakMap<PolicyRule, boolean>();
function touchesGuardrails(rule: PolicyRule): boolean {
  let yes = guardrailRelevant.get(rule);
  if (yes === undefined) {
    yes =
      [...UNNAMED_VERBS, ...NAMED_VERBS].some((v) => verbMatches(rule, v)) &&
      GUARDRAIL_RESOURCES.some((k) => apiGroupMatches(rule, k.group) && resourceMatches(rule, k.resource));
    guardrailRelevant.set(rule, yes);
  }
  return yes;
}

/**
 * Whether an identity may create, change or delete the guardrails of its own
 * namespace: any quota, limit range, network policy, role or binding there
 * (creating a new one counts), each existing guardrail object by name, and
 * the Namespace object itself (its labels set the Pod Security level).
 */
export function canModifyGuardrails(
  authz: Authorizer,
  subjects: readonly ProofSubject[],
  targets: readonly GuardrailTarget[] = [],
): GuardrailFinding[] {
  const byNs = new Map<string, GuardrailTarget[]>();
  for (const t of targets) pushTo(byNs, t.namespace, t);
  const out: GuardrailFinding[] = [];
  for (const s of subjects) {
    const ns = s.namespace;
    const su = authz.superuserGroup(s.user);
    const grants = authz.grantsFor(s.user, ns).filter((g) => g.rules.some(touchesGuardrails));
    if (grants.length === 0 && su === undefined) continue;
    const check = (base: Omit<ResourceRequest, 'verb'>, verbs: readonly string[]): void => {
      const allowedVerbs: string[] = [];
      const via: Decision['via'] = [];
      for (const verb of verbs) {
        const req: ResourceRequest = { ...base, verb };
        let hit = su !== undefined;
        for (const g of grants) {
          const rule = g.rules.find((r) => ruleAllows(r, req));
          if (!rule) continue;
          hit = true;
          if (!via.some((v) => v.binding === g.binding)) via.push({ binding: g.binding, role: g.role, rule });
        }
        if (hit) allowedVerbs.push(verb);
      }
      if (allowedVerbs.length === 0) return;
      const f: GuardrailFinding = { user: s.user.name, namespace: ns, apiGroup: base.apiGroup, resource: base.resource, verbs: allowedVerbs, via };
      out.push(base.name !== undefined ? { ...f, name: base.name } : f);
    };
    for (const k of Object.values(GUARDRAIL_KINDS)) check({ apiGroup: k.group, resource: k.resource, namespace: ns }, UNNAMED_VERBS);
    for (const t of byNs.get(ns) ?? []) {
      check({ apiGroup: t.apiGroup, resource: t.resource, name: t.name, namespace: ns }, NAMED_VERBS);
    }
    check({ apiGroup: '', resource: 'namespaces', name: ns, namespace: ns }, NAMED_VERBS);
  }
  return out;
}
