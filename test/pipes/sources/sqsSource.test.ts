/** An SQS queue as a pipe source, against moto_server's real SQS API. */
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startMotoWithSqs, stopMotoWithSqs, type Moto } from '../../helpers/moto.js';
import { account, expectNoBatch, nextBatch, openSource, region, sourceDeps, VirtualClock, waitFor } from './sourceHarness.js';
import type { PipeSource, PipeSourceBatch } from '../../../src/apis/pipes/contract.js';

let moto: Moto;
let sqs: SQSClient;
const open: PipeSource[] = [];

beforeAll(async () => {
  ({ moto, sqs } = await startMotoWithSqs());
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await stopMotoWithSqs(moto, sqs);
});

let queues = 0;
async function queue(attributes: Record<string, string> = {}, name = `orders-${++queues}`): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:${region}:${account}:${name}` };
}

async function send(url: string, bodies: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) ids.push((await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))).MessageId!);
  return ids;
}

/** Visible + in flight: what is still on the queue. */
async function onQueue(url: string): Promise<number> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(out.Attributes!.ApproximateNumberOfMessages) + Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible);
}

const bodies = (batch: PipeSourceBatch) => batch.records.map((r) => (r.record as { body: string }).body);

function source(arn: string, params: Record<string, unknown> = {}, opts: Parameters<typeof openSource>[3] = {}) {
  const opened = openSource(sourceDeps(moto), arn, { SqsQueueParameters: params }, opts);
  open.push(opened.source);
  return opened;
}

test('messages arrive in the record shape of the User Guide; a delivered batch is deleted from the queue', async () => {
  const q = await queue();
  const [id] = await send(q.url, ['Test message.']);
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"City":"Seattle"}', MessageAttributes: { Color: { DataType: 'String', StringValue: 'blue' } } }));
  const { source: s } = source(q.arn);

  const batch = await nextBatch(s);
  expect(batch.attempt).toBe(1);
  expect(bodies(batch)).toEqual(['Test message.', '{"City":"Seattle"}']);
  const [plain, withAttributes] = batch.records.map((r) => r.record as Record<string, any>);
  expect(Object.keys(plain).sort()).toEqual(['attributes', 'awsRegion', 'body', 'eventSource', 'eventSourceARN', 'md5OfBody', 'messageAttributes', 'messageId', 'receiptHandle']);
  expect(plain).toMatchObject({ messageId: id, body: 'Test message.', messageAttributes: {}, md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3', eventSource: 'aws:sqs', eventSourceARN: q.arn, awsRegion: region });
  expect(typeof plain.receiptHandle).toBe('string');
  expect(plain.attributes).toMatchObject({ ApproximateReceiveCount: '1' });
  expect(Object.keys(plain.attributes)).toEqual(expect.arrayContaining(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']));
  expect(withAttributes.messageAttributes).toEqual({ Color: { stringValue: 'blue', stringListValues: [], binaryListValues: [], dataType: 'String' } });
  expect(batch.records.map((r) => r.itemId)).toEqual(batch.records.map((r) => (r.record as { messageId: string }).messageId));

  expect(await onQueue(q.url)).toBe(2); // received, not yet deleted
  await s.settle(batch, { kind: 'delivered' }, []);
  expect(await onQueue(q.url)).toBe(0);
  await expectNoBatch(s);
});

test('a FIFO queue: records carry the FIFO attributes, in the group\'s order', async () => {
  const q = await queue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, `orders-${++queues}.fifo`);
  for (const body of ['first', 'second', 'third']) await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body, MessageGroupId: 'g1' }));
  const { source: s } = source(q.arn);
  const batch = await nextBatch(s);
  expect(bodies(batch)).toEqual(['first', 'second', 'third']);
  const attributes = (batch.records[0].record as { attributes: Record<string, string> }).attributes;
  expect(attributes).toMatchObject({ MessageGroupId: 'g1', ApproximateReceiveCount: '1' });
  // (AWS adds SequenceNumber too; moto 5.2.1 does not send it, and the source passes on what SQS sends.)
  expect(Object.keys(attributes)).toEqual(expect.arrayContaining(['MessageDeduplicationId']));
  await s.settle(batch, { kind: 'delivered' }, []);
  expect(await onQueue(q.url)).toBe(0);
});

test('BatchSize above 10 gathers several ReceiveMessage calls into one batch; the rest waits for the next', async () => {
  const q = await queue();
  await send(q.url, Array.from({ length: 27 }, (_, i) => `m${i}`));
  const { source: s } = source(q.arn, { BatchSize: 25 });
  const batch = await nextBatch(s);
  expect(batch.records).toHaveLength(25);
  await s.settle(batch, { kind: 'delivered' }, []);
  const rest = await nextBatch(s);
  expect(rest.records).toHaveLength(2);
  expect(new Set([...bodies(batch), ...bodies(rest)]).size).toBe(27);
});

test('MaximumBatchingWindowInSeconds holds a short batch until the window passes on the pipe clock', async () => {
  const q = await queue();
  await send(q.url, ['a', 'b']);
  const clock = new VirtualClock();
  const { source: s } = source(q.arn, { BatchSize: 100, MaximumBatchingWindowInSeconds: 30 }, { clock });
  await expectNoBatch(s, 3);
  clock.advance(30);
  expect(bodies(await nextBatch(s)).sort()).toEqual(['a', 'b']);
});

test('partial failure: all but the failed messages are deleted; the failed one comes back after the visibility timeout, attempt 2', async () => {
  const q = await queue({ VisibilityTimeout: '1' });
  await send(q.url, ['ok1', 'bad', 'ok2']);
  const { source: s } = source(q.arn);
  const batch = await nextBatch(s);
  const bad = batch.records.find((r) => (r.record as { body: string }).body === 'bad')!;
  await s.settle(batch, { kind: 'partial', failedItemIds: [bad.itemId], reason: 'one failed' }, []);
  expect(await onQueue(q.url)).toBe(1);
  const again = await nextBatch(s, 'the failed message again');
  expect(bodies(again)).toEqual(['bad']);
  expect(again.attempt).toBe(2);
  expect((again.records[0].record as { attributes: Record<string, string> }).attributes.ApproximateReceiveCount).toBe('2');
});

test('a partial failure naming a message the batch does not have fails the whole batch (nothing deleted); filtered-out messages are deleted regardless', async () => {
  const q = await queue({ VisibilityTimeout: '30' });
  await send(q.url, ['dropped', 'kept1', 'kept2']);
  const { source: s } = source(q.arn);
  const batch = await nextBatch(s);
  const dropped = batch.records.find((r) => (r.record as { body: string }).body === 'dropped')!;
  await s.settle(batch, { kind: 'partial', failedItemIds: ['not-a-message-of-this-batch'], reason: 'bad id' }, [dropped.itemId]);
  expect(await onQueue(q.url)).toBe(2);
});

test('a failed batch stays on the queue, and the queue\'s own redrive policy (maxReceiveCount 1) moves it to its dead-letter queue', async () => {
  const dlq = await queue();
  // moto files a 000000000000 access key under its default account: the redrive policy names the queue by the ARN moto gave it.
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const q = await queue({ VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
  const [id] = await send(q.url, ['poison']);
  const { source: s } = source(q.arn);
  const batch = await nextBatch(s);
  expect(batch.records.map((r) => r.itemId)).toEqual([id]);
  await s.settle(batch, { kind: 'failed', reason: 'target down' }, []);
  expect(await onQueue(q.url)).toBe(1);
  // The pipe keeps polling; once the message is visible again, the queue redrives it instead of handing it out.
  const redriven = await waitFor('the message on the dead-letter queue', async () => {
    const next = await s.next();
    if (next) throw new Error(`a message past maxReceiveCount was offered again: ${JSON.stringify(bodies(next))}`);
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
    return out.Messages?.length ? out.Messages : undefined;
  });
  expect(redriven.map((m) => [m.MessageId, m.Body])).toEqual([[id, 'poison']]);
  expect(await onQueue(q.url)).toBe(0);
});

test('the queue unreachable: next() finds nothing and says why in lastError; it recovers when the service is back', async () => {
  const q = await queue();
  const { source: s } = source(q.arn);
  await moto.stop();
  try {
    expect(await s.next()).toBeUndefined();
    expect(s.lastError()).toMatch(/ReceiveMessage on arn:aws:sqs:us-east-1:000000000000:orders-\d+ failed/);
  } finally {
    await moto.start();
  }
  // moto starts empty again: a new queue of the same name.
  await queue({}, q.arn.split(':')[5]);
  await send(q.url, ['back']);
  expect(bodies(await nextBatch(s))).toEqual(['back']);
  expect(s.lastError()).toBeUndefined();
});

test('restart in the middle of a batch: messages received but not settled come back to a new source after the visibility timeout', async () => {
  const q = await queue({ VisibilityTimeout: '1' });
  await send(q.url, ['one', 'two']);
  const first = source(q.arn).source;
  const batch = await nextBatch(first);
  expect(bodies(batch).sort()).toEqual(['one', 'two']);
  await first.close(); // the pipe stopped before the target answered
  const second = source(q.arn).source;
  const again = await nextBatch(second, 'the unsettled messages');
  expect(bodies(again).sort()).toEqual(['one', 'two']);
  expect(again.attempt).toBe(2);
  await second.settle(again, { kind: 'delivered' }, []);
  expect(await onQueue(q.url)).toBe(0);
});

test('close() ends an idle source promptly, and next() after it finds nothing', async () => {
  const q = await queue();
  const { source: s } = source(q.arn);
  await expectNoBatch(s, 2);
  const pending = s.next();
  await s.close();
  expect(await pending).toBeUndefined();
  await send(q.url, ['late']);
  expect(await s.next()).toBeUndefined();
});
