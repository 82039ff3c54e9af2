import { pushTo } from '../collections.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import { headOf, namespaceOfManifest, objectRef, type Manifest } from '../manifest/types.js';
import type { Tenant, TenantsConfig } from '../tenants/types.js';
import type { AnyRule, Report, RuleContext, TenantRef } from './types.js';
import { diagnostic } from '../diagnostics/catalogue.js';
import { knownNamespaces, type KnownNamespaces } from './known-namespaces.js';

function fill(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (data && key in data ? String(data[key]) : whole));
}

/** The tenant an object belongs to: by its namespace, or by its name for the Namespace itself. */
export function tenantOfManifest(m: Manifest, byNamespace: ReadonlyMap<string, Tenant>): Tenant | undefined {
  const ns = namespaceOfManifest(m);
  return ns === undefined ? undefined : byNamespace.get(ns);
}

export interface RuleRunInput {
  manifests: readonly Manifest[];
  rules: Readonly<Record<string, AnyRule>>;
  config?: TenantsConfig;
  /**
   * Only these objects and tenants are checked one by one (a shard of the
   * tenants); rules over the whole tree still see every object.
   */
  only?: { manifest(m: Manifest): boolean; tenant(id: string): boolean };
  /** Findings of local rules (RuleMeta.local) kept per tenant, so unchanged tenants replay them; see LocalFindings. */
  local?: LocalFindings;
  /** The tenants tenantRef answers from, when `config` lists only some (the early check's batch): every tenant of tenants.yaml. */
  tenantIndex?: readonly Tenant[];
  /** The namespaces namespacesMatch answers from, when `manifests` are only part of the tree (the early check's guess, knownSoFar); default: what `manifests` vouch for. */
  namespaces?: KnownNamespaces;
  /**
   * Whether an object's shape is one its schema refuses (a list where a map
   * belongs), asked only when a rule throws: a rule that fails on such an
   * object reports schema/not-checked for it instead of stopping the run. A
   * rule that fails on objects whose shapes are valid is a bug, and throws.
   */
  unreadable?: (m: Manifest) => boolean;
}

/**
 * A question a local rule asked beyond its tenant and the answer, as kept with
 * the tenant's findings: a tenantRef (the id of the tenant found, or null), or
 * a namespacesMatch (the selector as JSON, and whether a namespace matched).
 */
export type TenantRead = [by: 'id' | 'namespace', key: string, answer: string | null] | [by: 'selector', key: string, answer: boolean];

/**
 * The tenants whose local-rule findings are cached: `unitOf` names the tenant
 * whose cache entry an object's findings belong to (only objects of its own
 * namespace, and only for a tenant whose namespace holds nothing else);
 * local rules skip tenants in `replayed` (their stored findings are passed in
 * `findings`), and every other cacheable tenant's new findings go to `store`
 * before waivers are applied.
 */
export interface LocalFindings {
  unitOf(m: Manifest): string | undefined;
  replayed: ReadonlySet<string>;
  findings: readonly Diagnostic[];
  store(unit: string, d: Diagnostic): void;
  /** A tenantRef answer a local rule used while checking the unit: kept with its findings. */
  read(unit: string, r: TenantRead): void;
}

function indexByKind(manifests: readonly Manifest[]): Map<string, Manifest[]> {
  const byKind = new Map<string, Manifest[]>();
  for (const m of manifests) pushTo(byKind, headOf(m).kind, m);
  return byKind;
}

/**
 * A list of objects and its indexes, each made when a rule first needs it.
 * The rules stage keeps two: every object, and the objects of the tenants it
 * checks (those not replayed). A replayed tenant's namespace holds only its
 * own objects, and every other tenant's objects are all pending, so what a
 * local rule sees of a tenant or namespace it checks is all in the second.
 */
class Indexed {
  readonly byKind: Map<string, Manifest[]>;
  private byIdentity: Map<string, Manifest> | undefined;
  private byNamespace: Map<string, Manifest[]> | undefined;
  private byTenant: Map<string, Manifest[]> | undefined;

  constructor(
    readonly all: readonly Manifest[],
    private readonly tenantNamespaces: ReadonlyMap<string, Tenant>,
  ) {
    this.byKind = indexByKind(all);
  }

  /** The first object of the identity, in tree order. */
  lookup(kind: string, ns: string | undefined, name: string): Manifest | undefined {
    if (!this.byIdentity) {
      this.byIdentity = new Map();
      for (const m of this.all) {
        const h = headOf(m);
        const key = identityKey(h.kind, h.namespace, h.name ?? '');
        if (!this.byIdentity.has(key)) this.byIdentity.set(key, m);
      }
    }
    return this.byIdentity.get(identityKey(kind, ns, name));
  }

