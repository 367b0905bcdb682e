/**
 * The delivery journal: the delivery side of the state (queue, captures, dead letters,
 * archived events) as an append-only log beside state.json, so a PutEvents costs an append
 * of its own records. Files, in the data folder, owner-only (0600):
 *
 *   deliveries.snapshot          the whole delivery side at one moment, as journal lines,
 *                                headed `{"snapshot":1,"generation":G}` and closed by `{"end":N}`
 *   deliveries-<G>.journal       the operations since then, one JSON line each
 *
 * Start-up reads the snapshot, then every journal of generation >= G in order. Compaction
 * starts journal G+1 (new appends go there at once), writes the snapshot of that moment to
 * a temp file in chunks (ingest goes on between them), fsyncs and renames it over the old
 * one, then deletes the older journals. A crash at any step leaves a snapshot and journals
 * that replay to the same state.
 *
 * Appends are not fsynced (like state.json's writes): an acknowledged batch survives the
 * process being killed (kill -9: the data is in the OS), not a power cut. A kill during an
 * append can leave the LAST line of the newest journal torn; that batch was never
 * acknowledged, so the torn tail is cut off at start-up. Damage anywhere else refuses the
 * start, as a corrupt state.json does (or, with --move-aside-corrupt-state, the delivery
 * files are moved aside and the delivery side starts empty).
 */
