/**
 * The delivery journal: the delivery side of the state (queue, captures, dead letters,
 * archived events) as an append-only log beside state.json, so a PutEvents costs an append
 * of its own records. Files, in the data folder, owner-only (0600):
 *
 *   deliveries.snapshot          the whole delivery side at one moment, as journal lines,
 *                                headed `{"snapshot":2,"generation":G}` and closed by `{"end":N}`
 *   deliveries-<G>.journal       the operations since then, one line each, after a header
 *                                `{"journal":2,"generation":G,"length":"<16 digits>"}`
 *
 * Every line is sealed with a CRC-32 (lineSeal.ts). The header's `length` is how many bytes of
 * the file were acknowledged: it is rewritten in place after each batch, before the batch's
 * callers are answered. So at start-up:
 * - bytes past `length` were never acknowledged: complete, sealed lines there are kept, and the
 *   first torn or damaged line and everything after it is cut (and reported, logged at warn);
 * - a file shorter than its `length` was truncated, and any line before it that fails its
 *   seal was damaged at rest: both refuse the start (nothing acknowledged is dropped silently);
 * - a journal is created whole (header written to a temp file, renamed), so an empty or
 *   headless journal is damage too; the snapshot's generation must have its journal, and
 *   journals follow each other without a gap.
 *
 * Start-up reads the snapshot, then every journal of generation >= G in order. Compaction
 * starts journal G+1 (new appends go there at once), writes the snapshot of that moment to
 * a temp file in chunks (ingest goes on between them), fsyncs and renames it over the old
 * one, then deletes the older journals. A crash at any step leaves a snapshot and journals
 * that replay to the same state.
 *
 * Appends are not fsynced (like state.json's writes): an acknowledged batch survives the
 * process being killed (kill -9: the data is in the OS), not a power cut. A failed append (a
 * full disk) is truncated back to the last acknowledged byte before the error reaches the caller.
 *
 * With --move-aside-corrupt-state only the damaged files are moved aside (renamed, kept byte for
 * byte); what they held up to the damage and every healthy file is kept, and compacted into a new
 * snapshot at once. Files of the previous format (no header, no seals) are read and compacted
 * into this one.
 */
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { batchChunkLines, batchChunkRoom, JournalFormatError, type JournalBatch } from './deliveryRecords.js';
import { apply, countLines, createViaTemp, forEachLine, parseJson, parseOp, syncDir, syncWriteLimit, writeFully, writeFullySync } from './journalLines.js';
import { StateFileError } from './errors.js';
import { seal, unseal } from './lineSeal.js';
import { emptyDeliveryData, type DeliveryData } from './schema.js';
import type { WriteFaults } from './writeFaults.js';

export const snapshotFileName = 'deliveries.snapshot';
const journalPattern = /^deliveries-(\d+)\.journal$/;
export const journalName = (generation: number) => `deliveries-${generation}.journal`;

export interface JournalOptions {
  moveAsideCorrupt?: boolean;
  onMovedAside?: (from: string, to: string, why: string) => void;
  /** Told what start-up cut off the end of a journal: bytes never acknowledged (logged at warn). */
  onCut?: (file: string, cut: { offset: number; bytes: number; why: string }) => void;
  faults?: WriteFaults;
}

export interface LoadedJournal {
  data: DeliveryData;
  /** False when there was no snapshot and no journal line (a new data folder, or a version 1 state.json to migrate). */
  found: boolean;
  /** Some delivery file was there (a snapshot or a journal, even an empty one). */
  exists: boolean;
  /** Lines replayed (compaction weighs them against the live records). */
  lines: number;
  /** The files must be rewritten from memory at once: they were of the previous format, or damaged files were moved aside. */
  compact: boolean;
  /** The files were of the previous format (no header, no seals). */
  legacy: boolean;
}

