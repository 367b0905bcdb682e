/**
 * One data directory, one emulator. Two emulators on one folder each rewrite state.json from
 * their own memory, so one's buses vanish when the other writes: the second is refused.
 *
 * The lock is `<dir>/eventbridge-local.lock`, holding the owner's pid, created by link(2) from
 * a complete temp file (like O_EXCL, exactly one creator wins). A lock whose pid is no longer running (the owner was killed with kill -9) is stale: it is taken over at once. No timer, no
 * dependency: proper-lockfile would tell staleness by an mtime it refreshes every few seconds
 * (a killed owner blocks the folder until that runs out) and does not record who holds it.
 */
import { hostname } from 'node:os';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
    // Written whole under another name, then linked into place (link fails if the lock exists):
    // a lock file is never seen half-written, so an unreadable one is damage, not a start in progress.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(mine)}\n`, { mode: 0o600 });
    try {
      await link(temp, path).catch(async (err: NodeJS.ErrnoException) => {
        // A file system without hard links: O_EXCL creation (a lock seen empty for a moment is then possible).
        if (err.code !== 'EPERM' && err.code !== 'ENOTSUP' && err.code !== 'EOPNOTSUPP') throw err;
        await writeFile(path, `${JSON.stringify(mine)}\n`, { mode: 0o600, flag: 'wx' });
      });
      heldHere.add(path);
      return { path, release: () => release(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    } finally {
      await rm(temp, { force: true });
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
    // over. Renamed first, so that of two emulators recovering it at once only one removes it;
    // if what was renamed is not the stale lock (another emulator took it over in between),
    // it is put back and looked at again.
    const aside = `${path}.stale-${process.pid}`;
    try {
      await rename(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const renamed = await readHolder(aside);
    if (renamed && (renamed.pid !== holder?.pid || renamed.startedAt !== holder?.startedAt)) {
      await link(aside, path).catch(() => undefined);
      await rm(aside, { force: true });
      continue;
    }
    await rm(aside, { force: true });
    onStaleLock?.(holder ? `pid ${holder.pid}` : 'unreadable lock file');
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
