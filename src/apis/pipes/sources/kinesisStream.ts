/**
 * Kinesis Data Streams for a pipe: ListShards, GetShardIterator, GetRecords. Records take the
 * shape of the User Guide's "Amazon Kinesis stream as a source" example: flat, with `data`
 * (base64) beside eventSource 'aws:kinesis' and eventID '<shardId>:<sequenceNumber>' (the
 * Lambda event nests the same members under `kinesis`; a pipe's record does not, and its
 * filter example matches `data` at the top).
 */
import { parseArn } from '../../events/domain/arns.js';
import type { PipeSourceContext } from '../contract.js';
import { SourceService, type PipeSourceDeps } from './sourceDeps.js';
import type { IteratorStart, StreamReader, StreamRecordRead, StreamShard } from './streamReader.js';

interface KinesisRecord {
  SequenceNumber?: string;
  ApproximateArrivalTimestamp?: Date;
  Data?: Uint8Array;
  PartitionKey?: string;
}

export function kinesisStreamReader(ctx: PipeSourceContext, deps: PipeSourceDeps): StreamReader {
  const kinesis = new SourceService(deps, 'kinesis', ctx.sourceArn);
  const streamArn = ctx.sourceArn;
  const region = parseArn(streamArn)?.region ?? ctx.region;
  const roleArn = ctx.roleArn;

  const toRead = (shardId: string, r: KinesisRecord): StreamRecordRead => {
    const sequenceNumber = r.SequenceNumber ?? '';
    const arrivalMs = r.ApproximateArrivalTimestamp?.getTime() ?? ctx.now();
    const eventId = `${shardId}:${sequenceNumber}`;
    const record: Record<string, unknown> = {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrivalMs / 1000,
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: eventId,
      eventName: 'aws:kinesis:record',
      ...(roleArn ? { invokeIdentityArn: roleArn } : {}),
      awsRegion: region,
      eventSourceARN: streamArn,
    };
    return { sequenceNumber, eventId, partitionKey: r.PartitionKey ?? '', arrivalMs, record };
  };

  return {
    batchInfoName: 'KinesisBatchInfo',
    readLimit: 10_000,
    async listShards() {
      const shards: StreamShard[] = [];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const out = await kinesis.send<{ Shards?: { ShardId?: string; ParentShardId?: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }[]; NextToken?: string }>((m) =>
          token ? new m.ListShardsCommand({ NextToken: token }) : new m.ListShardsCommand({ StreamARN: streamArn }),
        );
        for (const s of out.Shards ?? []) if (s.ShardId) shards.push({ shardId: s.ShardId, parentShardId: s.ParentShardId, closed: !!s.SequenceNumberRange?.EndingSequenceNumber });
        nextToken = out.NextToken;
      } while (nextToken);
      return shards;
    },
    async iterator(shardId: string, start: IteratorStart) {
      const out = await kinesis.send<{ ShardIterator?: string }>(
        (m) =>
          new m.GetShardIteratorCommand({
            StreamARN: streamArn,
            ShardId: shardId,
            ShardIteratorType: start.type,
            ...(start.type === 'AT_TIMESTAMP' ? { Timestamp: start.timestamp } : {}),
            ...(start.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: start.sequenceNumber } : {}),
          }),
      );
      return out.ShardIterator;
    },
    async read(shardId: string, iterator: string, limit: number) {
      const out = await kinesis.send<{ Records?: KinesisRecord[]; NextShardIterator?: string }>((m) => new m.GetRecordsCommand({ ShardIterator: iterator, Limit: limit, StreamARN: streamArn }));
      return { records: (out.Records ?? []).map((r) => toRead(shardId, r)), nextIterator: out.NextShardIterator ?? undefined };
    },
  };
}
