/**
 * A Kinesis or DynamoDB stream as a pipe source. Each shard is read in order from its checkpoint
 * (kept in the pipe's CheckpointStore), else from StartingPosition. ParallelizationFactor N splits
 * a shard into N lanes by partition key (Kinesis) or item key (DynamoDB); a lane has one batch in
 * flight at a time, so records of one key reach the target in stream order, while up to N batches
 * of one shard (and those of other shards) are in flight together. The checkpoint only passes a
 * record once it and every record before it in the shard is settled.
 *
 * A failed batch is offered again (attempt + 1) after a back-off on the pipe's clock, bisected,
 * aged out or given up per the pipe's parameters (streamFailures.ts); given-up records go to the
 * DeadLetterConfig first, and only then count as settled.
 */
import { createHash } from 'node:crypto';
import type { BatchOutcome, PipeSource, PipeSourceBatch, PipeSourceContext } from '../contract.js';
import { sendToDeadLetter } from './deadLetter.js';
import { errorText, IdleWait, Serial, type PipeSourceDeps } from './sourceDeps.js';
import { decideFailure, expiredRecords, failureRecord, type DeadLetterCondition, type StreamRetryParameters } from './streamFailures.js';
import { iteratorLost, type IteratorStart, type StreamReader, type StreamRecordRead } from './streamReader.js';

/** Defaults of the stream parameters (botocore model docs: -1 = infinite, ParallelizationFactor 1; User Guide: batch size 100). */
export const streamDefaults = { batchSize: 100, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1, parallelizationFactor: 1 } as const;

/** Wait before offering a failed batch again, on the pipe's clock: 1 s, doubling, at most 60 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 2));
}

/** The lane (0 .. lanes-1) of a partition key: a stable hash, so one key always shares one lane. */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}

interface Pending {
  records: StreamRecordRead[];
  attempt: number;
  notBefore: number;
}

interface DeadLetterDue {
  records: StreamRecordRead[];
  condition: DeadLetterCondition;
  attempts: number;
}

interface Lane {
  buffer: StreamRecordRead[];
  bufferSince?: number;
  retries: Pending[];
  deadLetter?: DeadLetterDue;
  inFlight: boolean;
}

interface Shard {
  shardId: string;
  parentShardId?: string;
  closed: boolean;
  iterator?: string;
  /** Past the end of a closed shard: nothing more will be read. */
  exhausted: boolean;
  /** The last sequence number read (an iterator lost is made again after it). */
  lastRead?: string;
  lanes: Lane[];
  /** Records read and not yet passed by the checkpoint, in stream order. */
  unsettled: { sequenceNumber: string; settled: boolean }[];
}

export class StreamSource implements PipeSource {
  private readonly shards = new Map<string, Shard>();
  private listedAt: number | undefined;
  private turn = 0;
  private readonly inFlight = new Map<PipeSourceBatch, { shard: Shard; lane: Lane; records: StreamRecordRead[] }>();
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly lanes: number;
  private readonly retryParams: StreamRetryParameters;
  private readonly start: IteratorStart;
  private readonly deadLetterArn: string | undefined;
  private readonly idle: IdleWait;
  private readonly serial = new Serial();
  private error: string | undefined;
  private closed = false;

