/**
 * Pipes end to end, every part real: moto_server's SQS, Kinesis and DynamoDB Streams as sources
 * (put there with the official SDK clients), FilterCriteria, an API-destination enrichment and an
 * API-destination target behind a loopback HTTP sink. Asserts what reached the sink, what is left
 * on the source (deleted, redriven to the queue's DLQ) and what the inspection API recorded;
 * a restart in the middle of a batch loses nothing the source had not been told was delivered.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatePipeCommand, DescribePipeCommand, PipesClient, StopPipeCommand, type CreatePipeCommandInput } from '@aws-sdk/client-pipes';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startEmulator, type Running } from '../../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../../helpers/httpSink.js';
import { basicConnection, createDestination } from '../../helpers/apiDestinations.js';
import { inspect } from '../../helpers/inspect.js';
import { motoClientConfig, startMotoWithSqs, stopMotoWithSqs, type Moto } from '../../helpers/moto.js';

const account = '000000000000';
const region = 'us-east-1';
const role = `arn:aws:iam::${account}:role/pipe`;

let moto: Moto;
let sqs: SQSClient;
let sink: HttpSink;
const started: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  ({ moto, sqs } = await startMotoWithSqs());
  sink = await startHttpSink();
}, 90_000);
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.close();
  sink.clear();
});
afterAll(async () => {
  await sink?.close();
  await stopMotoWithSqs(moto, sqs);
});

async function emulator(dataDir?: string): Promise<{ emu: Running; pipes: PipesClient }> {
  const emu = await startEmulator({ dataDir, serviceEndpoints: { sqs: moto.url, kinesis: moto.url, 'dynamodb-streams': moto.url } });
  const pipes = new PipesClient({ endpoint: emu.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  const handle = { emu, pipes, close: async () => (pipes.destroy(), await emu.close()) };
  started.push(handle);
  return handle;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, boundMs = 60_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Create the pipe and move the clock past CREATING; it must be RUNNING. */
async function runningPipe(emu: Running, pipes: PipesClient, input: Omit<CreatePipeCommandInput, 'RoleArn'>): Promise<string> {
  const { Arn } = await pipes.send(new CreatePipeCommand({ ...input, RoleArn: role }));
  await emu.emulator.clock.advanceSettled(1_000, async () => undefined);
  const state = await waitFor('the pipe to leave CREATING', async () => {
    const d = await pipes.send(new DescribePipeCommand({ Name: input.Name }));
    return d.CurrentState === 'CREATING' ? undefined : d;
  });
  expect([state.CurrentState, state.StateReason]).toEqual(['RUNNING', undefined]);
  return Arn!;
}

