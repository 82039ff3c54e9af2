import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { FindingId } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { KubeObject, Manifest } from '../manifest/types.js';
import type { Platform, Tenant } from '../tenants/types.js';

export interface RuleMeta<M extends string> {
  /**
   * Registry key, e.g. `isolation/default-deny`. Description, severity,
   * remediation and doc page are its entry in src/diagnostics/catalogue.ts.
   */
  id: FindingId;
  /** Kinds the rule looks at; omitted = every kind. */
  appliesTo?: readonly string[];
  /** Core isolation rules cannot be waived in tenants.yaml. */
  unwaivable?: boolean;
  /**
   * The rule judges the tree as the whole platform (which namespaces exist,
   * which are shared), so it needs tenants.yaml; `verify` of arbitrary
   * manifests skips it rather than report every namespace a chart expects.
   */
  needsTenantsFile?: boolean;
  /**
   * What the rule finds about an object depends only on that object, and about
   * a tenant only on the objects in its namespace, its entry and the platform
   * settings. The engine holds it to that (the context it gets refuses every
   * look beyond), so findings of a tenant whose objects and inputs did not
   * change can be replayed from the cache instead of computed again. Other
   * tenants it may only look up through tenantRef, whose answers are recorded.
   */
  local?: boolean;
  /** Message templates with `{name}` placeholders filled from `data`. */
  messages: Record<M, string>;
}

export interface Report<M extends string> {
  manifest: Manifest;
  messageId: M;
  data?: Record<string, string | number>;
  /** JSON pointer of the offending field; the engine turns it into file:line:column. */
  pointer?: string;
  actual?: unknown;
  expected?: string;
  /** Extra lines shown under the message (arithmetic, a path). */
  detail?: string;
}

/** Another tenant as a rule may name it: its id and its namespace, nothing it could judge by. */
export type TenantRef = Readonly<Pick<Tenant, 'id' | 'namespace'>>;

export interface RuleContext<M extends string> {
  /** The platform section of tenants.yaml (resolved). Absent when checking arbitrary manifests. */
  platform?: Platform;
  /** Resolved tenants, keyed by id. */
  tenants: ReadonlyMap<string, Tenant>;
  /** Tenant owning a namespace, if any. */
  tenantOfNamespace(ns: string | undefined): Tenant | undefined;
  /**
   * Any tenant, by id or by namespace, as a TenantRef. A local rule may ask:
   * the engine records each question and its answer with the findings of the
   * tenant being checked, which are replayed only while every answer holds
   * (so adding a tenant whose namespace an object names checks that object again).
   */
  tenantRef(by: 'id' | 'namespace', key: string): TenantRef | undefined;
  /**
   * Whether some namespace the tree vouches for (known-namespaces.ts) has labels
   * the selector matches. A local rule may ask: like tenantRef, each question
   * and its answer are recorded with the tenant's findings, which are replayed
   * only while every answer holds.
   */
  namespacesMatch(selector: LabelSelector): boolean;
  /** Every manifest in the tree. Prefer ofKind/lookup: scanning this per object is quadratic. */
  all: readonly Manifest[];
  /** Every manifest of a kind. */
  ofKind(kind: string): readonly Manifest[];
  /** The object of a kind with this namespace (undefined for cluster-scoped) and name. */
  lookup(kind: string, namespace: string | undefined, name: string): Manifest | undefined;
  /** The objects in a namespace (a Namespace object counts as in itself), in tree order; undefined or '': those in none. */
  inNamespace(namespace: string | undefined): readonly Manifest[];
  report(r: Report<M>): void;
  /**
   * Computes a value once per run and shares it between calls and rules, so a
   * per-object check can use a tree-wide index without rebuilding it (which
   * would be quadratic at thousands of tenants).
   */
  shared<T>(key: string, compute: () => T): T;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  /** Called once per manifest whose kind is in appliesTo. */
  checkManifest?(m: Manifest, ctx: RuleContext<M>): void;
  /** Called once per tenant with the manifests in its namespace. */
  checkTenant?(tenant: Tenant, manifests: readonly Manifest[], ctx: RuleContext<M>): void;
  /** Called once with the whole tree. */
  checkAll?(manifests: readonly Manifest[], ctx: RuleContext<M>): void;
}

export type AnyRule = Rule<string>;

export type { Diagnostic, KubeObject, Manifest };
