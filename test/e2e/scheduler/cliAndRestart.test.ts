/** The real `aws scheduler` CLI against the server, and schedules that survive a restart mid-way. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startEmulator, useEmulator } from '../../helpers/emulator.js';
import { awsService } from '../../helpers/awsCli.js';
import { captures, deadLetters, inspect } from '../../helpers/inspect.js';
import { VirtualClock } from '../../../src/util/clock.js';

const emu = useEmulator();
const queue = 'arn:aws:sqs:us-east-1:000000000000:cli';

test('aws scheduler: create a group and a schedule, get, list, and the CLI prints AWS errors', async () => {
  const group = await awsService('scheduler', emu.url, ['create-schedule-group', '--name', 'cli-group']);
  expect(group.code).toBe(0);
  expect(group.json).toEqual({ ScheduleGroupArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/cli-group' });
  const created = await awsService('scheduler', emu.url, [
    'create-schedule', '--name', 'nightly', '--group-name', 'cli-group', '--schedule-expression', 'cron(0 2 * * ? *)',
    '--schedule-expression-timezone', 'Europe/Berlin', '--flexible-time-window', 'Mode=OFF',
    '--target', JSON.stringify({ Arn: queue, RoleArn: 'arn:aws:iam::000000000000:role/s', Input: '{}' }),
  ]);
  expect(created.code).toBe(0);
  const got = await awsService('scheduler', emu.url, ['get-schedule', '--name', 'nightly', '--group-name', 'cli-group']);
  expect(got.json).toMatchObject({ Name: 'nightly', GroupName: 'cli-group', ScheduleExpressionTimezone: 'Europe/Berlin', Target: { Arn: queue } });
  const listed = await awsService('scheduler', emu.url, ['list-schedules', '--group-name', 'cli-group']);
  expect(listed.json.Schedules.map((s: { Name: string }) => s.Name)).toEqual(['nightly']);
  const missing = await awsService('scheduler', emu.url, ['get-schedule', '--name', 'nope']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toMatch(/ResourceNotFoundException.*Schedule nope does not exist/);
});

test('a schedule is in state.json: after a restart it goes on firing', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-scheduler-'));
  const first = await startEmulator({ dataDir });
  const client = new SchedulerClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  await client.send(new CreateScheduleCommand({ Name: 'hourly', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: queue, RoleArn: 'arn:aws:iam::000000000000:role/s' } }));
  client.destroy();
  first.emulator.clock.advance(61 * 60_000);
  await first.emulator.engine.idle();
  // Invoked at creation (no StartDate), then an hour later.
  expect(await captures(first.url, queue)).toHaveLength(2);
  await first.close();
  const second = await startEmulator({ dataDir });
  try {
    second.emulator.clock.advance(60 * 60_000);
    await second.emulator.engine.idle();
    expect(await captures(second.url, queue)).toHaveLength(3);
  } finally {
    await second.close();
  }
});

test('stopped across due times: on restart, invocations still inside MaximumEventAgeInSeconds run late, older ones are dead-lettered as too old', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-scheduler-missed-'));
  const hour = 3600_000;
  const target = 'arn:aws:sqs:us-east-1:000000000000:missed';
  const dlq = 'arn:aws:sqs:us-east-1:000000000000:missed-dlq';
  const first = await startEmulator({ dataDir });
  const client = new SchedulerClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  await client.send(
    new CreateScheduleCommand({
      Name: 'hourly',
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: target, RoleArn: 'arn:aws:iam::000000000000:role/s', Input: '{"at":"<aws.scheduler.scheduled-time>"}', RetryPolicy: { MaximumEventAgeInSeconds: 7200 }, DeadLetterConfig: { Arn: dlq } },
    }),
  );
  client.destroy();
  await first.emulator.engine.idle();
  expect(await captures(first.url, target)).toHaveLength(1); // invoked at creation
  const next = Date.parse((await inspect(first.url, 'schedules')).schedules[0].nextInvocationAt);
  await first.close();

  // Five and a half hours of real time go by while it is stopped.
  const second = await startEmulator({ dataDir, clock: new VirtualClock(() => Date.now() + 5.5 * hour) });
  try {
    await second.emulator.engine.idle();
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z');
    // 4.5, 3.5 and 2.5 hours old: past the 2-hour age, given up as AWS gives up an event past its age.
    const dead = await deadLetters(second.url, dlq);
    expect(dead.map((d) => d.attributes.SCHEDULED_TIME)).toEqual([iso(next), iso(next + hour), iso(next + 2 * hour)]);
    for (const d of dead) expect(d.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds', ERROR_CODE: 'MISSED_INVOCATION', TARGET_ARN: target });
    // 1.5 and 0.5 hours old: invoked now, late, each with its own scheduled time.
    const got = await captures(second.url, target);
    expect(got.slice(1).map((c) => JSON.parse(c.payload).at)).toEqual([iso(next + 3 * hour), iso(next + 4 * hour)]);
    // And the schedule goes on from there.
    expect(Date.parse((await inspect(second.url, 'schedules')).schedules[0].nextInvocationAt)).toBe(next + 5 * hour);
    const dropped = (await inspect(second.url, 'deliveries?status=dead-lettered')).deliveries;
    expect(dropped).toHaveLength(3);
  } finally {
    await second.close();
  }
});
