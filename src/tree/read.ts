import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';

/** Every file under the output folder, keyed like the rendered map (`rendered/...`). */
export async function readTree(outAbs: string, outRel: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (!existsSync(outAbs)) return files;
  const rels = (await fg(['**/*'], { cwd: outAbs, onlyFiles: true, dot: true })).sort();
  const texts = await Promise.all(rels.map((r) => readFile(path.join(outAbs, r), 'utf8')));
  rels.forEach((r, i) => files.set(`${outRel}/${r}`, texts[i]!));
  return files;
}
