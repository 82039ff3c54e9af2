import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { RenderResult } from '../render/render.js';
import type { TenantsConfig } from '../tenants/types.js';
import { TEMPLATES_DIR, TENANTS_FILE } from '../platform/index.js';
import { GitError, isWorkTree, showFile, showTree, upstreamMergeBase } from './git.js';

/** One side of a comparison: a tenants.yaml loaded and rendered (by the pipeline). */
export interface Side {
  config?: TenantsConfig;
  render?: RenderResult;
  /** Ids as listed, even when the file does not validate. */
  ids: string[];
}

/** What the pipeline hands the lifecycle checks about the base ref. */
export interface BaseSide extends Side {
  /** The ref compared with; undefined when there is nothing to compare with. */
  ref?: string;
  diagnostics: Diagnostic[];
}

export interface BaseText {
  ref?: string;
  /** tenants.yaml at the ref; undefined when the ref has none or there is no ref. */
  text?: string;
  /** The templates at the ref (path relative to the templates folder → source); undefined when it has none. */
  templates?: Map<string, string>;
  diagnostics: Diagnostic[];
}

/**
 * tenants.yaml as it is at the base ref. Without an explicit ref the merge
 * base with the upstream branch is used; with neither, nothing is compared.
 */
export async function baseTenantsText(root: string, ref: string | undefined, file = TENANTS_FILE, templatesDir = TEMPLATES_DIR): Promise<BaseText> {
  let resolved = ref;
  if (resolved === undefined) {
    if (!(await isWorkTree(root))) return { diagnostics: [] };
    resolved = await upstreamMergeBase(root);
    if (resolved === undefined) {
      return {
        diagnostics: [
          diagnostic('lifecycle/base', 'no upstream branch to compare with: the tenant removal check was skipped', {
            hint: 'pass --base REF (e.g. --base origin/main) to compare with a branch or commit',
          }),
        ],
      };
    }
  }
  try {
    const [text, templates] = await Promise.all([showFile(root, resolved, file), showTree(root, resolved, templatesDir)]);
    return { ref: resolved, ...(text !== undefined ? { text } : {}), ...(templates ? { templates } : {}), diagnostics: [] };
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    const d = diagnostic('lifecycle/base', e.message, { severity: 'error', hint: 'pass a branch, tag or commit that exists locally (fetch it first in CI: fetch-depth: 0)' });
    return { diagnostics: [{ ...d, kind: 'failure' }] };
  }
}
