/**
 * DynamoDB Streams for a pipe: DescribeStream (its shards), GetShardIterator, GetRecords. Records
 * keep the stream's own shape, as the User Guide's "Amazon DynamoDB stream as a source" example
 * shows them (eventID, eventName INSERT/MODIFY/REMOVE, eventVersion, eventSource 'aws:dynamodb',
 * awsRegion, dynamodb { Keys, NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType,
 * ApproximateCreationDateTime }), with eventSourceARN the stream's ARN.
 */
import { parseArn } from '../../events/domain/arns.js';
import type { PipeSourceContext } from '../contract.js';
import { SourceService, wireJson, type PipeSourceDeps } from './sourceDeps.js';
import type { IteratorStart, StreamReader, StreamRecordRead, StreamShard } from './streamReader.js';

interface DdbStreamRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  dynamodb?: { SequenceNumber?: string; ApproximateCreationDateTime?: Date } & Record<string, unknown>;
  userIdentity?: unknown;
}

export function dynamoDbStreamReader(ctx: PipeSourceContext, deps: PipeSourceDeps): StreamReader {
  const streams = new SourceService(deps, 'dynamodb-streams', ctx.sourceArn);
  const streamArn = ctx.sourceArn;
  const region = parseArn(streamArn)?.region ?? ctx.region;

  const toRead = (r: DdbStreamRecord): StreamRecordRead => {
    const sequenceNumber = r.dynamodb?.SequenceNumber ?? '';
    const arrivalMs = r.dynamodb?.ApproximateCreationDateTime?.getTime() ?? ctx.now();
    const eventId = r.eventID ?? sequenceNumber;
    const record: Record<string, unknown> = {
      eventID: eventId,
      eventVersion: r.eventVersion ?? '1.1',
      dynamodb: wireJson(r.dynamodb ?? {}),
      awsRegion: r.awsRegion ?? region,
      eventName: r.eventName,
      eventSourceARN: streamArn,
      eventSource: r.eventSource ?? 'aws:dynamodb',
      ...(r.userIdentity ? { userIdentity: wireJson(r.userIdentity) } : {}),
    };
    return { sequenceNumber, eventId, partitionKey: JSON.stringify((record.dynamodb as { Keys?: unknown }).Keys ?? null), arrivalMs, record };
  };

  return {
    batchInfoName: 'DDBStreamBatchInfo',
    readLimit: 1000,
    async listShards() {
      const shards: StreamShard[] = [];
      let after: string | undefined;
      do {
        const from = after;
        const out = await streams.send<{ StreamDescription?: { Shards?: { ShardId?: string; ParentShardId?: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }[]; LastEvaluatedShardId?: string } }>(
          (m) => new m.DescribeStreamCommand({ StreamArn: streamArn, ...(from ? { ExclusiveStartShardId: from } : {}) }),
        );
        for (const s of out.StreamDescription?.Shards ?? []) if (s.ShardId) shards.push({ shardId: s.ShardId, parentShardId: s.ParentShardId, closed: !!s.SequenceNumberRange?.EndingSequenceNumber });
        after = out.StreamDescription?.LastEvaluatedShardId;
      } while (after);
      return shards;
    },
    async iterator(shardId: string, start: IteratorStart) {
      // DynamoDB Streams has no AT_TIMESTAMP (the model's DynamoDBStreamStartPosition has none either).
      const type = start.type === 'AT_TIMESTAMP' ? 'TRIM_HORIZON' : start.type;
      const out = await streams.send<{ ShardIterator?: string }>(
        (m) =>
          new m.GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: type,
            ...(start.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: start.sequenceNumber } : {}),
          }),
      );
      return out.ShardIterator;
    },
    async read(_shardId: string, iterator: string, limit: number) {
      const out = await streams.send<{ Records?: DdbStreamRecord[]; NextShardIterator?: string }>((m) => new m.GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      return { records: (out.Records ?? []).map(toRead), nextIterator: out.NextShardIterator ?? undefined };
    },
  };
}