let queues = 0;
async function queue(attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const name = `pipe-src-${++queues}`;
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:${region}:${account}:${name}` };
}

async function onQueue(url: string): Promise<number> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(out.Attributes!.ApproximateNumberOfMessages) + Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible);
}

const batchesOf = async (emu: Running, arn: string) => (await inspect(emu.url, `pipes/${encodeURIComponent(arn)}/batches`)).batches as any[];
const targetBodies = () => sink.requests.filter((r) => r.path === '/target').map((r) => JSON.parse(r.body));

test('SQS -> FilterCriteria on the JSON body -> API-destination enrichment -> API-destination target; every message is deleted, the filtered ones too', async () => {
  const { emu, pipes } = await emulator();
  const connection = await basicConnection(emu);
  const enrichment = await createDestination(emu, 'lookup', connection, `${sink.url}/enrich`);
  const target = await createDestination(emu, 'orders-api', connection, `${sink.url}/target`);
  sink.fallback = (req) => (req.path === '/enrich' ? { status: 200, body: JSON.stringify({ ...JSON.parse(req.body), enriched: true }) } : { status: 200, body: '{}' });
  const q = await queue();
  const arn = await runningPipe(emu, pipes, {
    Name: 'orders',
    Source: q.arn,
    SourceParameters: { SqsQueueParameters: { BatchSize: 10 }, FilterCriteria: { Filters: [{ Pattern: '{"body":{"kind":["order"]}}' }, { Pattern: '{"body":{"kind":["refund"]}}' }] } },
    Enrichment: enrichment,
    EnrichmentParameters: { InputTemplate: '{"id": <$.body.id>, "kind": <$.body.kind>}' },
    Target: target,
  });
  for (const body of ['{"kind":"order","id":1}', '{"kind":"noise","id":2}', 'not json', '{"kind":"refund","id":3}']) {
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
  }
  await waitFor('both matching messages at the target', () => (targetBodies().length >= 2 ? true : undefined));
  expect(targetBodies().sort((a, b) => a.id - b.id)).toEqual([
    { id: 1, kind: 'order', enriched: true },
    { id: 3, kind: 'refund', enriched: true },
  ]);
  expect(sink.requests.filter((r) => r.path === '/enrich').map((r) => JSON.parse(r.body).id).sort()).toEqual([1, 3]);
  await waitFor('the queue to be empty', async () => ((await onQueue(q.url)) === 0 ? true : undefined));
  const batches = await waitFor('the batches to be recorded', async () => {
    const b = await batchesOf(emu, arn);
    return b.reduce((n, x) => n + x.itemIds.length, 0) === 4 ? b : undefined;
  });
  expect(batches.flatMap((b) => b.filteredOutItemIds)).toHaveLength(2);
  expect(batches.every((b) => b.attempt === 1 && (b.outcome === 'delivered' || b.outcome === 'filtered'))).toBe(true);
  // Each enrichment and target call is recorded with its batch: one of each per event that passed the filter.
  const calls = batches.flatMap((b) => b.calls);
  expect(calls.map((c) => [c.step, c.arn, c.ok, c.statusCode]).sort()).toEqual([
    ['enrichment', enrichment, true, 200],
    ['enrichment', enrichment, true, 200],
    ['target', target, true, 200],
    ['target', target, true, 200],
  ]);
  const listed = (await inspect(emu.url, 'pipes')).pipes;
  expect(listed).toEqual([expect.objectContaining({ name: 'orders', currentState: 'RUNNING', polling: true, source: q.arn, target, enrichment })]);
}, 120_000);

test('target down: the batch fails, comes back after the visibility timeout, and the queue\'s redrive policy moves it to its DLQ', async () => {
  const { emu, pipes } = await emulator();
  const target = await createDestination(emu, 'down', await basicConnection(emu), `${sink.url}/target`);
  sink.fallback = () => ({ status: 503, body: 'down' });
  const dlq = await queue();
  // moto files a 000000000000 access key under its default account: the redrive policy names the DLQ by the ARN moto gave it.
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const q = await queue({ VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
  const arn = await runningPipe(emu, pipes, { Name: 'down', Source: q.arn, Target: target });
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"n":1}' }));
  const moved = await waitFor('the message on the DLQ', async () => {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 1, AttributeNames: ['All'] }));
    return got.Messages?.[0];
  });
  expect(moved.Body).toBe('{"n":1}');
  await pipes.send(new StopPipeCommand({ Name: 'down' }));
  const batches = await batchesOf(emu, arn);
  expect(batches.slice(0, 2).map((b) => [b.attempt, b.outcome])).toEqual([
    [1, 'failed'],
    [2, 'failed'],
  ]);
  expect(batches[0].reason).toMatch(/503/);
  expect(batches[0].calls).toEqual([expect.objectContaining({ step: 'target', arn: target, ok: false, statusCode: 503 })]);
  expect(targetBodies().slice(0, 2).map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([
    ['{"n":1}', '1'],
    ['{"n":1}', '2'],
  ]);
}, 120_000);

test('a restart in the middle of a batch: the batch the target had not taken is delivered after the restart, nothing is lost', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-pipes-e2e-'));
  const first = await emulator(dataDir);
  const target = await createDestination(first.emu, 'slow', await basicConnection(first.emu), `${sink.url}/target`);
  const q = await queue({ VisibilityTimeout: '0' });
  const arn = await runningPipe(first.emu, first.pipes, { Name: 'restart', Source: q.arn, Target: target });
  // The first attempt is still in flight (the API answers late, with an error) when the emulator stops.
  sink.reply({ status: 500, delayMs: 300 });
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"n":"kept"}' }));
  await waitFor('the target to be called', () => (sink.requests.length > 0 ? true : undefined));
  await started.splice(started.indexOf(first as never), 1)[0].close();
  expect(await onQueue(q.url)).toBe(1);

  const second = await emulator(dataDir);
  await waitFor('the pipe to run again', async () => ((await second.pipes.send(new DescribePipeCommand({ Name: 'restart' }))).CurrentState === 'RUNNING' ? true : undefined));
  await waitFor('the message delivered', () => (sink.requests.filter((r) => r.path === '/target').length >= 2 ? true : undefined));
  await waitFor('the queue to be empty', async () => ((await onQueue(q.url)) === 0 ? true : undefined));
  expect(targetBodies().map((r) => r.body)).toEqual(['{"n":"kept"}', '{"n":"kept"}']);
  // The batch is recorded once the source settled it (the queue may be empty a moment before).
  const batches = await waitFor('both batches recorded', async () => {
    const b = await batchesOf(second.emu, arn);
    return b.length >= 2 ? b : undefined;
  });
  expect(batches.map((b) => b.outcome)).toEqual(['failed', 'delivered']);
}, 120_000);

test('Kinesis: records reach the target, filtered on their data as JSON (and an InputTemplate reads it as JSON too)', async () => {
  const { emu, pipes } = await emulator();
  const kinesis = new KinesisClient(motoClientConfig(moto));
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'pipe-stream', ShardCount: 1 }));
    const streamArn = await waitFor('the stream', async () => {
      const s = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'pipe-stream' }))).StreamDescriptionSummary!;
      return s.StreamStatus === 'ACTIVE' ? s.StreamARN : undefined;
    });
    const target = await createDestination(emu, 'stream-api', await basicConnection(emu), `${sink.url}/target`);
    await runningPipe(emu, pipes, {
      Name: 'stream',
      Source: streamArn!,
      SourceParameters: { KinesisStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 }, FilterCriteria: { Filters: [{ Pattern: '{"data":{"keep":[true]}}' }] } },
      Target: target,
      TargetParameters: { InputTemplate: '{"partitionKey": <$.partitionKey>, "data": <$.data>}' },
    });
    for (const [key, data] of [['a', '{"keep":true,"n":1}'], ['b', '{"keep":false,"n":2}'], ['c', '{"keep":true,"n":3}']]) {
      await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: key, Data: Buffer.from(data) }));
    }
    await waitFor('two records at the target', () => (targetBodies().length >= 2 ? true : undefined));
    expect(targetBodies()).toEqual([
      { partitionKey: 'a', data: { keep: true, n: 1 } },
      { partitionKey: 'c', data: { keep: true, n: 3 } },
    ]);
  } finally {
    kinesis.destroy();
  }
}, 120_000);

test('DynamoDB Streams: an item written to the table reaches the target as an INSERT record', async () => {
  const { emu, pipes } = await emulator();
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  try {
    const table = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'pipe-table',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const streamArn = table.TableDescription!.LatestStreamArn!;
    const target = await createDestination(emu, 'table-api', await basicConnection(emu), `${sink.url}/target`);
    await runningPipe(emu, pipes, {
      Name: 'table',
      Source: streamArn,
      SourceParameters: { DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 5 }, FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] } },
      Target: target,
    });
    await dynamodb.send(new PutItemCommand({ TableName: 'pipe-table', Item: { pk: { S: 'k1' }, v: { N: '7' } } }));
    const [record] = await waitFor('the record at the target', () => (targetBodies().length >= 1 ? targetBodies() : undefined));
    expect(record).toMatchObject({ eventName: 'INSERT', eventSource: 'aws:dynamodb', eventSourceARN: streamArn, dynamodb: { Keys: { pk: { S: 'k1' } }, NewImage: { pk: { S: 'k1' }, v: { N: '7' } } } });
  } finally {
    dynamodb.destroy();
  }
}, 120_000);

test('a source that is not at the configured endpoint: CREATE_FAILED with the reason; no worker polls it', async () => {
  const { emu, pipes } = await emulator();
  const { Arn } = await pipes.send(new CreatePipeCommand({ Name: 'nowhere', Source: `arn:aws:sqs:${region}:${account}:no-such-queue`, Target: `arn:aws:sqs:${region}:${account}:out`, RoleArn: role }));
  await emu.emulator.clock.advanceSettled(1_000, async () => undefined);
  const failed = await waitFor('the create to fail', async () => {
    const d = await pipes.send(new DescribePipeCommand({ Name: 'nowhere' }));
    return d.CurrentState === 'CREATING' ? undefined : d;
  });
  expect(failed.CurrentState).toBe('CREATE_FAILED');
  expect(failed.StateReason).toBe(`The source arn:aws:sqs:${region}:${account}:no-such-queue does not exist at ${moto.url}.`);
  expect((await inspect(emu.url, 'pipes')).pipes).toEqual([expect.objectContaining({ arn: Arn, currentState: 'CREATE_FAILED', polling: false })]);
}, 60_000);

test('a Kinesis pipe resumes after a restart from its checkpoint in state.json: a delivered record is not delivered again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-pipes-checkpoint-'));
  const kinesis = new KinesisClient(motoClientConfig(moto));
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'pipe-resume', ShardCount: 1 }));
    const streamArn = await waitFor('the stream', async () => {
      const s = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'pipe-resume' }))).StreamDescriptionSummary!;
      return s.StreamStatus === 'ACTIVE' ? s.StreamARN : undefined;
    });
    const first = await emulator(dataDir);
    const target = await createDestination(first.emu, 'resume-api', await basicConnection(first.emu), `${sink.url}/target`);
    await runningPipe(first.emu, first.pipes, {
      Name: 'resume',
      Source: streamArn!,
      SourceParameters: { KinesisStreamParameters: { StartingPosition: 'TRIM_HORIZON', BatchSize: 10 } },
      Target: target,
      TargetParameters: { InputTemplate: '<$.data>' },
    });
    await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'k', Data: Buffer.from('{"n":1}') }));
    await waitFor('the first record at the target', () => (targetBodies().length >= 1 ? true : undefined));
    await started.splice(started.indexOf(first as never), 1)[0].close();

    const second = await emulator(dataDir);
    await waitFor('the pipe to run again', async () => ((await second.pipes.send(new DescribePipeCommand({ Name: 'resume' }))).CurrentState === 'RUNNING' ? true : undefined));
    await kinesis.send(new PutRecordCommand({ StreamARN: streamArn, PartitionKey: 'k', Data: Buffer.from('{"n":2}') }));
    await waitFor('the second record at the target', () => (targetBodies().length >= 2 ? true : undefined));
    expect(targetBodies()).toEqual([{ n: 1 }, { n: 2 }]);
  } finally {
    kinesis.destroy();
  }
}, 120_000);
