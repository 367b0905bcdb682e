/**
 * The delivery side of the state (queue, captures, dead letters, archived events) and the
 * one way to change it. Every change is applied in memory and also noted as a journal
 * operation, which the Store appends to the delivery journal on the next persist(): a
 * PutEvents costs an append of its own records, never a rewrite of everything.
 *
 * One operation is one line of JSON. `applyOperation` is the only code that interprets
 * them, for replay at start-up; the methods below apply the same change to the live data.
 */
import type { ArchivedEvent, CapturedPayload, DeadLetterMessage, DeliveryData, DeliveryJob } from './schema.js';
import { emptyDeliveryData } from './schema.js';
import { seal, sealedRoom, sealInto } from './lineSeal.js';
import { captureLine } from './captureLine.js';
import { CaptureLists } from './captureLists.js';
import { limits } from '../limits.js';

/** A journal line, parsed. Short keys: the journal holds one per job change. */
export type JournalOperation =
  /** Put (add or replace) a job. `p` is absent when the payload is the event's own JSON. */
  | { o: 'j'; e: Record<string, unknown>; p?: string; j: Omit<DeliveryJob, 'event' | 'payload'> }
  /** A job left the queue (delivered, dead-lettered or dropped). */
  | { o: 'd'; id: string }
  /** Appends to a bounded list: capture, dead letter, archived event. */
  | { o: 'c'; k: string; v: CapturedPayload; max: number }
  | { o: 'q'; k: string; v: DeadLetterMessage; max: number }
  | { o: 'a'; k: string; v: ArchivedEvent }
  /** Retention dropped the first `n` archived events; the archive was deleted. */
  | { o: 'ap'; k: string; n: number }
  | { o: 'ax'; k: string }
  /** Captures and dead letters cleared (DELETE /_eventbridge-local/records). */
  | { o: 'cr' }
  /** Everything cleared (POST /_eventbridge-local/reset). */
  | { o: 'r' };

export class JournalFormatError extends Error {}

/** Apply one journal operation to the data (replay). Throws JournalFormatError for a line that is not one. */
export function applyOperation(data: DeliveryData, op: JournalOperation): void {
  switch (op?.o) {
    case 'j': {
      const job = { ...op.j, event: op.e, payload: op.p ?? JSON.stringify(op.e) } as DeliveryJob;
      if (typeof job.id !== 'string' || typeof op.e !== 'object' || op.e === null) break;
      data.deliveries[job.id] = job;
      return;
    }
    case 'd':
      delete data.deliveries[op.id];
      return;
    case 'c':
      return appendBounded(data.captures, op.k, op.v, op.max);
    case 'q':
      return appendBounded(data.deadLetters, op.k, op.v, op.max);
    case 'a':
      (data.archivedEvents[op.k] ??= []).push(op.v);
      return;
    case 'ap':
      data.archivedEvents[op.k]?.splice(0, op.n);
      return;
    case 'ax':
      delete data.archivedEvents[op.k];
      return;
    case 'cr':
      clearKeys(data.captures);
      clearKeys(data.deadLetters);
      return;
    case 'r':
      clearKeys(data.deliveries);
      clearKeys(data.captures);
      clearKeys(data.deadLetters);
      clearKeys(data.archivedEvents);
      return;
  }
  throw new JournalFormatError(`not a journal operation: ${JSON.stringify(op).slice(0, 120)}`);
}

/** One job as a journal line (without the newline). The event is written once; the payload only when it differs from it. */
export function jobLine(job: DeliveryJob): string {
  const { event, payload, ...rest } = job;
  const eventText = JSON.stringify(event);
  const payloadPart = payload === eventText ? '' : `,"p":${JSON.stringify(payload)}`;
  return `{"o":"j","e":${eventText}${payloadPart},"j":${JSON.stringify(rest)}}`;
}

/**
 * Append, keeping about the last `max` items: the list is cut back to `max` once it is a
 * quarter over, so a full list does not move every item on each append. Readers show the
 * last `max` (lastOf).
 */
export function appendBounded<T>(lists: Record<string, T[]>, key: string, item: T, max: number): void {
  const list = (lists[key] ??= []);
  list.push(item);
  if (list.length > max + Math.ceil(max / 4)) list.splice(0, list.length - max);
}

/** The last `max` items of a list kept by appendBounded. */
export function lastOf<T>(list: T[] | undefined, max: number): T[] {
  if (!list) return [];
  return list.length > max ? list.slice(list.length - max) : list;
}

function clearKeys(record: Record<string, unknown>): void {
  for (const key of Object.keys(record)) delete record[key];
}

/**
 * The live delivery data plus the operations not yet journaled. Collections are readable
 * directly; every change goes through a method. Job changes are collected by id (a job put
 * three times in one batch is written once, as it is when the batch is written).
 */