  inNamespace(ns: string | undefined): readonly Manifest[] {
    if (!this.byNamespace) {
      this.byNamespace = new Map();
      for (const m of this.all) pushTo(this.byNamespace, namespaceOfManifest(m) ?? '', m);
    }
    return this.byNamespace.get(ns ?? '') ?? [];
  }

  ofTenant(id: string): readonly Manifest[] {
    if (!this.byTenant) {
      this.byTenant = new Map();
      for (const m of this.all) {
        const t = tenantOfManifest(m, this.tenantNamespaces);
        if (t) pushTo(this.byTenant, t.id, m);
      }
    }
    return this.byTenant.get(id) ?? [];
  }
}

const identityKey = (kind: string, ns: string | undefined, name: string) => `${kind}\u0000${ns ?? ''}\u0000${name}`;

type TenantRefs = Record<'id' | 'namespace', Map<string, TenantRef>>;

/**
 * The tenantRef index of a tenant list, made once per list: the early check
 * runs the rules once per batch of 64 tenants, each time with the list of
 * every tenant, so making it per run cost O(tenants² / 64) (about 1.2 s at
 * 10,000 tenants). Tenant lists are not changed once loaded.
 */
const refsByList = new WeakMap<readonly Tenant[], TenantRefs>();
function tenantRefs(list: readonly Tenant[]): TenantRefs {
  let refs = refsByList.get(list);
  if (!refs) {
    refs = { id: new Map(), namespace: new Map() };
    for (const t of list) {
      const r = Object.freeze({ id: t.id, namespace: t.namespace });
      refs.id.set(t.id, r);
      refs.namespace.set(t.namespace, r);
    }
    refsByList.set(list, refs);
  }
  return refs;
}

/** A local rule that looked beyond its object or tenant: a bug in the rule, never in the input. */
class BeyondLocal extends Error {}
const beyondLocal = (rule: string, what: string) => (): never => {
  throw new BeyondLocal(`internal: rule ${rule} is marked local but read ${what}`);
};

/**
 * Runs every rule and turns their reports into diagnostics: rule id, severity,
 * remediation, object, file:line of the field, tenant and template are added
 * here, so rules only state facts. Waivers from tenants.yaml are applied last.
 */
