/**
 * A Kinesis or DynamoDB stream as a pipe source. Each shard is read in order from its checkpoint
 * (the last settled record, kept in the pipe's CheckpointStore), else from StartingPosition.
 * A shard has one batch in flight at a time, so its records reach the target in stream order;
 * different shards' batches may be in flight together. ParallelizationFactor is accepted but a
 * shard is not split further (documented in docs/compatibility.md).
 *
 * A failed batch is offered again (attempt + 1) after a back-off on the pipe's clock, bisected,
 * aged out or given up per the pipe's parameters (streamFailures.ts); given-up records go to the
 * DeadLetterConfig, and only then does the checkpoint pass them.
 */
import type { BatchOutcome, PipeSource, PipeSourceBatch, PipeSourceContext } from '../contract.js';
import { sendToDeadLetter } from './deadLetter.js';
import { errorText, IdleWait, Serial, type PipeSourceDeps } from './sourceDeps.js';
import { decideFailure, expiredRecords, failureRecord, type DeadLetterCondition, type StreamRetryParameters } from './streamFailures.js';
import { iteratorLost, type IteratorStart, type StreamReader, type StreamRecordRead } from './streamReader.js';

/** Defaults of the stream parameters (botocore model docs: -1 = infinite; User Guide: batch size 100). */
export const streamDefaults = { batchSize: 100, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1 } as const;

/** Wait before offering a failed batch again, on the pipe's clock: 1 s, doubling, at most 60 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 2));
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

interface Shard {
  shardId: string;
  parentShardId?: string;
  closed: boolean;
  iterator?: string;
  /** Past the end of a closed shard: no iterator will be needed again. */
  exhausted: boolean;
  /** The last sequence number read into `buffer` (an iterator lost is made again after it). */
  lastRead?: string;
  buffer: StreamRecordRead[];
  bufferSince?: number;
  retries: Pending[];
  deadLetter?: DeadLetterDue;
  inFlight: boolean;
}

