import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Siblings of the output folder, so every rename stays on one filesystem.
const stagingName = (out: string) => `.${path.basename(out)}.staging`;
const previousName = (out: string) => `.${path.basename(out)}.previous`;
/** Written once the staging tree is complete: from then on a swap rolls forward, never back. */
const journalName = (out: string) => `.${path.basename(out)}.swap`;

/**
 * A state of the tree tenantctl refuses to write over, reported like a file
 * system error (errno-style code, the path, what to do).
 */
export class TreeRefusal extends Error {
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly path: string,
    readonly hint: string,
  ) {
    super(`${code}: cannot ${syscall} ${path}`);
  }
}

/** rendered/ as a link would carry every write to wherever it points, possibly outside the repository. */
function refuseLink(outAbs: string): void {
  let linked = false;
  try {
    linked = lstatSync(outAbs).isSymbolicLink();
  } catch {
    return;
  }
  if (linked) {
    const name = path.basename(outAbs);
    throw new TreeRefusal('ELOOP', 'write through the symbolic link', outAbs, `${name}/ must be a real folder inside the repository (tenantctl never writes through a link): replace the link with a folder`);
  }
}

/** Journal entries are top-level names in rendered/; anything else was not written by tenantctl. */
function journalNames(journal: string, outAbs: string): string[] {
  const names = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
  if (names.some((n) => n === '.' || n === '..' || /[/\\\0]/.test(n))) {
    const j = path.basename(journal);
    throw new TreeRefusal('EINVAL', 'roll forward the swap journal', journal, `${j} names entries outside ${path.basename(outAbs)}/, so tenantctl did not write it: delete ${j} and ${stagingName(outAbs)}, then run again`);
  }
  return names;
}

/**
 * Moves the staged entries into the output folder one top-level entry at a
 * time, old entries aside into `previous`. The output folder itself is never
 * renamed, so it exists at every instant a kill can hit (a working tree never
 * shows the whole of rendered/ deleted). Re-running it after an interruption
 * finishes the job: an entry already moved in has left the staging folder.
 */
async function swapEntries(outAbs: string, staging: string, previous: string, names: readonly string[]): Promise<void> {
  await mkdir(outAbs, { recursive: true });
  await mkdir(previous, { recursive: true });
  const keep = new Set(names);
  for (const name of readdirSync(outAbs).sort()) {
    if (!keep.has(name)) await rename(path.join(outAbs, name), path.join(previous, name));
  }
  for (const name of names) {
    const from = path.join(staging, name);
    if (!existsSync(from)) continue;
    const to = path.join(outAbs, name);
    if (existsSync(to)) await rename(to, path.join(previous, name));
    await rename(from, to);
  }
}

/**
 * Finishes a swap that a killed process left half-done (the staging tree was
 * complete, so it rolls forward to it) or discards a staging tree that was
 * never complete. An output folder moved aside by an older, whole-folder swap
 * is put back. Leftovers are removed.
 */
export async function recoverTree(outAbs: string): Promise<void> {
  const parent = path.dirname(outAbs);
  const previous = path.join(parent, previousName(outAbs));
  const staging = path.join(parent, stagingName(outAbs));
  const journal = path.join(parent, journalName(outAbs));
  refuseLink(outAbs);
  if (existsSync(journal)) {
    const names = journalNames(journal, outAbs);
    await swapEntries(outAbs, staging, previous, names);
  } else if (!existsSync(outAbs) && existsSync(previous)) {
    await rename(previous, outAbs);
  }
  await rm(previous, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
  await rm(journal, { force: true });
  await rm(`${journal}.tmp`, { force: true });
}

/**
 * Writes the whole tree into a staging folder, then swaps it in entry by
 * entry. A crash before the staging tree is complete leaves the old tree
 * untouched; a crash during the swap leaves rendered/ in place, and the next
 * run (recoverTree) completes the swap.
 * `files` keys are paths relative to the output folder's parent (`rendered/...`).
 */
export async function writeTreeAtomically(outAbs: string, outRel: string, files: ReadonlyMap<string, string>): Promise<void> {
  await recoverTree(outAbs);
  const parent = path.dirname(outAbs);
  const staging = path.join(parent, stagingName(outAbs));
  const previous = path.join(parent, previousName(outAbs));
  const journal = path.join(parent, journalName(outAbs));
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
  const names = readdirSync(staging).sort();
  // The journal appears in one rename, and only once every file is staged.
  await writeFile(`${journal}.tmp`, `${names.join('\n')}\n`);
  await rename(`${journal}.tmp`, journal);
  await swapEntries(outAbs, staging, previous, names);
  await rm(journal, { force: true });
  await rm(previous, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
}