export class DeliveryRecords {
  readonly deliveries: Record<string, DeliveryJob>;
  /** Out of the JS heap (see CaptureLists); the loaded data's lists are moved in and emptied. */
  readonly captures: CaptureLists;
  readonly deadLetters: Record<string, DeadLetterMessage[]>;
  readonly archivedEvents: Record<string, ArchivedEvent[]>;
  private jobCount: number;
  /** Operations other than job puts, in order, since the last batch. */
  private ops: string[] = [];
  /** Jobs changed (the job) or removed (null) since the last batch. */
  private jobs = new Map<string, DeliveryJob | null>();
  private resetPending = false;
  /** Resets so far (a batch taken before a reset is not restored after it). */
  private resets = 0;

  constructor(
    data: DeliveryData = emptyDeliveryData(),
    /** False in memory mode: nothing is collected. */
    private readonly journaled = true,
    /** Pending jobs at which the queue counts as full (backpressure: see `full`). */
    readonly capacity = Number.POSITIVE_INFINITY,
  ) {
    this.deliveries = data.deliveries;
    this.captures = new CaptureLists(limits.captureBytesPerTarget);
    for (const [key, list] of Object.entries(data.captures)) for (const capture of lastOf(list, limits.capturesPerTarget)) this.captures.append(key, capture, limits.capturesPerTarget);
    clearKeys(data.captures);
    this.deadLetters = data.deadLetters;
    this.archivedEvents = data.archivedEvents;
    this.jobCount = Object.keys(data.deliveries).length;
  }

  /** Jobs in the durable queue. */
  get pendingCount(): number {
    return this.jobCount;
  }

  /**
   * The queue is full: producers that can wait must (PutEvents answers ThrottlingException,
   * bus-to-bus deliveries and replays wait). A soft bound: a request that starts below it
   * enqueues all its jobs, so the queue can exceed it by one request's worth per caller.
   */
  get full(): boolean {
    return this.jobCount >= this.capacity;
  }

  /** Add a job, or note that a job's durable fields (attempts, next attempt) changed. */
  putJob(job: DeliveryJob): void {
    if (this.deliveries[job.id] === undefined) this.jobCount++;
    this.deliveries[job.id] = job;
    if (this.journaled) this.jobs.set(job.id, job);
  }

  removeJob(id: string): void {
    if (this.deliveries[id] === undefined) return;
    delete this.deliveries[id];
    this.jobCount--;
    if (this.journaled) this.jobs.set(id, null);
  }

  appendCapture(targetArn: string, capture: CapturedPayload, max: number): void {
    this.captures.append(targetArn, capture, max);
    if (this.journaled) this.ops.push(captureLine(targetArn, capture, max));
  }

  appendDeadLetter(queueArn: string, message: DeadLetterMessage, max: number): void {
    appendBounded(this.deadLetters, queueArn, message, max);
    this.note({ o: 'q', k: queueArn, v: message, max });
  }

  appendArchived(archiveArn: string, event: ArchivedEvent): void {
    (this.archivedEvents[archiveArn] ??= []).push(event);
    this.note({ o: 'a', k: archiveArn, v: event });
  }

  /** Drop the oldest `count` archived events (retention). */
  pruneArchived(archiveArn: string, count: number): void {
    if (count <= 0) return;
    this.archivedEvents[archiveArn]?.splice(0, count);
    this.note({ o: 'ap', k: archiveArn, n: count });
  }

  dropArchive(archiveArn: string): void {
    delete this.archivedEvents[archiveArn];
    this.note({ o: 'ax', k: archiveArn });
  }

  /** Clear captures and dead letters (pending deliveries are kept: they were accepted). */
  clearInspectionRecords(): void {
    this.captures.clear();
    clearKeys(this.deadLetters);
    this.note({ o: 'cr' });
  }

  /** Forget everything, in place (parts of the runtime hold these collections). */
  clear(): void {
    applyOperation({ deliveries: this.deliveries, captures: {}, deadLetters: this.deadLetters, archivedEvents: this.archivedEvents }, { o: 'r' });
    this.captures.clear();
    this.jobCount = 0;
    this.ops = [];
    this.jobs.clear();
    this.resetPending = this.journaled;
    this.resets++;
  }

  /** Changes are waiting for the next batch. */
  get changed(): boolean {
    return this.resetPending || this.ops.length > 0 || this.jobs.size > 0;
  }

  /**
   * The changes since the last call, or undefined when nothing changed. They leave the
   * records at once (a batch that cannot be written never blocks the next one); the batch
   * serializes them lazily, in bounded chunks, so no batch size (a clock advance that fires
   * 200,000 captures, a fan-out of 250,000 jobs) builds one huge array or string.
   */
  takeBatch(): JournalBatch | undefined {
    if (!this.changed) return undefined;
    const batch = new JournalBatch(this.resetPending, this.ops, this.jobs, this.resets);
    this.resetPending = false;
    this.ops = [];
    this.jobs = new Map();
    return batch;
  }