/** The journal's header: fixed width, so `length` can be rewritten in place. */
const headerPrefix = (generation: number) => `{"journal":2,"generation":${generation},"length":"`;
const headerLine = (generation: number, length: number) => `${seal(`${headerPrefix(generation)}${String(length).padStart(16, '0')}"}`)}\n`;
const headerBytes = (generation: number) => headerLine(generation, 0).length;


export class DeliveryJournal {
  private handle: FileHandle | undefined;
  private closed = false;
  private generation = 0;
  /** Bytes of the current journal acknowledged (its header says so); appends go after them. */
  private end = 0;
  /** A failed append could not be truncated back: the next append truncates first. */
  private dirtyTail = false;
  /** The newest journal as found at load (appends continue in it), when there was one of this format. */
  private resumable = false;
  private expectCurrentFormat = false;
  private sawDamage = false;
  /** Lines written to journals since the current snapshot. */
  linesSinceSnapshot = 0;
  /** Where a batch's chunks are sealed (appends run one at a time, each chunk written before the next is made). */
  private readonly scratch = Buffer.allocUnsafeSlow(256 * 1024);

  constructor(
    readonly dir: string,
    private readonly options: JournalOptions = {},
  ) {}

  get path(): string {
    return join(this.dir, journalName(this.generation));
  }

