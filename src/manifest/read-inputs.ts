import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic } from '../diagnostics/catalogue.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseManifests } from './parse.js';
import { readManifestDir } from './read-dir.js';
import type { Manifest } from './types.js';

export interface InputsResult {
  manifests: Manifest[];
  diagnostics: Diagnostic[];
  /** Files read (stdin counts as one). */
  files: number;
}

/** The name findings use for standard input. */
export const STDIN_NAME = '<stdin>';

/**
 * Files, directories (recursively: .yaml, .yml, .json) and `-` for standard
 * input, as kubeconform takes them. Paths in findings are relative to `cwd`.
 * A path that does not exist is an input failure, never silently skipped.
 */
export async function readInputs(inputs: readonly string[], opts: { cwd: string; stdin?: () => Promise<string> }): Promise<InputsResult> {
  const out: InputsResult = { manifests: [], diagnostics: [], files: 0 };
  const seen = new Set<string>();
  for (const input of inputs) {
    if (input === '-') {
      if (seen.has('-')) continue;
      seen.add('-');
      const text = opts.stdin ? await opts.stdin() : '';
      const r = parseManifests(text, { file: STDIN_NAME });
      out.files += 1;
      out.manifests.push(...r.manifests);
      out.diagnostics.push(...r.diagnostics);
      continue;
    }
    const abs = path.resolve(opts.cwd, input);
    if (seen.has(abs)) continue;
    seen.add(abs);
    const st = await stat(abs).catch(() => undefined);
    if (!st) {
      out.diagnostics.push(diagnostic('input/manifests', `${input} does not exist`));
      continue;
    }
    if (st.isDirectory()) {
      const r = await readManifestDir(abs, { relativeTo: opts.cwd });
      out.files += r.texts.size;
      out.manifests.push(...r.manifests);
      out.diagnostics.push(...r.diagnostics);
      continue;
    }
    const shown = path.relative(opts.cwd, abs).split(path.sep).join('/') || input;
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (e) {
      out.diagnostics.push(diagnostic('input/manifests', `cannot read ${input}: ${(e as Error).message}`));
      continue;
    }
    const r = parseManifests(text, { file: shown });
    out.files += 1;
    out.manifests.push(...r.manifests);
    out.diagnostics.push(...r.diagnostics);
  }
  return out;
}
