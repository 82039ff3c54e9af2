/**
 * An offline RBAC authorizer over manifests, following the API server's
 * DefaultRuleResolver: ClusterRoleBindings apply to every request, RoleBindings
 * only to requests in their own namespace, and the first rule that allows wins
 * (we keep looking so an answer can name every binding that grants it).
 */
import { headOf, type Manifest } from '../../manifest/types.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { aggregateClusterRoles, type ClusterRoleInput } from './aggregate.js';
import { ruleAllows, toPolicyRule } from './match.js';
import { buildResourceTable, type ResourceTable } from './resources.js';
import type {
  AccessRequest,
  Decision,
  Grant,
  PolicyRule,
  RbacObjectRef,
  RbacWarning,
  Subject,
  UserInfo,
} from './types.js';
import { isNonResourceRequest } from './types.js';
import { serviceAccountUser } from './user.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The kinds of the RBAC API. */
export const RBAC_KINDS: ReadonlySet<string> = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** A binding with its role already resolved and its subjects made absolute. */
export interface ResolvedBinding {
  ref: RbacObjectRef;
  role: RbacObjectRef;
  /** ServiceAccount subjects carry a namespace (a RoleBinding's own when omitted). */
  subjects: Subject[];
  rules: readonly PolicyRule[];
  dangling: boolean;
}

export interface Authorizer {
  allowed(user: UserInfo, req: AccessRequest): Decision;
  /** Every grant that applies to requests in `namespace` ('' or absent = cluster-wide only). */
  grantsFor(user: UserInfo, namespace?: string): Grant[];
  /** Effective rules, as `kubectl auth can-i --list` gathers them. */
  rulesFor(user: UserInfo, namespace?: string): { rule: PolicyRule; grant: Grant }[];
  /** The namespace a request is really evaluated in (cluster-scoped resources have none). */
  effectiveNamespace(req: AccessRequest): string;
  /** The privileged group that lets this user bypass RBAC, if any. */
  superuserGroup(user: UserInfo): string | undefined;
  readonly clusterRoleBindings: readonly ResolvedBinding[];
  roleBindingsIn(namespace: string): readonly ResolvedBinding[];
  readonly roleBindingNamespaces: readonly string[];
  readonly resources: ResourceTable;
  readonly warnings: readonly RbacWarning[];
}

export interface AuthorizerOptions {
  /** Groups the API server authorizes before RBAC (kube-apiserver's privileged group). */
  superuserGroups?: readonly string[];
}

/** Index key a user or subject is found under: a ServiceAccount is the user it authenticates as. */
export function subjectKey(s: Subject): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount':
      return s.namespace ? `u:${serviceAccountUser(s.namespace, s.name)}` : undefined;
    default:
      return undefined;
  }
}

export function userKeys(user: UserInfo): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

type Index = Map<string, { binding: ResolvedBinding; subject: Subject }[]>;

