/** DynamoDB Streams as a pipe source, against moto_server's real DynamoDB and DynamoDB Streams APIs. */
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { motoClientConfig, startMotoWithSqs, stopMotoWithSqs, type Moto } from '../../helpers/moto.js';
import { account, expectNoBatch, MemoryCheckpoints, nextBatch, openSource, region, sourceDeps, VirtualClock, waitFor } from './sourceHarness.js';
import type { PipeSource } from '../../../src/apis/pipes/contract.js';

let moto: Moto;
let sqs: SQSClient;
let ddb: DynamoDBClient;
const open: PipeSource[] = [];

beforeAll(async () => {
  ({ moto, sqs } = await startMotoWithSqs());
  ddb = new DynamoDBClient(motoClientConfig(moto));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  ddb?.destroy();
  await stopMotoWithSqs(moto, sqs);
});

let tables = 0;
async function table(): Promise<string> {
  const name = `orders-${++tables}`;
  const out = await ddb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'Id', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  return out.TableDescription!.LatestStreamArn!;
}

const put = (t: string, id: number, message: string) => ddb.send(new PutItemCommand({ TableName: t, Item: { Id: { N: String(id) }, Message: { S: message } } }));
const tableOf = (streamArn: string) => streamArn.split(':')[5].split('/')[1];

function source(streamArn: string, params: Record<string, unknown>, opts: Parameters<typeof openSource>[3] = {}) {
  const opened = openSource(sourceDeps(moto), streamArn, { DynamoDBStreamParameters: params }, opts);
  open.push(opened.source);
  return opened;
}

test('INSERT, MODIFY and REMOVE arrive in order, in the shape the User Guide shows, and the checkpoint follows what was delivered', async () => {
  const streamArn = await table();
  const t = tableOf(streamArn);
  await put(t, 101, 'New item!');
  await ddb.send(new UpdateItemCommand({ TableName: t, Key: { Id: { N: '101' } }, UpdateExpression: 'SET Message = :m', ExpressionAttributeValues: { ':m': { S: 'This item has changed' } } }));
  await ddb.send(new DeleteItemCommand({ TableName: t, Key: { Id: { N: '101' } } }));
  const { source: s, checkpoints } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 });

  const batch = await nextBatch(s);
  expect(batch.attempt).toBe(1);
  const records = batch.records.map((r) => r.record as Record<string, any>);
  expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
  const [insert, modify, remove] = records;
  expect(Object.keys(insert).sort()).toEqual(['awsRegion', 'dynamodb', 'eventID', 'eventName', 'eventSource', 'eventSourceARN', 'eventVersion']);
  expect(insert).toMatchObject({ eventSource: 'aws:dynamodb', eventSourceARN: streamArn, awsRegion: region });
  expect(insert.dynamodb).toMatchObject({ Keys: { Id: { N: '101' } }, NewImage: { Id: { N: '101' }, Message: { S: 'New item!' } }, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  expect(insert.dynamodb.OldImage).toBeUndefined();
  expect(typeof insert.dynamodb.SequenceNumber).toBe('string');
  expect(typeof insert.dynamodb.SizeBytes).toBe('number');
  expect(typeof insert.dynamodb.ApproximateCreationDateTime).toBe('number');
  expect(modify.dynamodb).toMatchObject({ OldImage: { Message: { S: 'New item!' } }, NewImage: { Message: { S: 'This item has changed' } } });
  expect(remove.dynamodb.NewImage).toBeUndefined();
  expect(remove.dynamodb.OldImage).toMatchObject({ Message: { S: 'This item has changed' } });
  // The item identifier of partial failures is the eventID (User Guide, "Partial batch failure").
  expect(batch.records.map((r) => r.itemId)).toEqual(records.map((r) => r.eventID));

  expect((checkpoints as MemoryCheckpoints).positions.size).toBe(0); // nothing settled yet
  await s.settle(batch, { kind: 'delivered' }, []);
  expect([...(checkpoints as MemoryCheckpoints).positions.values()]).toEqual([remove.dynamodb.SequenceNumber]);
  await expectNoBatch(s);
});

test('a restarted source resumes after the last settled record; a batch in flight at the stop is offered again', async () => {
  const streamArn = await table();
  const t = tableOf(streamArn);
  for (let i = 1; i <= 4; i++) await put(t, i, `m${i}`);
  const checkpoints = new MemoryCheckpoints();
  const first = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 2 }, { checkpoints }).source;
  const b1 = await nextBatch(first);
  await first.settle(b1, { kind: 'delivered' }, []);
  const b2 = await nextBatch(first);
  const ids = (b: typeof b1) => b.records.map((r) => (r.record as any).dynamodb.Keys.Id.N);
  expect([ids(b1), ids(b2)]).toEqual([['1', '2'], ['3', '4']]);
  await first.close(); // b2 never settled: the target may not have taken it

  const second = source(streamArn, { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 }, { checkpoints }).source;
  const again = await nextBatch(second);
  expect(ids(again)).toEqual(['3', '4']);
});

test('LATEST skips what the stream held before the pipe started', async () => {
  const streamArn = await table();
  const t = tableOf(streamArn);
  await put(t, 1, 'before');
  const { source: s } = source(streamArn, { StartingPosition: 'LATEST' });
  await expectNoBatch(s, 3);
  await put(t, 2, 'after');
  const batch = await nextBatch(s);
  expect(batch.records.map((r) => (r.record as any).dynamodb.NewImage.Message.S)).toEqual(['after']);
});

test('retries used up: the failure record goes to the SQS dead-letter queue, and the shard moves on', async () => {
  const streamArn = await table();
  const t = tableOf(streamArn);
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `ddb-dlq-${tables}` }))).QueueUrl!;
  const dlqArn = `arn:aws:sqs:${region}:${account}:ddb-dlq-${tables}`;
  await put(t, 1, 'poison');
  const clock = new VirtualClock();
  const { source: s, checkpoints } = source(streamArn, { StartingPosition: 'TRIM_HORIZON', MaximumRetryAttempts: 1, DeadLetterConfig: { Arn: dlqArn } }, { clock });

  const b1 = await nextBatch(s);
  await s.settle(b1, { kind: 'failed', reason: 'target down' }, []);
  await expectNoBatch(s, 2); // the retry waits its back-off on the pipe's clock
  clock.advance(1);
  const b2 = await nextBatch(s, 'the retry');
  expect(b2.attempt).toBe(2);
  expect(b2.records.map((r) => r.itemId)).toEqual(b1.records.map((r) => r.itemId));
  await s.settle(b2, { kind: 'failed', reason: 'target down' }, []);

  const messages = await waitFor('the failure record', async () => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    return out.Messages?.length ? out.Messages : undefined;
  });
  const failure = JSON.parse(messages[0].Body!);
  const seq = (b1.records[0].record as any).dynamodb.SequenceNumber;
  expect(failure).toMatchObject({
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2, pipeArn: `arn:aws:pipes:${region}:${account}:pipe/test-pipe` },
    version: '1.0',
    DDBStreamBatchInfo: { startSequenceNumber: seq, endSequenceNumber: seq, batchSize: 1, streamArn },
  });
  expect([...(checkpoints as MemoryCheckpoints).positions.values()]).toEqual([seq]);
  await put(t, 2, 'next');
  const b3 = await nextBatch(s);
  expect(b3.attempt).toBe(1);
  expect((b3.records[0].record as any).dynamodb.NewImage.Message.S).toBe('next');
  const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  expect(left.Attributes?.ApproximateNumberOfMessages).toBe('0');
});
