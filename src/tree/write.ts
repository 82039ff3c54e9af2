import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

// Siblings of the output folder, so the final renames stay on one filesystem.
const stagingName = (out: string) => `.${path.basename(out)}.staging`;
const previousName = (out: string) => `.${path.basename(out)}.previous`;

/**
 * Finishes or rolls back a swap that a killed process left half-done: if the
 * output folder is missing but the previous tree is beside it, put it back.
 * Leftover staging folders are discarded.
 */
export async function recoverTree(outAbs: string): Promise<void> {
  const parent = path.dirname(outAbs);
  const previous = path.join(parent, previousName(outAbs));
  if (!existsSync(outAbs) && existsSync(previous)) await rename(previous, outAbs);
  await rm(previous, { recursive: true, force: true });
  await rm(path.join(parent, stagingName(outAbs)), { recursive: true, force: true });
}

/**
 * Writes the whole tree into a staging folder, then swaps it in with two
 * renames. A crash before the swap leaves the old tree untouched; a crash
 * between the renames is repaired by recoverTree on the next run.
 * `files` keys are paths relative to the output folder's parent (`rendered/...`).
 */
export async function writeTreeAtomically(outAbs: string, outRel: string, files: ReadonlyMap<string, string>): Promise<void> {
  await recoverTree(outAbs);
  const parent = path.dirname(outAbs);
  const staging = path.join(parent, stagingName(outAbs));
  const previous = path.join(parent, previousName(outAbs));
  await mkdir(staging, { recursive: true });
  const made = new Set<string>();
  for (const [rel, text] of files) {
    if (!rel.startsWith(`${outRel}/`)) throw new Error(`internal: ${rel} is outside ${outRel}/`);
    const target = path.resolve(staging, rel.slice(outRel.length + 1));
    // The renderer refuses unsafe paths; this is the last line, before anything is written.
    if (!target.startsWith(`${staging}${path.sep}`)) throw new Error(`internal: ${rel} resolves outside ${outRel}/`);
    const dir = path.dirname(target);
    // Synchronous: tens of thousands of small files write faster this way.
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, text);
  }
  if (existsSync(outAbs)) await rename(outAbs, previous);
  await rename(staging, outAbs);
  await rm(previous, { recursive: true, force: true });
}