import { appendFile, mkdir, open, readdir, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { applyOperation, JournalFormatError, type JournalOperation } from './deliveryRecords.js';
import { StateFileError } from './errors.js';
import { emptyDeliveryData, type DeliveryData } from './schema.js';

export const snapshotFileName = 'deliveries.snapshot';
const journalPattern = /^deliveries-(\d+)\.journal$/;
const journalName = (generation: number) => `deliveries-${generation}.journal`;

export interface JournalOptions {
  moveAsideCorrupt?: boolean;
  onMovedAside?: (from: string, to: string, why: string) => void;
}

export interface LoadedJournal {
  data: DeliveryData;
  /** False when there was no snapshot and no journal line (a new data folder, or a version 1 state.json to migrate). */
  found: boolean;
  /** Journal lines replayed (compaction weighs them against the live records). */
  lines: number;
}

export class DeliveryJournal {
  private handle: FileHandle | undefined;
  private closed = false;
  private generation = 0;
  /** Lines written to journals since the current snapshot. */
  linesSinceSnapshot = 0;

  constructor(
    readonly dir: string,
    private readonly options: JournalOptions = {},
  ) {}

  get path(): string {
    return join(this.dir, journalName(this.generation));
  }

  /** Read snapshot + journals, cut a torn last line, and open the newest journal for appending. */
  async load(): Promise<LoadedJournal> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      return await this.replay();
    } catch (err) {
      if (!(err instanceof JournalFormatError)) throw err;
      const why = err.message;
      if (!this.options.moveAsideCorrupt) {
        throw new StateFileError(
          `Delivery journal in ${this.dir} is unusable: ${why}. Refusing to start so that no accepted event is lost; ` +
            `move the deliveries.* files aside (or fix them), or start with --move-aside-corrupt-state.`,
        );
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      for (const name of await this.deliveryFiles()) {
        const from = join(this.dir, name);
        const to = `${from}.corrupt-${stamp}`;
        await rename(from, to);
        this.options.onMovedAside?.(from, to, why);
      }
      this.generation = 0;
      this.linesSinceSnapshot = 0;
      await this.openForAppend();
      return { data: emptyDeliveryData(), found: false, lines: 0 };
    }
  }

  /** Append one batch (complete lines). Resolves once the OS has it. */
  async append(text: string): Promise<void> {
    if (!text) return;
    // After close() (a late write at shutdown): append without keeping a handle open.
    if (this.closed) await appendFile(this.path, text, { mode: 0o600 });
    else {
      if (!this.handle) await this.openForAppend();
      await this.handle!.appendFile(text);
    }
    this.linesSinceSnapshot += countLines(text);
  }

  /**
   * Start the next generation: appends from now on go to a new journal. The caller captures
   * the snapshot's content at the same moment (see Store), then calls writeSnapshot().
   */
  async rotate(): Promise<number> {
    const previous = this.handle;
    this.generation++;
    this.handle = undefined;
    this.linesSinceSnapshot = 0;
    await this.openForAppend();
    await previous?.close();
    return this.generation;
  }

  /** Write the snapshot for `generation` (chunks of lines), atomically, then delete the journals it replaces. */
  async writeSnapshot(generation: number, chunks: Iterable<string>): Promise<void> {
    const target = join(this.dir, snapshotFileName);
    const temp = `${target}.tmp`;
    const out = await open(temp, 'w', 0o600);
    let count = 0;
    try {
      await out.write(`${JSON.stringify({ snapshot: 1, generation })}\n`);
      for (const chunk of chunks) {
        count += countLines(chunk);
        await out.write(chunk); // each await lets requests run between chunks
      }
      await out.write(`${JSON.stringify({ end: count })}\n`);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temp, target);
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

  private async openForAppend(): Promise<void> {
    this.handle = await open(this.path, 'a', 0o600);
  }

  private async deliveryFiles(): Promise<string[]> {
    return (await readdir(this.dir)).filter((name) => name === snapshotFileName || journalPattern.test(name));
  }

  private async replay(): Promise<LoadedJournal> {
    const data = emptyDeliveryData();
    const names = await readdir(this.dir);
    let from = 0;
    const found = names.includes(snapshotFileName);
    if (found) from = await this.readSnapshot(join(this.dir, snapshotFileName), data);
    const generations = names
      .map((name) => journalPattern.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .filter((g) => g >= from)
      .sort((a, b) => a - b);
    let lines = 0;
    for (const [i, generation] of generations.entries()) {
      const path = join(this.dir, journalName(generation));
      const newest = i === generations.length - 1;
      const { count, keptBytes, tornBytes } = await readJournal(path, data, newest);
      // The torn tail of an unacknowledged batch: cut it, so the next append starts a clean line.
      if (tornBytes > 0) await truncate(path, keptBytes);
      lines += count;
    }
    // Older journals a snapshot already holds (a crash between its rename and their deletion).
    for (const name of names) {
      const m = journalPattern.exec(name);
      if (m && Number(m[1]) < from) await rm(join(this.dir, name), { force: true });
    }
    this.generation = generations.length ? generations[generations.length - 1] : from;
    this.linesSinceSnapshot = lines;
    await this.openForAppend();
    // Empty journals do not count: a migration interrupted before its snapshot was renamed
    // into place left only those, and must run again from the version 1 state.json.
    return { data, found: found || lines > 0, lines };
  }

  /**
   * Apply the snapshot; returns its generation. A snapshot is renamed into place whole: any
   * damage (no header, no matching end line, a torn or invalid line) is an error.
   */
  private async readSnapshot(path: string, data: DeliveryData): Promise<number> {
    let header: { snapshot?: number; generation?: number } | undefined;
    let trailer: { end?: number } | undefined;
    let count = 0;
    const { tornBytes } = await forEachLine(path, (line, lineNo) => {
      const op = parseLine(line, snapshotFileName, lineNo);
      if (trailer) throw new JournalFormatError(`${snapshotFileName} has lines after its end line`);
      if (lineNo === 1) {
        header = op as unknown as typeof header;
        if (header?.snapshot !== 1 || !Number.isInteger(header.generation)) throw new JournalFormatError(`${snapshotFileName} has no snapshot header`);
      } else if (typeof op === 'object' && op !== null && 'end' in op) trailer = op as unknown as typeof trailer;
      else {
        apply(data, op, snapshotFileName, lineNo);
        count++;
      }
    });
    if (tornBytes > 0) throw new JournalFormatError(`${snapshotFileName} does not end with a complete line`);
    if (!header || trailer?.end !== count) throw new JournalFormatError(`${snapshotFileName} is incomplete (no matching end line)`);
    return header.generation!;
  }
}

/** Replay one journal. Only the newest may end with a torn line (no newline): it is skipped and reported back. */
async function readJournal(path: string, data: DeliveryData, newest: boolean): Promise<{ count: number; keptBytes: number; tornBytes: number }> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  let count = 0;
  const { keptBytes, tornBytes } = await forEachLine(path, (line, lineNo) => {
    apply(data, parseLine(line, name, lineNo), name, lineNo);
    count++;
  });
  if (tornBytes > 0 && !newest) throw new JournalFormatError(`${name} ends with an incomplete line, and it is not the newest journal`);
  return { count, keptBytes, tornBytes };
}

const readChunkBytes = 4 * 1024 * 1024;

/**
 * Call `each` for every complete line of the file (without its newline), reading it in
 * chunks: a journal of 100,000 jobs is ~90 MB, and holding it whole (buffer, string, array
 * of lines) at start-up would cost several times that. Returns where the complete lines end
 * and how many bytes follow them (a torn last line).
 */
async function forEachLine(path: string, each: (line: string, lineNo: number) => void): Promise<{ keptBytes: number; tornBytes: number }> {
  const handle = await open(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let keptBytes = 0;
    let lineNo = 0;
    const chunk = Buffer.allocUnsafe(readChunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buffer.indexOf(0x0a, start); nl !== -1; nl = buffer.indexOf(0x0a, start)) {
        each(buffer.toString('utf8', start, nl), ++lineNo);
        keptBytes += nl + 1 - start;
        start = nl + 1;
      }
      carry = Buffer.from(buffer.subarray(start));
    }
    return { keptBytes, tornBytes: carry.length };
  } finally {
    await handle.close();
  }
}

function parseLine(line: string, file: string, lineNo: number): JournalOperation {
  try {
    return JSON.parse(line) as JournalOperation;
  } catch (err) {
    throw new JournalFormatError(`${file} line ${lineNo} is not valid JSON (${(err as Error).message})`);
  }
}

function apply(data: DeliveryData, op: JournalOperation, file: string, lineNo: number): void {
  try {
    applyOperation(data, op);
  } catch (err) {
    if (!(err instanceof JournalFormatError)) throw err;
    throw new JournalFormatError(`${file} line ${lineNo} is ${err.message}`);
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Make a rename durable. Some file systems refuse fsync on a directory: then there is nothing more to do. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