  constructor(
    private readonly ctx: PipeSourceContext,
    private readonly deps: PipeSourceDeps,
    private readonly reader: StreamReader,
    params: Record<string, unknown>,
  ) {
    this.batchSize = Number(params.BatchSize ?? streamDefaults.batchSize);
    this.windowMs = Number(params.MaximumBatchingWindowInSeconds ?? streamDefaults.maximumBatchingWindowInSeconds) * 1000;
    this.lanes = Number(params.ParallelizationFactor ?? streamDefaults.parallelizationFactor);
    this.retryParams = {
      maximumRetryAttempts: Number(params.MaximumRetryAttempts ?? streamDefaults.maximumRetryAttempts),
      maximumRecordAgeInSeconds: Number(params.MaximumRecordAgeInSeconds ?? streamDefaults.maximumRecordAgeInSeconds),
      bisect: params.OnPartialBatchItemFailure === 'AUTOMATIC_BISECT',
    };
    this.start = startingPosition(params);
    this.deadLetterArn = (params.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
    this.idle = new IdleWait(deps.idleBackoffMs);
  }

  next(): Promise<PipeSourceBatch | undefined> {
    return this.serial.run(async () => {
      if (this.closed) return undefined;
      this.error = undefined;
      try {
        if (this.listedAt === undefined || Date.now() - this.listedAt >= (this.deps.shardListRefreshMs ?? 5000)) await this.listShards();
        const order = [...this.shards.values()];
        for (let i = 0; i < order.length && !this.closed; i++) {
          const shard = order[(this.turn + i) % order.length];
          const batch = await this.nextOf(shard);
          if (batch) {
            this.turn = (this.turn + i + 1) % order.length;
            this.idle.reset();
            return batch;
          }
        }
      } catch (err) {
        this.report(err);
      }
      await this.idle.backOff();
      return undefined;
    });
  }

  private async listShards(): Promise<void> {
    for (const s of await this.reader.listShards()) {
      const known = this.shards.get(s.shardId);
      if (known) known.closed = s.closed;
      else {
        const lanes = Array.from({ length: this.lanes }, (): Lane => ({ buffer: [], retries: [], inFlight: false }));
        this.shards.set(s.shardId, { shardId: s.shardId, parentShardId: s.parentShardId, closed: s.closed, exhausted: false, lanes, unsettled: [] });
      }
    }
    this.listedAt = Date.now();
  }

  /** The shard's next batch from a lane without one in flight: a due retry first, else read records once full or past the window. */
  private async nextOf(shard: Shard): Promise<PipeSourceBatch | undefined> {
    if (!this.parentDone(shard)) return undefined;
    let filled = false;
    for (const lane of shard.lanes) {
      if (lane.inFlight) continue;
      if (lane.deadLetter && !(await this.deadLetter(shard, lane.deadLetter, lane))) continue;
      const retried = await this.nextRetry(shard, lane);
      if (retried === 'wait') continue;
      if (retried) return retried;
      if (!filled) {
        await this.fill(shard);
        filled = true;
      }
      const fresh = await this.nextFresh(shard, lane);
      if (fresh) return fresh;
    }
    return undefined;
  }

  private async nextRetry(shard: Shard, lane: Lane): Promise<PipeSourceBatch | 'wait' | undefined> {
    while (lane.retries.length > 0) {
      const retry = lane.retries[0];
      if (this.ctx.now() < retry.notBefore) return 'wait';
      lane.retries.shift();
      const offered = await this.offer(shard, lane, retry.records, retry.attempt);
      if (offered === 'blocked') return 'wait';
      if (offered !== 'none') return offered;
    }
    return undefined;
  }

  private async nextFresh(shard: Shard, lane: Lane): Promise<PipeSourceBatch | undefined> {
    while (lane.buffer.length > 0) {
      const full = lane.buffer.length >= this.batchSize;
      if (!full && this.windowMs > 0 && this.ctx.now() - lane.bufferSince! < this.windowMs) return undefined;
      const records = lane.buffer.splice(0, this.batchSize);
      lane.bufferSince = lane.buffer.length > 0 ? this.ctx.now() : undefined;
      const offered = await this.offer(shard, lane, records, 1);
      if (offered === 'blocked') return undefined;
      if (offered !== 'none') return offered;
    }
    return undefined;
  }

  /** Offer records (those past MaximumRecordAgeInSeconds are given up first); 'none' when all of them were. */
  private async offer(shard: Shard, lane: Lane, records: StreamRecordRead[], attempt: number): Promise<PipeSourceBatch | 'none' | 'blocked'> {
    const expired = expiredRecords(records, this.retryParams.maximumRecordAgeInSeconds, this.ctx.now());
    let live = records;
    if (expired.length > 0) {
      live = records.filter((r) => !expired.includes(r));
      if (!(await this.deadLetter(shard, { records: expired, condition: 'RecordAgeExceeded', attempts: attempt - 1 }, lane))) {
        if (live.length > 0) lane.retries.unshift({ records: live, attempt, notBefore: this.ctx.now() });
        return 'blocked';
      }
    }
    if (live.length === 0) return 'none';
    const batch: PipeSourceBatch = { records: live.map((r) => ({ itemId: r.eventId, record: r.record })), attempt };
    lane.inFlight = true;
    this.inFlight.set(batch, { shard, lane, records: live });
    return batch;
  }

  /** Read what the shard has, up to one batch ahead per lane. */
  private async fill(shard: Shard): Promise<void> {
    const buffered = shard.lanes.reduce((n, lane) => n + lane.buffer.length, 0);
    const room = this.batchSize * this.lanes - buffered;
    if (shard.exhausted || room <= 0) return;
    if (!shard.iterator) {
      shard.iterator = await this.reader.iterator(shard.shardId, this.resumeFrom(shard));
      if (!shard.iterator) return;
    }
    let read: Awaited<ReturnType<StreamReader['read']>>;
    try {
      read = await this.reader.read(shard.shardId, shard.iterator, Math.min(this.reader.readLimit, room));
    } catch (err) {
      if (iteratorLost(err)) shard.iterator = undefined;
      throw err;
    }
    shard.iterator = read.nextIterator;
    // A closed shard is done when it has no next iterator (AWS) or, read to its end, answers nothing more (moto).
    if (!read.nextIterator || (shard.closed && read.records.length === 0)) {
      shard.exhausted = true;
      this.listedAt = undefined; // its children may be new
    }
    for (const record of read.records) {
      const lane = shard.lanes[laneOf(record.partitionKey, this.lanes)];
      if (lane.buffer.length === 0) lane.bufferSince = this.ctx.now();
      lane.buffer.push(record);
      shard.unsettled.push({ sequenceNumber: record.sequenceNumber, settled: false });
    }
    if (read.records.length > 0) shard.lastRead = read.records[read.records.length - 1].sequenceNumber;
  }

  private resumeFrom(shard: Shard): IteratorStart {
    const after = shard.lastRead ?? this.ctx.checkpoints.get(shard.shardId);
    return after ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after } : this.start;
  }

