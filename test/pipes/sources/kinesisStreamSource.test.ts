/** Kinesis Data Streams as a pipe source, against moto_server's real Kinesis API. */
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { motoClientConfig, startMotoWithSqs, stopMotoWithSqs, type Moto } from '../../helpers/moto.js';
import { account, expectNoBatch, MemoryCheckpoints, nextBatch, openSource, region, sourceDeps, VirtualClock, waitFor } from './sourceHarness.js';
import type { PipeSource, PipeSourceBatch } from '../../../src/apis/pipes/contract.js';
import { laneOf } from '../../../src/apis/pipes/sources/streamSource.js';

let moto: Moto;
let sqs: SQSClient;
let kinesis: KinesisClient;
const open: PipeSource[] = [];

beforeAll(async () => {
  ({ moto, sqs } = await startMotoWithSqs());
  kinesis = new KinesisClient(motoClientConfig(moto));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  kinesis?.destroy();
  await stopMotoWithSqs(moto, sqs);
});

let streams = 0;
async function stream(shards = 1): Promise<string> {
  const name = `clicks-${++streams}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  const out = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
  return out.StreamDescription!.StreamARN!;
}

async function putRecords(streamArn: string, values: string[], partitionKey = 'pk'): Promise<{ ShardId: string; SequenceNumber: string }[]> {
  const out = [];
  for (const value of values) {
    const r = await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: partitionKey, Data: Buffer.from(value) }));
    out.push({ ShardId: r.ShardId!, SequenceNumber: r.SequenceNumber! });
  }
  return out;
}

const dataOf = (batch: PipeSourceBatch) => batch.records.map((r) => Buffer.from((r.record as { data: string }).data, 'base64').toString());

function source(streamArn: string, params: Record<string, unknown>, opts: Parameters<typeof openSource>[3] = {}) {
  const opened = openSource(sourceDeps(moto), streamArn, { KinesisStreamParameters: params }, opts);
  open.push(opened.source);
  return opened;
}

async function dlq(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:${region}:${account}:${name}` };
}

async function receiveAll(url: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  await waitFor(`${count} messages on ${url}`, async () => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    bodies.push(...(out.Messages ?? []).map((m) => m.Body!));
    return bodies.length >= count ? true : undefined;
  });
  return bodies;
}

