/** Every Scheduler operation and its main errors, through @aws-sdk/client-scheduler against the running server. */
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  SchedulerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { expectAwsError, useEmulator } from '../../helpers/emulator.js';

const emu = useEmulator();
const clients: SchedulerClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function scheduler(accessKeyId = 'test', region = 'us-east-1') {
  const c = new SchedulerClient({ endpoint: emu.url, region, credentials: { accessKeyId, secretAccessKey: 'test-secret' }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/scheduler' };
const base = { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: target };

test('the default group always exists and cannot be deleted', async () => {
  const c = scheduler();
  const g = await c.send(new GetScheduleGroupCommand({ Name: 'default' }));
  expect(g).toMatchObject({ Name: 'default', State: 'ACTIVE', Arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/default' });
  expect(g.CreationDate).toBeInstanceOf(Date);
  await expectAwsError(c.send(new DeleteScheduleGroupCommand({ Name: 'default' })), 'ValidationException', /default/);
  const list = await c.send(new ListScheduleGroupsCommand({}));
  expect(list.ScheduleGroups?.map((x) => x.Name)).toEqual(['default']);
});

test('schedule groups: create, conflict, get, list with prefix and pages, tags, delete (with their schedules)', async () => {
  const c = scheduler();
  const created = await c.send(new CreateScheduleGroupCommand({ Name: 'team-a', Tags: [{ Key: 'env', Value: 'dev' }] }));
  expect(created.ScheduleGroupArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule-group/team-a');
  await expectAwsError(c.send(new CreateScheduleGroupCommand({ Name: 'team-a' })), 'ConflictException', /already exists/, 409);
  await c.send(new CreateScheduleGroupCommand({ Name: 'team-b' }));
  expect((await c.send(new ListScheduleGroupsCommand({ NamePrefix: 'team' }))).ScheduleGroups?.map((g) => g.Name)).toEqual(['team-a', 'team-b']);
  const first = await c.send(new ListScheduleGroupsCommand({ MaxResults: 2 }));
  expect(first.ScheduleGroups?.map((g) => g.Name)).toEqual(['default', 'team-a']);
  const second = await c.send(new ListScheduleGroupsCommand({ MaxResults: 2, NextToken: first.NextToken }));
  expect(second.ScheduleGroups?.map((g) => g.Name)).toEqual(['team-b']);
  expect(second.NextToken).toBeUndefined();

  const arn = created.ScheduleGroupArn!;
  await c.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'owner', Value: 'me' }] }));
  expect((await c.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([
    { Key: 'env', Value: 'dev' },
    { Key: 'owner', Value: 'me' },
  ]);
  await c.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['env', 'nope'] }));
  expect((await c.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'owner', Value: 'me' }]);
  await expectAwsError(c.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/none' })), 'ResourceNotFoundException', undefined, 404);

  await c.send(new CreateScheduleCommand({ Name: 's1', GroupName: 'team-a', ...base }));
  await c.send(new DeleteScheduleGroupCommand({ Name: 'team-a' }));
  // DELETING until the group and its schedules are gone (test/e2e/scheduler/lifecycle.test.ts).
  emu.emulator.clock.advance(60_000);
  await expectAwsError(c.send(new GetScheduleGroupCommand({ Name: 'team-a' })), 'ResourceNotFoundException', 'Schedule group team-a does not exist.', 404);
  await expectAwsError(c.send(new GetScheduleCommand({ Name: 's1', GroupName: 'team-a' })), 'ResourceNotFoundException', undefined, 404);
  await expectAwsError(c.send(new DeleteScheduleGroupCommand({ Name: 'team-a' })), 'ResourceNotFoundException', undefined, 404);
});

