/**
 * ClientToken idempotency on the five operations the model marks, DeleteScheduleGroup's DELETING
 * state over virtual time, and universal targets checked as the User Guide documents them.
 */
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { expectAwsError, useEmulator } from '../../helpers/emulator.js';
import { captures, inspect } from '../../helpers/inspect.js';

const emu = useEmulator();
const clients: SchedulerClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function scheduler() {
  const c = new SchedulerClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const role = 'arn:aws:iam::000000000000:role/scheduler';
const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: role };
const base = { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: target };

describe('ClientToken', () => {
  test('CreateSchedule and CreateScheduleGroup: the same token and request get the first answer; no second resource', async () => {
    const c = scheduler();
    const first = await c.send(new CreateScheduleGroupCommand({ Name: 'g', ClientToken: 'tok-group' }));
    expect(await c.send(new CreateScheduleGroupCommand({ Name: 'g', ClientToken: 'tok-group' }))).toMatchObject({ ScheduleGroupArn: first.ScheduleGroupArn });
    await expectAwsError(c.send(new CreateScheduleGroupCommand({ Name: 'g', ClientToken: 'other' })), 'ConflictException', 'Schedule group g already exists.', 409);
    const made = await c.send(new CreateScheduleCommand({ Name: 's', GroupName: 'g', ClientToken: 'tok-s', ...base }));
    const again = await c.send(new CreateScheduleCommand({ Name: 's', GroupName: 'g', ClientToken: 'tok-s', ...base }));
    expect(again.ScheduleArn).toBe(made.ScheduleArn);
    expect((await c.send(new ListSchedulesCommand({ GroupName: 'g' }))).Schedules).toHaveLength(1);
  });

  test('UpdateSchedule: a repeat with the same token changes nothing (LastModificationDate stays)', async () => {
    const c = scheduler();
    await c.send(new CreateScheduleCommand({ Name: 'u', ...base }));
    await c.send(new UpdateScheduleCommand({ Name: 'u', ClientToken: 'tok-u', ...base, Description: 'first' }));
    const after = await c.send(new GetScheduleCommand({ Name: 'u' }));
    emu.emulator.clock.advance(60_000);
    await c.send(new UpdateScheduleCommand({ Name: 'u', ClientToken: 'tok-u', ...base, Description: 'first' }));
    const repeat = await c.send(new GetScheduleCommand({ Name: 'u' }));
    expect(repeat.LastModificationDate).toEqual(after.LastModificationDate);
    expect(repeat.Description).toBe('first');
  });

  test('DeleteSchedule and DeleteScheduleGroup: a retry after success answers as the first did, not 404', async () => {
    const c = scheduler();
    await c.send(new CreateScheduleCommand({ Name: 'd', ...base }));
    await c.send(new DeleteScheduleCommand({ Name: 'd', ClientToken: 'tok-d' }));
    expect((await c.send(new DeleteScheduleCommand({ Name: 'd', ClientToken: 'tok-d' }))).$metadata.httpStatusCode).toBe(200);
    await expectAwsError(c.send(new DeleteScheduleCommand({ Name: 'd', ClientToken: 'tok-other' })), 'ResourceNotFoundException', 'Schedule d does not exist.', 404);
    await c.send(new CreateScheduleGroupCommand({ Name: 'gone' }));
    await c.send(new DeleteScheduleGroupCommand({ Name: 'gone', ClientToken: 'tok-dg' }));
    expect((await c.send(new DeleteScheduleGroupCommand({ Name: 'gone', ClientToken: 'tok-dg' }))).$metadata.httpStatusCode).toBe(200);
  });

  test('a token reused with other parameters is refused with ConflictException, and nothing changes', async () => {
    const c = scheduler();
    await c.send(new CreateScheduleCommand({ Name: 'a', ClientToken: 'tok-a', ...base }));
    await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'b', ClientToken: 'tok-a', ...base })), 'ConflictException', 'The ClientToken tok-a was already used for a different request.', 409);
    await expectAwsError(c.send(new GetScheduleCommand({ Name: 'b' })), 'ResourceNotFoundException', undefined, 404);
  });

  test('the SDK fills ClientToken itself: two plain calls are two requests', async () => {
    const c = scheduler();
    await c.send(new CreateScheduleCommand({ Name: 'plain', ...base }));
    await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'plain', ...base })), 'ConflictException', 'Schedule plain already exists.', 409);
  });
});

