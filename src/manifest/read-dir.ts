import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseManifests } from './parse.js';
import type { Manifest } from './types.js';

export interface ReadDirResult {
  manifests: Manifest[];
  diagnostics: Diagnostic[];
  /** File texts keyed by the path used in findings. */
  texts: Map<string, string>;
}

/**
 * Reads every .yaml/.yml/.json file below `dir` (sorted, so output is stable).
 * Paths in findings are relative to `relativeTo` (default: `dir`'s parent cwd).
 */
export async function readManifestDir(
  dir: string,
  opts: { relativeTo?: string; ignore?: string[] } = {},
): Promise<ReadDirResult> {
  const base = opts.relativeTo ?? process.cwd();
  const files = (
    await fg(['**/*.yaml', '**/*.yml', '**/*.json'], { cwd: dir, onlyFiles: true, ignore: opts.ignore ?? [] })
  ).sort();
  const manifests: Manifest[] = [];
  const diagnostics: Diagnostic[] = [];
  const texts = new Map<string, string>();
  for (const rel of files) {
    const abs = path.join(dir, rel);
    const shown = path.relative(base, abs).split(path.sep).join('/');
    const text = await readFile(abs, 'utf8');
    texts.set(shown, text);
    const r = parseManifests(text, { file: shown });
    manifests.push(...r.manifests);
    diagnostics.push(...r.diagnostics);
  }
  return { manifests, diagnostics, texts };
}
