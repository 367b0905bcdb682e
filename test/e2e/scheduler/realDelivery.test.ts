/**
 * Schedules' targets with the services at an endpoint (a real moto_server on loopback): SQS, SNS,
 * Step Functions, Kinesis and Firehose really receive the invocation, read back with the official
 * SDK clients; a failing target's dead letter lands in a real SQS queue in Scheduler's form.
 */
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateScheduleCommand, SchedulerClient, type Target } from '@aws-sdk/client-scheduler';
import { startEmulator, type Running } from '../../helpers/emulator.js';
import { inspect } from '../../helpers/inspect.js';
import { motoClientConfig, motoS3Text, type Moto, startMotoWithSqs, stopMotoWithSqs } from '../../helpers/moto.js';

const account = '000000000000';
const region = 'us-east-1';
const role = `arn:aws:iam::${account}:role/scheduler`;
let moto: Moto;
let sqs: SQSClient;
let emu: Running;
let client: SchedulerClient;

beforeAll(async () => {
  ({ moto, sqs } = await startMotoWithSqs());
  emu = await startEmulator({ serviceEndpoints: { sqs: moto.url, sns: moto.url, kinesis: moto.url, sfn: moto.url, firehose: moto.url } });
  client = new SchedulerClient({ endpoint: emu.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
}, 90_000);
afterAll(async () => {
  client?.destroy();
  await emu?.close();
  await stopMotoWithSqs(moto, sqs);
});

let n = 0;
const unique = (base: string) => `${base}-${process.pid}-${++n}`;

async function createQueue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:${region}:${account}:${name}` };
}

async function receive(url: string) {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
  return Messages ?? [];
}

/** A rate schedule without StartDate is invoked at once (User Guide, schedule types): one invocation. */
async function invokeOnce(target: Omit<Target, 'RoleArn'>): Promise<string> {
  const { ScheduleArn } = await client.send(new CreateScheduleCommand({ Name: unique('s'), ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { ...target, RoleArn: role } }));
  emu.emulator.clock.advance(1000);
  await emu.emulator.engine.idle();
  await emu.emulator.engine.idle();
  return ScheduleArn!;
}

test('SQS: the rendered Input is the message body, on each invocation of a rate schedule', async () => {
  const queue = await createQueue(unique('sched'));
  const start = Math.ceil(emu.emulator.clock.now() / 1000) * 1000 + 60_000;
  const created = await client.send(
    new CreateScheduleCommand({
      Name: 'to-sqs',
      ScheduleExpression: 'rate(5 minutes)',
      StartDate: new Date(start),
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: queue.arn, RoleArn: role, Input: '{"schedule":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>"}' },
    }),
  );
  emu.emulator.clock.advance(6 * 60_000 + 1000);
  await emu.emulator.engine.idle();
  await emu.emulator.engine.idle();
  const bodies = (await receive(queue.url)).map((m) => JSON.parse(m.Body!)).sort((a, b) => (a.at < b.at ? -1 : 1));
  expect(bodies).toEqual([
    { schedule: created.ScheduleArn, at: new Date(start).toISOString().replace('.000Z', 'Z') },
    { schedule: created.ScheduleArn, at: new Date(start + 300_000).toISOString().replace('.000Z', 'Z') },
  ]);
}, 60_000);

test('SNS: Publish of the Input reaches a queue subscribed to the topic', async () => {
  const sns = new SNSClient(motoClientConfig(moto));
  try {
    const queue = await createQueue(unique('topic-sub'));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique('topic') }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
    const arn = await invokeOnce({ Arn: TopicArn!, Input: '{"from":"<aws.scheduler.schedule-arn>"}' });
    expect((await receive(queue.url)).map((m) => m.Body)).toEqual([JSON.stringify({ from: arn })]);
  } finally {
    sns.destroy();
  }
});

test('Step Functions: StartExecution with the Input', async () => {
  const sfn = new SFNClient(motoClientConfig(moto));
  try {
    const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: unique('machine'), definition, roleArn: `arn:aws:iam::${account}:role/sfn` }));
    await invokeOnce({ Arn: stateMachineArn!, Input: '{"job":"nightly","attempt":<aws.scheduler.attempt-number>}' });
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions).toHaveLength(1);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executions![0].executionArn }));
    expect(described.input).toBe('{"job":"nightly","attempt":1}');
  } finally {
    sfn.destroy();
  }
});

test("Kinesis: PutRecord with KinesisParameters.PartitionKey (Scheduler's literal key) and the Input as data", async () => {
  const kinesis = new KinesisClient(motoClientConfig(moto));
  try {
    const stream = unique('stream');
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    await invokeOnce({ Arn: `arn:aws:kinesis:${region}:${account}:stream/${stream}`, Input: '{"tick":1}', KinesisParameters: { PartitionKey: 'tenant-7' } });
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: stream }));
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: StreamDescription!.Shards![0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect((Records ?? []).map((r) => ({ key: r.PartitionKey, data: Buffer.from(r.Data!).toString('utf8') }))).toEqual([{ key: 'tenant-7', data: '{"tick":1}' }]);
  } finally {
    kinesis.destroy();
  }
});

test('Firehose: PutRecord of the Input; the record lands in the stream\'s S3 bucket', async () => {
  const firehose = new FirehoseClient(motoClientConfig(moto));
  try {
    const bucket = unique('sched-bucket').toLowerCase();
    expect((await fetch(`${moto.url}/${bucket}`, { method: 'PUT' })).status).toBe(200);
    const stream = unique('firehose');
    await firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: stream, ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: `arn:aws:iam::${account}:role/firehose` } }));
    await invokeOnce({ Arn: `arn:aws:firehose:${region}:${account}:deliverystream/${stream}`, Input: '{"report":"daily"}' });
    const listing = await (await fetch(`${moto.url}/${bucket}?list-type=2`)).text();
    const key = /<Key>([^<]+)<\/Key>/.exec(listing)?.[1];
    expect(key).toBeDefined();
    expect(await motoS3Text(moto, bucket, key!)).toEqual({ status: 200, text: '{"report":"daily"}' });
  } finally {
    firehose.destroy();
  }
});

test("a target queue that does not exist: the DLQ (a real queue) gets Scheduler's dead-letter event", async () => {
  const gone = await createQueue(unique('gone'));
  const dlq = await createQueue(unique('dlq'));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
  const arn = await invokeOnce({ Arn: gone.arn, Input: '{"n":"<aws.scheduler.attempt-number>"}', DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 0 } });
  const messages = await receive(dlq.url);
  expect(messages).toHaveLength(1);
  expect(messages[0].Body).toBe('{"n":"1"}');
  const attributes = Object.fromEntries(Object.entries(messages[0].MessageAttributes ?? {}).map(([k, v]) => [k, [v.DataType, v.StringValue]]));
  expect(attributes).toEqual({
    ERROR_CODE: ['String', 'NO_RESOURCE'],
    ERROR_MESSAGE: ['String', expect.stringContaining('QueueDoesNotExist')],
    EXECUTION_ID: ['String', expect.stringMatching(/^[0-9a-f-]{36}$/)],
    IS_PAYLOAD_TRUNCATED: ['String', 'false'],
    RETRY_ATTEMPTS: ['String', '0'],
    SCHEDULED_TIME: ['String', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)],
    SCHEDULE_ARN: ['String', arn],
    TARGET_ARN: ['String', gone.arn],
  });
  const [delivery] = (await inspect(emu.url, `deliveries?status=dead-lettered`)).deliveries.filter((d: { ruleArn: string }) => d.ruleArn === arn);
  expect(delivery.deadLetterQueueArn).toBe(dlq.arn);
});