  /**
   * A batch could not be written: its changes go back in front of the newer ones, so the next
   * batch carries them (the live data has them; the journal must too). A reset since makes them moot.
   */
  restoreBatch(batch: JournalBatch): void {
    if (batch.resets !== this.resets) return;
    this.resetPending ||= batch.reset;
    this.ops = batch.ops.concat(this.ops);
    for (const [id, job] of batch.jobs) if (!this.jobs.has(id)) this.jobs.set(id, job);
  }

  /** Records in the live data (what a snapshot holds), to decide when the journal is worth compacting. */
  liveRecordCount(): number {
    let n = this.jobCount;
    n += this.captures.count;
    for (const list of Object.values(this.deadLetters)) n += list.length;
    for (const list of Object.values(this.archivedEvents)) n += list.length;
    return n;
  }

  /**
   * The live data as journal lines, for a snapshot. The lists are copied now (appends to
   * them are positional, so the snapshot must hold exactly their state at this moment);
   * jobs are serialized when reached, later state included: job lines are whole-job puts,
   * so replaying the journal written since this moment over them converges to the same state.
   */
  snapshotLines(chunkLines = 2_000): Iterable<string> {
    const jobs = Object.values(this.deliveries);
    const lists: Array<[string, string, unknown[]]> = [];
    for (const [k, list] of this.captures.entries()) lists.push(['c', k, list]);
    for (const [k, list] of Object.entries(this.deadLetters)) lists.push(['q', k, list.slice()]);
    for (const [k, list] of Object.entries(this.archivedEvents)) lists.push(['a', k, list.slice()]);
    return chunked(jobs, lists, chunkLines);
  }

  private note(op: JournalOperation): void {
    if (this.journaled) this.ops.push(JSON.stringify(op));
  }
}

/** Lines per chunk of journal text: a chunk is one write, built and written before the next is built. */
export const batchChunkLines = 2_000;
/** Bytes of room (sealedRoom) a chunk's lines may need before the chunk is written. */
export const batchChunkRoom = 1024 * 1024;

/** The changes of one write to the journal (see DeliveryRecords.takeBatch). */
export class JournalBatch {
  constructor(
    readonly reset: boolean,
    readonly ops: readonly string[],
    readonly jobs: ReadonlyMap<string, DeliveryJob | null>,
    readonly resets: number,
  ) {}

  get lineCount(): number {
    return (this.reset ? 1 : 0) + this.ops.length + this.jobs.size;
  }

  /**
   * The batch as journal bytes (UTF-8), in chunks of complete sealed lines (each ends in a
   * newline): at most `chunkLines` lines, and a chunk's lines are encoded once they would need
   * more than `chunkRoom` bytes of room (sealedRoom), so no batch builds one huge buffer.
   * A chunk that fits in `scratch` is written there: it is valid only until the next chunk is
   * asked for (the journal writes each before the next; a batch of a few PutEvents otherwise
   * cost a new, unpooled ArrayBuffer).
   */
  *chunks(chunkLines = batchChunkLines, chunkRoom = batchChunkRoom, scratch?: Buffer): Generator<Buffer> {
    let lines: string[] = [];
    let room = 0;
    const take = () => {
      const bytes = scratch && room <= scratch.length ? scratch : Buffer.allocUnsafe(room);
      let at = 0;
      for (const line of lines) at = sealInto(bytes, at, line);
      lines = [];
      room = 0;
      return bytes.subarray(0, at);
    };
    const add = (line: string) => {
      lines.push(line);
      room += sealedRoom(line.length);
      return lines.length >= chunkLines || room >= chunkRoom;
    };
    if (this.reset && add('{"o":"r"}')) yield take();
    for (const op of this.ops) if (add(op)) yield take();
    for (const [id, job] of this.jobs) if (add(job ? jobLine(job) : JSON.stringify({ o: 'd', id }))) yield take();
    if (lines.length) yield take();
  }
}

/** Chunks of journal text (each many lines), produced lazily so the caller can yield between them. */
function* chunked(jobs: DeliveryJob[], lists: Array<[string, string, unknown[]]>, chunkLines: number): Generator<string> {
  let lines: string[] = [];
  const flush = function* () {
    if (lines.length) yield lines.join('\n') + '\n';
    lines = [];
  };
  const unbounded = Number.MAX_SAFE_INTEGER;
  for (const [o, k, list] of lists) {
    for (const v of list) {
      lines.push(seal(JSON.stringify(o === 'a' ? { o, k, v } : { o, k, v, max: unbounded })));
      if (lines.length >= chunkLines) yield* flush();
    }
  }
  for (const job of jobs) {
    lines.push(seal(jobLine(job)));
    if (lines.length >= chunkLines) yield* flush();
  }
  yield* flush();
}
