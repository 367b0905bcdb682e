/**
 * The seams between the three parts of a pipe — source, enrichment/target, and the runner that
 * joins them (and the API that owns the pipe's record). Each part is built and tested on its own
 * against these types; the runner calls them in this order for every batch:
 *
 *   source.next() -> filter (runner, FilterCriteria) -> enrich (optional) -> deliverToTarget
 *     -> source.settle(batch, outcome)
 *
 * Retries of a failed batch belong to the SOURCE ("for pipes, retries are determined by the pipe
 * source type and its configuration", User Guide): an SQS batch that is not settled as delivered
 * stays on the queue and comes back after its visibility timeout; a stream batch is offered again
 * (bisected, aged out, dead-lettered) by the stream source. The runner never retries on its own.
 * Durability follows from that: nothing is acknowledged to the source before the target took it.
 */

/** One record as the source delivers it, in the shape AWS documents for that source
 *  (SQS: messageId, receiptHandle, body, attributes, messageAttributes, md5OfBody, eventSource,
 *  eventSourceARN, awsRegion; Kinesis: eventSource 'aws:kinesis', kinesis { data (base64), ... };
 *  DynamoDB Streams: eventName, dynamodb { Keys, NewImage, ... } ...). */
export interface PipeSourceRecord {
  /** The record's item identifier for partial batch failures: SQS messageId, stream sequence number. */
  itemId: string;
  /** The AWS-documented record, exactly what filters, enrichment and target see. */
  record: Record<string, unknown>;
}

export interface PipeSourceBatch {
  records: PipeSourceRecord[];
  /** 1 for the first time the source offers these records, then 2, 3 ... */
  attempt: number;
}

export type BatchOutcome =
  | { kind: 'delivered' }
  | { kind: 'failed'; reason: string }
  /** The target (or enrichment) named the items that failed (`batchItemFailures[].itemIdentifier`). */
  | { kind: 'partial'; failedItemIds: string[]; reason: string };

export interface PipeSource {
  /** The next batch ready for delivery, or undefined when there is none yet. A source outage is
   *  not thrown: it is logged and reported through `lastError`, and the pipe keeps polling. */
  next(): Promise<PipeSourceBatch | undefined>;
  /** Acknowledge a batch. Records the filter dropped are passed as `filteredOutItemIds` and count
   *  as delivered (AWS deletes / skips them). */
  settle(batch: PipeSourceBatch, outcome: BatchOutcome, filteredOutItemIds: string[]): Promise<void>;
  /** Why the last poll failed, if it did (for DescribePipe's StateReason / the inspection API). */
  lastError(): string | undefined;
  close(): Promise<void>;
}

/** Durable per-pipe positions of a stream source (one per shard), kept in the emulator's store. */
export interface CheckpointStore {
  get(shardId: string): string | undefined;
  /** Persisted before it returns (so a restart resumes after the last delivered record). */
  set(shardId: string, sequenceNumber: string): Promise<void> | void;
}

/** Where the source reads from and who reads it. */
export interface PipeSourceContext {
  pipeArn: string;
  pipeName: string;
  account: string;
  region: string;
  /** The pipe's Source (queue / stream / table-stream ARN). */
  sourceArn: string;
  /** The pipe's SourceParameters, as CreatePipe/UpdatePipe stored them. */
  sourceParameters: Record<string, unknown>;
  checkpoints: CheckpointStore;
  /** Current (virtual) time in ms: MaximumRecordAgeInSeconds and batching windows use it. */
  now(): number;
  /** The pipe's RoleArn, if the runner passes it: Kinesis records carry it as invokeIdentityArn. */
  roleArn?: string;
}

export type PipeSourceFactory = (ctx: PipeSourceContext) => PipeSource;

/** The enrichment step: takes the batch (after the filter and EnrichmentParameters), answers the
 *  events that go on to the target, or throws a PipeStepError. */
export type PipeEnrichment = (events: unknown[]) => Promise<unknown[]>;

/** The target step: one call per batch (or per event, where the target kind takes one at a time). */
export type PipeTargetDelivery = (events: unknown[]) => Promise<BatchOutcome>;

export class PipeStepError extends Error {
  constructor(
    message: string,
    /** Items that failed, when the step named them; otherwise the whole batch failed. */
    readonly failedItemIds?: string[],
  ) {
    super(message);
    this.name = 'PipeStepError';
  }
}
