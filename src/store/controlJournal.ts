/**
 * The control-plane journal: the records changed since state.json was last written whole, so a
 * PutRule costs an append of its rule instead of a rewrite of 10,000 of them. Files, in the data
 * folder, owner-only (0600):
 *
 *   state.json             the control plane at one moment; its `controlJournal` is generation G
 *   state-<G>.journal      a header `{"controlJournal":2,"generation":G,"length":"<16 digits>"}`,
 *                          then one sealed line per changed record: `{"p":[path from the state's
 *                          root],"v":value}`, or without `v` for a record deleted
 *
 * Start-up reads state.json, then replays state-G.journal over it. Writing state.json whole
 * (compaction) first creates state-(G+1).journal (header only, temp file renamed), then
 * writes state.json naming G+1, then deletes state-G.journal: a crash at any step leaves a
 * state.json whose journal is there. Other generations found at start-up are leftovers of an
 * interrupted compaction (older: state.json holds them; newer: header only) and are deleted.
 *
 * Appends are not fsynced (as state.json's writes): an acknowledged change survives the
 * process being killed, not a power cut. The header's `length` is how many bytes were
 * acknowledged: an append writes its lines, then rewrites `length` in place, then its callers
 * are answered. A failed append is cut back (file and `length`) before its callers get the
 * error and the store rolls its change back; if even that fails, the next append cuts first.
 * So at start-up (and in a rollback's replay) everything past `length` was never acknowledged
 * and is dropped, complete sealed lines included: they may be a failed write's, whose callers
 * were told it failed (the delivery journal keeps such lines; here replaying them would bring
 * back a change the API refused). Inside `length`, a line that fails its seal, an incomplete
 * line or a file shorter than `length` is damage (refused, or moved aside with
 * --move-aside-corrupt-state). Journals of version 1 (no `length`: every complete line counted
 * as acknowledged) are read so, and the store writes state.json whole into a version 2 one.
 */
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StateFileError } from './errors.js';
import { createViaTemp, forEachLine, parseJson, syncDir, syncWriteLimit, writeFully, writeFullySync } from './journalLines.js';
import { seal, unseal } from './lineSeal.js';
import { reviveTables } from './schema.js';
import type { JournalOptions } from './journal.js';

const journalPattern = /^state-(\d+)\.journal$/;
export const controlJournalName = (generation: number) => `state-${generation}.journal`;

/** One changed record: where it is in the state (from the root), and its value (none: deleted). */
export interface ControlChange {
  p: string[];
  v?: unknown;
}

/** The same choices as the delivery journal's (move aside, report cuts, injected write faults). */
export type ControlJournalOptions = JournalOptions;

export interface LoadedControlJournal {
  /** Changes replayed. */
  lines: number;
  /** The journal cannot be appended to (none yet, of another generation, or moved aside): write state.json whole, in a new generation. */
  restart: boolean;
}

/** The header of version 2: fixed width, so that `length` can be rewritten in place. */
const headerPrefix = (generation: number) => `{"controlJournal":2,"generation":${generation},"length":"`;
const headerLine = (generation: number, length: number) => `${seal(`${headerPrefix(generation)}${String(length).padStart(16, '0')}"}`)}\n`;
const headerBytes = (generation: number) => Buffer.byteLength(headerLine(generation, 0));

/** A header line's acknowledged length: a number for version 2, Infinity for version 1 (no length), undefined if it is not a header of `generation`. */
function acknowledgedLength(json: string, generation: number | undefined): number | undefined {
  let value: { controlJournal?: number; generation?: number; length?: string } | null;
  try {
    value = JSON.parse(json) as typeof value;
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || (generation !== undefined && value.generation !== generation)) return undefined;
  if (value.controlJournal === 1) return Infinity;
  if (value.controlJournal === 2 && /^\d{16}$/.test(value.length ?? '')) return Number(value.length);
  return undefined;
}

/**
 * Read, without changing anything, the acknowledged changes a journal holds (a rollback's
 * replay; tests and tools that look at a data folder; start-up uses load()).
 */
export async function readControlChanges(path: string, apply: (change: ControlChange) => void): Promise<void> {
  let acked = 0;
  await forEachLine(path, (line, lineNo, _start, end) => {
    const json = unseal(line);
    if (json === undefined) return false;
    if (lineNo === 1) {
      acked = acknowledgedLength(json, undefined) ?? 0;
      return acked > 0;
    }
    if (end > acked) return false;
    const value = JSON.parse(json) as ControlChange;
    apply({ p: value.p, v: 'v' in value ? reviveTables(value.v) : undefined });
    return true;
  });
}

