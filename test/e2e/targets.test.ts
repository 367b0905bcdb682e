/**
 * Targets end to end through the SDK: PutTargets (add, replace, quota, validation,
 * per-entry failures), RemoveTargets, ListTargetsByRule, and a restart that keeps it all.
 * Messages are AWS's (../shared/aws-facts.md §5.1, §5.4); the per-entry failures for
 * event buses and API destinations that do not exist are the emulator's own checks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type EventBridgeClient,
  type PutTargetsCommandInput,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError, rawCall, startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

const account = '000000000000';
const pattern = JSON.stringify({ source: ['orders'] });
const queue = (name: string, acct = account) => `arn:aws:sqs:us-east-1:${acct}:${name}`;
const busArn = (name: string, acct = account, region = 'us-east-1') => `arn:aws:events:${region}:${acct}:event-bus/${name}`;
const sqsTarget = (Id: string, name = Id): Target => ({ Id, Arn: queue(name) });

const putRule = (Name: string, EventBusName?: string, client: EventBridgeClient = emu.client) =>
  client.send(new PutRuleCommand({ Name, EventPattern: pattern, EventBusName }));
const putTargets = (input: PutTargetsCommandInput, client: EventBridgeClient = emu.client) => client.send(new PutTargetsCommand(input));
const listTargets = async (Rule: string, EventBusName?: string) => (await emu.client.send(new ListTargetsByRuleCommand({ Rule, EventBusName }))).Targets;
const ids = (targets: Target[] | undefined) => (targets ?? []).map((t) => t.Id);
const fields = <T extends { $metadata?: unknown }>(response: T) => {
  const { $metadata, ...rest } = response;
  return rest;
};

describe('PutTargets', () => {
  test('adds targets and answers FailedEntryCount 0 with an empty FailedEntries list', async () => {
    await putRule('r');
    const response = await putTargets({ Rule: 'r', Targets: [sqsTarget('a'), sqsTarget('b')] });
    expect(fields(response)).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect(await listTargets('r')).toEqual([sqsTarget('a'), sqsTarget('b')]);
  });

  test('the empty FailedEntries list is on the wire, not made up by the SDK', async () => {
    await putRule('r');
    const raw = await rawCall(emu.url, 'PutTargets', JSON.stringify({ Rule: 'r', Targets: [sqsTarget('a')] }));
    expect(raw.status).toBe(200);
    expect(raw.json).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
  });

  test('replaces a target that has the same Id, keeping the order targets were first added in', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: [sqsTarget('c'), sqsTarget('a')] });
    await putTargets({ Rule: 'r', Targets: [sqsTarget('b')] });
    await putTargets({ Rule: 'r', Targets: [{ Id: 'a', Arn: queue('replaced'), Input: '{"v":2}' }] });
    expect(await listTargets('r')).toEqual([sqsTarget('c'), { Id: 'a', Arn: queue('replaced'), Input: '{"v":2}' }, sqsTarget('b')]);
  });

  test('a replacement drops the members the new definition does not have', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: [{ Id: 'a', Arn: queue('q'), InputPath: '$.detail', RetryPolicy: { MaximumRetryAttempts: 3 } }] });
    await putTargets({ Rule: 'r', Targets: [{ Id: 'a', Arn: queue('q') }] });
    expect(await listTargets('r')).toEqual([{ Id: 'a', Arn: queue('q') }]);
  });

  test('the same ARN may be a target under several Ids, and the same Id on several rules', async () => {
    await putRule('r1');
    await putRule('r2');
    await putTargets({ Rule: 'r1', Targets: [{ Id: 'x', Arn: queue('q') }, { Id: 'y', Arn: queue('q') }] });
    await putTargets({ Rule: 'r2', Targets: [{ Id: 'x', Arn: queue('other') }] });
    expect(await listTargets('r1')).toEqual([{ Id: 'x', Arn: queue('q') }, { Id: 'y', Arn: queue('q') }]);
    expect(await listTargets('r2')).toEqual([{ Id: 'x', Arn: queue('other') }]);
  });

  test('on a rule of a custom bus, addressed by bus name or ARN', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await putRule('r', 'orders');
    await putTargets({ Rule: 'r', EventBusName: 'orders', Targets: [sqsTarget('a')] });
    await putTargets({ Rule: 'r', EventBusName: busArn('orders'), Targets: [sqsTarget('b')] });
    expect(ids(await listTargets('r', busArn('orders')))).toEqual(['a', 'b']);
    await expectAwsError(putTargets({ Rule: 'r', Targets: [sqsTarget('c')] }), 'ResourceNotFoundException', 'Rule r does not exist on EventBus default.');
  });

  test('of a missing rule or bus', async () => {
    await expectAwsError(putTargets({ Rule: 'ghost', Targets: [sqsTarget('a')] }), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await expectAwsError(
      putTargets({ Rule: 'ghost', EventBusName: 'orders', Targets: [sqsTarget('a')] }),
      'ResourceNotFoundException',
      'Rule ghost does not exist on EventBus orders.',
    );
    await expectAwsError(putTargets({ Rule: 'ghost', EventBusName: 'nope', Targets: [sqsTarget('a')] }), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });
});

describe('the limit of 5 targets per rule', () => {
  const limitMessage = 'The requested resource exceeds the maximum number allowed.';
  const targets = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => sqsTarget(`${prefix}${i}`));

  test('5 targets fit; 6 or 7 in one call are refused and none is added', async () => {
    await putRule('r');
    await expectAwsError(putTargets({ Rule: 'r', Targets: targets('t', 7) }), 'LimitExceededException', limitMessage);
    await expectAwsError(putTargets({ Rule: 'r', Targets: targets('t', 6) }), 'LimitExceededException', limitMessage);
    expect(await listTargets('r')).toEqual([]);
    await putTargets({ Rule: 'r', Targets: targets('t', 5) });
    expect(await listTargets('r')).toHaveLength(5);
  });

  test('counts the targets the rule already has, and a refused call changes nothing', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: targets('old', 3) });
    await expectAwsError(putTargets({ Rule: 'r', Targets: [{ Id: 'old0', Arn: queue('changed') }, ...targets('new', 3)] }), 'LimitExceededException', limitMessage);
    expect(await listTargets('r')).toEqual(targets('old', 3));
  });

  test('replacing targets by Id on a full rule is not adding', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: targets('t', 5) });
    const response = await putTargets({ Rule: 'r', Targets: [{ Id: 't0', Arn: queue('new-0') }, { Id: 't4', Arn: queue('new-4') }] });
    expect(response.FailedEntryCount).toBe(0);
    expect((await listTargets('r'))!.map((t) => t.Arn)).toEqual([queue('new-0'), queue('t1'), queue('t2'), queue('t3'), queue('new-4')]);
    await expectAwsError(putTargets({ Rule: 'r', Targets: [sqsTarget('sixth')] }), 'LimitExceededException', limitMessage);
  });

  test('frees a place when a target is removed', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: targets('t', 5) });
    await emu.client.send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['t2'] }));
    await putTargets({ Rule: 'r', Targets: [sqsTarget('late')] });
    expect(ids(await listTargets('r'))).toEqual(['t0', 't1', 't3', 't4', 'late']);
  });

  test('an entry that fails on its own does not take a place', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: targets('t', 4) });
    const response = await putTargets({ Rule: 'r', Targets: [sqsTarget('fifth'), { Id: 'ghost-bus', Arn: busArn('ghost') }] });
    expect(response.FailedEntryCount).toBe(1);
    expect(ids(await listTargets('r'))).toEqual(['t0', 't1', 't2', 't3', 'fifth']);
  });
});

describe('PutTargets validation', () => {
  test('target Ids must match the model pattern and length, with the member index in the path', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: '!@#$@!#$', Arn: queue('q') }] }),
      'ValidationException',
      "1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
    const long = 'i'.repeat(65);
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [sqsTarget('fine'), { Id: long, Arn: queue('q') }] }),
      'ValidationException',
      `1 validation error detected: Value '${long}' at 'targets.2.member.id' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
    expect(await listTargets('r')).toEqual([]);
  });

  test('Input, InputPath and InputTransformer are mutually exclusive, and nothing of the call is kept', async () => {
    await putRule('r');
    const message = 'Only one of Input, InputPath, or InputTransformer must be provided for target both.';
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [sqsTarget('ok'), { Id: 'both', Arn: queue('q'), Input: '{}', InputPath: '$.detail' }] }),
      'ValidationException',
      message,
    );
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'both', Arn: queue('q'), InputPath: '$.detail', InputTransformer: { InputTemplate: '"x"' } }] }),
      'ValidationException',
      message,
    );
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'both', Arn: queue('q'), Input: '{}', InputTransformer: { InputTemplate: '"x"' } }] }),
      'ValidationException',
      message,
    );
    expect(await listTargets('r')).toEqual([]);
  });

  test('Input must be JSON text', async () => {
    await putRule('r');
    await expectAwsError(putTargets({ Rule: 'r', Targets: [{ Id: 'json', Arn: queue('q'), Input: '{bad' }] }), 'ValidationException', /^JSON syntax error in input for target json: /);
    await putTargets({ Rule: 'r', Targets: [{ Id: 'json', Arn: queue('q'), Input: '"a string is JSON"' }] });
  });

  test('an InputTemplate placeholder must be a defined or predefined variable', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'tx', Arn: queue('q'), InputTransformer: { InputPathsMap: { known: '$.detail.id' }, InputTemplate: '{"id": <known>, "other": <notdefinedkey>}' } }] }),
      'ValidationException',
      'InputTemplate for target tx contains invalid placeholder notdefinedkey.',
    );
    const transformer = {
      InputPathsMap: { known: '$.detail.id' },
      InputTemplate: '{"id": <known>, "rule": <aws.events.rule-name>, "arn": <aws.events.rule-arn>, "at": <aws.events.event.ingestion-time>, "event": <aws.events.event.json>}',
    };
    await putTargets({ Rule: 'r', Targets: [{ Id: 'tx', Arn: queue('q'), InputTransformer: transformer }] });
    expect(await listTargets('r')).toEqual([{ Id: 'tx', Arn: queue('q'), InputTransformer: transformer }]);
  });

  test('InputPathsMap keys follow the model: no dots (so no AWS.* or aws.events.* names), at most 100 of them', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'tx', Arn: queue('q'), InputTransformer: { InputPathsMap: { 'aws.events.rule-name': '$.detail' }, InputTemplate: '"x"' } }] }),
      'ValidationException',
      "1 validation error detected: Value '{aws.events.rule-name=$.detail}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]",
    );
    const paths = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, `$.detail.f${i}`]));
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'tx', Arn: queue('q'), InputTransformer: { InputPathsMap: paths(101), InputTemplate: '"x"' } }] }),
      'ValidationException',
      /^1 validation error detected: Value '\{.*\}' at 'targets\.1\.member\.inputTransformer\.inputPathsMap' failed to satisfy constraint: Member must have length less than or equal to 100$/s,
    );
    await putTargets({ Rule: 'r', Targets: [{ Id: 'tx', Arn: queue('q'), InputTransformer: { InputPathsMap: paths(100), InputTemplate: '"<v0> <v99>"' } }] });
    expect(Object.keys((await listTargets('r'))![0].InputTransformer!.InputPathsMap!)).toHaveLength(100);
  });

  test('InputTemplate is required in an InputTransformer', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'tx', Arn: queue('q'), InputTransformer: { InputPathsMap: { a: '$.a' } } as never }] }),
      'ValidationException',
      "1 validation error detected: Value null at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null",
    );
  });

  test('RetryPolicy ranges: MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: 186, MaximumEventAgeInSeconds: 59 } }] }),
      'ValidationException',
      "2 validation errors detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185; Value '59' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    );
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: -1 } }] }),
      'ValidationException',
      "1 validation error detected: Value '-1' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: queue('q'), RetryPolicy: { MaximumEventAgeInSeconds: 86_401 } }] }),
      'ValidationException',
      "1 validation error detected: Value '86401' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 86400",
    );
    expect(await listTargets('r')).toEqual([]);

    const edges: Target[] = [
      { Id: 'low', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
      { Id: 'high', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } },
    ];
    await putTargets({ Rule: 'r', Targets: edges });
    expect(await listTargets('r')).toEqual(edges);
  });

  test('a service parameter block missing a required member', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [{ Id: 'k', Arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', KinesisParameters: {} as never }] }),
      'ValidationException',
      "1 validation error detected: Value null at 'targets.1.member.kinesisParameters.partitionKeyPath' failed to satisfy constraint: Member must not be null",
    );
  });

  test('an SQS FIFO queue needs SqsParameters: without them the whole call is refused', async () => {
    // AWS's answer, quoted in public reports (hashicorp/terraform#20263, awslabs/aws-ddk#183):
    // a request-level ValidationException (status 400).
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [sqsTarget('plain'), { Id: 'fifo', Arn: queue('orders.fifo') }] }),
      'ValidationException',
      'Parameter(s) SqsParameters must be specified for target: fifo.',
    );
    expect(await listTargets('r')).toEqual([]);
    await putTargets({ Rule: 'r', Targets: [{ Id: 'fifo', Arn: queue('orders.fifo'), SqsParameters: { MessageGroupId: 'g' } }] });
    expect(await listTargets('r')).toEqual([{ Id: 'fifo', Arn: queue('orders.fifo'), SqsParameters: { MessageGroupId: 'g' } }]);
  });

  test('an empty Targets list', async () => {
    await putRule('r');
    await expectAwsError(
      putTargets({ Rule: 'r', Targets: [] }),
      'ValidationException',
      "1 validation error detected: Value '[]' at 'targets' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('every member of a target is stored and returned as given', () => {
  test('RoleArn, Input*, RetryPolicy, DeadLetterConfig and every service parameter block', async () => {
    await putRule('r');
    const role = 'arn:aws:iam::000000000000:role/events-invoke';
    const targets: Target[] = [
      {
        Id: 'sqs-fifo',
        Arn: queue('orders.fifo'),
        RoleArn: role,
        Input: '{"fixed":true}',
        SqsParameters: { MessageGroupId: 'group-1' },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queue('orders-dlq') },
      },
      {
        Id: 'kinesis',
        Arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
        RoleArn: role,
        InputPath: '$.detail',
        KinesisParameters: { PartitionKeyPath: '$.detail.orderId' },
      },
      {
        Id: 'ecs',
        Arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/main',
        RoleArn: role,
        EcsParameters: {
          TaskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/worker:3',
          TaskCount: 2,
          LaunchType: 'FARGATE',
          NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroups: ['sg-1'], AssignPublicIp: 'DISABLED' } },
          PlatformVersion: 'LATEST',
          Group: 'workers',
          EnableECSManagedTags: true,
          EnableExecuteCommand: false,
          PlacementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }],
          PlacementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
          PropagateTags: 'TASK_DEFINITION',
          ReferenceId: '$.detail.orderId',
          Tags: [{ Key: 'team', Value: 'orders' }],
        },
      },
      {
        Id: 'batch',
        Arn: 'arn:aws:batch:us-east-1:000000000000:job-queue/q',
        RoleArn: role,
        BatchParameters: { JobDefinition: 'def', JobName: 'job', ArrayProperties: { Size: 10 }, RetryStrategy: { Attempts: 3 } },
        InputTransformer: { InputPathsMap: { id: '$.detail.orderId' }, InputTemplate: '{"order": <id>}' },
      },
      {
        Id: 'api-gw',
        Arn: 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/POST/orders/*',
        RoleArn: role,
        HttpParameters: { PathParameterValues: ['$.detail.orderId'], HeaderParameters: { 'X-Team': 'orders' }, QueryStringParameters: { source: '$.source' } },
      },
    ];
    const response = await putTargets({ Rule: 'r', Targets: targets });
    expect(fields(response)).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect(await listTargets('r')).toEqual(targets);
  });

  test('RunCommand, Redshift Data, SageMaker pipeline and AppSync parameters', async () => {
    await putRule('r');
    const targets: Target[] = [
      {
        Id: 'run-command',
        Arn: 'arn:aws:ssm:us-east-1:000000000000:document/AWS-RunShellScript',
        RoleArn: 'arn:aws:iam::000000000000:role/ssm',
        RunCommandParameters: { RunCommandTargets: [{ Key: 'tag:env', Values: ['prod', 'staging'] }] },
      },
      {
        Id: 'redshift',
        Arn: 'arn:aws:redshift:us-east-1:000000000000:cluster:analytics',
        RoleArn: 'arn:aws:iam::000000000000:role/redshift',
        RedshiftDataParameters: { Database: 'dev', DbUser: 'admin', Sql: 'select 1', StatementName: 'probe', WithEvent: true },
      },
      {
        Id: 'sagemaker',
        Arn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/train',
        RoleArn: 'arn:aws:iam::000000000000:role/sm',
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'InputPath', Value: '$.detail.path' }] },
      },
      {
        Id: 'appsync',
        Arn: 'arn:aws:appsync:us-east-1:000000000000:endpoints/graphql-api/abc',
        RoleArn: 'arn:aws:iam::000000000000:role/appsync',
        AppSyncParameters: { GraphQLOperation: 'mutation Publish($x: String!) { publish(x: $x) { x } }' },
      },
    ];
    await putTargets({ Rule: 'r', Targets: targets });
    expect(await listTargets('r')).toEqual(targets);
  });
});

describe('per-entry failures', () => {
  test('an event bus or API destination that does not exist fails alone; the other entries are stored', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await putRule('r');
    const apiDestination = 'arn:aws:events:us-east-1:000000000000:api-destination/webhook/2f7a8c1e-8d1b-4f2b-9b7e-3c1d2e4f5a6b';
    const response = await putTargets({
      Rule: 'r',
      Targets: [sqsTarget('good'), { Id: 'no-bus', Arn: busArn('ghost') }, { Id: 'bus', Arn: busArn('orders') }, { Id: 'api', Arn: apiDestination, RoleArn: 'arn:aws:iam::000000000000:role/r' }],
    });
    expect(response.FailedEntryCount).toBe(2);
    expect(response.FailedEntries).toEqual([
      { TargetId: 'no-bus', ErrorCode: expect.any(String), ErrorMessage: expect.stringContaining('ghost') },
      { TargetId: 'api', ErrorCode: expect.any(String), ErrorMessage: expect.stringContaining('webhook') },
    ]);
    expect(response.FailedEntries![0].ErrorCode).toBe('ResourceNotFoundException');
    expect(await listTargets('r')).toEqual([sqsTarget('good'), { Id: 'bus', Arn: busArn('orders') }]);
  });

  test('when every entry fails the call still answers 200 and stores nothing', async () => {
    await putRule('r');
    const response = await putTargets({ Rule: 'r', Targets: [{ Id: 'a', Arn: busArn('ghost-1') }, { Id: 'b', Arn: busArn('ghost-2') }] });
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(response.FailedEntryCount).toBe(2);
    expect(response.FailedEntries!.map((e) => e.TargetId)).toEqual(['a', 'b']);
    expect(await listTargets('r')).toEqual([]);
  });

  test('a failing entry leaves the target it would have replaced as it was', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: [sqsTarget('a')] });
    const response = await putTargets({ Rule: 'r', Targets: [{ Id: 'a', Arn: busArn('ghost') }] });
    expect(response.FailedEntryCount).toBe(1);
    expect(await listTargets('r')).toEqual([sqsTarget('a')]);
  });

  test("an event bus of another region is a valid target when it exists; another account's is accepted unchecked", async () => {
    await putRule('r');
    const other = emu.clientFor('111111111111');
    await other.send(new CreateEventBusCommand({ Name: 'partner-facing' }));
    // Another account's bus is not looked up, so the answer tells nothing of what it holds (issue 18).
    const targets: Target[] = [
      { Id: 'other-default', Arn: busArn('default', '111111111111'), RoleArn: 'arn:aws:iam::000000000000:role/forward' },
      { Id: 'other-custom', Arn: busArn('partner-facing', '111111111111') },
      { Id: 'other-missing', Arn: busArn('nope', '111111111111') },
      { Id: 'other-region', Arn: busArn('default', account, 'eu-west-1') },
    ];
    const response = await putTargets({ Rule: 'r', Targets: [...targets, { Id: 'region-missing', Arn: busArn('nope', account, 'eu-west-1') }] });
    expect(response.FailedEntries!.map((e) => e.TargetId)).toEqual(['region-missing']);
    expect(await listTargets('r')).toEqual(targets);
  });
});

describe('RemoveTargets', () => {
  test('removes the named targets, ignores unknown Ids, and answers FailedEntryCount 0 with an empty list', async () => {
    await putRule('r');
    await putTargets({ Rule: 'r', Targets: [sqsTarget('a'), sqsTarget('b'), sqsTarget('c')] });
    const response = await emu.client.send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['a', 'never-there', 'c'] }));
    expect(fields(response)).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect(await listTargets('r')).toEqual([sqsTarget('b')]);
    const raw = await rawCall(emu.url, 'RemoveTargets', JSON.stringify({ Rule: 'r', Ids: ['b'] }));
    expect(raw.json).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect(await listTargets('r')).toEqual([]);
  });

  test('on a custom bus, and for a missing rule or bus', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await putRule('r', 'orders');
    await putRule('r');
    await putTargets({ Rule: 'r', EventBusName: 'orders', Targets: [sqsTarget('a')] });
    await putTargets({ Rule: 'r', Targets: [sqsTarget('a')] });
    await emu.client.send(new RemoveTargetsCommand({ Rule: 'r', EventBusName: busArn('orders'), Ids: ['a'] }));
    expect(await listTargets('r', 'orders')).toEqual([]);
    expect(await listTargets('r')).toEqual([sqsTarget('a')]);

    await expectAwsError(emu.client.send(new RemoveTargetsCommand({ Rule: 'ghost', Ids: ['a'] })), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await expectAwsError(emu.client.send(new RemoveTargetsCommand({ Rule: 'r', EventBusName: 'nope', Ids: ['a'] })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
    await expectAwsError(
      emu.client.send(new RemoveTargetsCommand({ Rule: 'r', Ids: [] })),
      'ValidationException',
      "1 validation error detected: Value '[]' at 'ids' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('ListTargetsByRule', () => {
  test('pages with Limit and NextToken in the order targets were added', async () => {
    await putRule('r');
    const all = ['t4', 't0', 't3', 't1', 't2'].map((id) => sqsTarget(id));
    await putTargets({ Rule: 'r', Targets: all });

    const first = await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'r', Limit: 2 }));
    expect(first.Targets).toEqual(all.slice(0, 2));
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'r', Limit: 2, NextToken: first.NextToken }));
    expect(second.Targets).toEqual(all.slice(2, 4));
    const third = await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'r', Limit: 2, NextToken: second.NextToken }));
    expect(third.Targets).toEqual(all.slice(4));
    expect(third.NextToken).toBeUndefined();

    // Without a Limit, a page holds them all and there is no token.
    const whole = await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }));
    expect(whole.Targets).toEqual(all);
    expect(whole.NextToken).toBeUndefined();
  });

  test('of a rule without targets, and of a missing rule or bus', async () => {
    await putRule('empty');
    expect(await listTargets('empty')).toEqual([]);
    await expectAwsError(listTargets('ghost'), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await expectAwsError(listTargets('ghost', 'nope'), 'ResourceNotFoundException', 'Event bus nope does not exist.');
    await expectAwsError(
      emu.client.send(new ListTargetsByRuleCommand({ Rule: 'empty', Limit: 101 })),
      'ValidationException',
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });
});

test('a restart on the same data dir keeps rules, their schedules, targets and tags', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-targets-'));
  const targets: Target[] = [
    { Id: 'q', Arn: queue('q'), InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' }, RetryPolicy: { MaximumRetryAttempts: 4 } },
    { Id: 'bus', Arn: busArn('orders'), DeadLetterConfig: { Arn: queue('dlq') } },
  ];
  const first = await startEmulator({ dataDir });
  try {
    await first.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await first.client.send(new PutRuleCommand({ Name: 'patterned', EventPattern: pattern, Description: 'kept', State: 'DISABLED', Tags: [{ Key: 'k', Value: 'v' }] }));
    await first.client.send(new PutRuleCommand({ Name: 'scheduled', ScheduleExpression: 'cron(0 12 * * ? *)', RoleArn: 'arn:aws:iam::000000000000:role/r' }));
    await first.client.send(new PutRuleCommand({ Name: 'on-orders', EventPattern: pattern, EventBusName: 'orders' }));
    await first.client.send(new PutTargetsCommand({ Rule: 'patterned', Targets: targets }));
    await first.client.send(new PutTargetsCommand({ Rule: 'scheduled', Targets: [sqsTarget('tick')] }));
    await first.client.send(new PutTargetsCommand({ Rule: 'on-orders', EventBusName: 'orders', Targets: [sqsTarget('o')] }));
  } finally {
    await first.close();
  }

  const second = await startEmulator({ dataDir });
  try {
    const patterned = await second.client.send(new DescribeRuleCommand({ Name: 'patterned' }));
    expect(patterned).toMatchObject({ EventPattern: pattern, Description: 'kept', State: 'DISABLED', CreatedBy: account });
    const scheduled = await second.client.send(new DescribeRuleCommand({ Name: 'scheduled' }));
    expect(scheduled).toMatchObject({ ScheduleExpression: 'cron(0 12 * * ? *)', State: 'ENABLED', RoleArn: 'arn:aws:iam::000000000000:role/r' });
    expect((await second.client.send(new ListTargetsByRuleCommand({ Rule: 'patterned' }))).Targets).toEqual(targets);
    expect((await second.client.send(new ListTargetsByRuleCommand({ Rule: 'scheduled' }))).Targets).toEqual([sqsTarget('tick')]);
    expect((await second.client.send(new ListTargetsByRuleCommand({ Rule: 'on-orders', EventBusName: 'orders' }))).Targets).toEqual([sqsTarget('o')]);
    const { Tags } = await second.client.send(new ListTagsForResourceCommand({ ResourceARN: patterned.Arn }));
    expect(Tags).toEqual([{ Key: 'k', Value: 'v' }]);
  } finally {
    await second.close();
  }
});
