import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { framed, writeAll } from '../framing.js';

/**
 * Writing the files of the cache folder, shared by the run's own thread and
 * its entry writer (cache-writer.ts), so both write an entry byte for byte alike.
 */

/** Entries kept per tenant: the base and the head of a comparison. */
export const KEEP_PER_TENANT = 2;
/** A temporary file this old is a dead run's. */
const STALE_TEMP_MS = 10 * 60 * 1000;

/** What a failed write says of itself: its error code (ENOSPC, EACCES), else its message. */
export const writeFailure = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** A render entry's texts: the header's line, the objects' texts back to back, their JSON back to back. */
export type EntryTexts = readonly [header: string, texts: string, jsons: string];

/** A render entry as the pieces of its file. */
export const entryFile = (magic: string, [header, texts, jsons]: EntryTexts): Uint8Array[] => framed(magic, [Buffer.from(header, 'utf8'), Buffer.from(texts, 'utf8'), Buffer.from(jsons, 'utf8')]);

/**
 * Writes a file's pieces one after another (never joined into one copy)
 * under a temporary name, then renames it, so a reader finds the whole file
 * or none. A folder that holds more files is pruned (a folder this write made
 * holds only this one); throws what the writing threw.
 */
export function writeCacheFile(folder: string, name: string, pieces: readonly Uint8Array[]): void {
  const tmp = path.join(folder, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let made: string | undefined;
  try {
    made = mkdirSync(folder, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, pieces);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path.join(folder, name));
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was written there either.
    }
    throw e;
  }
  if (made !== undefined) return;
  try {
    prune(folder, name);
  } catch {
    // Pruning only keeps the folder small; a race with another run (or this run's other thread) is harmless.
  }
}

/** Keeps the entry just written and the newest other one; removes temporary files of dead runs. */
function prune(folder: string, keep: string): void {
  const names = readdirSync(folder);
  if (names.length <= KEEP_PER_TENANT) return;
  const now = Date.now();
  const entries: { name: string; mtime: number }[] = [];
  for (const name of names) {
    const mtime = statSync(path.join(folder, name)).mtimeMs;
    if (name.startsWith('.tmp-')) {
      if (now - mtime > STALE_TEMP_MS) rmSync(path.join(folder, name), { force: true });
    } else if (name !== keep) entries.push({ name, mtime });
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const e of entries.slice(KEEP_PER_TENANT - 1)) rmSync(path.join(folder, e.name), { force: true });
}
