/** What a stream source needs from Kinesis or DynamoDB Streams: shards, iterators, records. */

export interface StreamShard {
  shardId: string;
  parentShardId?: string;
  /** The shard has an EndingSequenceNumber: it takes no new records (after a reshard). */
  closed: boolean;
}

/** Where an iterator starts: the pipe's StartingPosition, or just after a checkpoint. */
export type IteratorStart =
  | { type: 'TRIM_HORIZON' | 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

export interface StreamRecordRead {
  sequenceNumber: string;
  /** The item identifier of partial batch failures: the record's eventID (User Guide, "Partial batch failure"). */
  eventId: string;
  /** What keeps records in order under ParallelizationFactor: the Kinesis partition key, the DynamoDB item key. */
  partitionKey: string;
  /** ApproximateArrivalTimestamp (Kinesis) / ApproximateCreationDateTime (DynamoDB), in ms. */
  arrivalMs: number;
  /** The record in the shape the User Guide shows for this source. */
  record: Record<string, unknown>;
}

export interface StreamReader {
  /** The member of the failure record that describes the batch (as Lambda's stream sources name it). */
  readonly batchInfoName: 'KinesisBatchInfo' | 'DDBStreamBatchInfo';
  /** Most records one GetRecords call returns. */
  readonly readLimit: number;
  listShards(): Promise<StreamShard[]>;
  iterator(shardId: string, start: IteratorStart): Promise<string | undefined>;
  read(shardId: string, iterator: string, limit: number): Promise<{ records: StreamRecordRead[]; nextIterator?: string }>;
}

/** Whether an error means the iterator is no longer usable (expired, or the service forgot it). */
export function iteratorLost(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return name === 'ExpiredIteratorException' || name === 'ResourceNotFoundException' || name === 'InvalidArgumentException' || name === 'TrimmedDataAccessException';
}
