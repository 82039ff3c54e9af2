import { diagnostic } from '../diagnostics/catalogue.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ejs from 'ejs';
import { listFiles } from '../tree/list.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { encodingProblem, type EncodingProblem } from '../manifest/encoding.js';
import type { GitOpsTool } from '../tenants/types.js';
import type { TemplateContext } from './context.js';

export interface Template {
  /** Repo-relative path, e.g. templates/tenant/deployment-api.yaml.ejs. */
  path: string;
  /** Rendered per tenant, once per cluster, or once overall (global, GitOps only). */
  scope: 'tenant' | 'cluster' | 'global';
  /** Set for templates/gitops/<tool>/…: rendered only when tenants.yaml selects that tool. */
  tool?: GitOpsTool;
  /** The EJS source (part of the render cache's key for tenant templates). */
  source: string;
  render(ctx: TemplateContext): string;
}

function classify(rel: string): Pick<Template, 'scope' | 'tool'> {
  const parts = rel.split('/');
  if (parts[0] === 'gitops') return { tool: parts[1] as GitOpsTool, scope: parts[2] as Template['scope'] };
  return { scope: parts[0] === 'cluster' ? 'cluster' : 'tenant' };
}

function failure(file: string, line: number, message: string, hint: string): Diagnostic {
  return diagnostic('render/template', message, { file: { path: file, line, column: 1 }, hint });
}

function encodingFailure(file: string, bad: EncodingProblem): Diagnostic {
  const hint =
    bad.kind === 'not-utf8'
      ? 'save the template as UTF-8 (it was probably written in Latin-1 or Windows-1252)'
      : 'delete the character (an editor may show it as a blank, or not at all); to put one in a value, escape it in tenants.yaml and emit it with v(...)';
  return diagnostic('input/encoding', `${file} ${bad.what}`, { file: { path: file, line: bad.line, column: bad.column }, hint });
}

const isTemplate = (rel: string) => /^(tenant|cluster|gitops\/(argocd|flux)\/(global|cluster|tenant))\/[^/]+\.yaml\.ejs$/.test(rel);

/**
 * Compiles every template once. `<%= %>` is refused: it HTML-escapes (`&` becomes
 * `&amp;`) and does not quote, so a value could turn into YAML structure.
 *
 * `digest` covers every file of the folder that is not a template, by path and
 * bytes: `include()` serves only those (from the same set, never from wherever
 * the process runs), so with the templates' own sources it is all a render
 * can read.
 */
export async function loadTemplates(root: string, dir = 'templates', sources?: ReadonlyMap<string, string>): Promise<{ templates: Template[]; diagnostics: Diagnostic[]; digest: string; files: Map<string, string> }> {
  // `sources` (path relative to dir → text) stands for the folder: the templates of a git ref.
  const all = sources ? [...sources.keys()].sort() : listFiles(path.join(root, dir));
  const texts = new Map<string, Buffer>();
  const hash = createHash('sha256').update(`${dir}\0`);
  for (const rel of all) {
    const bytes = sources ? Buffer.from(sources.get(rel)!, 'utf8') : await readFile(path.join(root, dir, rel));
    texts.set(rel, bytes);
    if (!isTemplate(rel)) hash.update(`${rel}\0${bytes.length}\0`).update(bytes);
  }
  const digest = hash.digest('hex');
  const files = all.filter(isTemplate);
  const templates: Template[] = [];
  const diagnostics: Diagnostic[] = [];
  if (files.length === 0) {
    diagnostics.push(diagnostic('render/template', `no templates found under ${dir}/tenant or ${dir}/cluster`, { hint: 'templates are EJS files named <name>.yaml.ejs, one Kubernetes object each' }));
  }
  // Relative to the including template's folder (nested includes too), and only within the folder.
  const includerFor =
    (fromRel: string) =>
    (name: string): { template: string } => {
      const rel = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), path.posix.extname(name) ? name : `${name}.ejs`));
      const bytes = rel.startsWith('../') || path.posix.isAbsolute(rel) || isTemplate(rel) ? undefined : texts.get(rel);
      if (!bytes) throw new Error(`include(${JSON.stringify(name)}): ${dir}/${rel} is not a partial of the templates folder (a template includes only files of its folder that are not templates themselves)`);
      return { template: bytes.toString('utf8') };
    };
  for (const rel of files) {
    const shown = `${dir}/${rel}`;
    const bytes = texts.get(rel)!;
    const source = bytes.toString('utf8');
    const bad = encodingProblem(bytes, source);
    if (bad) {
      diagnostics.push(encodingFailure(shown, bad));
      continue;
    }
    const escaped = source.indexOf('<%=');
    if (escaped >= 0) {
      const line = source.slice(0, escaped).split('\n').length;
      diagnostics.push(failure(shown, line, '`<%=` HTML-escapes values and can break YAML', 'emit values with `<%- v(value) %>`, the YAML-safe helper'));
      continue;
    }
    try {
      const fn = ejs.compile(source, { filename: shown, client: false, async: false, includer: includerFor(rel) });
      templates.push({ path: shown, ...classify(rel), source, render: (ctx) => fn(ctx) });
    } catch (cause) {
      diagnostics.push(failure(shown, 1, `template does not compile: ${(cause as Error).message}`, 'check that every <% has a matching %>'));
    }
  }
  // Every file as text: what a worker thread compiles the same templates from.
  const folder = new Map([...texts].map(([rel, bytes]) => [rel, bytes.toString('utf8')]));
  return { templates, diagnostics, digest, files: folder };
}

/** EJS puts `file:line` on the first line of a runtime error. */
export function templateErrorLine(err: Error): number {
  const m = /^[^\n]*:(\d+)\n/.exec(err.message);
  return m ? Number(m[1]) : 1;
}

export function templateErrorMessage(err: Error): string {
  const lines = err.message.split('\n');
  return lines[lines.length - 1] || err.message;
}
