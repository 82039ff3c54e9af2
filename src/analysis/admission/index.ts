import { pushTo } from '../../collections.js';
import { diagnostic } from '../../diagnostics/catalogue.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { toPointer } from '../../manifest/locate.js';
import { headOf, objectRef, type KubeObject, type Manifest } from '../../manifest/types.js';
import { fluxDeliveryAccount, GUARDRAILS, TENANT_LABEL } from '../../platform/index.js';
import { isTenantWorkload } from '../../platform/layout.js';
import type { TenantsConfig } from '../../tenants/types.js';
import { compile, isCompileError } from './cel.js';
import { admit, type NamespaceLookup } from './evaluate.js';
import { ruleMatches } from './match.js';
import type { AdmissionRequest, Decision, Operation } from './model.js';
import { policiesOf, type Policy, type PolicySet } from './policy.js';
import { kindOf, knownResources, resourceOf } from './resources.js';
import { DYN, record, REQUEST_TYPE, typeCheck, type SchemaSource, type Type } from './typecheck.js';

export { admit } from './evaluate.js';
export { policiesOf } from './policy.js';
export { SEMANTICS } from './semantics.js';
export type { AdmissionRequest, Decision, Verdict } from './model.js';
export type { SchemaSource } from './typecheck.js';

export interface User {
  username: string;
  groups: readonly string[];
}

/** A request for applying, changing or deleting an object, as the API server builds it. */
export function requestFor(operation: Operation, user: User, object: KubeObject | null, oldObject: KubeObject | null = null): AdmissionRequest {
  const o = (object ?? oldObject)!;
  const { group, version, resource } = resourceOf(o.apiVersion, o.kind);
  const r: AdmissionRequest = {
    operation,
    user: { username: user.username, groups: [...user.groups] },
    resource: { group, version, resource },
    kind: { group, version, kind: o.kind },
    name: o.metadata?.name ?? '',
    object,
    oldObject,
  };
  if (o.metadata?.namespace) r.namespace = o.metadata.namespace;
  return r;
}

function at(m: Manifest | undefined, pointer: string, fields: { tenant?: string } = {}) {
  if (!m) return fields;
  const pos = m.locate(pointer);
  return { ...fields, object: objectRef(m.object), file: { path: m.file, line: pos.line, column: pos.column }, field: { pointer }, ...(m.origin ? { origin: m.origin } : {}) };
}

/** What requestFor reads of an object, from the manifest's head: a stand-in with no other field. */
function headObject(m: Manifest): KubeObject {
  const h = headOf(m);
  return { apiVersion: h.apiVersion, kind: h.kind, metadata: { name: h.name, namespace: h.namespace } } as KubeObject;
}

/**
 * Whether any policy's matchConstraints resourceRules take the request. When
 * none does, admit() finds no policy that applies (evaluate.ts checks
 * matchConstraints before anything else, and a policy without resource rules
 * matches nothing), so the request is admitted without a failure or an
 * evaluation error. The rules read only the operation, the resource, the
 * name and the namespace, never the object.
 */
function mayMatch(set: PolicySet, r: AdmissionRequest): boolean {
  return set.policies.some((p) => (p.spec.matchConstraints?.resourceRules ?? []).some((rule) => ruleMatches(rule, r)));
}

/** Folder a manifest's cluster starts at (rendered/ or rendered/<cluster>/): policies guard only their own cluster. */
function clusterRootOf(m: Manifest): string {
  const i = m.file.indexOf('/_cluster/');
  if (i >= 0) return m.file.slice(0, i);
  const ns = headOf(m).namespace;
  const j = ns ? m.file.indexOf(`/${ns}/`) : -1;
  return j >= 0 ? m.file.slice(0, j) : m.file.slice(0, m.file.lastIndexOf('/'));
}

