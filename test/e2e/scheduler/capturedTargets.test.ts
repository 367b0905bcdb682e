/**
 * The templated targets whose services the emulator does not run (ECS RunTask, SageMaker
 * StartPipelineExecution, ...), with no endpoint configured: captured with the rendered Input
 * and the target's parameter blocks as configured; and a failing target's dead letter kept in
 * the emulator's own list in Scheduler's dead-letter form.
 */
import { CreateScheduleCommand, SchedulerClient, type Target } from '@aws-sdk/client-scheduler';
import { startEmulator, useEmulator } from '../../helpers/emulator.js';
import { captures, deadLetters } from '../../helpers/inspect.js';

const emu = useEmulator();
let client: SchedulerClient;
beforeAll(() => {
  client = new SchedulerClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
});
afterAll(() => client.destroy());

const role = 'arn:aws:iam::000000000000:role/scheduler';

async function invokeOnce(name: string, target: Omit<Target, 'RoleArn'>): Promise<string> {
  const { ScheduleArn } = await client.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { ...target, RoleArn: role } }));
  emu.emulator.clock.advance(1000);
  await emu.emulator.engine.idle();
  return ScheduleArn!;
}

test.each([
  [
    'ECS RunTask (EcsParameters)',
    'arn:aws:ecs:us-east-1:000000000000:cluster/jobs',
    {
      EcsParameters: {
        TaskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/report:3',
        TaskCount: 2,
        LaunchType: 'FARGATE' as const,
        NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-1'], AssignPublicIp: 'DISABLED' as const } },
        Tags: [{ team: 'data' }],
      },
    },
  ],
  ['SageMaker StartPipelineExecution (SageMakerPipelineParameters)', 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/train', { SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'epochs', Value: '3' }] } }],
  ['SQS FIFO (SqsParameters)', 'arn:aws:sqs:us-east-1:000000000000:orders.fifo', { SqsParameters: { MessageGroupId: 'g-1' } }],
  ['Kinesis (KinesisParameters)', 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks', { KinesisParameters: { PartitionKey: 'p-1' } }],
  ['CodeBuild StartBuild (no parameter block)', 'arn:aws:codebuild:us-east-1:000000000000:project/nightly', {}],
])('%s is captured with its Input and its parameter block', async (_kind, arn, parameters) => {
  const scheduleArn = await invokeOnce('captured', { Arn: arn, Input: '{"from":"<aws.scheduler.schedule-arn>"}', ...parameters });
  const [got] = await captures(emu.url, arn);
  expect(JSON.parse(got.payload)).toEqual({ from: scheduleArn });
  expect(got.ruleArn).toBe(scheduleArn);
  expect(got.parameters).toEqual({ RoleArn: role, ...parameters });
});

test("a target that fails is dead-lettered (captured DLQ) in Scheduler's form: the request body and its attributes", async () => {
  const dlq = 'arn:aws:sqs:us-east-1:000000000000:dlq';
  // A bus that does not exist: PutEvents fails, and is not retried.
  const scheduleArn = await invokeOnce('doomed', {
    Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/missing',
    Input: '{"k":"v"}',
    EventBridgeParameters: { DetailType: 'Tick', Source: 'my.app' },
    RetryPolicy: { MaximumRetryAttempts: 0 },
    DeadLetterConfig: { Arn: dlq },
  });
  const [dead] = await deadLetters(emu.url, dlq);
  expect(JSON.parse(dead.body)).toMatchObject({ source: 'my.app', 'detail-type': 'Tick', detail: { k: 'v' }, resources: [scheduleArn] });
  expect(dead.attributes).toEqual({
    ERROR_CODE: expect.any(String),
    ERROR_MESSAGE: expect.any(String),
    EXECUTION_ID: JSON.parse(dead.body).id,
    IS_PAYLOAD_TRUNCATED: 'false',
    RETRY_ATTEMPTS: '0',
    SCHEDULED_TIME: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    SCHEDULE_ARN: scheduleArn,
    TARGET_ARN: 'arn:aws:events:us-east-1:000000000000:event-bus/missing',
  });
});

test('retries exhausted: EXHAUSTED_RETRY_CONDITION says which limit ended them, RETRY_ATTEMPTS how many retries were made', async () => {
  const fn = 'arn:aws:lambda:us-east-1:000000000000:function:broken';
  const dlq = 'arn:aws:sqs:us-east-1:000000000000:dlq-retries';
  const running = await startEmulator({
    random: () => 0.5,
    lambdas: {
      [fn]: async () => {
        throw new Error('always');
      },
    },
  });
  const c = new SchedulerClient({ endpoint: running.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const { ScheduleArn } = await c.send(
      new CreateScheduleCommand({
        Name: 'retrying',
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: fn, RoleArn: role, Input: '{"n":"<aws.scheduler.attempt-number>"}', RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: dlq } },
      }),
    );
    for (let i = 0; i < 10 && (await deadLetters(running.url, dlq)).length === 0; i++) {
      running.emulator.clock.advance(10 * 60_000);
      await running.emulator.engine.idle();
    }
    const [dead] = await deadLetters(running.url, dlq);
    expect(dead.body).toBe('{"n":"3"}');
    expect(dead.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '2', SCHEDULE_ARN: ScheduleArn, TARGET_ARN: fn });
  } finally {
    c.destroy();
    await running.close();
  }
});
