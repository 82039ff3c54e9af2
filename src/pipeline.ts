import path from 'node:path';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { parseManifests } from './manifest/parse.js';
import type { Manifest } from './manifest/types.js';
import { renderTree, type RenderResult } from './render/render.js';
import { loadTemplates } from './render/templates.js';
import { loadTenantsFile } from './tenants/index.js';
import type { TenantsConfig } from './tenants/types.js';
import { compareTrees, treesDiffer } from './tree/compare.js';
import { kustomizationFile } from './platform/layout.js';
import { readTree } from './tree/read.js';
import { recoverTree, writeTreeAtomically } from './tree/write.js';
import { pushTo } from './collections.js';
import { OUT_DIR, TEMPLATES_DIR, TENANTS_FILE } from './platform/index.js';

export interface PipelineOptions {
  /** Repository root; every path in findings is relative to it. */
  root: string;
  /** tenants file, relative to root. */
  tenantsFile?: string;
  templatesDir?: string;
  outDir?: string;
}

export interface Rendered {
  config?: TenantsConfig;
  render?: RenderResult;
  diagnostics: Diagnostic[];
}

const defaults = { tenantsFile: TENANTS_FILE, templatesDir: TEMPLATES_DIR, outDir: OUT_DIR };

/** load → render, in memory. Diagnostics here are input or template failures. */
export async function renderInMemory(opts: PipelineOptions): Promise<Rendered> {
  const o = { ...defaults, ...opts };
  const [loaded, tpl] = await Promise.all([
    loadTenantsFile(path.join(o.root, o.tenantsFile), o.tenantsFile),
    loadTemplates(o.root, o.templatesDir),
  ]);
  const diagnostics = [...loaded.diagnostics, ...tpl.diagnostics];
  if (!loaded.config || tpl.diagnostics.length > 0) return { diagnostics, ...(loaded.config ? { config: loaded.config } : {}) };
  const render = renderTree(loaded.config, tpl.templates, o.outDir);
  return { config: loaded.config, render, diagnostics: [...diagnostics, ...render.diagnostics] };
}

/** Renders and, only if everything rendered cleanly, swaps the new tree in. */
export interface TreeChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Renders and, only if everything rendered cleanly and something differs,
 * swaps the new tree in. An unchanged tree is left alone (timestamps included).
 */
export async function renderToDisk(opts: PipelineOptions): Promise<Rendered & { written: boolean; changes?: TreeChanges }> {
  const r = await renderInMemory(opts);
  if (r.diagnostics.length > 0 || !r.render) return { ...r, written: false };
  const outDir = opts.outDir ?? defaults.outDir;
  const outAbs = path.join(opts.root, outDir);
  await recoverTree(outAbs);
  const before = await readTree(outAbs, outDir);
  const files = r.render.files;
  const changes: TreeChanges = {
    added: [...files.keys()].filter((p) => !before.has(p)),
    changed: [...files.keys()].filter((p) => before.has(p) && before.get(p) !== files.get(p)),
    removed: [...before.keys()].filter((p) => !files.has(p)),
  };
  if (changes.added.length + changes.changed.length + changes.removed.length > 0) await writeTreeAtomically(outAbs, outDir, files);
  return { ...r, written: true, changes };
}

export interface TreeState extends Rendered {
  /** What is committed on disk (or would be, for files render would create). */
  manifests: Manifest[];
  /** How many files the committed tree has (the texts are not kept: at 10,000 tenants they cost hundreds of MiB). */
  filesOnDisk: number;
}

/**
 * re-render → compare with disk → parse what would be synced. Objects are taken
 * from disk where the file exists (that is what Argo CD or Flux applies, hand
 * edits included) and from the fresh render where it does not.
 */
export async function loadTreeForCheck(opts: PipelineOptions): Promise<TreeState> {
  const outDir = opts.outDir ?? defaults.outDir;
  await recoverTree(path.join(opts.root, outDir));
  const [r, onDisk] = await Promise.all([renderInMemory(opts), readTree(path.join(opts.root, outDir), outDir)]);
  if (!r.render) return { ...r, manifests: [], filesOnDisk: onDisk.size };
  const drift = treesDiffer(r.render.files, onDisk) ? compareTrees(r.render.files, onDisk, (await import('diff')).createTwoFilesPatch) : [];
  const diagnostics = [...r.diagnostics, ...drift];
  const rendered = new Map<string, Manifest[]>();
  for (const m of r.render.manifests) pushTo(rendered, m.file, m);
  const manifests: Manifest[] = [];
  const paths = [...new Set([...rendered.keys(), ...onDisk.keys()])].sort();
  for (const p of paths) {
    if (p.endsWith(`/${kustomizationFile}`)) continue;
    const text = onDisk.get(p);
    const fresh = rendered.get(p);
    // Unchanged files are the rendered objects already parsed: no second parse.
    if (text === undefined || (fresh && text === r.render.files.get(p))) {
      manifests.push(...(fresh ?? []));
      continue;
    }
    if (!/\.(ya?ml|json)$/.test(p)) continue;
    const origin = fresh?.[0]?.origin;
    const parsed = parseManifests(text, { file: p, ...(origin ? { origin } : {}), ruleId: 'manifest/yaml-syntax' });
    manifests.push(...parsed.manifests);
    diagnostics.push(...parsed.diagnostics.map((d) => ({ ...d, kind: 'finding' as const })));
  }
  return { ...r, diagnostics, manifests, filesOnDisk: onDisk.size };
}