/** The type `object` has in a policy's expressions: the union of the kinds its rules match. */
function objectType(p: Policy, src: SchemaSource): Type {
  const schemas = [];
  for (const rule of p.spec.matchConstraints?.resourceRules ?? []) {
    for (const pattern of rule.resources ?? []) {
      const [res, sub] = pattern.split('/') as [string, string | undefined];
      if (sub === 'scale' || sub === '*') return DYN;
      const candidates = knownResources.filter((k) => (rule.apiGroups ?? []).some((g) => g === '*' || g === k.group) && (res === '*' || res === k.resource));
      if (candidates.length === 0) return DYN;
      for (const c of candidates) {
        const kind = kindOf(c.group, c.resource)!;
        const s = src.kind(kind.apiVersion, kind.kind);
        if (!s) return DYN;
        schemas.push(s);
      }
    }
  }
  return schemas.length ? { schemas, label: 'object' } : DYN;
}

/** Compiles and type-checks every expression of a policy. */
function compileFindings(p: Policy, src: SchemaSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const object = objectType(p, src);
  const namespace = src.kind('v1', 'Namespace');
  const roots = new Map<string, Type | string>([
    ['object', object],
    ['oldObject', object],
    ['request', REQUEST_TYPE],
    ['namespaceObject', namespace ? { schemas: [namespace], label: 'namespaceObject' } : DYN],
    ['params', p.spec.paramKind ? DYN : 'params is null: the policy declares no paramKind'],
    ['authorizer', 'authorizer checks need the cluster and are not evaluated offline; express the rule without them'],
    ['variables', 'variables are not available in matchConditions'],
  ]);
  const check = (text: unknown, pointer: string, scope: Map<string, Type | string>): Type => {
    if (typeof text !== 'string') return DYN;
    const c = compile(text);
    const report = (message: string, offset: number) =>
      out.push(diagnostic('admission/policy', `policy ${p.name}: ${message} (at character ${offset + 1} of the expression)`, at(p.manifest, pointer)));
    if (isCompileError(c)) {
      report(`CEL syntax error: ${c.message}`, c.offset);
      return DYN;
    }
    const { type, problems } = typeCheck(c.ast, scope, src);
    for (const pr of problems) report(pr.message, pr.offset);
    return type;
  };
  if (!p.spec.matchConstraints?.resourceRules?.length) {
    out.push(diagnostic('admission/policy', `policy ${p.name} has no matchConstraints.resourceRules; the API server requires them, and without them the policy matches nothing`, at(p.manifest, '/spec')));
  }
  (p.spec.matchConditions ?? []).forEach((c, i) => check(c.expression, `/spec/matchConditions/${i}/expression`, roots));
  const variables = new Map<string, Type>();
  const withVariables = () => new Map([...roots, ['variables', record('variables', Object.fromEntries(variables))]]);
  (p.spec.variables ?? []).forEach((v, i) => variables.set(v.name, check(v.expression, `/spec/variables/${i}/expression`, withVariables())));
  (p.spec.validations ?? []).forEach((v, i) => {
    check(v.expression, `/spec/validations/${i}/expression`, withVariables());
    if (v.messageExpression !== undefined) check(v.messageExpression, `/spec/validations/${i}/messageExpression`, withVariables());
  });
  return out;
}

function bindingFindings(set: PolicySet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = new Set(set.policies.map((p) => p.name));
  for (const b of set.bindings) {
    if (!b.spec.policyName || !names.has(b.spec.policyName)) {
      out.push(diagnostic('admission/policy', `binding ${b.name} names policy ${JSON.stringify(b.spec.policyName ?? '')}, which is not in the tree: the binding does nothing`, at(b.manifest, '/spec/policyName')));
    }
    const actions = b.spec.validationActions ?? [];
    if (actions.length === 0 || (actions.includes('Deny') && actions.includes('Warn'))) {
      out.push(diagnostic('admission/policy', `binding ${b.name} has validationActions ${JSON.stringify(actions)}; the API server needs at least one and refuses Deny with Warn`, at(b.manifest, '/spec/validationActions')));
    }
    if (b.spec.paramRef !== undefined) {
      out.push(diagnostic('admission/policy', `binding ${b.name} uses paramRef; parameter resources are not evaluated offline, so check cannot prove what it admits`, { ...at(b.manifest, '/spec/paramRef'), severity: 'warning' }));
    }
  }
  const bound = new Set(set.bindings.map((b) => b.spec.policyName));
  for (const p of set.policies) {
    if (!bound.has(p.name)) out.push(diagnostic('admission/policy', `policy ${p.name} has no ValidatingAdmissionPolicyBinding, so the cluster never evaluates it`, at(p.manifest, '/metadata/name')));
  }
  return out;
}

