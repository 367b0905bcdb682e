/** The real `aws scheduler` CLI against the server, and schedules that survive a restart mid-way. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startEmulator, useEmulator } from '../../helpers/emulator.js';
import { awsService } from '../../helpers/awsCli.js';
import { captures } from '../../helpers/inspect.js';

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