test('schedules: create, get as given, conflict, update replaces, list with filters and pages, delete', async () => {
  const c = scheduler();
  const created = await c.send(new CreateScheduleCommand({ Name: 'nightly', Description: 'd', ScheduleExpressionTimezone: 'Europe/Paris', ...base, ScheduleExpression: 'cron(0 2 * * ? *)', Target: { ...target, Input: '{"a":1}', RetryPolicy: { MaximumRetryAttempts: 3 } } }));
  expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly');
  const got = await c.send(new GetScheduleCommand({ Name: 'nightly' }));
  expect(got).toMatchObject({
    Arn: created.ScheduleArn,
    Name: 'nightly',
    GroupName: 'default',
    Description: 'd',
    ScheduleExpression: 'cron(0 2 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Paris',
    State: 'ENABLED',
    ActionAfterCompletion: 'NONE',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { ...target, Input: '{"a":1}', RetryPolicy: { MaximumRetryAttempts: 3 } },
  });
  expect(got.CreationDate).toBeInstanceOf(Date);
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'nightly', ...base })), 'ConflictException', /already exists/, 409);
  // A retry with the first call's ClientToken is answered as the first call was; another token conflicts.
  await c.send(new CreateScheduleCommand({ Name: 'tok', ClientToken: 'token-1', ...base }));
  expect((await c.send(new CreateScheduleCommand({ Name: 'tok', ClientToken: 'token-1', ...base }))).ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/tok');
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'tok', ClientToken: 'token-2', ...base })), 'ConflictException', /already exists/, 409);
  await c.send(new DeleteScheduleCommand({ Name: 'tok' }));
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', GroupName: 'missing', ...base })), 'ResourceNotFoundException', /missing/, 404);

  const start = new Date('2030-01-01T00:00:00Z');
  await c.send(new UpdateScheduleCommand({ Name: 'nightly', ...base, State: 'DISABLED', StartDate: start }));
  const updated = await c.send(new GetScheduleCommand({ Name: 'nightly' }));
  expect(updated).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'rate(5 minutes)', StartDate: start });
  expect(updated.Description).toBeUndefined();
  expect(updated.ScheduleExpressionTimezone).toBeUndefined();
  await expectAwsError(c.send(new UpdateScheduleCommand({ Name: 'none', ...base })), 'ResourceNotFoundException', undefined, 404);

  await c.send(new CreateScheduleGroupCommand({ Name: 'other' }));
  for (const n of ['a1', 'a2', 'b1']) await c.send(new CreateScheduleCommand({ Name: n, ...base }));
  await c.send(new CreateScheduleCommand({ Name: 'a1', GroupName: 'other', ...base }));
  const names = async (input: object) => ((await c.send(new ListSchedulesCommand(input))).Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`);
  expect(await names({})).toEqual(['default/a1', 'default/a2', 'default/b1', 'default/nightly', 'other/a1']);
  expect(await names({ NamePrefix: 'a' })).toEqual(['default/a1', 'default/a2', 'other/a1']);
  expect(await names({ GroupName: 'other' })).toEqual(['other/a1']);
  expect(await names({ State: 'DISABLED' })).toEqual(['default/nightly']);
  const page1 = await c.send(new ListSchedulesCommand({ MaxResults: 3 }));
  const page2 = await c.send(new ListSchedulesCommand({ MaxResults: 3, NextToken: page1.NextToken }));
  expect([...page1.Schedules!, ...page2.Schedules!].map((s) => s.Name)).toEqual(['a1', 'a2', 'b1', 'nightly', 'a1']);
  expect(page1.Schedules![0]).toMatchObject({ Arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/a1', State: 'ENABLED', Target: { Arn: target.Arn } });

  await c.send(new DeleteScheduleCommand({ Name: 'a1' }));
  await expectAwsError(c.send(new GetScheduleCommand({ Name: 'a1' })), 'ResourceNotFoundException', 'Schedule a1 does not exist.', 404);
  expect((await c.send(new GetScheduleCommand({ Name: 'a1', GroupName: 'other' }))).Name).toBe('a1');
  await expectAwsError(c.send(new DeleteScheduleCommand({ Name: 'a1' })), 'ResourceNotFoundException', undefined, 404);
});

test('bad input gets ValidationException from the model and the expression checks, and changes nothing', async () => {
  const c = scheduler();
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'bad name!', ...base })), 'ValidationException', /at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', ...base, ScheduleExpression: 'rate(0 minutes)' })), 'ValidationException', /Invalid Schedule Expression/);
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', ...base, ScheduleExpression: 'at(2030-02-30T00:00:00)' })), 'ValidationException', /Invalid Schedule Expression/);
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', ...base, ScheduleExpressionTimezone: 'Mars/Olympus' })), 'ValidationException', /time zone/);
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', ...base, FlexibleTimeWindow: { Mode: 'FLEXIBLE' } })), 'ValidationException', /MaximumWindowInMinutes/);
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', ...base, Target: { Arn: target.Arn, RoleArn: 'not-a-role' } })), 'ValidationException', /target.roleArn/);
  await expectAwsError(c.send(new CreateScheduleGroupCommand({ Name: 'g'.repeat(65) })), 'ValidationException', /length less than or equal to 64/);
  // The model's patterns hold for the whole value (Java's Matcher.matches): a Source whose first line
  // would do is still refused.
  const bus = { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', RoleArn: target.RoleArn };
  await expectAwsError(c.send(new CreateScheduleCommand({ Name: 'x', ...base, Target: { ...bus, EventBridgeParameters: { DetailType: 't', Source: 'shop\nmore' } } })), 'ValidationException', /target.eventBridgeParameters.source/);
  expect((await c.send(new ListSchedulesCommand({}))).Schedules).toEqual([]);
});

test('state is per account and Region', async () => {
  await scheduler('111111111111').send(new CreateScheduleCommand({ Name: 'mine', ...base }));
  expect((await scheduler('111111111111').send(new GetScheduleCommand({ Name: 'mine' }))).Arn).toBe('arn:aws:scheduler:us-east-1:111111111111:schedule/default/mine');
  await expectAwsError(scheduler('222222222222').send(new GetScheduleCommand({ Name: 'mine' })), 'ResourceNotFoundException', undefined, 404);
  await expectAwsError(scheduler('111111111111', 'eu-west-1').send(new GetScheduleCommand({ Name: 'mine' })), 'ResourceNotFoundException', undefined, 404);
});

test('a scheduler-scoped request for a path the model does not have gets a REST-JSON error, not the events fallback', async () => {
  const res = await fetch(`${emu.url}/schedules`, { method: 'GET', headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/scheduler/aws4_request, SignedHeaders=host, Signature=x' } });
  expect(res.status).toBe(200);
  const bad = await fetch(`${emu.url}/nothing-here`, { headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/scheduler/aws4_request, SignedHeaders=host, Signature=x' } });
  expect(bad.status).toBe(404);
  expect(bad.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  expect(await bad.json()).toEqual({ Message: expect.stringContaining('scheduler API') });
});

test('a state-changing call that is not JSON (what a cross-site form could send) is refused and changes nothing', async () => {
  const res = await fetch(`${emu.url}/schedule-groups/evil`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
  expect(res.status).toBe(400);
  expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
  const foreign = await fetch(`${emu.url}/schedule-groups/evil`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{}' });
  expect(foreign.status).toBe(403);
  await expectAwsError(scheduler().send(new GetScheduleGroupCommand({ Name: 'evil' })), 'ResourceNotFoundException', undefined, 404);
});
