import { linkSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TENANTS_FILE } from '../platform/index.js';

/** Lives next to tenants.yaml; git users add it to .gitignore like any editor lock. */
export const LOCK_FILE = '.tenantctl.lock';

export class LockedError extends Error {
  constructor(
    message: string,
    readonly lockPath: string,
  ) {
    super(message);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding the repository's write lock, so two renders (or an add and
 * a render) never interleave their swaps. The lock holds the owner's pid; a
 * lock whose process is gone is stale and taken over.
 */
export async function withRepoLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = path.join(root, LOCK_FILE);
  // The lock appears with the pid already in it (a hard link to a file written first): a lock
  // created empty and filled afterwards could be read empty by another run, taken for stale and
  // removed, and then both would write.
  const mine = `${lockPath}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, lockPath);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LockedError(`another tenantctl took ${LOCK_FILE} at the same moment; run again`, lockPath);
          throw e;
        }
        let held: string;
        try {
          held = readFileSync(lockPath, 'utf8');
        } catch (cause) {
          throw new LockedError(`${LOCK_FILE} is not a lock file tenantctl wrote (${(cause as NodeJS.ErrnoException).code ?? 'unreadable'}); move it away`, lockPath);
        }
        const pid = Number(held.trim());
        if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
          throw new LockedError(`another tenantctl (pid ${pid}) is writing this repository (${LOCK_FILE}); wait for it to finish`, lockPath);
        }
        rmSync(lockPath, { force: true });
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    removeDeadLockFiles(root);
    rmSync(path.join(root, `.${TENANTS_FILE}.tmp`), { force: true });
    return await fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/** What a run killed while taking the lock left behind: `.tenantctl.lock.<pid>` of a process that is gone. */
function removeDeadLockFiles(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const pid = Number(name.slice(LOCK_FILE.length + 1));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) rmSync(path.join(root, name), { force: true });
  }
}