describe('DeleteScheduleGroup', () => {
  test('the group is DELETING (Get, List), refuses changes, and goes with its schedules over virtual time', async () => {
    const c = scheduler();
    await c.send(new CreateScheduleGroupCommand({ Name: 'team' }));
    await c.send(new CreateScheduleCommand({ Name: 'one', GroupName: 'team', ...base }));
    await c.send(new DeleteScheduleGroupCommand({ Name: 'team' }));
    expect(await c.send(new GetScheduleGroupCommand({ Name: 'team' }))).toMatchObject({ Name: 'team', State: 'DELETING' });
    const listed = await c.send(new ListScheduleGroupsCommand({}));
    expect(listed.ScheduleGroups?.map((g) => [g.Name, g.State])).toEqual([
      ['default', 'ACTIVE'],
      ['team', 'DELETING'],
    ]);
    // Its schedules are still there to read while the group is being deleted.
    expect((await c.send(new GetScheduleCommand({ Name: 'one', GroupName: 'team' }))).Name).toBe('one');
    const refused = 'Schedule group team is being deleted.';
    await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'two', GroupName: 'team', ...base })), 'ConflictException', refused, 409);
    await expectAwsError(c.send(new UpdateScheduleCommand({ Name: 'one', GroupName: 'team', ...base })), 'ConflictException', refused, 409);
    await expectAwsError(c.send(new DeleteScheduleCommand({ Name: 'one', GroupName: 'team' })), 'ConflictException', refused, 409);
    await expectAwsError(c.send(new DeleteScheduleGroupCommand({ Name: 'team' })), 'ConflictException', refused, 409);
    await expectAwsError(c.send(new CreateScheduleGroupCommand({ Name: 'team' })), 'ConflictException', 'Schedule group team already exists.', 409);

    emu.emulator.clock.advance(10_000);
    await expectAwsError(c.send(new GetScheduleGroupCommand({ Name: 'team' })), 'ResourceNotFoundException', 'Schedule group team does not exist.', 404);
    await expectAwsError(c.send(new GetScheduleCommand({ Name: 'one', GroupName: 'team' })), 'ResourceNotFoundException', undefined, 404);
    expect((await inspect(emu.url, 'schedules')).schedules.map((s: { arn: string }) => s.arn)).not.toContain('arn:aws:scheduler:us-east-1:000000000000:schedule/team/one');
    // The name is free again.
    await c.send(new CreateScheduleGroupCommand({ Name: 'team' }));
    expect((await c.send(new GetScheduleGroupCommand({ Name: 'team' }))).State).toBe('ACTIVE');
  });
});

describe('universal targets', () => {
  const create = (Arn: string, Input?: string) => scheduler().send(new CreateScheduleCommand({ Name: 'u', ...base, Target: { Arn, RoleArn: role, ...(Input !== undefined ? { Input } : {}) } }));

  test('the ARN must be aws-sdk:<service>:<apiAction>, service lowercase, action camelCase', async () => {
    for (const arn of ['arn:aws:scheduler:::aws-sdk:sqs', 'arn:aws:scheduler:::aws-sdk:SQS:sendMessage', 'arn:aws:scheduler:::aws-sdk:sqs:SendMessage', 'arn:aws:scheduler:::aws-sdk:sqs:send:message']) {
      await expectAwsError(create(arn, '{}'), 'ValidationException', `Invalid target ARN ${arn}: a universal target is arn:aws:scheduler:::aws-sdk:<service>:<apiAction>, the service in lowercase and the action in camelCase.`);
    }
  });

  test("read-only actions (the guide's prefixes) are refused; others that merely start alike are not", async () => {
    for (const action of ['getQueueUrl', 'listBrokers', 'describeInstances', 'batchGetItem', 'invokeModel', 'isAuthorized', 'receiveMessage']) {
      await expectAwsError(create(`arn:aws:scheduler:::aws-sdk:svc:${action}`, '{}'), 'ValidationException', `${action} is not a supported action for a target: read-only API actions cannot be scheduled.`);
    }
    await create('arn:aws:scheduler:::aws-sdk:ec2:listenerCreate', '{}');
    await expectAwsError(scheduler().send(new GetScheduleCommand({ Name: 'nope' })), 'ResourceNotFoundException', undefined, 404);
  });

  test('Input must be a JSON object (context attributes may stand for values); UpdateSchedule is checked too', async () => {
    const arn = 'arn:aws:scheduler:::aws-sdk:sqs:sendMessage';
    await expectAwsError(create(arn, 'Hello world!'), 'ValidationException', `Invalid target input for ${arn}: the Input of a universal target must be a well-formed JSON object of the sqs:sendMessage request parameters.`);
    await expectAwsError(create(arn, '[1]'), 'ValidationException', /must be a well-formed JSON object/);
    await create(arn, '{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/000000000000/q","MessageBody":"<aws.scheduler.execution-id>","DelaySeconds":<aws.scheduler.attempt-number>}');
    await expectAwsError(scheduler().send(new UpdateScheduleCommand({ Name: 'u', ...base, Target: { Arn: arn, RoleArn: role, Input: 'nope' } })), 'ValidationException', /must be a well-formed JSON object/);
  });

  test('a firing universal target is captured with the call it would make: service, action in AWS casing, parameters', async () => {
    const arn = 'arn:aws:scheduler:::aws-sdk:rds:stopDBCluster';
    await create(arn, '{"DbClusterIdentifier":"my-db","At":"<aws.scheduler.scheduled-time>"}');
    emu.emulator.clock.advance(1000);
    await emu.emulator.engine.idle();
    const [got] = await captures(emu.url, arn);
    expect(got.parameters).toMatchObject({ AwsSdkCall: { Service: 'rds', Action: 'StopDBCluster' }, RoleArn: role });
    expect(JSON.parse(got.payload)).toEqual({ DbClusterIdentifier: 'my-db', At: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
  });
});
