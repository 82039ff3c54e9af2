import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { toCanonicalYaml } from '../manifest/canonical.js';
import { makeManifest, parseManifests } from '../manifest/parse.js';
import { objectKey, type Manifest } from '../manifest/types.js';
import type { TenantsConfig } from '../tenants/types.js';
import { kustomizations, pathFor } from '../tree/layout.js';
import { clusterContext, tenantContext, type TemplateContext } from './context.js';
import { templateErrorLine, templateErrorMessage, type Template } from './templates.js';

export interface RenderResult {
  /** Every file of the tree, path → canonical text, including kustomization.yaml files. */
  files: Map<string, string>;
  manifests: Manifest[];
  diagnostics: Diagnostic[];
}

/** Renders every template for every tenant (and cluster templates once) into canonical files. */
export function renderTree(config: TenantsConfig, templates: readonly Template[], outDir = 'rendered'): RenderResult {
  const files = new Map<string, string>();
  const manifests: Manifest[] = [];
  const diagnostics: Diagnostic[] = [];
  const firstOrigin = new Map<string, string>();

  const renderOne = (template: Template, ctx: TemplateContext, tenant?: string): void => {
    const origin = tenant ? { template: template.path, tenant } : { template: template.path };
    const where = tenant ? ` for tenant ${tenant}` : '';
    let text: string;
    try {
      text = template.render(ctx);
    } catch (cause) {
      const err = cause as Error;
      diagnostics.push({
        ruleId: 'render/template',
        severity: 'error',
        kind: 'failure',
        message: `template threw${where}: ${templateErrorMessage(err)}`,
        file: { path: template.path, line: templateErrorLine(err), column: 1 },
        origin,
        ...(tenant ? { tenant } : {}),
        hint: 'fix the expression on this line of the template',
      });
      return;
    }
    const parsed = parseManifests(text, { file: template.path, origin, ruleId: 'render/invalid-yaml' });
    for (const d of parsed.diagnostics) {
      diagnostics.push({
        ...d,
        ruleId: 'render/invalid-yaml',
        message: `template produced invalid YAML${where} (line ${d.file?.line ?? '?'} of its output): ${d.message}`,
        detail: excerpt(text, d.file?.line ?? 1),
        hint: 'emit every value through <%- v(value) %> and check the indentation of the template',
      });
    }
    if (parsed.diagnostics.length > 0) return;
    if (parsed.manifests.length > 1) {
      diagnostics.push({
        ruleId: 'render/one-object-per-template',
        severity: 'error',
        kind: 'failure',
        message: `template produced ${parsed.manifests.length} objects${where}; each template renders exactly one`,
        file: { path: template.path, line: 1, column: 1 },
        origin,
        hint: 'split the template into one file per object',
      });
      return;
    }
    for (const m of parsed.manifests) {
      const path = pathFor(m.object, outDir);
      const key = objectKey(m.object);
      const prev = firstOrigin.get(path) ?? firstOrigin.get(key);
      if (prev !== undefined) {
        diagnostics.push({
          ruleId: 'render/duplicate-object',
          severity: 'error',
          kind: 'failure',
          message: `${m.object.kind} ${m.object.metadata?.namespace ?? ''}/${m.object.metadata?.name ?? ''}${where} is also rendered by ${prev}`,
          file: { path: template.path, line: 1, column: 1 },
          origin,
          hint: 'object names must be unique per kind and namespace; rename one of them',
        });
        continue;
      }
      const desc = `${template.path}${where}`;
      firstOrigin.set(path, desc);
      firstOrigin.set(key, desc);
      const canonical = toCanonicalYaml(m.object);
      files.set(path, canonical);
      manifests.push(makeManifest(m.object, path, canonical, 0, origin));
    }
  };

  for (const template of templates) {
    if (template.scope === 'cluster') renderOne(template, clusterContext(config));
  }
  for (const tenant of config.tenants) {
    const ctx = tenantContext(config, tenant);
    for (const template of templates) {
      if (template.scope === 'tenant') renderOne(template, ctx, tenant.id);
    }
  }
  for (const [p, text] of kustomizations(files.keys(), outDir)) files.set(p, text);
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), manifests, diagnostics };
}

function excerpt(text: string, line: number): string {
  const lines = text.split('\n');
  const from = Math.max(0, line - 3);
  return lines
    .slice(from, line + 2)
    .map((l, i) => `${from + i + 1 === line ? '>' : ' '} ${String(from + i + 1).padStart(4)} | ${l}`)
    .join('\n');
}