function indexBindings(bindings: readonly ResolvedBinding[]): Index {
  const idx: Index = new Map();
  for (const binding of bindings) {
    for (const subject of binding.subjects) {
      const k = subjectKey(subject);
      if (!k) continue;
      const list = idx.get(k) ?? [];
      list.push({ binding, subject });
      idx.set(k, list);
    }
  }
  return idx;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function subjectsOf(o: Record<string, unknown>, namespace: string | undefined): Subject[] {
  const raw = Array.isArray(o.subjects) ? o.subjects : [];
  return raw.map((s): Subject => {
    const r = asRecord(s);
    const subject: Subject = { kind: String(r.kind ?? ''), name: String(r.name ?? '') };
    const ns = typeof r.namespace === 'string' && r.namespace ? r.namespace : undefined;
    // The resolver defaults a ServiceAccount subject's namespace to the binding's (appliesToUser).
    const effective = subject.kind === 'ServiceAccount' ? (ns ?? namespace) : ns;
    return effective ? { ...subject, namespace: effective } : subject;
  });
}

export function buildAuthorizer(manifests: readonly Manifest[], opts: AuthorizerOptions = {}): Authorizer {
  const superuserGroups = opts.superuserGroups ?? ['system:masters'];
  const warnings: RbacWarning[] = [];
  const roles = new Map<string, PolicyRule[]>();
  const clusterRoleInputs: ClusterRoleInput[] = [];
  const rawBindings: { o: Record<string, unknown>; ref: RbacObjectRef }[] = [];

  for (const m of manifests) {
    // The head first: only RBAC objects are parsed.
    if (!headOf(m).apiVersion.startsWith(`${RBAC_GROUP}/`)) continue;
    const o = m.object;
    const name = o.metadata?.name ?? '';
    const ns = o.metadata?.namespace ?? '';
    const rules = (Array.isArray(o.rules) ? o.rules : []).map(toPolicyRule);
    if (o.kind === 'Role') roles.set(`${ns}/${name}`, rules);
    else if (o.kind === 'ClusterRole') {
      const agg = asRecord(o.aggregationRule);
      const input: ClusterRoleInput = { name, labels: { ...(o.metadata?.labels ?? {}) }, rules };
      if (o.aggregationRule !== undefined) {
        const sels = Array.isArray(agg.clusterRoleSelectors) ? agg.clusterRoleSelectors : [];
        input.selectors = sels.map((s) => asRecord(s) as LabelSelector);
      }
      clusterRoleInputs.push(input);
    } else if (o.kind === 'RoleBinding') rawBindings.push({ o, ref: { kind: 'RoleBinding', name, namespace: ns } });
    else if (o.kind === 'ClusterRoleBinding') rawBindings.push({ o, ref: { kind: 'ClusterRoleBinding', name } });
  }
  const clusterRoles = aggregateClusterRoles(clusterRoleInputs);

  const clusterBindings: ResolvedBinding[] = [];
  const byNamespace = new Map<string, ResolvedBinding[]>();
  for (const { o, ref } of rawBindings) {
    const roleRef = asRecord(o.roleRef);
    const kind = String(roleRef.kind ?? '');
    const roleName = String(roleRef.name ?? '');
    let role: RbacObjectRef;
    let rules: PolicyRule[] | undefined;
    if (kind === 'ClusterRole') {
      role = { kind: 'ClusterRole', name: roleName };
      rules = clusterRoles.get(roleName);
    } else if (kind === 'Role' && ref.kind === 'RoleBinding') {
      role = { kind: 'Role', name: roleName, namespace: ref.namespace ?? '' };
      rules = roles.get(`${ref.namespace ?? ''}/${roleName}`);
    } else {
      warnings.push({ object: ref, message: `roleRef kind "${kind}" is not valid here; the binding grants nothing` });
      continue;
    }
    if (!rules) warnings.push({ object: ref, message: `refers to ${role.kind} "${roleName}", which is not defined` });
    const resolved: ResolvedBinding = {
      ref,
      role,
      subjects: subjectsOf(o, ref.namespace),
      rules: rules ?? [],
      dangling: !rules,
    };
    if (ref.kind === 'ClusterRoleBinding') clusterBindings.push(resolved);
    else {
      const list = byNamespace.get(ref.namespace ?? '') ?? [];
      list.push(resolved);
      byNamespace.set(ref.namespace ?? '', list);
    }
  }
  const clusterIndex = indexBindings(clusterBindings);
  const nsIndex = new Map<string, Index>();
  for (const [ns, list] of byNamespace) nsIndex.set(ns, indexBindings(list));
  const table = buildResourceTable(manifests);

  const collect = (idx: Index | undefined, user: UserInfo, out: Grant[], seen: Set<ResolvedBinding>): void => {
    if (!idx) return;
    for (const k of userKeys(user)) {
      for (const { binding, subject } of idx.get(k) ?? []) {
        // One grant per binding, as the resolver stops at the first matching subject.
        if (seen.has(binding)) continue;
        seen.add(binding);
        const grant: Grant = { binding: binding.ref, role: binding.role, subject, rules: binding.rules };
        out.push(binding.dangling ? { ...grant, dangling: true } : grant);
      }
    }
  };
  const order = (a: Grant, b: Grant): number => {
    const ka = `${a.binding.kind === 'ClusterRoleBinding' ? 0 : 1}/${a.binding.namespace ?? ''}/${a.binding.name}`;
    const kb = `${b.binding.kind === 'ClusterRoleBinding' ? 0 : 1}/${b.binding.namespace ?? ''}/${b.binding.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const grantsFor = (user: UserInfo, namespace = ''): Grant[] => {
    const out: Grant[] = [];
    const seen = new Set<ResolvedBinding>();
    collect(clusterIndex, user, out, seen);
    if (namespace) collect(nsIndex.get(namespace), user, out, seen);
    return out.sort(order);
  };
  const effectiveNamespace = (req: AccessRequest): string => {
    if (isNonResourceRequest(req)) return '';
    // The API server reads /api/v1/namespaces/NAME as a request inside namespace NAME.
    if (req.apiGroup === '' && req.resource === 'namespaces') return req.name ?? '';
    if (table.isNamespaced(req.resource, req.apiGroup) === false) return '';
    return req.namespace ?? '';
  };

  const superuserGroup = (user: UserInfo): string | undefined => superuserGroups.find((g) => user.groups.includes(g));
  return {
    allowed(user, req) {
      const su = superuserGroup(user);
      if (su !== undefined) return { allowed: true, via: [], superuserGroup: su };
      const via: Decision['via'] = [];
      for (const g of grantsFor(user, effectiveNamespace(req))) {
        const rule = g.rules.find((r) => ruleAllows(r, req));
        if (rule) via.push({ binding: g.binding, role: g.role, rule });
      }
      return { allowed: via.length > 0, via };
    },
    grantsFor,
    rulesFor: (user, namespace) => grantsFor(user, namespace).flatMap((grant) => grant.rules.map((rule) => ({ rule, grant }))),
    effectiveNamespace,
    superuserGroup,
    clusterRoleBindings: clusterBindings,
    roleBindingsIn: (ns) => byNamespace.get(ns) ?? [],
    roleBindingNamespaces: [...byNamespace.keys()].sort(),
    resources: table,
    warnings,
  };
}
