/** Schedules fire on the virtual clock, through the shared delivery engine (captured SQS targets, the bus, the DLQ). */
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { expectAwsError, startEmulator, useEmulator, type Running } from '../../helpers/emulator.js';
import { captures, deadLetters, inspect } from '../../helpers/inspect.js';

const emu = useEmulator();
const clients: SchedulerClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function scheduler(running: Running = emu) {
  const c = new SchedulerClient({ endpoint: running.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

const queue = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const role = 'arn:aws:iam::000000000000:role/scheduler';
const minutes = (n: number) => n * 60_000;
const off = { Mode: 'OFF' as const };

async function advance(ms: number, running: Running = emu) {
  running.emulator.clock.advance(ms);
  await running.emulator.engine.idle();
}

/** `yyyy-mm-ddThh:mm:ss` of instant `ms` as the wall clock in `zone` shows it. */
function wall(ms: number, zone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * An invocation's scheduled time, from its payload (exact); the capture's `at` is when the attempt
 * was made, at or just after it (seen 1 ms late on a loaded machine; AWS invokes within the minute).
 */
const scheduledTime = (c: { payload: string }) => Date.parse(JSON.parse(c.payload).at);
const madeWithinAMinute = (c: { at: string; payload: string }) => Date.parse(c.at) >= scheduledTime(c) && Date.parse(c.at) < scheduledTime(c) + minutes(1);

test('at() in a time zone fires once at that wall time, with the context attributes, then DELETE removes the schedule', async () => {
  const due = wholeSecond(emu.emulator.clock.now()) + minutes(120);
  const arn = (
    await scheduler().send(
      new CreateScheduleCommand({
        Name: 'once',
        ScheduleExpression: `at(${wall(due, 'America/New_York')})`,
        ScheduleExpressionTimezone: 'America/New_York',
        FlexibleTimeWindow: off,
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: queue('once'), RoleArn: role, Input: '{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","id":"<aws.scheduler.execution-id>","n":"<aws.scheduler.attempt-number>"}' },
      }),
    )
  ).ScheduleArn;
  await advance(minutes(119));
  expect(await captures(emu.url, queue('once'))).toHaveLength(0);
  await advance(minutes(2));
  const got = await captures(emu.url, queue('once'));
  expect(got).toHaveLength(1);
  // The scheduled time (in the payload below) is exact; the attempt itself is made at or just after it
  // (AWS invokes within the minute). Seen once on a loaded machine: the attempt 1 ms after the due time.
  expect(Date.parse(got[0].at)).toBeGreaterThanOrEqual(due);
  expect(Date.parse(got[0].at)).toBeLessThan(due + minutes(1));
  expect(JSON.parse(got[0].payload)).toEqual({ arn, at: new Date(due).toISOString().replace('.000Z', 'Z'), id: expect.stringMatching(/^[0-9a-f-]{36}$/), n: '1' });
  await expectAwsError(scheduler().send(new GetScheduleCommand({ Name: 'once' })), 'ResourceNotFoundException', undefined, 404);
  await advance(minutes(60 * 24));
  expect(await captures(emu.url, queue('once'))).toHaveLength(1);
});

test('rate() fires from StartDate until EndDate, and not at all while DISABLED', async () => {
  const now = wholeSecond(emu.emulator.clock.now());
  const start = now + minutes(30);
  await scheduler().send(
    new CreateScheduleCommand({
      Name: 'every10',
      ScheduleExpression: 'rate(10 minutes)',
      StartDate: new Date(start),
      EndDate: new Date(start + minutes(35)),
      FlexibleTimeWindow: off,
      Target: { Arn: queue('rate'), RoleArn: role, Input: '{"at":"<aws.scheduler.scheduled-time>"}' },
    }),
  );
  await scheduler().send(new CreateScheduleCommand({ Name: 'off', State: 'DISABLED', ScheduleExpression: 'rate(1 minute)', FlexibleTimeWindow: off, Target: { Arn: queue('off'), RoleArn: role } }));
  await advance(minutes(24 * 60));
  const got = await captures(emu.url, queue('rate'));
  // StartDate is the first occurrence (User Guide, schedule types); EndDate = start + 35 min bounds the last.
  expect(got.map(scheduledTime)).toEqual([start, start + minutes(10), start + minutes(20), start + minutes(30)]);
  for (const c of got) expect(madeWithinAMinute(c)).toBe(true);
  expect(await captures(emu.url, queue('off'))).toHaveLength(0);
});

test('cron() is read in ScheduleExpressionTimezone: 09:00 in Asia/Tokyo is 00:00 UTC, every day', async () => {
  await scheduler().send(
    new CreateScheduleCommand({ Name: 'tokyo', ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo', FlexibleTimeWindow: off, Target: { Arn: queue('tokyo'), RoleArn: role, Input: '{"at":"<aws.scheduler.scheduled-time>"}' } }),
  );
  await advance(minutes(3 * 24 * 60));
  const got = await captures(emu.url, queue('tokyo'));
  expect(got).toHaveLength(3);
  for (const c of got) expect(new Date(scheduledTime(c)).toISOString()).toMatch(/T00:00:00\.000Z$/);
});

test('an EventBridge PutEvents target puts the event on the bus, where rules route it', async () => {
  await emu.client.send(new PutRuleCommand({ Name: 'from-scheduler', EventPattern: JSON.stringify({ source: ['my.scheduler'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'from-scheduler', Targets: [{ Id: 'q', Arn: queue('routed') }] }));
  await scheduler().send(
    new CreateScheduleCommand({
      Name: 'to-bus',
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: off,
      Target: { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', RoleArn: role, Input: '{"k":"v"}', EventBridgeParameters: { DetailType: 'Tick', Source: 'my.scheduler' } },
    }),
  );
  await advance(minutes(61));
  const got = await captures(emu.url, queue('routed'));
  // Without StartDate a rate schedule is invoked at once, then every hour.
  expect(got).toHaveLength(2);
  expect(JSON.parse(got[0].payload)).toMatchObject({ source: 'my.scheduler', 'detail-type': 'Tick', detail: { k: 'v' }, resources: ['arn:aws:scheduler:us-east-1:000000000000:schedule/default/to-bus'] });
});

test('a target that fails ends in the DeadLetterConfig queue after its RetryPolicy', async () => {
  await scheduler().send(
    new CreateScheduleCommand({
      Name: 'doomed',
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: off,
      Target: {
        Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/missing',
        RoleArn: role,
        EventBridgeParameters: { DetailType: 'Tick', Source: 'my.scheduler' },
        RetryPolicy: { MaximumRetryAttempts: 0 },
        DeadLetterConfig: { Arn: queue('dlq') },
      },
    }),
  );
  await advance(minutes(61));
  const dead = await deadLetters(emu.url, queue('dlq'));
  expect(dead).toHaveLength(2);
  expect(dead[0].attributes).toMatchObject({ ERROR_CODE: expect.any(String) });
});

test('FLEXIBLE picks the time inside the window from the injected random source', async () => {
  const running = await startEmulator({ random: () => 0.5 });
  try {
    const due = wholeSecond(running.emulator.clock.now()) + minutes(60);
    await scheduler(running).send(
      new CreateScheduleCommand({ Name: 'flex', ScheduleExpression: `at(${wall(due, 'UTC')})`, FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 }, Target: { Arn: queue('flex'), RoleArn: role } }),
    );
    await advance(minutes(70), running);
    const got = await captures(running.url, queue('flex'));
    // The attempt is made at the delayed time (or within the minute after it, on a loaded machine).
    expect(got).toHaveLength(1);
    expect(Date.parse(got[0].at)).toBeGreaterThanOrEqual(due + minutes(5));
    expect(Date.parse(got[0].at)).toBeLessThan(due + minutes(6));
  } finally {
    await running.close();
  }
});

test('a failed attempt is retried per RetryPolicy, and <aws.scheduler.attempt-number> counts the attempts', async () => {
  const seen: unknown[] = [];
  const running = await startEmulator({
    random: () => 0.5,
    lambdas: {
      'arn:aws:lambda:us-east-1:000000000000:function:flaky': async (event: unknown) => {
        seen.push(event);
        if (seen.length === 1) throw new Error('not yet');
        return { ok: true };
      },
    },
  });
  try {
    const due = wholeSecond(running.emulator.clock.now()) + minutes(10);
    await scheduler(running).send(
      new CreateScheduleCommand({
        Name: 'retry',
        ScheduleExpression: `at(${wall(due, 'UTC')})`,
        FlexibleTimeWindow: off,
        Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:flaky', RoleArn: role, Input: '{"n":"<aws.scheduler.attempt-number>","id":"<aws.scheduler.execution-id>"}', RetryPolicy: { MaximumRetryAttempts: 2 } },
      }),
    );
    await advance(minutes(11), running);
    await advance(minutes(5), running);
    expect(seen).toHaveLength(2);
    const [first, second] = seen as Array<{ n: string; id: string }>;
    expect([first.n, second.n]).toEqual(['1', '2']);
    expect(second.id).toBe(first.id);
  } finally {
    await running.close();
  }
});

test('GET /_eventbridge-local/schedules lists each armed schedule with its next invocation time', async () => {
  const start = wholeSecond(emu.emulator.clock.now()) + minutes(90);
  await scheduler().send(new CreateScheduleCommand({ Name: 'later', ScheduleExpression: 'rate(1 day)', StartDate: new Date(start), FlexibleTimeWindow: off, Target: { Arn: queue('later'), RoleArn: role } }));
  await scheduler().send(new CreateScheduleCommand({ Name: 'paused', State: 'DISABLED', ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: off, Target: { Arn: queue('paused'), RoleArn: role } }));
  const view = await inspect(emu.url, 'schedules');
  expect(view.schedules).toEqual([
    { account: '000000000000', region: 'us-east-1', arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/later', nextInvocationAt: new Date(start).toISOString() },
  ]);
});

test('daylight saving in America/New_York: 02:30 is skipped on the spring-forward day; 01:30 runs once on the fall-back day', async () => {
  const ny = 'America/New_York';
  await scheduler().send(new CreateScheduleCommand({ Name: 'spring', ScheduleExpression: 'cron(30 2 * 3 ? 2027)', ScheduleExpressionTimezone: ny, FlexibleTimeWindow: off, Target: { Arn: queue('spring'), RoleArn: role, Input: '{"at":"<aws.scheduler.scheduled-time>"}' } }));
  await scheduler().send(new CreateScheduleCommand({ Name: 'fall', ScheduleExpression: 'cron(30 1 7 11 ? 2027)', ScheduleExpressionTimezone: ny, FlexibleTimeWindow: off, Target: { Arn: queue('fall'), RoleArn: role, Input: '{"at":"<aws.scheduler.scheduled-time>"}' } }));
  const until = Date.parse('2027-11-08T00:00:00Z');
  await advance(until - emu.emulator.clock.now());
  const spring = (await captures(emu.url, queue('spring'))).map((c) => wall(scheduledTime(c), ny));
  expect(spring).toHaveLength(30); // 31 days of March less the 14th
  expect(spring).not.toContain('2027-03-14T02:30:00');
  expect(spring).toContain('2027-03-13T02:30:00');
  expect(spring).toContain('2027-03-15T02:30:00');
  const fall = await captures(emu.url, queue('fall'));
  expect(fall.map((c) => new Date(scheduledTime(c)).toISOString())).toEqual(['2027-11-07T05:30:00.000Z']); // 01:30 EDT, the first of the two
});

test('a universal target (aws-sdk:<service>:<action>) is captured with its Input, the request parameters it would send', async () => {
  const arn = 'arn:aws:scheduler:::aws-sdk:sqs:sendMessage';
  const input = '{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/000000000000/q","MessageBody":"<aws.scheduler.execution-id>"}';
  await scheduler().send(new CreateScheduleCommand({ Name: 'universal', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: off, Target: { Arn: arn, RoleArn: role, Input: input } }));
  await advance(minutes(1));
  const [got] = await captures(emu.url, arn);
  expect(JSON.parse(got.payload)).toEqual({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', MessageBody: expect.stringMatching(/^[0-9a-f-]{36}$/) });
});