/**
 * What needs no tenants.yaml: every policy compiles and type-checks, every
 * binding names a policy and valid actions, every policy is bound. `verify`
 * runs this on any manifests.
 */
export function policyFindings(set: PolicySet, src: SchemaSource): Diagnostic[] {
  return [...set.policies.flatMap((p) => compileFindings(p, src)), ...bindingFindings(set)];
}

/**
 * One request's outcome as the tally takes it; `ref` says where it is shown:
 * the object of that file, or the named policy.
 */
export interface TallyAdd {
  key: string;
  id: 'admission/coverage' | 'admission/policy';
  message: string;
  subject: string;
  ref?: { file: string } | { policy: string };
  pointer: string;
}

/** What a tenant's requests showed: the probes of its Namespace and guardrails, and the lockout check of each of its objects by file (an object whose check showed nothing has no entry). */
export interface TenantAdmission {
  labels: TallyAdd[];
  guardrails: TallyAdd[];
  objects: Record<string, TallyAdd[]>;
}

/**
 * Replays what the requests of unchanged tenants showed (the pipeline keeps
 * it per tenant, keyed on the tenant's objects and inputs and on `policies`,
 * a digest of its cluster's policies and bindings). The outcome is the same
 * as evaluating again: every request of such a tenant reads only its
 * Namespace, its objects and the policies.
 */
export interface AdmissionReplay {
  unitOf(m: Manifest): string | undefined;
  recorded(tenant: string, policies: string): TenantAdmission | undefined;
  record(tenant: string, policies: string, outcome: TenantAdmission): void;
}

/** Requests aggregated by what they show, so one broken policy is one finding, not one per tenant. */
class Tally {
  private readonly groups = new Map<string, { manifest?: Manifest; pointer: string; message: string; id: 'admission/coverage' | 'admission/policy'; subjects: string[] }>();
  add(key: string, id: 'admission/coverage' | 'admission/policy', message: string, subject: string, manifest: Manifest | undefined, pointer: string): void {
    const g = this.groups.get(key);
    if (g) g.subjects.push(subject);
    else this.groups.set(key, { id, message, manifest, pointer, subjects: [subject] });
  }
  diagnostics(): Diagnostic[] {
    return [...this.groups.values()].map((g) => {
      const more = g.subjects.length > 1 ? ` (and ${g.subjects.length - 1} more: ${g.subjects.slice(1, 4).join(', ')}${g.subjects.length > 4 ? ', …' : ''})` : '';
      return diagnostic(g.id, `${g.message}${more}`, at(g.manifest, g.pointer));
    });
  }
}

const withLabels = (o: KubeObject, labels: Record<string, string>): KubeObject => ({ ...o, metadata: { ...o.metadata, labels } });

/**
 * The admission stage of check: every rendered policy compiles and is bound;
 * each tenant's tenancy labels and guardrails are refused to a platform admin
 * acting outside Git; every rendered object is admitted when its GitOps
 * applier applies it; no evaluation errors.
 */
