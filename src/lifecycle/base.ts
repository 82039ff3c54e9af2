import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderTree, type RenderResult } from '../render/render.js';
import { loadTemplates } from '../render/templates.js';
import { loadTenantsText } from '../tenants/index.js';
import type { TenantsConfig } from '../tenants/types.js';
import { GitError, isWorkTree, showFile, upstreamMergeBase } from './git.js';
import { listedIds } from './tenants-edit.js';
import { TENANTS_FILE } from '../platform/index.js';

export interface Side {
  config?: TenantsConfig;
  render?: RenderResult;
  /** Ids as listed, even when the file does not validate. */
  ids: string[];
}

export interface BaseLoad {
  /** The ref compared with; undefined when there is nothing to compare with. */
  ref?: string;
  base?: Side;
  diagnostics: Diagnostic[];
}

const file = TENANTS_FILE;

function info(message: string, hint: string): Diagnostic {
  return { ruleId: 'lifecycle/base', severity: 'info', kind: 'finding', message, hint };
}

/**
 * tenants.yaml at the base ref, rendered with today's templates, so a
 * comparison shows only what the tenants change. Without an explicit ref the
 * merge base with the upstream branch is used; with neither, nothing is compared.
 */
export async function loadBase(root: string, ref: string | undefined, templatesDir = 'templates'): Promise<BaseLoad> {
  let resolved = ref;
  if (resolved === undefined) {
    if (!(await isWorkTree(root))) return { diagnostics: [] };
    resolved = await upstreamMergeBase(root);
    if (resolved === undefined) {
      return { diagnostics: [info('no upstream branch to compare with: the tenant removal check was skipped', 'pass --base REF (e.g. --base origin/main) to compare with a branch or commit')] };
    }
  }
  let text: string | undefined;
  try {
    text = await showFile(root, resolved, file);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    return { diagnostics: [{ ruleId: 'lifecycle/base', severity: 'error', kind: 'failure', message: e.message, hint: 'pass a branch, tag or commit that exists locally (fetch it first in CI: fetch-depth: 0)' }] };
  }
  if (text === undefined) return { ref: resolved, base: { ids: [] }, diagnostics: [] };
  return { ref: resolved, base: await sideOf(root, text, templatesDir), diagnostics: [] };
}

export async function sideOf(root: string, text: string, templatesDir = 'templates'): Promise<Side> {
  const loaded = loadTenantsText(text, file);
  if (!loaded.config) return { ids: listedIds(text) };
  const tpl = await loadTemplates(root, templatesDir);
  const render = renderTree(loaded.config, tpl.templates);
  return { config: loaded.config, render, ids: loaded.config.tenants.map((t) => t.id) };
}