  private parentDone(shard: Shard): boolean {
    const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
    return !parent || (parent.exhausted && parent.unsettled.length === 0);
  }

  async settle(batch: PipeSourceBatch, outcome: BatchOutcome, filteredOutItemIds: string[]): Promise<void> {
    const entry = this.inFlight.get(batch);
    if (!entry) return;
    this.inFlight.delete(batch);
    const { shard, lane, records } = entry;
    const decision = decideFailure(records, batch.attempt, outcome, new Set(filteredOutItemIds), this.retryParams);
    try {
      if (!decision) return await this.settled(shard, records);
      await this.settled(shard, decision.done);
      if ('retry' in decision) {
        const notBefore = this.ctx.now() + retryDelayMs(decision.attempt);
        lane.retries.unshift(...decision.retry.map((r) => ({ records: r, attempt: decision.attempt, notBefore })));
      } else {
        await this.deadLetter(shard, { records: decision.deadLetter, condition: decision.condition, attempts: batch.attempt }, lane);
      }
    } finally {
      lane.inFlight = false;
    }
  }

  /** Give records up: the failure record to the DeadLetterConfig (if any), then they count as settled. False when the DLQ refused. */
  private async deadLetter(shard: Shard, due: DeadLetterDue, lane: Lane): Promise<boolean> {
    if (this.deadLetterArn) {
      const record = failureRecord({
        pipeArn: this.ctx.pipeArn,
        streamArn: this.ctx.sourceArn,
        shardId: shard.shardId,
        batchInfoName: this.reader.batchInfoName,
        records: due.records,
        condition: due.condition,
        attempts: due.attempts,
        now: this.ctx.now(),
      });
      try {
        await sendToDeadLetter(this.deps, this.deadLetterArn, JSON.stringify(record));
      } catch (err) {
        // Nothing given up is lost: the lane waits and sends again on a later poll.
        lane.deadLetter = due;
        this.report(err, `sending to the dead-letter target ${this.deadLetterArn}`);
        return false;
      }
    }
    lane.deadLetter = undefined;
    this.deps.log?.warn('pipe source gave records up', { pipe: this.ctx.pipeArn, shard: shard.shardId, condition: due.condition, records: due.records.length, deadLetter: this.deadLetterArn ?? null });
    await this.settled(shard, due.records);
    return true;
  }

  /** Mark records settled and move the checkpoint past every settled record that has no unsettled one before it. */
  private async settled(shard: Shard, records: StreamRecordRead[]): Promise<void> {
    if (records.length === 0) return;
    const done = new Set(records.map((r) => r.sequenceNumber));
    for (const entry of shard.unsettled) if (done.has(entry.sequenceNumber)) entry.settled = true;
    let passed: string | undefined;
    while (shard.unsettled.length > 0 && shard.unsettled[0].settled) passed = shard.unsettled.shift()!.sequenceNumber;
    if (passed !== undefined) await this.ctx.checkpoints.set(shard.shardId, passed);
  }

  private report(err: unknown, doing = `reading ${this.ctx.sourceArn}`): void {
    this.error = `${doing} failed: ${errorText(err)}`;
    this.deps.log?.warn('pipe source poll failed', { pipe: this.ctx.pipeArn, error: this.error });
  }

  lastError(): string | undefined {
    return this.error;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle.close();
    await this.serial.drain();
  }
}

/** StartingPosition (+ StartingPositionTimestamp, epoch seconds or a date, for AT_TIMESTAMP). */
function startingPosition(params: Record<string, unknown>): IteratorStart {
  const position = params.StartingPosition;
  if (position === 'AT_TIMESTAMP') {
    const ts = params.StartingPositionTimestamp;
    const date = ts instanceof Date ? ts : typeof ts === 'number' ? new Date(ts * 1000) : new Date(String(ts));
    return { type: 'AT_TIMESTAMP', timestamp: date };
  }
  return { type: position === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' };
}