export function admissionFindings(manifests: readonly Manifest[], config: TenantsConfig, src: SchemaSource, replay?: AdmissionReplay): Diagnostic[] {
  const all = policiesOf(manifests);
  const out = policyFindings(all, src);
  const digests = new Map<string, string>();
  const policiesDigest = (root: string): string => {
    let d = digests.get(root);
    if (d === undefined) {
      const set = setOf(root);
      d = JSON.stringify([root, set.policies.map((p) => [p.name, p.manifest?.file ?? '', p.manifest ? p.manifest.object : p.spec]), set.bindings.map((b) => [b.name, b.manifest?.file ?? '', b.manifest ? b.manifest.object : b.spec])]);
      digests.set(root, d);
    }
    return d;
  };
  let byFile: Map<string, Manifest> | undefined;
  const resolve = (a: TallyAdd, set: PolicySet): Manifest | undefined => {
    if (!a.ref) return undefined;
    if ('policy' in a.ref) {
      const name = a.ref.policy;
      return set.policies.find((x) => x.name === name)?.manifest;
    }
    byFile ??= new Map(manifests.map((m) => [m.file, m]));
    return byFile.get(a.ref.file);
  };
  /** Where the adds of the request now evaluated are recorded (a tenant that will be stored), if anywhere. */
  let recording: TallyAdd[] | undefined;
  const add = (a: TallyAdd, manifest: Manifest | undefined) => {
    tally.add(a.key, a.id, a.message, a.subject, manifest, a.pointer);
    recording?.push(a);
  };
  const replayAll = (adds: readonly TallyAdd[], set: PolicySet) => {
    for (const a of adds) tally.add(a.key, a.id, a.message, a.subject, resolve(a, set), a.pointer);
  };

  const byRoot = new Map<string, PolicySet>();
  const setOf = (root: string) => {
    let s = byRoot.get(root);
    if (!s) {
      s = {
        policies: all.policies.filter((p) => p.manifest && clusterRootOf(p.manifest) === root),
        bindings: all.bindings.filter((b) => b.manifest && clusterRootOf(b.manifest) === root),
      };
      byRoot.set(root, s);
    }
    return s;
  };
  // Each manifest's root, by its index, worked out only for the objects a request is made of: a tenant replayed whole needs none of its objects'.
  const roots = new Array<string | undefined>(manifests.length);
  const rootAt = (i: number): string => (roots[i] ??= clusterRootOf(manifests[i]!));
  // Namespaces keyed by cluster root and name; the objects of each namespace name by index, of every root.
  const namespaceManifests = new Map<string, Manifest>();
  const byNamespace = new Map<string, number[]>();
  for (let i = 0; i < manifests.length; i++) {
    const h = headOf(manifests[i]!);
    if (h.kind === 'Namespace') {
      const nsKey = `${rootAt(i)}\n${h.name}`;
      if (!namespaceManifests.has(nsKey)) namespaceManifests.set(nsKey, manifests[i]!);
    }
    if (h.namespace) pushTo(byNamespace, h.namespace, i);
  }
  const inNamespace = (root: string, name: string): Manifest[] => (byNamespace.get(name) ?? []).filter((i) => rootAt(i) === root).map((i) => manifests[i]!);
  const lookup = (root: string): NamespaceLookup => (name) => namespaceManifests.get(`${root}\n${name}`)?.object;

  const tally = new Tally();
  const errors = (d: Decision, set: PolicySet, subject: string) => {
    for (const f of d.failures.filter((x) => x.error)) {
      const p = set.policies.find((x) => x.name === f.policy);
      add({ key: `error\n${f.policy}\n${f.pointer}`, id: 'admission/policy', message: `policy ${f.policy} fails to evaluate: ${f.error}; under failurePolicy Fail this refuses the request`, subject, ...(p?.manifest ? { ref: { policy: f.policy } } : {}), pointer: f.pointer }, p?.manifest);
    }
  };
  const admission = config.admission;
  const controller = admission?.controllers[0];
  const admin: User = { username: 'platform-admin', groups: [config.platform.admins.group, 'system:authenticated'] };
  const key = config.platform.tenantNamespaceLabel.key;

  const tenantOf = new Map(config.tenants.map((t) => [t.namespace, t]));
  const probedCreate = new Set<string>();
  /** Tenants whose outcome was replayed, and those being recorded to be stored. */
  const replayed = new Map<string, TenantAdmission>();
  /** What the lockout check of each replayed tenant's objects showed, by file (TenantAdmission.objects): most objects showed nothing. */
  const replayedObjects = new Map<string, TallyAdd[]>();
  const pending = new Map<string, { root: string; outcome: TenantAdmission }>();
  const clustersOf = new Map<string, number>();
  for (const k of namespaceManifests.keys()) {
    const name = k.slice(k.indexOf('\n') + 1);
    clustersOf.set(name, (clustersOf.get(name) ?? 0) + 1);
  }
  for (const [k, nsManifest] of namespaceManifests) {
    const [root, name] = k.split('\n') as [string, string];
    const tenant = tenantOf.get(name);
    if (!tenant || !nsManifest) continue;
    const set = setOf(root);
    const namespaces = lookup(root);
    const ns = nsManifest.object;
    const labels = (ns.metadata?.labels ?? {}) as Record<string, string>;
    const refused = (r: AdmissionRequest) => {
      // Only whether it is refused (and evaluation errors) is reported: the refusal's wording is not needed.
      const d = admit(set, r, namespaces, { messageExpressions: false });
      errors(d, set, tenant.id);
      return d.failures.length > 0;
    };
    const probe = (what: string, r: AdmissionRequest, m: Manifest, pointer: string) => {
      if (!refused(r)) add({ key: `coverage\n${root}\n${what}`, id: 'admission/coverage', message: `a platform admin outside Git can ${what} of tenant ${tenant.id} (${name}): no admission policy refuses it`, subject: tenant.id, ref: { file: m.file }, pointer }, m);
    };
    // A tenant moved to another cluster keeps its Namespace in the old one: its requests there differ, so it is not replayed.
    const unit = replay?.unitOf(nsManifest) === tenant.id && clustersOf.get(name) === 1 ? tenant.id : undefined;
    const before = unit === undefined ? undefined : replay!.recorded(unit, policiesDigest(root));
    const outcome: TenantAdmission | undefined = unit !== undefined && !before ? { labels: [], guardrails: [], objects: {} } : undefined;
    if (outcome) pending.set(unit!, { root, outcome });
    if (before) replayAll(before.labels, set);
    else {
      recording = outcome?.labels;
      const { [key]: _removed, ...withoutKey } = labels;
      probe(`remove the label ${key} from the Namespace`, requestFor('UPDATE', admin, withLabels(ns, withoutKey), ns), nsManifest, toPointer(['metadata', 'labels', key]));
      probe(`change the label ${TENANT_LABEL} of the Namespace`, requestFor('UPDATE', admin, withLabels(ns, { ...labels, [TENANT_LABEL]: `${tenant.id}-other` }), ns), nsManifest, toPointer(['metadata', 'labels', TENANT_LABEL]));
      recording = undefined;
    }
    // The same request for every tenant of a cluster: asked once per cluster (so never part of a tenant's record).
    if (!probedCreate.has(root)) {
      probedCreate.add(root);
      probe(`create a Namespace carrying ${key}, like the one`, requestFor('CREATE', admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${name}-copy`, labels: { [key]: labels[key] ?? 'true' } } }), nsManifest, toPointer(['metadata', 'labels', key]));
    }
    if (before) {
      replayAll(before.guardrails, set);
      replayed.set(unit!, before);
      for (const [file, adds] of Object.entries(before.objects)) replayedObjects.set(file, adds);
      continue;
    }
    recording = outcome?.guardrails;
    const objects = inNamespace(root, name);
    for (const g of GUARDRAILS) {
      const existing = objects.find((m) => {
        const { kind, apiVersion } = headOf(m);
        return kind === g.kind && apiVersion.split('/').length === (g.group ? 2 : 1) && (g.group === '' || apiVersion.startsWith(`${g.group}/`));
      });
      if (existing) {
        const o = existing.object;
        probe(`delete the ${g.kind} guardrail`, requestFor('DELETE', admin, null, o), existing, '/metadata/name');
        probe(`change the ${g.kind} guardrail`, requestFor('UPDATE', admin, withLabels(o, { ...(o.metadata?.labels ?? {}), edited: 'by-hand' }), o), existing, '/metadata/name');
      }
      const apiVersion = g.group ? `${g.group}/v1` : 'v1';
      probe(`create a ${g.kind} in the namespace`, requestFor('CREATE', admin, { apiVersion, kind: g.kind, metadata: { name: 'added-by-hand', namespace: name } }), nsManifest, '/metadata/name');
    }
    recording = undefined;
  }

  // Lockout: what the GitOps controller (or, under Flux, the tenant ServiceAccount it impersonates for workloads/) applies must be admitted.
  if (controller) {
    const controllerUser: User = { username: controller, groups: ['system:serviceaccounts', 'system:authenticated'] };
    const gitopsNamespace = config.gitops?.namespace ?? 'flux-system';
    for (let i = 0; i < manifests.length; i++) {
      const m = manifests[i]!;
      const unit = replay?.unitOf(m);
      if (unit !== undefined && replayed.has(unit)) {
        // An object of a replayed tenant that showed nothing needs no look at its cluster's policies.
        const adds = replayedObjects.get(m.file);
        if (adds === undefined) continue;
        const set = setOf(rootAt(i));
        if (set.policies.length > 0) replayAll(adds, set);
        continue;
      }
      const root = rootAt(i);
      const set = setOf(root);
      if (set.policies.length === 0) continue;
      // Asked of the head first: a request no policy's resource rules take is admitted whatever the object holds, and the object is not parsed.
      if (!mayMatch(set, requestFor('CREATE', controllerUser, headObject(m)))) continue;
      const o = m.object;
      const outcome = unit === undefined ? undefined : pending.get(unit)?.outcome;
      const adds: TallyAdd[] | undefined = outcome ? [] : undefined;
      recording = adds;
      const tenant = tenantOf.get(o.metadata?.namespace ?? '');
      const impersonated = config.gitops?.tool === 'flux' && tenant && isTenantWorkload(o);
      const user: User = impersonated
        ? { username: `system:serviceaccount:${gitopsNamespace}:${fluxDeliveryAccount(tenant.id)}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${gitopsNamespace}`, 'system:authenticated'] }
        : controllerUser;
      const d = admit(set, requestFor('CREATE', user, o), lookup(root));
      errors(d, set, `${o.kind}/${o.metadata?.name}`);
      for (const f of d.failures.filter((x) => !x.error)) {
        // The controller is never to be refused: the policy is what to fix. An impersonated tenant account is judged on content: the object is.
        const policy = set.policies.find((x) => x.name === f.policy);
        const [where, pointer] = impersonated || !policy?.manifest ? [m, '/metadata/name'] : [policy.manifest, f.pointer];
        add({ key: `lockout\n${f.policy}\n${f.pointer}\n${impersonated ? m.file : ''}`, id: 'admission/policy', message: `${user.username} applying the rendered ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name} is refused by policy ${f.policy}: ${f.message}`, subject: `${o.kind}/${o.metadata?.name}`, ref: where === m ? { file: m.file } : { policy: f.policy }, pointer }, where);
      }
      recording = undefined;
      // Most objects show nothing: only those that do are stored, which keeps a tenant's entry small.
      if (adds?.length) outcome!.objects[m.file] = adds;
    }
  }
  for (const [tenant, { root, outcome }] of pending) replay!.record(tenant, policiesDigest(root), outcome);
  out.push(...tally.diagnostics());
  return out;
}
