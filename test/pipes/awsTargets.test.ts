/**
 * A pipe's targets of AWS services, delivered for real to a moto_server on a loopback port through
 * the rule-target senders (createPipeTarget with a real emulator's pipeSteps), one event per call;
 * what arrived is read back with the official SDK clients.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { createPipeTarget } from '../../src/apis/pipes/targets.js';
import type { PipeDefinition } from '../../src/apis/pipes/steps.js';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { captures } from '../helpers/inspect.js';
import { motoClientConfig, motoS3Text, type Moto, startMotoWithSqs, stopMotoWithSqs } from '../helpers/moto.js';

const account = '000000000000';
const region = 'us-east-1';
const sourceArn = `arn:aws:sqs:${region}:${account}:orders-in`;
let moto: Moto;
let sqs: SQSClient;
let emu: Running;

beforeAll(async () => {
  ({ moto, sqs } = await startMotoWithSqs());
  emu = await startEmulator({ serviceEndpoints: { sqs: moto.url, sns: moto.url, kinesis: moto.url, sfn: moto.url, firehose: moto.url, 'cloudwatch-logs': moto.url } });
}, 90_000);
afterAll(async () => {
  await emu?.close();
  await stopMotoWithSqs(moto, sqs);
});

let n = 0;
const unique = (base: string) => `${base}-${process.pid}-${++n}`;

function sqsRecord(i: number, body: unknown) {
  return {
    messageId: `m-${i}`,
    receiptHandle: `rh-${i}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764637200000' },
    messageAttributes: {},
    md5OfBody: 'ignored',
    eventSource: 'aws:sqs',
    eventSourceARN: sourceArn,
    awsRegion: region,
  };
}

const pipe = (Target: string, TargetParameters?: PipeDefinition['TargetParameters']): PipeDefinition => ({
  Arn: `arn:aws:pipes:${region}:${account}:pipe/orders`,
  Name: 'orders',
  Source: sourceArn,
  Target,
  TargetParameters,
});

async function createQueue(name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:${region}:${account}:${name}` };
}

async function receive(url: string) {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }));
  return Messages ?? [];
}

test('SQS: one message per event, the rendered InputTemplate its body; nothing captured', async () => {
  const queue = await createQueue(unique('out'));
  const deliver = createPipeTarget(pipe(queue.arn, { InputTemplate: '{"order": <$.body.id>, "from": <aws.pipes.source-arn>}' }), emu.emulator.pipeSteps);
  expect(await deliver([sqsRecord(1, { id: 'o-1' }), sqsRecord(2, { id: 'o-2' })])).toEqual({ kind: 'delivered' });
  expect((await receive(queue.url)).map((m) => m.Body).sort()).toEqual([`{"order":"o-1","from":"${sourceArn}"}`, `{"order":"o-2","from":"${sourceArn}"}`]);
  expect(await captures(emu.url, queue.arn)).toEqual([]);
});

test('SQS FIFO: MessageGroupId and MessageDeduplicationId from SqsQueueParameters (dynamic); an event the queue refuses fails its item alone', async () => {
  // No content-based deduplication: the message is taken only with the pipe's deduplication id.
  const queue = await createQueue(`${unique('out')}.fifo`, { FifoQueue: 'true' });
  const deliver = createPipeTarget(pipe(queue.arn, { SqsQueueParameters: { MessageGroupId: '$.body.group', MessageDeduplicationId: '$.messageId' } }), emu.emulator.pipeSteps);
  const outcome = await deliver([sqsRecord(1, { group: 'eu' }), sqsRecord(2, { nogroup: true }), sqsRecord(3, { group: 'us' })]);
  expect(outcome).toMatchObject({ kind: 'partial', failedItemIds: ['m-2'] });
  const messages = await receive(queue.url);
  expect(messages.map((m) => [m.Attributes?.MessageGroupId, m.Attributes?.MessageDeduplicationId]).sort()).toEqual([
    ['eu', 'm-1'],
    ['us', 'm-3'],
  ]);
});

test('SNS: Publish per event reaches a subscribed queue', async () => {
  const sns = new SNSClient(motoClientConfig(moto));
  try {
    const queue = await createQueue(unique('topic-sub'));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique('topic') }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
    expect(await createPipeTarget(pipe(TopicArn!, { InputTemplate: '<$.body>' }), emu.emulator.pipeSteps)([sqsRecord(1, { n: 1 })])).toEqual({ kind: 'delivered' });
    expect((await receive(queue.url)).map((m) => m.Body)).toEqual(['{"n":1}']);
  } finally {
    sns.destroy();
  }
});

test('Kinesis: PutRecord with KinesisStreamParameters.PartitionKey, a literal or a path into the body', async () => {
  const kinesis = new KinesisClient(motoClientConfig(moto));
  try {
    const stream = unique('stream');
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    const arn = `arn:aws:kinesis:${region}:${account}:stream/${stream}`;
    expect(await createPipeTarget(pipe(arn, { KinesisStreamParameters: { PartitionKey: '$.body.device' } }), emu.emulator.pipeSteps)([sqsRecord(1, { device: 'd-7' })])).toEqual({ kind: 'delivered' });
    expect(await createPipeTarget(pipe(arn, { InputTemplate: '<$.body>', KinesisStreamParameters: { PartitionKey: 'fixed-key' } }), emu.emulator.pipeSteps)([sqsRecord(2, { device: 'd-8' })])).toEqual({ kind: 'delivered' });
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: stream }));
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: StreamDescription!.Shards![0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const got = (Records ?? []).map((r) => [r.PartitionKey, Buffer.from(r.Data!).toString('utf8')]);
    expect(got[0][0]).toBe('d-7');
    expect(JSON.parse(got[0][1]!)).toEqual(sqsRecord(1, { device: 'd-7' }));
    expect(got[1]).toEqual(['fixed-key', '{"device":"d-8"}']);
  } finally {
    kinesis.destroy();
  }
});

test('Firehose: PutRecord per event lands in the stream bucket', async () => {
  const firehose = new FirehoseClient(motoClientConfig(moto));
  try {
    const bucket = unique('pipe-firehose').toLowerCase();
    expect((await fetch(`${moto.url}/${bucket}`, { method: 'PUT' })).status).toBe(200);
    const stream = unique('fh');
    await firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: stream, ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: `arn:aws:iam::${account}:role/firehose` } }));
    const arn = `arn:aws:firehose:${region}:${account}:deliverystream/${stream}`;
    expect(await createPipeTarget(pipe(arn, { InputTemplate: '<$.body>' }), emu.emulator.pipeSteps)([sqsRecord(1, { id: 'f-1' })])).toEqual({ kind: 'delivered' });
    const key = /<Key>([^<]+)<\/Key>/.exec(await (await fetch(`${moto.url}/${bucket}?list-type=2`)).text())?.[1];
    expect(key).toBeDefined();
    expect(await motoS3Text(moto, bucket, key!)).toEqual({ status: 200, text: '{"id":"f-1"}' });
  } finally {
    firehose.destroy();
  }
});

test('CloudWatch Logs: PutLogEvents into CloudWatchLogsParameters.LogStreamName with its Timestamp (both from the event)', async () => {
  const logs = new CloudWatchLogsClient(motoClientConfig(moto));
  try {
    const group = `/aws/pipes/${unique('orders')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const arn = `arn:aws:logs:${region}:${account}:log-group:${group}`;
    const deliver = createPipeTarget(pipe(arn, { InputTemplate: '<$.body.msg>', CloudWatchLogsParameters: { LogStreamName: '$.body.stream', Timestamp: '$.body.ts' } }), emu.emulator.pipeSteps);
    // Within CloudWatch Logs' window (older than 14 days is rejected).
    const ts = Date.now() - 60_000;
    expect(await deliver([sqsRecord(1, { msg: 'hello', stream: 'orders-stream', ts })])).toEqual({ kind: 'delivered' });
    const { events } = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'orders-stream', startFromHead: true }));
    expect(events?.map((e) => [e.timestamp, e.message])).toEqual([[ts, '"hello"']]);
    // Without LogStreamName: one stream for the pipe.
    expect(await createPipeTarget(pipe(arn, { InputTemplate: '<$.body.msg>' }), emu.emulator.pipeSteps)([sqsRecord(2, { msg: 'a' }), sqsRecord(3, { msg: 'b' })])).toEqual({ kind: 'delivered' });
    const own = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'pipe-orders', startFromHead: true }));
    expect(own.events?.map((e) => e.message)).toEqual(['"a"', '"b"']);
  } finally {
    logs.destroy();
  }
});

test('Step Functions FIRE_AND_FORGET: one StartExecution for the whole batch, its input the JSON array', async () => {
  const sfn = new SFNClient(motoClientConfig(moto));
  try {
    const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: unique('sm'), definition, roleArn: `arn:aws:iam::${account}:role/sfn` }));
    const deliver = createPipeTarget(pipe(stateMachineArn!, { InputTemplate: '<$.body>', StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' } }), emu.emulator.pipeSteps);
    expect(await deliver([sqsRecord(1, { a: 1 }), sqsRecord(2, { a: 2 })])).toEqual({ kind: 'delivered' });
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions).toHaveLength(1);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: executions![0].executionArn }))).input).toBe('[{"a":1},{"a":2}]');
  } finally {
    sfn.destroy();
  }
});

test('a target whose service is down answers failed (one attempt; the source retries)', async () => {
  const down = await startEmulator({ serviceEndpoints: { sqs: 'http://127.0.0.1:9' } });
  try {
    const outcome = await createPipeTarget(pipe(`arn:aws:sqs:${region}:${account}:nowhere`), down.emulator.pipeSteps)([sqsRecord(1, {})]);
    expect(outcome).toMatchObject({ kind: 'failed' });
  } finally {
    await down.close();
  }
});

test('more events than a batchable target takes (SQS: 10) are not sent at all', async () => {
  const queue = await createQueue(unique('small'));
  const events = Array.from({ length: 11 }, (_, i) => sqsRecord(i, { i }));
  expect(await createPipeTarget(pipe(queue.arn), emu.emulator.pipeSteps)(events)).toMatchObject({ kind: 'failed', reason: expect.stringContaining('at most 10') });
  expect(await receive(queue.url)).toEqual([]);
});