export class ControlJournal {
  private handle: FileHandle | undefined;
  generation = 0;
  /** Bytes acknowledged; appends go after them. */
  private end = 0;
  private headerEnd = 0;
  /** Change lines since the header. */
  lines = 0;
  /** A failed append could not be cut back: bytes past `end` (and perhaps `length`) must go before the next one. */
  private dirtyTail = false;

  constructor(
    readonly dir: string,
    private readonly options: ControlJournalOptions = {},
  ) {}

  get path(): string {
    return join(this.dir, controlJournalName(this.generation));
  }

  /** Bytes of changes since state.json was written whole. */
  get changeBytes(): number {
    return this.end - this.headerEnd;
  }

  /**
   * Replay the journal state.json names (`generation`; undefined: state.json is missing or of a
   * version before the journal) through `apply`, and delete leftovers of other generations.
   */
  async load(generation: number | undefined, apply: (change: ControlChange) => void): Promise<LoadedControlJournal> {
    const found = (await readdir(this.dir)).map((n) => journalPattern.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
    for (const g of found) {
      if (g === generation) continue;
      // A leftover holds nothing state.json lacks, unless state.json is missing: then its changes would be lost.
      if (generation === undefined) await this.refuseIfItHoldsChanges(g);
      await rm(join(this.dir, controlJournalName(g)), { force: true });
    }
    if (generation === undefined) return { lines: 0, restart: true };
    this.generation = generation;
    if (!found.includes(generation)) {
      return this.damaged(`${controlJournalName(generation)} is missing (state.json names it)`, 0);
    }
    const path = this.path;
    const size = (await stat(path)).size;
    let lines = 0;
    let problem: string | undefined;
    let headerEnd = 0;
    let acked = 0;
    /** Where the unacknowledged part begins (its first line that is past `length`, or the end of the lines read). */
    let cutAt: number | undefined;
    const { keptBytes, tornBytes } = await forEachLine(path, (line, lineNo, start, end) => {
      if (lineNo > 1 && end > acked) {
        cutAt = start;
        return false;
      }
      const json = unseal(line);
      if (json === undefined) {
        problem = `line ${lineNo} fails its checksum`;
        return false;
      }
      try {
        if (lineNo === 1) {
          const length = acknowledgedLength(json, generation);
          if (length === undefined) throw new Error('has no valid header');
          if (length !== Infinity && size < length) throw new Error(`was truncated: it has ${size} bytes, ${length} were acknowledged`);
          acked = length;
          headerEnd = end;
          return true;
        }
        const value = parseJson(json, lineNo) as Partial<ControlChange>;
        if (!Array.isArray(value?.p) || value.p.length === 0 || !value.p.every((k) => typeof k === 'string')) throw new Error(`line ${lineNo} is not a change`);
        apply({ p: value.p, v: 'v' in value ? reviveTables(value.v) : undefined });
        lines++;
        return true;
      } catch (err) {
        problem = (err as Error).message;
        return false;
      }
    });
    if (problem === undefined && headerEnd > 0 && cutAt === undefined && tornBytes > 0 && acked !== Infinity && keptBytes < acked) problem = 'ends with an incomplete line inside what was acknowledged';
    if (problem !== undefined || headerEnd === 0) return this.damaged(`${controlJournalName(generation)} ${problem ?? 'has no valid header'}`, lines);
    const kept = cutAt ?? keptBytes;
    const legacy = acked === Infinity;
    if (legacy) {
      // Version 1: the store writes state.json whole into a new journal (version 2) at once.
      this.lines = lines;
      return { lines, restart: true };
    }
    this.handle = await open(path, 'r+');
    if (kept < size) {
      await this.handle.truncate(kept);
      const why = cutAt !== undefined ? 'lines past the acknowledged length (an append that failed, or was cut short before its callers were answered)' : 'the last line is incomplete (an append cut short)';
      this.options.onCut?.(path, { offset: kept, bytes: size - kept, why });
    }
    this.end = kept;
    this.headerEnd = headerEnd;
    this.lines = lines;
    return { lines, restart: false };
  }

  /** Append changes; resolves once the OS has them all. A failed append is cut back to the last acknowledged byte. */
  async append(changes: Iterable<ControlChange>): Promise<number> {
    let text = '';
    let count = 0;
    for (const change of changes) {
      text += `${seal(JSON.stringify(change))}\n`;
      count++;
    }
    if (count === 0) return 0;
    const handle = this.handle;
    if (!handle) throw new Error('the control-plane journal is not open');
    const bytes = Buffer.from(text);
    const start = this.end;
    let lengthTouched = this.dirtyTail;
    try {
      if (this.dirtyTail) {
        await this.cutBack(handle, start, true);
        this.dirtyTail = false;
      }
      // Small appends on the loop's thread, as the delivery journal's (see syncWriteLimit).
      if (bytes.length <= syncWriteLimit) writeFullySync(handle, bytes, start, this.path, this.options.faults);
      else await this.writeAt(handle, bytes, start);
      lengthTouched = true;
      this.writeLength(handle, start + bytes.length);
    } catch (err) {
      // `length` still says `start` unless its rewrite is what failed: then say it again.
      await this.cutBack(handle, start, lengthTouched).catch(() => (this.dirtyTail = true));
      throw err;
    }
    this.end = start + bytes.length;
    this.lines += count;
    return count;
  }

  private async cutBack(handle: FileHandle, length: number, rewriteLength: boolean): Promise<void> {
    this.options.faults?.beforeTruncate?.(this.path);
    await handle.truncate(length);
    if (rewriteLength) this.writeLength(handle, length);
  }

  /** Rewrite the header's `length` (its digits and the seal after them) in place: ~30 bytes, synchronously. */
  private writeLength(handle: FileHandle, length: number): void {
    const prefix = headerPrefix(this.generation).length;
    writeFullySync(handle, Buffer.from(headerLine(this.generation, length).slice(prefix)), prefix, this.path, this.options.faults);
  }

  /** Create the (empty) journal of the next generation; appends go there once commit() is called. */
  async prepare(): Promise<number> {
    const generation = this.generation + 1;
    const target = join(this.dir, controlJournalName(generation));
    const header = Buffer.from(headerLine(generation, headerBytes(generation)));
    await createViaTemp(target, (out) => this.writeAt(out, header, 0, target));
    await syncDir(this.dir);
    return generation;
  }

  /** state.json now names `generation` (prepare()'s): append there, and drop the previous journal. */
  async commit(generation: number): Promise<void> {
    const previous = this.handle;
    const previousPath = this.path;
    this.generation = generation;
    this.handle = await open(this.path, 'r+');
    this.end = this.headerEnd = (await this.handle.stat()).size;
    this.lines = 0;
    this.dirtyTail = false;
    await previous?.close();
    // Without a handle too: a version 1 journal was read, never opened for appends.
    if (previousPath !== this.path) await rm(previousPath, { force: true });
  }

  /** prepare() was not followed by a state.json naming it. */
  async abandon(generation: number): Promise<void> {
    await rm(join(this.dir, controlJournalName(generation)), { force: true });
  }

  /** Replay what is acknowledged (a rollback after a failed write: a failed append was cut back to it). */
  async replay(apply: (change: ControlChange) => void): Promise<void> {
    await readControlChanges(this.path, apply);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async damaged(why: string, lines: number): Promise<LoadedControlJournal> {
    if (!this.options.moveAsideCorrupt) {
      throw new StateFileError(
        `Control-plane journal in ${this.dir} is unusable: ${why}. Refusing to start so that no acknowledged change is lost; ` +
          `restore the file, or start with --move-aside-corrupt-state (the changes before the damage are kept).`,
      );
    }
    const from = this.path;
    const to = `${from}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const moved = await rename(from, to).then(
      () => true,
      () => false,
    );
    this.options.onMovedAside?.(from, moved ? to : '(nothing to move: the file is missing)', why);
    return { lines, restart: true };
  }

  private async refuseIfItHoldsChanges(generation: number): Promise<void> {
    const path = join(this.dir, controlJournalName(generation));
    let lines = 0;
    await forEachLine(path, () => ++lines < 2);
    if (lines < 2) return;
    if (this.options.moveAsideCorrupt) {
      const to = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, to);
      this.options.onMovedAside?.(path, to, 'state.json is missing');
      return;
    }
    throw new StateFileError(
      `State file ${join(this.dir, 'state.json')} is unusable: it is missing, but ${path} holds control-plane changes made on top of it. ` +
        `Refusing to start so that no state is lost; restore the file, or start with --move-aside-corrupt-state.`,
    );
  }

  private writeAt(handle: FileHandle, bytes: Buffer, position: number, path = this.path): Promise<void> {
    return writeFully(handle, bytes, position, path, this.options.faults);
  }
}
