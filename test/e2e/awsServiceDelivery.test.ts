/**
 * Real delivery to the AWS services a target names, against a real moto_server on a
 * loopback port: what arrived is read back with the official SDK clients (ReceiveMessage,
 * a queue subscribed to the topic, GetRecords, DescribeExecution, GetLogEvents).
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand, type Target } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { inspect, captures } from '../helpers/inspect.js';
import { startProcess } from '../helpers/process.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { motoClientConfig, motoCreateRole, motoS3Text, type Moto, startMotoWithSqs, stopMotoWithSqs } from '../helpers/moto.js';

const account = '000000000000';
const region = 'us-east-1';
let moto: Moto;
let sqs: SQSClient;

beforeAll(async () => ({ moto, sqs } = await startMotoWithSqs()), 90_000);
afterAll(() => stopMotoWithSqs(moto, sqs));

let n = 0;
const unique = (base: string) => `${base}-${process.pid}-${++n}`;

async function emulatorFor(extra: Parameters<typeof startEmulator>[0] = {}): Promise<Running> {
  return startEmulator({ serviceEndpoints: { sqs: moto.url, sns: moto.url, kinesis: moto.url, sfn: moto.url, firehose: moto.url, 'cloudwatch-logs': moto.url }, ...extra });
}

async function ruleWithTarget(emu: Running, rule: string, target: Target): Promise<void> {
  await emu.client.send(new PutRuleCommand({ Name: rule, EventPattern: '{"source":["shop"]}' }));
  const res = await emu.client.send(new PutTargetsCommand({ Rule: rule, Targets: [target] }));
  expect(res.FailedEntryCount).toBe(0);
}

async function putOrder(emu: Running, detail: Record<string, unknown>): Promise<string> {
  const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify(detail) }] }));
  expect(res.FailedEntryCount).toBe(0);
  return res.Entries![0].EventId!;
}

async function settled(emu: Running): Promise<void> {
  await emu.emulator.engine.idle();
  await emu.emulator.engine.idle();
}

async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:${region}:${account}:${name}` };
}

async function receive(url: string, extra: Record<string, unknown> = {}) {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], ...extra }));
  return Messages ?? [];
}

const transformer = { InputPathsMap: { id: '$.detail.id', total: '$.detail.total' }, InputTemplate: '{"order": <id>, "total": <total>, "rule": <aws.events.rule-name>}' };

test('SQS: the rendered input is the message body, byte for byte what a capture shows', async () => {
  const queue = await createQueue(unique('orders'));
  const emu = await emulatorFor();
  const captured = await startEmulator();
  try {
    for (const e of [emu, captured]) await ruleWithTarget(e, 'to-queue', { Id: 'q', Arn: queue.arn, InputTransformer: transformer });
    const eventId = await putOrder(emu, { id: 'o-1', total: 12.5 });
    await putOrder(captured, { id: 'o-1', total: 12.5 });
    await settled(emu);
    const messages = await receive(queue.url);
    expect(messages).toHaveLength(1);
    const [capture] = await captures(captured.url, queue.arn);
    expect(messages[0].Body).toBe('{"order":"o-1","total":12.5,"rule":"to-queue"}');
    expect(messages[0].Body).toBe(capture.payload);
    const { deliveries } = await inspect(emu.url, 'deliveries?status=delivered');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ eventId, targetArn: queue.arn, status: 'delivered' });
    expect(deliveries[0].attempts[0]).toMatchObject({ ok: true, request: { service: 'sqs', operation: 'SendMessage', input: { MessageBody: messages[0].Body } }, response: { MessageId: messages[0].MessageId } });
    // Nothing was captured when the queue has an endpoint.
    expect(await captures(emu.url, queue.arn)).toEqual([]);
  } finally {
    await emu.close();
    await captured.close();
  }
});

test('SQS FIFO: MessageGroupId from SqsParameters; a queue with content-based deduplication takes the message', async () => {
  const queue = await createQueue(`${unique('orders')}.fifo`, { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-fifo', { Id: 'fifo', Arn: queue.arn, SqsParameters: { MessageGroupId: 'orders-eu' } });
    const eventId = await putOrder(emu, { id: 'o-2' });
    await settled(emu);
    const messages = await receive(queue.url, { MessageSystemAttributeNames: ['MessageGroupId'] });
    expect(messages).toHaveLength(1);
    expect(messages[0].Attributes?.MessageGroupId).toBe('orders-eu');
    expect(JSON.parse(messages[0].Body!)).toMatchObject({ id: eventId, source: 'shop', detail: { id: 'o-2' } });
  } finally {
    await emu.close();
  }
});

test('SQS FIFO without content-based deduplication refuses the message (EventBridge sends no deduplication id): not retried', async () => {
  const queue = await createQueue(`${unique('nodedup')}.fifo`, { FifoQueue: 'true' });
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-fifo', { Id: 'fifo', Arn: queue.arn, SqsParameters: { MessageGroupId: 'g' } });
    await putOrder(emu, { id: 'o-2b' });
    await settled(emu);
    const [dropped] = (await inspect(emu.url, 'deliveries?status=dropped')).deliveries;
    expect(dropped.attempts).toHaveLength(1);
    expect(dropped.attempts[0]).toMatchObject({ ok: false, errorCode: 'INVALID_PARAMETER' });
    expect(await receive(queue.url)).toEqual([]);
  } finally {
    await emu.close();
  }
});

test('SNS: Publish to the topic reaches a queue subscribed to it', async () => {
  const sns = new SNSClient(motoClientConfig(moto));
  const queue = await createQueue(unique('topic-sub'));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique('orders-topic') }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-topic', { Id: 'sns', Arn: TopicArn!, Input: '{"notice":"order placed"}' });
    await putOrder(emu, { id: 'o-3' });
    await settled(emu);
    const messages = await receive(queue.url);
    expect(messages.map((m) => m.Body)).toEqual(['{"notice":"order placed"}']);
  } finally {
    sns.destroy();
    await emu.close();
  }
});

test('Kinesis: PutRecord with the partition key from PartitionKeyPath, else the event id', async () => {
  const kinesis = new KinesisClient(motoClientConfig(moto));
  const stream = unique('orders-stream');
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  const arn = `arn:aws:kinesis:${region}:${account}:stream/${stream}`;
  const emu = await emulatorFor();
  try {
    await emu.client.send(new PutRuleCommand({ Name: 'to-stream', EventPattern: '{"source":["shop"]}' }));
    await emu.client.send(
      new PutTargetsCommand({
        Rule: 'to-stream',
        Targets: [
          { Id: 'keyed', Arn: arn, InputPath: '$.detail', KinesisParameters: { PartitionKeyPath: '$.detail.customer' } },
          { Id: 'default-key', Arn: arn, InputPath: '$.detail' },
        ],
      }),
    );
    const eventId = await putOrder(emu, { id: 'o-4', customer: 'c-9' });
    await settled(emu);
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: stream }));
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: StreamDescription!.Shards![0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const got = (Records ?? []).map((r) => ({ key: r.PartitionKey, data: Buffer.from(r.Data!).toString('utf8') })).sort((a, b) => a.key!.localeCompare(b.key!));
    expect(got).toEqual([
      { key: eventId, data: '{"id":"o-4","customer":"c-9"}' },
      { key: 'c-9', data: '{"id":"o-4","customer":"c-9"}' },
    ].sort((a, b) => a.key.localeCompare(b.key)));
  } finally {
    kinesis.destroy();
    await emu.close();
  }
});

test('Step Functions: StartExecution with the input; DescribeExecution shows it', async () => {
  const sfn = new SFNClient(motoClientConfig(moto));
  const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: unique('fulfil'), definition, roleArn: `arn:aws:iam::${account}:role/sfn` }));
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-sfn', { Id: 'sfn', Arn: stateMachineArn!, InputTransformer: transformer, RoleArn: `arn:aws:iam::${account}:role/events` });
    await putOrder(emu, { id: 'o-5', total: 3 });
    await settled(emu);
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions).toHaveLength(1);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executions![0].executionArn }));
    expect(described.input).toBe('{"order":"o-5","total":3,"rule":"to-sfn"}');
  } finally {
    sfn.destroy();
    await emu.close();
  }
});

test('CloudWatch Logs: PutLogEvents into a stream named after the event id', async () => {
  const logs = new CloudWatchLogsClient(motoClientConfig(moto));
  const group = `/aws/events/${unique('orders')}`;
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-logs', { Id: 'logs', Arn: `arn:aws:logs:${region}:${account}:log-group:${group}:*` });
    const eventId = await putOrder(emu, { id: 'o-6' });
    await settled(emu);
    const { events } = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: eventId, startFromHead: true }));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events![0].message!)).toMatchObject({ id: eventId, detail: { id: 'o-6' } });
    const [delivery] = (await inspect(emu.url, 'deliveries?status=delivered')).deliveries;
    expect(events![0].message).toBe(delivery.payload);
  } finally {
    logs.destroy();
    await emu.close();
  }
});

test('Firehose: PutRecord on the delivery stream; the record lands in its S3 bucket', async () => {
  const firehose = new FirehoseClient(motoClientConfig(moto));
  const bucket = unique('firehose-bucket').toLowerCase();
  // S3 through its REST API (moto checks no signature): a bucket for the stream's destination.
  expect((await fetch(`${moto.url}/${bucket}`, { method: 'PUT' })).status).toBe(200);
  const stream = unique('orders-firehose');
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: stream,
      ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: `arn:aws:iam::${account}:role/firehose` },
    }),
  );
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-firehose', { Id: 'fh', Arn: `arn:aws:firehose:${region}:${account}:deliverystream/${stream}`, InputPath: '$.detail' });
    await putOrder(emu, { id: 'o-7' });
    await settled(emu);
    const listing = await (await fetch(`${moto.url}/${bucket}?list-type=2`)).text();
    const key = /<Key>([^<]+)<\/Key>/.exec(listing)?.[1];
    expect(key).toBeDefined();
    expect(await motoS3Text(moto, bucket, key!)).toEqual({ status: 200, text: '{"id":"o-7"}' });
  } finally {
    firehose.destroy();
    await emu.close();
  }
});

test('Lambda: Invoke on moto_server (its Docker-free Lambda answers a synchronous call with the event it got)', async () => {
  // moto's Lambda without Docker accepts Event invocations (202) and echoes the payload of RequestResponse ones.
  expect((await fetch(`${moto.url}/moto-api/config`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"lambda":{"use_docker":false}}' })).status).toBe(201);
  const lambda = new LambdaClient(motoClientConfig(moto));
  const name = unique('orders-handler');
  const { FunctionArn } = await lambda.send(
    new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: await motoCreateRole(moto, unique('fn-role')), Code: { ZipFile: Buffer.from('504b0506' + '00'.repeat(18), 'hex') } }),
  );
  lambda.destroy();
  const asyncEmu = await emulatorFor({ serviceEndpoints: { lambda: moto.url } });
  const syncEmu = await emulatorFor({ serviceEndpoints: { lambda: { url: moto.url, invocationType: 'RequestResponse' } } });
  try {
    for (const emu of [asyncEmu, syncEmu]) {
      await ruleWithTarget(emu, 'to-fn', { Id: 'fn', Arn: FunctionArn!, InputTransformer: transformer });
      await putOrder(emu, { id: 'o-10', total: 1 });
      await settled(emu);
    }
    const [event] = (await inspect(asyncEmu.url, 'deliveries?status=delivered')).deliveries;
    expect(event.attempts[0]).toMatchObject({ ok: true, statusCode: 202, request: { operation: 'Invoke', input: { InvocationType: 'Event' } }, response: { StatusCode: 202 } });
    const [sync] = (await inspect(syncEmu.url, 'deliveries?status=delivered')).deliveries;
    expect(sync.attempts[0]).toMatchObject({ ok: true, statusCode: 200, response: { StatusCode: 200, Payload: '{"order":"o-10","total":1,"rule":"to-fn"}' } });
  } finally {
    await asyncEmu.close();
    await syncEmu.close();
  }
});

test('a deleted queue is not retried: the event goes to the DLQ queue with AWS\'s message attributes', async () => {
  const queue = await createQueue(unique('gone'));
  const dlq = await createQueue(unique('dlq'));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
  const emu = await emulatorFor();
  try {
    await ruleWithTarget(emu, 'to-gone', { Id: 'gone', Arn: queue.arn, DeadLetterConfig: { Arn: dlq.arn }, InputPath: '$.detail' });
    const eventId = await putOrder(emu, { id: 'o-8' });
    await settled(emu);
    const messages = await receive(dlq.url);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0].Body!)).toMatchObject({ id: eventId, detail: { id: 'o-8' } });
    const attributes = Object.fromEntries(Object.entries(messages[0].MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
    expect(attributes).toEqual({
      RULE_ARN: `arn:aws:events:${region}:${account}:rule/to-gone`,
      TARGET_ARN: queue.arn,
      ERROR_CODE: 'NO_RESOURCE',
      ERROR_MESSAGE: expect.stringContaining('QueueDoesNotExist'),
      RETRY_ATTEMPTS: '0',
    });
    const deadLettered = (await inspect(emu.url, 'deliveries?status=dead-lettered')).deliveries;
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0].attempts).toHaveLength(1);
    // The emulator's own list stays empty: the dead letter went to the real queue.
    expect((await inspect(emu.url, `dead-letters?queueArn=${encodeURIComponent(dlq.arn)}`)).messages).toEqual([]);
  } finally {
    await emu.close();
  }
});

test.each([
  ['AWS_ENDPOINT_URL_SQS wins over AWS_ENDPOINT_URL', [], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SQS: '<moto>' }],
  ['--service-endpoint wins over AWS_ENDPOINT_URL_SQS', ['--service-endpoint', 'sqs=<moto>'], { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9' }],
])('the built CLI delivers to SQS: %s', async (_name, flags, env) => {
  const queue = await createQueue(unique('cli'));
  const withMoto = (v: string) => v.replace('<moto>', moto.url);
  // Port 9 (discard) on loopback: nothing listens there, so the wrong source would show as a failed delivery.
  const server = await startProcess(['--port', '0', '--in-memory', '--log-level', 'silent', ...(flags as string[]).map(withMoto)], Object.fromEntries(Object.entries(env).map(([k, v]) => [k, withMoto(v)])));
  const client = new EventBridgeClient({ endpoint: server.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    await client.send(new PutRuleCommand({ Name: 'cli', EventPattern: '{"source":["shop"]}' }));
    await client.send(new PutTargetsCommand({ Rule: 'cli', Targets: [{ Id: 'q', Arn: queue.arn, InputPath: '$.detail' }] }));
    await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{"id":"o-11"}' }] }));
    let bodies: string[] = [];
    for (let i = 0; i < 50 && bodies.length === 0; i++) bodies = (await receive(queue.url, { WaitTimeSeconds: 1, MaxNumberOfMessages: 1 })).map((m) => m.Body!);
    expect(bodies).toEqual(['{"id":"o-11"}']);
  } finally {
    client.destroy();
    await server.stop();
  }
}, 90_000);

test('the target stays captured when its service has no endpoint, and when the endpoint is the emulator itself', async () => {
  const queueArn = `arn:aws:sqs:${region}:${account}:never-created`;
  const port = await freePort();
  const emu = await startEmulator({ port, serviceEndpoints: { sqs: `http://localhost:${port}` } });
  try {
    await ruleWithTarget(emu, 'to-self', { Id: 'q', Arn: queueArn });
    await putOrder(emu, { id: 'o-9' });
    await settled(emu);
    expect(await captures(emu.url, queueArn)).toHaveLength(1);
  } finally {
    await emu.close();
  }
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