test('records arrive in the shape of the User Guide example (flat, data base64, eventID <shard>:<sequence>), in order', async () => {
  const streamArn = await stream();
  const put = await putRecords(streamArn, ['Hello, this is a test.', '{"City":"Seattle"}']);
  const { source: s, checkpoints } = source(streamArn, { StartingPosition: 'TRIM_HORIZON' }, { roleArn: `arn:aws:iam::${account}:role/pipe-role` });

  const batch = await nextBatch(s);
  expect(batch.attempt).toBe(1);
  expect(dataOf(batch)).toEqual(['Hello, this is a test.', '{"City":"Seattle"}']);
  const record = batch.records[0].record as Record<string, unknown>;
  expect(Object.keys(record).sort()).toEqual(
    ['approximateArrivalTimestamp', 'awsRegion', 'data', 'eventID', 'eventName', 'eventSource', 'eventSourceARN', 'eventVersion', 'invokeIdentityArn', 'kinesisSchemaVersion', 'partitionKey', 'sequenceNumber'].sort(),
  );
  expect(record).toMatchObject({
    kinesisSchemaVersion: '1.0',
    partitionKey: 'pk',
    sequenceNumber: put[0].SequenceNumber,
    data: Buffer.from('Hello, this is a test.').toString('base64'),
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${put[0].ShardId}:${put[0].SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${account}:role/pipe-role`,
    awsRegion: region,
    eventSourceARN: streamArn,
  });
  expect(typeof record.approximateArrivalTimestamp).toBe('number');
  expect(Math.abs((record.approximateArrivalTimestamp as number) * 1000 - Date.now())).toBeLessThan(10 * 60_000);
  expect(batch.records.map((r) => r.itemId)).toEqual(batch.records.map((r) => (r.record as { eventID: string }).eventID));

  await s.settle(batch, { kind: 'delivered' }, []);
  expect((checkpoints as MemoryCheckpoints).positions.get(put[1].ShardId)).toBe(put[1].SequenceNumber);
  await expectNoBatch(s);
});

test('BatchSize caps a batch; MaximumBatchingWindowInSeconds holds a short batch until the window passes on the pipe clock', async () => {
  const streamArn = await stream();
  await putRecords(streamArn, ['a', 'b', 'c']);
  const clock = new VirtualClock();
  const { source: s } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 2, MaximumBatchingWindowInSeconds: 10 }, { clock });
  const full = await nextBatch(s);
  expect(dataOf(full)).toEqual(['a', 'b']); // full: no wait
  await s.settle(full, { kind: 'delivered' }, []);
  await expectNoBatch(s, 3); // 'c' alone waits for the window
  clock.advance(10);
  expect(dataOf(await nextBatch(s))).toEqual(['c']);
});

test('each shard is read in order and a shard has one batch in flight; two shards go in parallel', async () => {
  const streamArn = await stream(2);
  // Explicit hash keys (the first of each shard's range) put the records on both shards.
  const shards = (await kinesis.send(new DescribeStreamCommand({ StreamARN: streamArn }))).StreamDescription!.Shards!;
  const [low, high] = shards.map((shard) => shard.HashKeyRange!.StartingHashKey!);
  const a = await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'x', ExplicitHashKey: low, Data: Buffer.from('a1') }));
  await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'x', ExplicitHashKey: low, Data: Buffer.from('a2') }));
  const b = await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'y', ExplicitHashKey: high, Data: Buffer.from('b1') }));
  expect(a.ShardId).not.toBe(b.ShardId);
  const { source: s } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 1, ParallelizationFactor: 2 });
  const first = await nextBatch(s);
  const second = await nextBatch(s);
  const shardOf = (batch: PipeSourceBatch) => (batch.records[0].record as { eventID: string }).eventID.split(':')[0];
  expect(new Set([shardOf(first), shardOf(second)])).toEqual(new Set([a.ShardId, b.ShardId]));
  await expectNoBatch(s, 3); // a2 waits until a1's batch is settled
  const aBatch = shardOf(first) === a.ShardId ? first : second;
  expect(dataOf(aBatch)).toEqual(['a1']);
  await s.settle(aBatch, { kind: 'delivered' }, []);
  expect(dataOf(await nextBatch(s))).toEqual(['a2']);
});

test('ParallelizationFactor 2: two batches of one shard in flight for different partition keys, one key kept in order, the checkpoint behind the oldest unsettled record', async () => {
  const streamArn = await stream(1);
  // Two partition keys that fall in different lanes of the shard.
  const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
  const red = keys[0];
  const blue = keys.find((k) => laneOf(k, 2) !== laneOf(red, 2))!;
  const [a1] = await putRecords(streamArn, ['a1', 'a2'], red);
  const [b1] = await putRecords(streamArn, ['b1'], blue);
  const { source: s, checkpoints } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 1, ParallelizationFactor: 2 });
  const first = await nextBatch(s);
  const second = await nextBatch(s);
  expect([dataOf(first), dataOf(second)].flat().sort()).toEqual(['a1', 'b1']);
  await expectNoBatch(s, 3); // a2 waits for a1 (same key)
  const [aBatch, bBatch] = dataOf(first)[0] === 'a1' ? [first, second] : [second, first];
  await s.settle(bBatch, { kind: 'delivered' }, []);
  expect(checkpoints.get(a1.ShardId)).toBeUndefined(); // b1 is settled, a1 before it is not
  await s.settle(aBatch, { kind: 'delivered' }, []);
  expect(checkpoints.get(a1.ShardId)).toBe(a1.SequenceNumber);
  const third = await nextBatch(s);
  expect(dataOf(third)).toEqual(['a2']);
  await s.settle(third, { kind: 'delivered' }, []);
  expect(checkpoints.get(a1.ShardId)).toBe(b1.SequenceNumber);
});

test('LATEST reads only what comes after the start; AT_TIMESTAMP starts at StartingPositionTimestamp', async () => {
  const streamArn = await stream();
  await putRecords(streamArn, ['old']);
  const latest = source(streamArn, { StartingPosition: 'LATEST' }).source;
  await expectNoBatch(latest, 3);
  // A timestamp strictly between the two records' arrivals (a few ms either side, waited for, not slept).
  const since = Date.now() + 5;
  await waitFor('the clock to pass the timestamp', async () => (Date.now() > since + 5 ? true : undefined));
  await putRecords(streamArn, ['new']);
  expect(dataOf(await nextBatch(latest))).toEqual(['new']);
  const atTimestamp = source(streamArn, { StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: since / 1000 }).source;
  expect(dataOf(await nextBatch(atTimestamp))).toEqual(['new']);
  const horizon = source(streamArn, { StartingPosition: 'TRIM_HORIZON' }).source;
  expect(dataOf(await nextBatch(horizon))).toEqual(['old', 'new']);
});

test('restart: a new source on the same checkpoint store resumes after the last settled record, not at StartingPosition', async () => {
  const streamArn = await stream();
  await putRecords(streamArn, ['1', '2', '3', '4', '5']);
  const checkpoints = new MemoryCheckpoints();
  const first = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 2 }, { checkpoints }).source;
  const b1 = await nextBatch(first);
  await first.settle(b1, { kind: 'delivered' }, []);
  const b2 = await nextBatch(first);
  await first.settle(b2, { kind: 'partial', failedItemIds: [b2.records[1].itemId], reason: 'one failed' }, []);
  await first.close();
  expect([dataOf(b1), dataOf(b2)]).toEqual([['1', '2'], ['3', '4']]);

  const second = source(streamArn, { StartingPosition: 'LATEST', BatchSize: 10 }, { checkpoints }).source;
  expect(dataOf(await nextBatch(second))).toEqual(['4', '5']);
});

test('a failed batch is offered again with attempt + 1 after a back-off on the pipe clock, then given up to the SQS dead-letter queue when MaximumRetryAttempts is used up', async () => {
  const streamArn = await stream();
  const queue = await dlq(`kinesis-dlq-${streams}`);
  const put = await putRecords(streamArn, ['x', 'y', 'after']);
  const clock = new VirtualClock();
  const { source: s, checkpoints } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 2, MaximumRetryAttempts: 2, DeadLetterConfig: { Arn: queue.arn } }, { clock });

  const attempts: number[] = [];
  let batch = await nextBatch(s);
  for (let i = 0; i < 3; i++) {
    attempts.push(batch.attempt);
    expect(dataOf(batch)).toEqual(['x', 'y']);
    await s.settle(batch, { kind: 'failed', reason: 'HTTP 500' }, []);
    if (i === 2) break;
    await expectNoBatch(s, 2);
    clock.advance(60);
    batch = await nextBatch(s, `retry ${i + 1}`);
  }
  expect(attempts).toEqual([1, 2, 3]);
  const [body] = await receiveAll(queue.url, 1);
  const failure = JSON.parse(body);
  expect(failure).toMatchObject({
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
    version: '1.0',
    KinesisBatchInfo: { shardId: put[0].ShardId, startSequenceNumber: put[0].SequenceNumber, endSequenceNumber: put[1].SequenceNumber, batchSize: 2, streamArn },
  });
  expect(typeof failure.timestamp).toBe('string');
  expect(checkpoints.get(put[0].ShardId)).toBe(put[1].SequenceNumber);
  const next = await nextBatch(s);
  expect([next.attempt, dataOf(next)]).toEqual([1, ['after']]);
});

test('AUTOMATIC_BISECT halves a failed batch and retries each half; a partial failure retries from the first failed record on', async () => {
  const streamArn = await stream();
  await putRecords(streamArn, ['1', '2', '3', '4']);
  const clock = new VirtualClock();
  const { source: s } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 4, OnPartialBatchItemFailure: 'AUTOMATIC_BISECT' }, { clock });
  const whole = await nextBatch(s);
  await s.settle(whole, { kind: 'failed', reason: 'too big' }, []);
  clock.advance(60);
  const left = await nextBatch(s);
  expect([left.attempt, dataOf(left)]).toEqual([2, ['1', '2']]);
  await s.settle(left, { kind: 'delivered' }, []);
  const right = await nextBatch(s);
  expect([right.attempt, dataOf(right)]).toEqual([2, ['3', '4']]);
  // A partial failure names the failed item: 3 was delivered, 4 is retried alone.
  await s.settle(right, { kind: 'partial', failedItemIds: [right.records[1].itemId], reason: 'one failed' }, []);
  clock.advance(60);
  const last = await nextBatch(s);
  expect([last.attempt, dataOf(last)]).toEqual([3, ['4']]);
});

test('a partial failure naming an item the batch does not have fails the whole batch; filtered-out records count as delivered', async () => {
  const streamArn = await stream();
  await putRecords(streamArn, ['skip', 'keep1', 'keep2']);
  const clock = new VirtualClock();
  const { source: s } = source(streamArn, { StartingPosition: 'TRIM_HORIZON' }, { clock });
  const batch = await nextBatch(s);
  await s.settle(batch, { kind: 'partial', failedItemIds: ['shardId-000000000000:nope'], reason: 'bad id' }, [batch.records[0].itemId]);
  clock.advance(60);
  const again = await nextBatch(s);
  // 'skip' was filtered out (delivered), so the checkpoint passed it; the rest came back whole.
  expect([again.attempt, dataOf(again)]).toEqual([2, ['keep1', 'keep2']]);
});

test('MaximumRecordAgeInSeconds: records older than that on the pipe clock are given up (RecordAgeExceeded) to an SNS dead-letter topic, not offered', async () => {
  const streamArn = await stream();
  const sns = new SNSClient(motoClientConfig(moto));
  try {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `kinesis-dlq-topic-${streams}` }))).TopicArn!;
    const queue = await dlq(`kinesis-dlq-sub-${streams}`);
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await putRecords(streamArn, ['stale']);
    const clock = new VirtualClock();
    const { source: s } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', MaximumRecordAgeInSeconds: 60, DeadLetterConfig: { Arn: topicArn } }, { clock });
    const batch = await nextBatch(s);
    await s.settle(batch, { kind: 'failed', reason: 'target down' }, []);
    clock.advance(120); // past the retry back-off and the record's age
    await expectNoBatch(s, 3);
    const [body] = await receiveAll(queue.url, 1);
    expect(JSON.parse(body)).toMatchObject({ requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 1 }, KinesisBatchInfo: { batchSize: 1 } });
    // Ages are the pipe clock minus the record's (real) arrival: bring the clock back to now.
    clock.ms = Date.now();
    await putRecords(streamArn, ['fresh']);
    expect(dataOf(await nextBatch(s))).toEqual(['fresh']);
  } finally {
    sns.destroy();
  }
});

test('a dead-letter queue that cannot be reached holds the shard (nothing is lost), and the failure record goes once it can', async () => {
  const streamArn = await stream();
  const name = `kinesis-dlq-late-${streams}`;
  await putRecords(streamArn, ['poison', 'after']);
  const { source: s, checkpoints } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 1, MaximumRetryAttempts: 0, DeadLetterConfig: { Arn: `arn:aws:sqs:${region}:${account}:${name}` } });
  const batch = await nextBatch(s);
  await s.settle(batch, { kind: 'failed', reason: 'target down' }, []);
  await expectNoBatch(s, 3);
  expect(s.lastError()).toMatch(/dead-letter/);
  expect(checkpoints.get(batch.records[0].itemId.split(':')[0])).toBeUndefined();
  const queue = await dlq(name);
  const next = await nextBatch(s);
  expect(dataOf(next)).toEqual(['after']);
  const [body] = await receiveAll(queue.url, 1);
  expect(JSON.parse(body).requestContext.condition).toBe('RetryAttemptsExhausted');
});

test('no endpoint for Kinesis: next() reports it through lastError and finds nothing; close() ends an idle source', async () => {
  const streamArn = `arn:aws:kinesis:${region}:${account}:stream/nowhere`;
  const { AwsClients } = await import('../../../src/engine/delivery/awsClients.js');
  const { ServiceDirectory } = await import('../../../src/engine/delivery/serviceEndpoints.js');
  const { createPipeSource } = await import('../../../src/apis/pipes/sources/index.js');
  const s = createPipeSource(
    { pipeArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/p', pipeName: 'p', account, region, sourceArn: streamArn, sourceParameters: { KinesisStreamParameters: { StartingPosition: 'LATEST' } }, checkpoints: new MemoryCheckpoints(), now: Date.now },
    { services: new ServiceDirectory({}), clients: new AwsClients(), idleBackoffMs: { min: 5, max: 20 } },
  );
  open.push(s);
  expect(await s.next()).toBeUndefined();
  expect(s.lastError()).toMatch(/No endpoint is configured for kinesis/);
  await s.close();
  expect(await s.next()).toBeUndefined();
});