  /**
   * Read snapshot + journals and cut an unacknowledged tail. Creates nothing: the Store writes
   * state.json first on a new data folder, then calls openForAppend(). `expectCurrentFormat`:
   * state.json was written by this version, so every journal must have a header.
   */
  async load(expectCurrentFormat = false): Promise<LoadedJournal> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const damaged = new Map<string, string>();
    this.expectCurrentFormat = expectCurrentFormat;
    const loaded = await this.replay((file, why) => {
      if (!this.options.moveAsideCorrupt) throw this.unusable(why);
      this.sawDamage = true;
      damaged.set(file, why);
    });
    if (damaged.size === 0) return loaded;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const [name, why] of damaged) {
      const from = join(this.dir, name);
      const to = `${from}.corrupt-${stamp}`;
      const moved = await rename(from, to).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false; // a missing file has nothing to move
          throw err;
        },
      );
      this.options.onMovedAside?.(from, moved ? to : '(nothing to move: the file is missing)', why);
    }
    return { ...loaded, compact: true };
  }

  /** Open the newest journal for appending, or create the journal of the current generation. */
  async openForAppend(): Promise<void> {
    if (this.resumable) {
      this.handle = await open(this.path, 'r+');
      this.end = (await this.handle.stat()).size;
      this.resumable = false;
      return;
    }
    await this.startGeneration(this.generation);
  }

  /**
   * Append one batch, in chunks, then record its end in the header. Resolves once the OS has it
   * all. If any write fails the file is cut back to its last acknowledged byte first.
   */
  async append(batch: JournalBatch): Promise<void> {
    const temporary = this.closed && !this.handle;
    // After close() (a late write at shutdown): append without keeping a handle open.
    if (temporary) this.handle = await open(this.path, 'r+');
    const handle = this.handle!;
    const start = this.end;
    try {
      if (this.dirtyTail) {
        await handle.truncate(start);
        this.dirtyTail = false;
      }
      let at = start;
      for (const bytes of batch.chunks(batchChunkLines, batchChunkRoom, this.scratch)) {
        if (bytes.length <= syncWriteLimit) writeFullySync(handle, bytes, at, this.path, this.options.faults);
        else await this.writeAt(handle, bytes, at);
        at += bytes.length;
      }
      this.writeLength(handle, at);
      this.end = at;
      this.linesSinceSnapshot += batch.lineCount;
    } catch (err) {
      // The header still says `start` unless its rewrite was what failed half-way: say it again.
      try {
        await handle.truncate(start);
        this.writeLength(handle, start);
      } catch {
        this.dirtyTail = true;
      }
      throw err;
    } finally {
      if (temporary) {
        this.handle = undefined;
        await handle.close();
      }
    }
  }

  /**
   * Start the next generation: appends from now on go to a new journal. The caller captures
   * the snapshot's content at the same moment (see Store), then calls writeSnapshot().
   */
  async rotate(): Promise<number> {
    const previous = this.handle;
    await this.startGeneration(this.generation + 1);
    this.linesSinceSnapshot = 0;
    await previous?.close();
    return this.generation;
  }

  /** Write the snapshot for `generation` (chunks of sealed lines), atomically, then delete the journals it replaces. */
  async writeSnapshot(generation: number, chunks: Iterable<string>): Promise<void> {
    await createViaTemp(join(this.dir, snapshotFileName), async (out) => {
      let count = 0;
      let at = 0;
      const write = async (text: string) => {
        const bytes = Buffer.from(text);
        await this.writeAt(out, bytes, at);
        at += bytes.length;
      };
      await write(`${seal(JSON.stringify({ snapshot: 2, generation }))}\n`);
      for (const chunk of chunks) {
        count += countLines(chunk);
        await write(chunk); // each await lets requests run between chunks
      }
      await write(`${seal(JSON.stringify({ end: count }))}\n`);
      await out.sync();
    });
    await syncDir(this.dir);
    for (const name of await readdir(this.dir)) {
      const m = journalPattern.exec(name);
      if (m && Number(m[1]) < generation) await rm(join(this.dir, name), { force: true });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  /** The refusal for damaged delivery files. */
  unusable(why: string): StateFileError {
    return new StateFileError(
      `Delivery journal in ${this.dir} is unusable: ${why}. Refusing to start so that no accepted event is lost; ` +
        `move the deliveries.* files aside (or fix them), or start with --move-aside-corrupt-state.`,
    );
  }

  /** Create journal `generation` whole (header in a temp file, renamed into place) and make it the current one. */
  private async startGeneration(generation: number): Promise<void> {
    const path = join(this.dir, journalName(generation));
    const header = Buffer.from(headerLine(generation, headerBytes(generation)));
    await createViaTemp(path, (out) => this.writeAt(out, header, 0));
    this.handle = await open(path, 'r+');
    this.generation = generation;
    this.end = header.length;
  }

  /**
   * Rewrite the header's `length` (the digits and the seal after them) in place: ~30 bytes,
   * synchronously (see syncWriteLimit), after the batch's lines are written.
   */
  private writeLength(handle: FileHandle, length: number): void {
    const prefix = headerPrefix(this.generation).length;
    writeFullySync(handle, Buffer.from(headerLine(this.generation, length).slice(prefix)), prefix, this.path, this.options.faults);
  }

  private writeAt(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
    return writeFully(handle, bytes, position, this.path, this.options.faults);
  }

  private async replay(onDamage: (file: string, why: string) => void): Promise<LoadedJournal> {
    const data = emptyDeliveryData();
    const names = await readdir(this.dir);
    const hasSnapshot = names.includes(snapshotFileName);
    const all = names
      .map((name) => journalPattern.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const exists = hasSnapshot || all.length > 0;
    let from = 0;
    let legacy = false;
    if (hasSnapshot) {
      const snapshot = await this.readSnapshot(join(this.dir, snapshotFileName), data);
      if (snapshot.damage) onDamage(snapshotFileName, snapshot.damage);
      from = snapshot.generation ?? (all.length ? all[0] : 0);
      legacy = snapshot.legacy;
    }
    const generations = all.filter((g) => g >= from);
    // Cross-checks: the snapshot's generation has its journal (created before the snapshot is
    // written); without a snapshot the journals start at 0; no generation is skipped.
    if (generations.length === 0 ? hasSnapshot && !legacy : generations[0] !== from) {
      const missing = journalName(from);
      onDamage(missing, hasSnapshot ? `${missing} is missing (${snapshotFileName} is of generation ${from})` : `${missing} is missing, and ${journalName(generations[0])} needs ${snapshotFileName}, which is missing too`);
    }
    for (const [i, g] of generations.entries()) {
      if (i > 0 && g !== generations[i - 1] + 1) onDamage(journalName(g - 1), `${journalName(g - 1)} is missing (journals ${generations[i - 1]} and ${g} are there)`);
    }
    let lines = 0;
    for (const [i, generation] of generations.entries()) {
      const name = journalName(generation);
      const result = await this.readJournal(join(this.dir, name), generation, data, i === generations.length - 1);
      if (result.damage) onDamage(name, result.damage);
      legacy ||= result.legacy;
      lines += result.count;
    }
    // Older journals a snapshot already holds (a crash between its rename and their deletion).
    for (const g of all) if (g < from) await rm(join(this.dir, journalName(g)), { force: true });
    const newest = generations.length ? generations[generations.length - 1] : from;
    // Appends continue in the newest journal, unless the files are rewritten (compacted) at
    // once: then into a new one, so that nothing read is overwritten before the snapshot is in place.
    this.resumable = generations.length > 0 && !legacy && !this.sawDamage;
    this.generation = this.resumable || !exists ? newest : newest + 1;
    this.linesSinceSnapshot = lines;
    // Empty journals of the previous format do not count: a migration interrupted before its
    // snapshot was renamed into place left only those, and must run again from the version 1 state.json.
    return { data, found: hasSnapshot || lines > 0, exists, lines, compact: legacy, legacy };
  }

  /**
   * Apply the snapshot; returns its generation. A snapshot is renamed into place whole: any
   * damage (no header, no matching end line, a torn, unsealed or invalid line) is damage.
   */
  private async readSnapshot(path: string, data: DeliveryData): Promise<{ generation?: number; legacy: boolean; damage?: string }> {
    let header: { snapshot?: number; generation?: number } | undefined;
    let ended = false;
    let count = 0;
    let legacy = false;
    const name = snapshotFileName;
    const damage = (why: string) => ({ generation: header?.generation, legacy, damage: `${name} ${why}` });
    const salvage = this.options.moveAsideCorrupt === true; // as in readJournal: keep every line that passes its check
    let problem: string | undefined;
    const fail = (why: string) => {
      if (!salvage) throw new JournalFormatError(why);
      problem ??= why;
    };
    try {
      const { tornBytes } = await forEachLine(path, (line, lineNo) => {
        if (ended) fail(`has lines after its end line`);
        if (lineNo === 1) {
          const sealed = unseal(line);
          legacy = sealed === undefined && line.startsWith('{"snapshot":1,');
          try {
            header = parseJson(sealed ?? (legacy ? line : '""'), lineNo) as typeof header;
          } catch {
            header = undefined;
          }
          if (header?.snapshot !== (legacy ? 1 : 2) || !Number.isInteger(header.generation)) {
            header = undefined;
            fail('has no snapshot header');
          }
          return true;
        }
        try {
          const op = parseOp(line, legacy, lineNo);
          if (typeof op === 'object' && op !== null && 'end' in op) {
            if ((op as { end: unknown }).end !== count) fail(`end line says ${(op as { end: unknown }).end} records, it holds ${count}`);
            ended = true;
          } else {
            apply(data, op, lineNo);
            count++;
          }
        } catch (err) {
          if (!(err instanceof JournalFormatError)) throw err;
          fail(err.message);
        }
        return true;
      });
      if (header === undefined && !problem) return damage(tornBytes > 0 ? 'has no snapshot header' : 'is empty');
      if (tornBytes > 0) fail('does not end with a complete line');
      if (!ended) fail('is incomplete (no end line)');
    } catch (err) {
      if (!(err instanceof JournalFormatError)) throw err;
      return damage(err.message);
    }
    if (problem) return damage(problem);
    return { generation: header!.generation!, legacy };
  }

  /**
   * Replay one journal (see the file comment for what is kept, cut or refused). Returns the
   * damage, if any, with the lines before it applied.
   */
  private async readJournal(
    path: string,
    generation: number,
    data: DeliveryData,
    newest: boolean,
  ): Promise<{ count: number; legacy: boolean; damage?: string }> {
    const name = journalName(generation);
    const size = (await stat(path)).size;
    let count = 0;
    let legacy = false;
    let acked = 0;
    let headed = false;
    /** Where the unacknowledged lines that cannot be used begin, and why. */
    let cut: { offset: number; why: string } | undefined;
    const damage = (why: string) => ({ count, legacy, damage: `${name} ${why}` });
    if (size === 0) {
      // The previous format created its journals empty; this one never leaves one so.
      const previousFormat = !this.expectCurrentFormat && !(await this.anyCurrentFormatFile());
      return previousFormat ? { count, legacy: true } : damage('is empty (it has no header)');
    }
    // With --move-aside-corrupt-state every line that passes its check is kept (the file is
    // moved aside and its content compacted): the first damage is reported, the rest skipped.
    const salvage = this.options.moveAsideCorrupt === true;
    let problem: string | undefined;
    const fail = (why: string) => {
      if (!salvage) throw new JournalFormatError(why);
      problem ??= why;
    };
    try {
      const { tornBytes, keptBytes } = await forEachLine(path, (line, lineNo, start, end) => {
        if (lineNo === 1) {
          const sealed = unseal(line);
          if (sealed === undefined && line.startsWith('{"o":')) {
            legacy = true; // the previous format: no header, unsealed lines
          } else {
            const header = parseJson(sealed ?? '""', lineNo) as { journal?: number; generation?: number; length?: string } | undefined;
            headed = true;
            if (header?.journal !== 2 || header.generation !== generation || !/^\d{16}$/.test(header.length ?? '')) {
              fail('has no valid header');
              acked = size;
              return true;
            }
            acked = Number(header.length);
            if (size < acked) fail(`was truncated: it has ${size} bytes, ${acked} were acknowledged`);
            return true;
          }
        }
        try {
          apply(data, parseOp(line, legacy, lineNo), lineNo);
          count++;
        } catch (err) {
          if (!(err instanceof JournalFormatError)) throw err;
          // Past the acknowledged length nothing was promised: cut from the first line that is not usable.
          if (!legacy && end > acked) {
            cut = { offset: start, why: err.message };
            return false;
          }
          fail(err.message);
        }
        return true;
      });
      if (!legacy && !headed) fail('has no valid header');
      if (cut === undefined && tornBytes > 0) {
        if (legacy ? !newest : keptBytes < acked) fail(legacy ? 'ends with an incomplete line, and it is not the newest journal' : 'ends with an incomplete line inside what was acknowledged');
        else cut = { offset: keptBytes, why: 'the last line is incomplete (an append cut short)' };
      }
    } catch (err) {
      if (!(err instanceof JournalFormatError)) throw err;
      return damage(err.message);
    }
    if (problem) return damage(problem); // moved aside whole: nothing is cut from it
    if (cut) {
      const handle = await open(path, 'r+');
      try {
        await handle.truncate(cut.offset);
      } finally {
        await handle.close();
      }
      this.options.onCut?.(path, { offset: cut.offset, bytes: size - cut.offset, why: cut.why });
    }
    return { count, legacy };
  }

  private async anyCurrentFormatFile(): Promise<boolean> {
    for (const name of await readdir(this.dir)) {
      if (name !== snapshotFileName && !journalPattern.test(name)) continue;
      const handle = await open(join(this.dir, name), 'r');
      try {
        const head = Buffer.alloc(32);
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        const text = head.toString('utf8', 0, bytesRead);
        if (text.startsWith('{"journal":2,') || text.startsWith('{"snapshot":2,')) return true;
      } finally {
        await handle.close();
      }
    }
    return false;
  }
}
