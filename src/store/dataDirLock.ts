/**
 * One data directory, one emulator. Two emulators on one folder each rewrite state.json from
 * their own memory, so one's buses vanish when the other writes: the second is refused.
 *
 * The lock is `<dir>/eventbridge-local.lock`, created with O_EXCL (`wx`: exactly one creator
 * wins, on every local file system) and holding the owner's pid. A lock whose pid is no longer
 * running (the owner was killed with kill -9) is stale: it is taken over at once. No timer, no
 * dependency: proper-lockfile would tell staleness by an mtime it refreshes every few seconds
 * (a killed owner blocks the folder until that runs out) and does not record who holds it.
 */
import { hostname } from 'node:os';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StateFileError } from './errors.js';

export const lockFileName = 'eventbridge-local.lock';

/** The data directory is in use by another emulator. */
export class DataDirLockedError extends StateFileError {}

interface LockInfo {
  pid: number;
  hostname?: string;
  startedAt?: string;
}

/** Locks this process holds (an in-process emulator is refused like another process). */
const heldHere = new Set<string>();

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Take the lock on `dir` (which exists), or throw DataDirLockedError naming the holder. */
export async function lockDataDir(dir: string, onStaleLock?: (holder: string) => void): Promise<DataDirLock> {
  const path = join(dir, lockFileName);
  const mine: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(mine)}\n`);
      } finally {
        await handle.close();
      }
      heldHere.add(path);
      return { path, release: () => release(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    }
    const holder = await readHolder(path);
    if (holder && isRunning(holder, path)) {
      throw new DataDirLockedError(
        `Data directory ${dir} is in use by another eventbridge-local (pid ${holder.pid}` +
          `${holder.hostname ? ` on ${holder.hostname}` : ''}${holder.startedAt ? `, started ${holder.startedAt}` : ''}; lock file ${path}). ` +
          `One data directory serves one emulator: stop that one, or give this one another --data-dir.`,
      );
    }
    // Stale (its process is gone) or unreadable (an owner killed while writing it): take it
    // over. Renamed first, so that of two emulators recovering it at once only one removes it.
    const aside = `${path}.stale-${process.pid}`;
    try {
      await rename(path, aside);
      await rm(aside, { force: true });
      onStaleLock?.(holder ? `pid ${holder.pid}` : 'unreadable lock file');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

async function release(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  const holder = await readHolder(path);
  if (holder?.pid === process.pid) await rm(path, { force: true });
}

async function readHolder(path: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
    return Number.isInteger(info?.pid) && info.pid > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

// The pid is checked on this machine whatever `hostname` says: a container recreated on the same
// volume has a new hostname, and its predecessor's lock must not hold the folder forever.
function isRunning(holder: LockInfo, path: string): boolean {
  // This process: held by an emulator still open here, or left by one that never closed.
  if (holder.pid === process.pid) return heldHere.has(path);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // running, as another user
  }
}
