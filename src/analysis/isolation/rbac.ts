/**
 * The RBAC half of the isolation proof, over the offline authorizer: tenant
 * ServiceAccounts stay inside their namespace, hold nothing cluster-scoped,
 * cannot loosen their own guardrails, and platform admins hold what the
 * brief promises in every tenant namespace.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { headOf, type Manifest } from '../../manifest/types.js';
import type { Section } from '../../diagnostics/result.js';
import type { TenantsConfig } from '../../tenants/types.js';
import {
  buildAuthorizer,
  canModifyGuardrails,
  clusterGrants,
  crossNamespaceGrants,
  guardrailTargets,
  RBAC_GROUP,
  RBAC_KINDS,
  refString,
  ruleAllows,
  serviceAccountUser,
  splitServiceAccountUser,
  userInfo,
  type BindingFinding,
  type GuardrailTarget,
  type PolicyRule,
  type ProofSubject,
  type RbacObjectRef,
  type Subject,
} from '../rbac/index.js';
import { ruleKey, toPolicyRule } from '../rbac/match.js';
import { finding } from './diagnostics.js';
import { tenantServiceAccount } from '../../platform/index.js';

/** What platform admins must be able to do in every tenant namespace. */
const ADMIN_VERBS = ['get', 'list', 'create', 'update', 'patch', 'delete'];
const ADMIN_RESOURCES: readonly { apiGroup: string; resource: string }[] = [
  { apiGroup: '', resource: 'pods' },
  { apiGroup: 'apps', resource: 'deployments' },
  { apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers' },
  { apiGroup: '', resource: 'secrets' },
  { apiGroup: '', resource: 'configmaps' },
  { apiGroup: '', resource: 'services' },
  { apiGroup: '', resource: 'resourcequotas' },
  { apiGroup: 'networking.k8s.io', resource: 'networkpolicies' },
];

const ADMIN_REQUESTS = ADMIN_RESOURCES.flatMap((r) => ADMIN_VERBS.map((verb) => ({ ...r, verb })));

/**
 * Which of ADMIN_REQUESTS one rule allows. ruleAllows does not read the
 * namespace, and every tenant's platform-admin binding shares its
 * ClusterRole's rules, so each rule is matched once, not once per tenant.
 */
const adminAllowed = new WeakMap<PolicyRule, boolean[]>();
function adminAllows(rule: PolicyRule): boolean[] {
  let out = adminAllowed.get(rule);
  if (!out) {
    out = ADMIN_REQUESTS.map((req) => ruleAllows(rule, req));
    adminAllowed.set(rule, out);
  }
  return out;
}

const HINTS = {
  cross: "Bind a tenant's ServiceAccounts only in its own namespace; remove the subject (or the binding) that reaches another tenant.",
  cluster: 'tenants.yaml grants tenants nothing cluster-scoped: remove the ClusterRoleBinding subject that reaches tenant ServiceAccounts.',
  guardrails: "Tenant roles must not write resourcequotas, limitranges, networkpolicies, roles, rolebindings or the namespace: drop those resources or verbs from the role.",
  admin: 'Bind the platform admins group to the platform ClusterRole in every tenant namespace (RoleBinding platform-admin), as the template renders it.',
};

const refKey = (r: RbacObjectRef) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

function samples(f: BindingFinding): string {
  const more = f.affected - f.sample.length;
  return `${f.sample.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

const subjectPointer = (m: Manifest | undefined, s: Subject): string => {
  const raw = (m?.object.subjects as Subject[] | undefined) ?? [];
  const i = raw.findIndex((r) => r.kind === s.kind && r.name === s.name && (r.namespace === undefined || s.namespace === undefined || r.namespace === s.namespace));
  return i >= 0 ? `/subjects/${i}` : '/subjects';
};

const rulePointer = (m: Manifest | undefined, rule: PolicyRule): string => {
  const raw = (m?.object.rules as unknown[] | undefined) ?? [];
  const i = raw.findIndex((r) => ruleKey(toPolicyRule(r)) === ruleKey(rule));
  return i >= 0 ? `/rules/${i}` : '/rules';
};

export interface RbacProof {
  diagnostics: Diagnostic[];
  section: Section;
}

/**
 * Everything proveRbac reads, as one text: each RBAC object by file, document
 * and the digest of its text (which fixes the object and every line a finding
 * names), where it came from, the guardrail objects' heads, the tenants' ids
 * and namespaces, and the platform admins. Undefined when an RBAC object's
 * text is not known by digest (a committed file that differs from the
 * render): the proof is then made, never replayed.
 */
function rbacInputs(manifests: readonly Manifest[], config: TenantsConfig, guardrails: readonly GuardrailTarget[]): string | undefined {
  const objects: unknown[] = [];
  for (const m of manifests) {
    const { apiVersion, kind } = headOf(m);
    if (!RBAC_KINDS.has(kind) && !apiVersion.startsWith(`${RBAC_GROUP}/`)) continue;
    if (!m.digest) return undefined;
    objects.push([m.file, m.docIndex, m.digest(), m.origin ?? null]);
  }
  return JSON.stringify({ objects, guardrails, tenants: config.tenants.map((t) => [t.id, t.namespace]), admins: config.platform.admins });
}

/** The proof of an earlier run, kept under a digest of its inputs (rbacInputs). */
export interface RbacReplay {
  recorded(inputs: string): RbacProof | undefined;
  record(inputs: string, proof: RbacProof): void;
}

/** The RBAC proof, replayed when nothing it reads changed since it was kept. */
export function proveRbac(manifests: readonly Manifest[], config: TenantsConfig, replay?: RbacReplay): RbacProof {
  const guardrails = guardrailTargets(manifests);
  const inputs = replay ? rbacInputs(manifests, config, guardrails) : undefined;
  if (inputs === undefined) return makeRbacProof(manifests, config, guardrails);
  const kept = replay!.recorded(inputs);
  if (kept) return kept;
  const proof = makeRbacProof(manifests, config, guardrails);
  replay!.record(inputs, proof);
  return proof;
}

function makeRbacProof(manifests: readonly Manifest[], config: TenantsConfig, guardrails: readonly GuardrailTarget[]): RbacProof {
  const authz = buildAuthorizer(manifests);
  const byRef = new Map<string, Manifest>();
  for (const m of manifests) {
    const { kind: k, namespace, name } = headOf(m);
    if (RBAC_KINDS.has(k)) {
      byRef.set(`${k}/${namespace ?? ''}/${name ?? ''}`, m);
    }
  }
  const tenantOfNs = new Map(config.tenants.map((t) => [t.namespace, t.id]));
  const namespaces = config.tenants.map((t) => t.namespace);
  const subjects: ProofSubject[] = config.tenants.flatMap((t) =>
    [tenantServiceAccount(t.id), 'default'].map((name) => ({ user: userInfo(serviceAccountUser(t.namespace, name)), namespace: t.namespace })),
  );
  const tenantOf = (user: string | undefined) => tenantOfNs.get(splitServiceAccountUser(user ?? '')?.namespace ?? '');
  const diagnostics: Diagnostic[] = [];

  const cross = crossNamespaceGrants(authz, subjects, namespaces);
  const reported = new Set(cross.map((f) => `${refKey(f.binding)}|${JSON.stringify(f.subject)}`));
  for (const f of cross) {
    const m = byRef.get(refKey(f.binding));
    const where = f.namespace ? `namespace ${f.namespace}` : 'every namespace';
    const what = f.dangling ? `a missing ${refString(f.role)} (access as soon as it is created)` : `${refString(f.role)}`;
    diagnostics.push(
      finding('isolation/rbac-cross-tenant', `${refString(f.binding)} gives ${samples(f)} access in ${where} through ${what}`, HINTS.cross, {
        manifest: m,
        pointer: subjectPointer(m, f.subject),
        tenant: tenantOf(f.sample[0]),
      }),
    );
  }
  const cluster = clusterGrants(authz, subjects).filter((f) => !reported.has(`${refKey(f.binding)}|${JSON.stringify(f.subject)}`));
  for (const f of cluster) {
    const m = byRef.get(refKey(f.binding));
    diagnostics.push(
      finding('isolation/rbac-cluster-scope', `${refString(f.binding)} gives ${samples(f)} cluster-wide rules of ${refString(f.role)}, which tenants.yaml does not grant`, HINTS.cluster, {
        manifest: m,
        pointer: subjectPointer(m, f.subject),
        tenant: tenantOf(f.sample[0]),
      }),
    );
  }
  const guard = canModifyGuardrails(authz, subjects, guardrails);
  for (const g of guard) {
    const via = g.via[0];
    const role = via ? byRef.get(refKey(via.role)) : undefined;
    const target = `${g.resource}${g.apiGroup ? `.${g.apiGroup}` : ''}${g.name ? ` "${g.name}"` : ''}`;
    const how = via ? ` through ${refString(via.binding)} → ${refString(via.role)}` : '';
    diagnostics.push(
      finding('isolation/rbac-guardrails', `${g.user} can ${g.verbs.join(', ')} ${target} in its own namespace ${g.namespace}${how}`, HINTS.guardrails, {
        manifest: role ?? (via ? byRef.get(refKey(via.binding)) : undefined),
        pointer: via && role ? rulePointer(role, via.rule) : '/subjects',
        tenant: tenantOfNs.get(g.namespace),
      }),
    );
  }

  const adminBindings = new Map<string, Manifest>();
  for (const m of manifests) {
    const h = headOf(m);
    if (h.kind !== 'RoleBinding') continue;
    const roleRef = m.object.roleRef as { kind?: string; name?: string } | undefined;
    if (roleRef?.name === config.platform.admins.clusterRole) adminBindings.set(h.namespace ?? '', m);
  }
  const admin = userInfo('platform-admin', [config.platform.admins.group]);
  let adminOk = 0;
  for (const t of config.tenants) {
    const grants = authz.grantsFor(admin, t.namespace);
    const su = authz.superuserGroup(admin) !== undefined;
    const allowed = ADMIN_REQUESTS.map(() => su);
    for (const g of grants) {
      for (const rule of g.rules) adminAllows(rule).forEach((yes, i) => (allowed[i] ||= yes));
    }
    const missing: string[] = [];
    ADMIN_RESOURCES.forEach((r, i) => {
      const verbs = ADMIN_VERBS.filter((_, j) => !allowed[i * ADMIN_VERBS.length + j]);
      if (verbs.length) missing.push(`${verbs.join('/')} ${r.resource}`);
    });
    if (missing.length === 0) {
      adminOk++;
      continue;
    }
    const binding = adminBindings.get(t.namespace);
    diagnostics.push(
      finding('isolation/platform-admin-access', `group ${config.platform.admins.group} cannot ${missing.join('; ')} in ${t.namespace}`, HINTS.admin, {
        manifest: binding ?? byRef.get(`ClusterRole//${config.platform.admins.clusterRole}`),
        pointer: binding ? '/roleRef' : '/rules',
        tenant: t.id,
      }),
    );
  }

  const counts = {
    serviceAccounts: subjects.length,
    tenantNamespaces: namespaces.length,
    crossTenantGrants: cross.length,
    clusterScopedGrants: cluster.length,
    guardrailChanges: guard.length,
    platformAdminNamespaces: adminOk,
  };
  const text = [
    `${counts.serviceAccounts} ServiceAccounts checked in ${counts.tenantNamespaces} tenant namespaces`,
    `cross-tenant grants: ${counts.crossTenantGrants}; cluster-scoped grants: ${counts.clusterScopedGrants}; guardrail changes: ${counts.guardrailChanges}`,
    `${config.platform.admins.group}: full access in ${adminOk}/${counts.tenantNamespaces} tenant namespaces`,
  ].join('\n');
  return { diagnostics, section: { title: 'RBAC', text: `${text}\n`, json: counts } };
}
