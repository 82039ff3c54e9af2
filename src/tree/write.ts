import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Listing } from './list.js';
import { readTreeAndLinks } from './read.js';

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

/** One step of a journaled update, relative to the output folder: remove a path, or move a staged file in. */
type Op = { del: string } | { put: string };

function parseJournal(journal: string, outAbs: string): { ops: Op[] } | { names: string[] } {
  const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
  const refuse = () => {
    const j = path.basename(journal);
    return new TreeRefusal('EINVAL', 'roll forward the swap journal', journal, `${j} names entries outside ${path.basename(outAbs)}/, so tenantctl did not write it: delete ${j} and ${stagingName(outAbs)}, then run again`);
  };
  if (lines.length > 0 && lines.every((l) => l.startsWith('del ') || l.startsWith('put '))) {
    const ops = lines.map((l): Op => (l.startsWith('del ') ? { del: l.slice(4) } : { put: l.slice(4) }));
    if (ops.some((o) => !safeRelative('del' in o ? o.del : o.put))) throw refuse();
    return { ops };
  }
  // A journal from a version that swapped whole top-level entries.
  if (lines.some((n) => n === '.' || n === '..' || /[/\\\0]/.test(n))) throw refuse();
  return { names: lines };
}

/** A forward-slash path of plain segments: nothing absolute, no `.` or `..`, no backslash or NUL. */
function safeRelative(rel: string): boolean {
  return rel !== '' && !/[\\\0]/.test(rel) && rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Removes folders a removal left empty, up to (not including) the output folder. */
function pruneEmpty(outAbs: string, dir: string): void {
  while (dir.startsWith(`${outAbs}${path.sep}`)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}

/**
 * Applies the journal's steps in order. Each step can run twice: a removal of
 * something gone does nothing, and a staged file already moved in has left the
 * staging folder. So a run that was killed part-way is finished by re-running.
 */
function applyOps(outAbs: string, staging: string, ops: readonly Op[]): void {
  mkdirSync(outAbs, { recursive: true });
  const made = new Set<string>();
  for (const op of ops) {
    if ('del' in op) {
      const target = path.join(outAbs, op.del);
      // A link is removed, never followed: rmSync on a link deletes the link itself.
      rmSync(target, { force: true, recursive: true });
      pruneEmpty(outAbs, path.dirname(target));
      continue;
    }
    const from = path.join(staging, op.put);
    if (!existsSync(from)) continue;
    const to = path.join(outAbs, op.put);
    const dir = path.dirname(to);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    moveIn(from, to);
  }
}

/**
 * Moves a staged file to its place. A folder standing there (made by hand; a
 * listing shows no empty one, and the files of any other were removed by the
 * steps before) is rendered/'s own, so it gives way like any entry render does
 * not write. Asked only when the move fails, so a render pays nothing for it.
 */
function moveIn(from: string, to: string): void {
  try {
    renameSync(from, to);
    return;
  } catch (e) {
    if (!lstatSync(to, { throwIfNoEntry: false })?.isDirectory()) throw e;
  }
  rmSync(to, { recursive: true, force: true });
  renameSync(from, to);
}

/**
 * Throws EACCES (or EROFS) naming the first folder whose entries would change
 * but which cannot be written, before anything is staged: a read-only folder
 * found half-way through the moves would leave a journal that cannot be
 * applied. A folder still to be made is judged by the nearest one that exists.
 */
function writableFolders(outAbs: string, rels: readonly string[]): void {
  const seen = new Set<string>();
  for (const r of rels) {
    let dir = path.dirname(path.join(outAbs, r));
    while (!seen.has(dir)) {
      seen.add(dir);
      if (existsSync(dir)) {
        accessSync(dir, constants.W_OK);
        break;
      }
      if (dir === outAbs) {
        accessSync(path.dirname(outAbs), constants.W_OK);
        break;
      }
      dir = path.dirname(dir);
    }
  }
}

/**
 * Finishes an update that a killed process left half-done (its staging tree
 * was complete, so it rolls forward) or discards a staging tree that was never
 * complete. An output folder moved aside by an older, whole-folder swap is put
 * back. Leftovers are removed.
 */
export async function recoverTree(outAbs: string): Promise<void> {
  const parent = path.dirname(outAbs);
  const previous = path.join(parent, previousName(outAbs));
  const staging = path.join(parent, stagingName(outAbs));
  const journal = path.join(parent, journalName(outAbs));
  refuseLink(outAbs);
  if (existsSync(journal)) {
    const j = parseJournal(journal, outAbs);
    if ('ops' in j) applyOps(outAbs, staging, j.ops);
    else await swapEntries(outAbs, staging, previous, j.names);
  } else if (!existsSync(outAbs) && existsSync(previous)) {
    await rename(previous, outAbs);
  }
  await rm(previous, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
  await rm(journal, { force: true });
  await rm(`${journal}.tmp`, { force: true });
}

/**
 * Brings the output folder to exactly `files`, writing only what differs from
 * `current` (what is on disk; read here when not given). Changed and new files
 * are written into a staging folder first; once all of them are there, a
 * journal listing every removal and every move appears in one rename, and the
 * steps are applied. A kill before the journal exists leaves the old tree
 * (recoverTree discards the staging folder); a kill after it leaves a journal
 * that recoverTree, which every render and check runs first, rolls forward to
 * the new tree. Unchanged files are not touched: their inode and mtime stay.
 * `files` keys are paths relative to the output folder's parent (`rendered/...`).
 */
export async function writeTreeAtomically(
  outAbs: string,
  outRel: string,
  files: ReadonlyMap<string, string>,
  current?: { files: ReadonlyMap<string, string>; links: Listing['links'] },
): Promise<void> {
  await recoverTree(outAbs);
  const parent = path.dirname(outAbs);
  const staging = path.join(parent, stagingName(outAbs));
  const journal = path.join(parent, journalName(outAbs));
  const rel = (p: string): string => {
    // The renderer refuses unsafe paths; this is the last line, before anything is written.
    if (!p.startsWith(`${outRel}/`)) throw new Error(`internal: ${p} is outside ${outRel}/`);
    const r = p.slice(outRel.length + 1);
    if (!safeRelative(r)) throw new Error(`internal: ${p} resolves outside ${outRel}/`);
    return r;
  };
  // The caller usually has just read the tree to compare it; a second walk of 200,000 files costs a second.
  const { files: before, links } = current ?? (await readTreeAndLinks(outAbs, outRel));
  const puts: [string, string][] = [];
  for (const [p, text] of files) if (before.get(p) !== text) puts.push([rel(p), text]);
  // Links come first: a link where a folder belongs would carry the moves that follow out of the tree.
  const dels = [...links.map((l) => l.path), ...[...before.keys()].filter((p) => !files.has(p)).map(rel)];
  if (puts.length === 0 && dels.length === 0) return;
  writableFolders(outAbs, [...dels, ...puts.map(([r]) => r)]);
  await mkdir(staging, { recursive: true });
  const made = new Set<string>();
  for (const [r, text] of puts) {
    const target = path.join(staging, r);
    const dir = path.dirname(target);
    // Synchronous: tens of thousands of small files write faster this way.
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    try {
      writeFileSync(target, text);
    } catch (e) {
      // A failed write (ENOSPC) carries no path; the message should name the file.
      (e as NodeJS.ErrnoException).path ??= target;
      throw e;
    }
  }
  const ops: Op[] = [...dels.map((d): Op => ({ del: d })), ...puts.map(([r]): Op => ({ put: r }))];
  // The journal appears in one rename, and only once every file is staged.
  await writeFile(`${journal}.tmp`, ops.map((o) => ('del' in o ? `del ${o.del}` : `put ${o.put}`)).join('\n') + '\n');
  await rename(`${journal}.tmp`, journal);
  applyOps(outAbs, staging, ops);
  await rm(journal, { force: true });
  await rm(staging, { recursive: true, force: true });
}