export function runRules({ manifests, rules, config, only, local, tenantIndex, namespaces, unreadable }: RuleRunInput): Diagnostic[] {
  const tenants = new Map((config?.tenants ?? []).map((t) => [t.id, t]));
  const byNamespace = new Map((config?.tenants ?? []).map((t) => [t.namespace, t]));
  const index = tenantIndex ?? config?.tenants ?? [];
  let refs: TenantRefs | undefined;
  // Every tenant namespace is the prefix and the id (tenants/resolve.ts), and the prefix is in every findings key: no other name can ever be one, so asking for it need not be recorded.
  const prefix = config?.platform.namespacePrefix;
  const mayChange = (by: 'id' | 'namespace', key: string): boolean => by === 'id' || (prefix !== undefined && key.startsWith(prefix));
  const out: Diagnostic[] = [];
  const memo = new Map<string, unknown>();
  const shared = <T>(key: string, compute: () => T): T => {
    if (!memo.has(key)) memo.set(key, compute());
    return memo.get(key) as T;
  };
  // What local rules still look at: not the objects of replayed tenants, so a warm run does not visit those once per rule.
  const everything = new Indexed(manifests, byNamespace);
  let pending = everything;
  /** With replayed tenants: the namespaces that hold any object (a tenant whose namespace holds none is never a unit). */
  const occupied = new Set<string>();
  if (local) {
    const all = manifests.filter((m) => {
      occupied.add(namespaceOfManifest(m) ?? '');
      const u = local.unitOf(m);
      return u === undefined || !local.replayed.has(u);
    });
    pending = new Indexed(all, byNamespace);
  }
  /** A tenant is a unit only when every object in its namespace is: what a rule sees is then all cached together. */
  const tenantUnits = new Map<string, string | undefined>();
  const unitOfTenant = (l: LocalFindings, t: Tenant, objects: readonly Manifest[]): string | undefined => {
    if (!tenantUnits.has(t.id)) tenantUnits.set(t.id, objects.length > 0 && objects.every((m) => l.unitOf(m) === t.id) ? t.id : undefined);
    return tenantUnits.get(t.id);
  };

  for (const rule of Object.values(rules)) {
    if (rule.meta.needsTenantsFile && !config) continue;
    const { meta } = rule;
    /** The cache entry the findings now reported belong to (local rules only). */
    let unit: string | undefined;
    const ctx: RuleContext<string> = {
      ...(config ? { platform: config.platform } : {}),
      tenants,
      tenantOfNamespace: (ns) => (ns === undefined ? undefined : byNamespace.get(ns)),
      tenantRef: (by, key) => (refs ??= tenantRefs(index))[by].get(key),
      namespacesMatch: (sel) => (namespaces ??= knownNamespaces(manifests, config?.platform)).matches(sel),
      all: manifests,
      ofKind: (kind) => everything.byKind.get(kind) ?? [],
      lookup: (kind, ns, name) => everything.lookup(kind, ns, name),
      inNamespace: (ns) => everything.inNamespace(ns),
      shared,
      report(r: Report<string>) {
        const pointer = r.pointer ?? '';
        const tenant = tenantOfManifest(r.manifest, byNamespace)?.id ?? r.manifest.origin?.tenant;
        const field: Diagnostic['field'] = r.pointer === undefined ? undefined : { pointer };
        if (field && r.actual !== undefined) field.actual = r.actual;
        if (field && r.expected !== undefined) field.expected = r.expected;
        const d = diagnostic(meta.id, fill(meta.messages[r.messageId] ?? r.messageId, r.data), {
          object: objectRef(r.manifest.object),
          file: { path: r.manifest.file, ...r.manifest.locate(pointer) },
          ...(tenant ? { tenant } : {}),
          ...(r.manifest.origin ? { origin: r.manifest.origin } : {}),
          ...(field ? { field } : {}),
        });
        if (r.detail) d.detail = r.detail;
        out.push(d);
        if (unit !== undefined) local!.store(unit, d);
      },
    };
    // A local rule sees its object's or its tenant's namespace and the platform settings, nothing else.
    let ownNamespace: string | undefined;
    const own = (ns: string | undefined, what: string): string | undefined => {
      if (ns !== undefined && ns !== ownNamespace) beyondLocal(meta.id, what)();
      return ns;
    };
    const use: RuleContext<string> = !meta.local
      ? ctx
      : {
          ...ctx,
          get tenants(): never {
            return beyondLocal(meta.id, 'the tenant list')();
          },
          get all(): never {
            return beyondLocal(meta.id, 'every object')();
          },
          ofKind: beyondLocal(meta.id, 'objects by kind'),
          shared: beyondLocal(meta.id, 'a tree-wide index'),
          tenantOfNamespace: (ns) => ctx.tenantOfNamespace(own(ns, `the tenant of namespace ${ns}`)),
          tenantRef: (by, key) => {
            const r = ctx.tenantRef(by, key);
            if (unit !== undefined && mayChange(by, key)) local!.read(unit, [by, key, r?.id ?? null]);
            return r;
          },
          namespacesMatch: (sel) => {
            const answer = ctx.namespacesMatch(sel);
            if (unit !== undefined) local!.read(unit, ['selector', JSON.stringify(sel), answer]);
            return answer;
          },
          lookup: (kind, ns, name) => {
            // The own Namespace object is the tenant's; any other cluster-scoped object is everyone's.
            const where = kind === 'Namespace' && ns === undefined ? name : ns;
            if (where === undefined || where !== ownNamespace) beyondLocal(meta.id, ns === undefined ? `${kind} ${name}` : `an object in namespace ${ns}`)();
            return pending.lookup(kind, ns, name);
          },
          inNamespace: (ns) => {
            // No tenant's namespace is '': objects without one belong to no tenant, so are never replayed.
            if ((ns ?? '') !== (ownNamespace ?? '')) beyondLocal(meta.id, `the objects in namespace ${ns ?? '(none)'}`)();
            return pending.inNamespace(ns);
          },
        };
    /** Where a local rule's findings are kept per tenant (its objects of replayed tenants are not in `pending`). */
    const cached = meta.local ? local : undefined;
    /** Objects this rule could not read, each reported once (and kept with its tenant's findings when the rule is local). */
    const unread = new Set<Manifest>();
    const notChecked = (m: Manifest): void => {
      if (unread.has(m)) return;
      unread.add(m);
      const tenant = tenantOfManifest(m, byNamespace)?.id ?? m.origin?.tenant;
      const d = diagnostic('schema/not-checked', `rule ${meta.id} could not read this object: its shape is one its schema refuses`, {
        object: objectRef(m.object),
        file: { path: m.file, ...m.locate('') },
        ...(tenant ? { tenant } : {}),
        ...(m.origin ? { origin: m.origin } : {}),
      });
      out.push(d);
      const u = cached?.unitOf(m);
      if (u !== undefined) cached!.store(u, d);
    };
    /**
     * What a rule threw while checking `own`: the objects to blame are those
     * of `own` whose shapes their schemas refuse, else the first such object
     * the rule could have read besides (its namespace's for a local rule, the
     * tree's for another). Each is reported, and the rule goes on with the
     * next objects. With nobody to blame, the failure is a bug and is thrown.
     */
    const blame = (e: unknown, own: readonly Manifest[]): void => {
      if (e instanceof BeyondLocal || !unreadable) throw e;
      const bad = own.filter(unreadable);
      const around = meta.local ? pending.inNamespace(ownNamespace) : manifests;
      const blamed = bad.length > 0 ? bad : around.filter(unreadable).slice(0, 1);
      if (blamed.length === 0) throw e;
      for (const m of blamed) notChecked(m);
    };
    if (rule.checkManifest) {
      const from = cached ? pending : everything;
      const scope = meta.appliesTo ? meta.appliesTo.flatMap((k) => from.byKind.get(k) ?? []) : from.all;
      for (const m of scope) {
        if (only && !only.manifest(m)) continue;
        unit = cached?.unitOf(m);
        ownNamespace = namespaceOfManifest(m);
        try {
          rule.checkManifest(m, use);
        } catch (e) {
          blame(e, [m]);
        }
      }
    }
    if (rule.checkTenant) {
      for (const t of tenants.values()) {
        if (only && !only.tenant(t.id)) continue;
        // A replayed tenant with objects is a unit (planLocal takes none whose namespace holds another's object): nothing to check.
        if (cached?.replayed.has(t.id) && occupied.has(t.namespace)) continue;
        const objects = (cached ? pending : everything).ofTenant(t.id);
        unit = cached ? unitOfTenant(cached, t, objects) : undefined;
        if (unit !== undefined && cached!.replayed.has(unit)) continue;
        ownNamespace = t.namespace;
        try {
          rule.checkTenant(t, objects, use);
        } catch (e) {
          blame(e, objects);
        }
      }
    }
    unit = undefined;
    if (rule.checkAll) {
      if (meta.local) beyondLocal(meta.id, 'the whole tree')();
      try {
        rule.checkAll(manifests, use);
      } catch (e) {
        blame(e, []);
      }
    }
  }
  if (local) out.push(...local.findings);
  return config ? applyWaivers(out, rules, config) : out;
}

