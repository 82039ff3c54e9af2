import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseManifests } from '../../src/manifest/parse.js';
import type { Manifest } from '../../src/manifest/types.js';
import { runRules } from '../../src/rules/engine.js';
import { rules as registry } from '../../src/rules/registry.js';
import type { AnyRule } from '../../src/rules/types.js';
import { loadTenantsText } from '../../src/tenants/index.js';
import type { TenantsConfig } from '../../src/tenants/types.js';
import { readTree } from '../../src/tree/read.js';
import { lineOf, renderedWith, repoRoot, type InputEdit } from '../helpers.js';

/** A change to the committed tree or to tenants.yaml, as a reviewer would see it in a diff. */
export type Edit =
  | { file: string; from: string; to: string }
  | { file: string; text: string }
  | { file: string; remove: true };

export interface Fixture {
  config: TenantsConfig;
  texts: Map<string, string>;
}

let cached: { tenants: string; texts: Map<string, string> } | undefined;

async function committed() {
  cached ??= {
    tenants: await readFile(path.join(repoRoot, 'tenants.yaml'), 'utf8'),
    texts: await readTree(path.join(repoRoot, 'rendered'), 'rendered'),
  };
  return cached;
}

/** The bundled tenants.yaml and rendered tree with edits applied (in memory). */
export async function fixture(edits: Edit[] = []): Promise<Fixture> {
  const base = await committed();
  const texts = new Map(base.texts);
  texts.set('tenants.yaml', base.tenants);
  for (const e of edits) {
    if ('remove' in e) {
      if (!texts.delete(e.file)) throw new Error(`fixture: no file ${e.file}`);
    } else if ('text' in e) {
      texts.set(e.file, e.text);
    } else {
      const before = texts.get(e.file);
      if (before === undefined) throw new Error(`fixture: no file ${e.file}`);
      if (!before.includes(e.from)) throw new Error(`fixture: ${e.file} does not contain ${JSON.stringify(e.from)}`);
      texts.set(e.file, before.replace(e.from, e.to));
    }
  }
  const loaded = loadTenantsText(texts.get('tenants.yaml')!, 'tenants.yaml');
  if (!loaded.config) throw new Error(`fixture tenants.yaml invalid: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  texts.delete('tenants.yaml');
  return { config: loaded.config, texts };
}

export function manifestsOf(f: Fixture): Manifest[] {
  const out: Manifest[] = [];
  for (const [file, text] of [...f.texts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (file.endsWith('/kustomization.yaml')) continue;
    out.push(...parseManifests(text, { file }).manifests);
  }
  return out;
}

/** Runs one rule (or the whole registry) over the bundled tree with edits. */
export async function runRule(rule: AnyRule | undefined, edits: Edit[] = []): Promise<{ diagnostics: Diagnostic[]; fixture: Fixture }> {
  const f = await fixture(edits);
  const rules = rule ? { [rule.meta.id]: rule } : registry;
  return { diagnostics: runRules({ manifests: manifestsOf(f), rules, config: f.config }), fixture: f };
}

/** Asserts a finding of `ruleId` at `file`:`line` where `needle` is, and returns it. */
export function expectFinding(ds: Diagnostic[], f: Fixture, ruleId: string, file: string, needle: string, nth = 0): Diagnostic {
  const text = file === 'tenants.yaml' ? undefined : f.texts.get(file);
  const line = text === undefined ? undefined : lineOf(text, needle, nth);
  const hit = ds.find((d) => d.ruleId === ruleId && d.file?.path === file && (line === undefined || d.file.line === line));
  expect(hit, `expected ${ruleId} at ${file}:${line}; got:\n${ds.map((d) => `${d.ruleId} ${d.file?.path}:${d.file?.line} ${d.message}`).join('\n')}`).toBeDefined();
  return hit!;
}

export const tenantA = 'rendered/ai-agents-test-tenant-a';
export const tenantB = 'rendered/ai-agents-test-tenant-b';

/** Runs one rule over what the templates render for `tenants`, after the template edits. */
export async function runRuleRendered(rule: AnyRule, tenants: string, edits: readonly InputEdit[] = []): Promise<Diagnostic[]> {
  const r = await renderedWith(tenants, edits);
  return runRules({ manifests: r.render!.manifests, rules: { [rule.meta.id]: rule }, config: r.config! });
}

const FLUX_TENANT_KUSTOMIZATION = 'templates/gitops/flux/tenant/kustomization-tenant.yaml.ejs';

/**
 * The Flux layout before the lockdown: tenant Kustomizations in the tenant namespaces (applied by
 * the platform Kustomization), using the source and the platform of the GitOps namespace.
 */
export const fluxTenantKustomizationsInTenantNamespaces: readonly InputEdit[] = [
  { file: FLUX_TENANT_KUSTOMIZATION, from: '  namespace: <%- v(gitops.namespace) %>\n', to: '  namespace: <%- v(tenant.namespace) %>\n' },
  { file: FLUX_TENANT_KUSTOMIZATION, from: '    - name: <%- v(gitops.platformNameFor(gitops.cluster)) %>\n', to: '    - name: <%- v(gitops.platformNameFor(gitops.cluster)) %>\n      namespace: <%- v(gitops.namespace) %>\n' },
  { file: FLUX_TENANT_KUSTOMIZATION, from: '    name: <%- v(gitops.platformName) %>\n', to: '    name: <%- v(gitops.platformName) %>\n    namespace: <%- v(gitops.namespace) %>\n' },
];