export class StreamSource implements PipeSource {
  private readonly shards = new Map<string, Shard>();
  private listedAt: number | undefined;
  private turn = 0;
  private readonly inFlight = new Map<PipeSourceBatch, { shard: Shard; records: StreamRecordRead[] }>();
  private readonly batchSize: number;
  private readonly windowMs: number;
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
      else this.shards.set(s.shardId, { shardId: s.shardId, parentShardId: s.parentShardId, closed: s.closed, exhausted: false, buffer: [], retries: [], inFlight: false });
    }
    this.listedAt = Date.now();
  }

  /** The shard's next batch: a due retry first, else newly read records once the batch is full or its window has passed. */
  private async nextOf(shard: Shard): Promise<PipeSourceBatch | undefined> {
    if (shard.inFlight || !this.parentDone(shard)) return undefined;
    if (shard.deadLetter && !(await this.deadLetter(shard, shard.deadLetter))) return undefined;
    while (shard.retries.length > 0) {
      const retry = shard.retries[0];
      if (this.ctx.now() < retry.notBefore) return undefined;
      shard.retries.shift();
      const offered = await this.offer(shard, retry.records, retry.attempt);
      if (offered !== 'none') return offered === 'blocked' ? undefined : offered;
    }
    await this.fill(shard);
    while (shard.buffer.length > 0) {
      const full = shard.buffer.length >= this.batchSize;
      if (!full && this.windowMs > 0 && this.ctx.now() - shard.bufferSince! < this.windowMs) return undefined;
      const records = shard.buffer.splice(0, this.batchSize);
      shard.bufferSince = shard.buffer.length > 0 ? this.ctx.now() : undefined;
      const offered = await this.offer(shard, records, 1);
      if (offered !== 'none') return offered === 'blocked' ? undefined : offered;
    }
    return undefined;
  }

  /** Offer records (those past MaximumRecordAgeInSeconds are given up first); 'none' when all of them were. */
  private async offer(shard: Shard, records: StreamRecordRead[], attempt: number): Promise<PipeSourceBatch | 'none' | 'blocked'> {
    const expired = expiredRecords(records, this.retryParams.maximumRecordAgeInSeconds, this.ctx.now());
    let live = records;
    if (expired.length > 0) {
      // Records of a shard arrive in order, so the expired ones lead the batch.
      live = records.slice(expired.length);
      if (!(await this.deadLetter(shard, { records: expired, condition: 'RecordAgeExceeded', attempts: attempt - 1 }))) {
        if (live.length > 0) shard.retries.unshift({ records: live, attempt, notBefore: this.ctx.now() });
        return 'blocked';
      }
    }
    if (live.length === 0) return 'none';
    const batch: PipeSourceBatch = { records: live.map((r) => ({ itemId: r.eventId, record: r.record })), attempt };
    shard.inFlight = true;
    this.inFlight.set(batch, { shard, records: live });
    return batch;
  }

  /** Read what the shard has, up to one batch ahead. */
  private async fill(shard: Shard): Promise<void> {
    if (shard.exhausted || shard.buffer.length >= this.batchSize) return;
    if (!shard.iterator) {
      shard.iterator = await this.reader.iterator(shard.shardId, this.resumeFrom(shard));
      if (!shard.iterator) return;
    }
    let read: Awaited<ReturnType<StreamReader['read']>>;
    try {
      read = await this.reader.read(shard.shardId, shard.iterator, Math.min(this.reader.readLimit, this.batchSize - shard.buffer.length));
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
    if (read.records.length === 0) return;
    if (shard.buffer.length === 0) shard.bufferSince = this.ctx.now();
    shard.buffer.push(...read.records);
    shard.lastRead = read.records[read.records.length - 1].sequenceNumber;
  }

  private resumeFrom(shard: Shard): IteratorStart {
    const after = shard.lastRead ?? this.ctx.checkpoints.get(shard.shardId);
    return after ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after } : this.start;
  }

  private parentDone(shard: Shard): boolean {
    const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
    return !parent || (parent.exhausted && parent.buffer.length === 0 && parent.retries.length === 0 && !parent.inFlight && !parent.deadLetter);
  }

  async settle(batch: PipeSourceBatch, outcome: BatchOutcome, filteredOutItemIds: string[]): Promise<void> {
    const entry = this.inFlight.get(batch);
    if (!entry) return;
    this.inFlight.delete(batch);
    const { shard, records } = entry;
    const decision = decideFailure(records, batch.attempt, outcome, new Set(filteredOutItemIds), this.retryParams);
    try {
      if (!decision) return await this.checkpoint(shard, records);
      await this.checkpoint(shard, decision.done);
      if ('retry' in decision) {
        const notBefore = this.ctx.now() + retryDelayMs(decision.attempt);
        shard.retries.unshift(...decision.retry.map((r) => ({ records: r, attempt: decision.attempt, notBefore })));
      } else {
        await this.deadLetter(shard, { records: decision.deadLetter, condition: decision.condition, attempts: batch.attempt });
      }
    } finally {
      shard.inFlight = false;
    }
  }

  /** Give records up: the failure record to the DeadLetterConfig (if any), then the checkpoint past them. False when the DLQ refused. */
  private async deadLetter(shard: Shard, due: DeadLetterDue): Promise<boolean> {
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
        // Nothing given up is lost: the shard waits and sends again on a later poll.
        shard.deadLetter = due;
        this.report(err, `sending to the dead-letter target ${this.deadLetterArn}`);
        return false;
      }
    }
    shard.deadLetter = undefined;
    this.deps.log?.warn('pipe source gave records up', { pipe: this.ctx.pipeArn, shard: shard.shardId, condition: due.condition, records: due.records.length, deadLetter: this.deadLetterArn ?? null });
    await this.checkpoint(shard, due.records);
    return true;
  }

  private async checkpoint(shard: Shard, records: StreamRecordRead[]): Promise<void> {
    if (records.length > 0) await this.ctx.checkpoints.set(shard.shardId, records[records.length - 1].sequenceNumber);
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
