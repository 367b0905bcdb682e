/**
 * The only file that imports lowdb. lowdb's file adapters write through steno, which
 * writes a temp file and renames it over the target: a crash mid-write leaves the
 * previous complete file. (JSONFilePreset is avoided on purpose: it silently
 * switches to memory under NODE_ENV=test.)
 */
import { readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { LegacyState } from './schema.js';
import { StateFileError } from './errors.js';
import { stateShapeProblem } from './stateShape.js';
import { enospc, type WriteFaults } from './writeFaults.js';

export { StateFileError };

export interface StateFile {
  readonly path: string;
  /** The stored state, or undefined when there is no file yet. Throws StateFileError on a corrupt or unreadable file. */
  read(): Promise<LegacyState | undefined>;
  /** `text`, when given, is `JSON.stringify(state)` already computed by the caller (it is written as is). */
  write(state: LegacyState, text?: string): Promise<void>;
}

export interface StateFileOptions {
  /**
   * `--move-aside-corrupt-state`: rename an unusable file to `<path>.corrupt-<timestamp>` and
   * start empty, instead of refusing to start. Off by default: state is never silently dropped.
   */
  moveAsideCorrupt?: boolean;
  /** Told where the unusable file went (the emulator logs it at warn). */
  onMovedAside?: (from: string, to: string, why: string) => void;
  faults?: WriteFaults;
}

export function lowdbStateFile(path: string, options: StateFileOptions = {}): StateFile {
  // Compact JSON: the file is rewritten on every coalesced flush, and indentation doubles its size.
  // Where lowdb's writer (steno) puts the new content before renaming it over `path`.
  const tempPath = join(dirname(path), `.${basename(path)}.tmp`);
  let prepared: { data: LegacyState; text: string } | undefined;
  const stringify = (data: LegacyState | null) => (prepared && prepared.data === data ? prepared.text : JSON.stringify(data));
  const db = new Low<LegacyState | null>(new DataFile<LegacyState | null>(path, { parse: JSON.parse, stringify }), null);
  return {
    path,
    async read() {
      // Owner-only: the file holds connection secrets.
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const unusable = async (why: string, movable = true): Promise<undefined> => {
        if (!options.moveAsideCorrupt || !movable) {
          throw new StateFileError(
            `State file ${path} is unusable: ${why}. Refusing to start so that no state is lost; ` +
              `move the file aside (or fix it), or start with --move-aside-corrupt-state.`,
          );
        }
        const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        await rename(path, aside);
        db.data = null;
        options.onMovedAside?.(path, aside, why);
        return undefined;
      };
      // One whole-file read, one decode, one parse (not lowdb's read, which reads the file in
      // chunks through a string decoder). Read once, at start-up, before the emulator serves
      // anything that a synchronous read could hold up.
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        // A file that cannot be read (permissions, a directory) is not corrupt: never moved aside.
        return unusable(`it cannot be read (${(err as Error).message})`, false);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (err) {
        return unusable(`it is not valid JSON (${(err as Error).message})`);
      }
      // A file holding `null` (or anything else not of the state's shape) is not state.
      const problem = stateShapeProblem(data);
      if (problem) return unusable(problem);
      db.data = data as LegacyState;
      return db.data;
    },
    async write(state, text) {
      db.data = state;
      // The writer fills a temp file and renames it over the state file. Made owner-only
      // before it is filled, the file is never readable by others, not even for the moment
      // between the rename and a chmod (a kill -9 there would leave it so).
      const temp = await open(tempPath, 'a', 0o600);
      await temp.chmod(0o600);
      await temp.close();
      prepared = text === undefined ? undefined : { data: state, text };
      const bytes = Buffer.byteLength(prepared?.text ?? JSON.stringify(state));
      const allowed = options.faults?.beforeWrite(path, bytes);
      // A short write fails before the rename: the previous state.json stays whole.
      if (typeof allowed === 'number' && allowed < bytes) throw enospc(path);
      try {
        await db.write();
      } finally {
        prepared = undefined;
      }
    },
  };
}
