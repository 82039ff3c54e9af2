import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './list.js';

/**
 * Every file under the output folder, keyed like the rendered map (`rendered/...`).
 * Synchronous reads on purpose: for tens of thousands of small files they are
 * faster than promises and cannot exhaust file descriptors.
 */
export async function readTree(outAbs: string, outRel: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const r of listFiles(outAbs)) files.set(`${outRel}/${r}`, readFileSync(path.join(outAbs, r), 'utf8'));
  return files;
}