/**
 * Marks findings covered by a waiver (they stay in the output). A waiver of an
 * unknown or unwaivable rule, or one that covers nothing, is itself reported at
 * its line in tenants.yaml.
 */
export function applyWaivers(diagnostics: Diagnostic[], rules: Readonly<Record<string, AnyRule>>, config: TenantsConfig): Diagnostic[] {
  const extra: Diagnostic[] = [];
  const at = (pointer: string) => ({ path: config.file, ...config.locate(pointer) });
  for (const tenant of config.tenants) {
    for (const w of tenant.waivers) {
      const rule = rules[w.rule];
      if (!rule) {
        const guess = nearest(w.rule, Object.keys(rules));
        extra.push(diagnostic('input/waiver', `waiver names unknown rule "${w.rule}"`, { kind: 'failure', tenant: tenant.id, file: at(`${w.pointer}/rule`), hint: guess ? `did you mean "${guess}"?` : 'see docs/rules/ for rule ids' }));
        continue;
      }
      if (rule.meta.unwaivable) {
        extra.push(diagnostic('input/waiver', `rule ${w.rule} is a core isolation rule and cannot be waived`, { tenant: tenant.id, file: at(`${w.pointer}/rule`), hint: 'fix the finding instead; remove this waiver' }));
        continue;
      }
      let used = false;
      for (const d of diagnostics) {
        if (d.ruleId !== w.rule || d.tenant !== tenant.id || d.waived) continue;
        if (w.object !== undefined && (!d.object || `${d.object.kind}/${d.object.name}` !== w.object)) continue;
        d.waived = { reason: w.reason };
        used = true;
      }
      if (!used) {
        extra.push(diagnostic('input/waiver', `waiver for ${w.rule}${w.object ? ` on ${w.object}` : ''} matches no finding`, { severity: 'warning', tenant: tenant.id, file: at(w.pointer), hint: 'remove the stale waiver so it cannot hide a future finding' }));
      }
    }
  }
  return [...diagnostics, ...extra];
}
