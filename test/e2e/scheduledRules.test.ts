import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteRuleCommand, DisableRuleCommand, EnableRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { captures } from '../helpers/inspect.js';

const emu = useEmulator();

const queue = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const minutes = (n: number) => n * 60_000;

async function scheduled(name: string, expression: string, targetQueue: string, running = emu) {
  await running.client.send(new PutRuleCommand({ Name: name, ScheduleExpression: expression }));
  await running.client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: queue(targetQueue) }] }));
}

async function advance(ms: number, running = emu) {
  running.emulator.clock.advance(ms);
  await running.emulator.engine.idle();
}

async function events(targetQueue: string, running = emu) {
  return (await captures(running.url, queue(targetQueue))).map((c) => JSON.parse(c.payload));
}

test('rate(1 minute) puts one Scheduled Event per minute, shaped as AWS sends it', async () => {
  await scheduled('every-minute', 'rate(1 minute)', 'tick');
  await advance(minutes(5) + 1000);
  const received = await events('tick');
  expect(received).toHaveLength(5);
  expect(received[0]).toEqual({
    version: '0',
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:000000000000:rule/every-minute'],
    detail: {},
  });
  const times = received.map((e) => Date.parse(e.time));
  expect(times.slice(1).map((t, i) => t - times[i])).toEqual([60_000, 60_000, 60_000, 60_000]);
  expect(new Set(received.map((e) => e.id)).size).toBe(5);
});

test('cron(0 12 * * ? *) fires at noon UTC every day, and the event time is the tick', async () => {
  await scheduled('noon', 'cron(0 12 * * ? *)', 'noon');
  await advance(minutes(60 * 24 * 3));
  const received = await events('noon');
  expect(received).toHaveLength(3);
  for (const event of received) expect(event.time).toMatch(/T12:00:00Z$/);
  const days = received.map((e) => e.time.slice(0, 10));
  expect(new Set(days).size).toBe(3);
});

test('a disabled rule stops firing, an enabled one starts again, a deleted one never fires again', async () => {
  await scheduled('toggle', 'rate(2 minutes)', 'toggle');
  await advance(minutes(4) + 1000);
  expect(await events('toggle')).toHaveLength(2);

  await emu.client.send(new DisableRuleCommand({ Name: 'toggle' }));
  await advance(minutes(10));
  expect(await events('toggle')).toHaveLength(2);

  await emu.client.send(new EnableRuleCommand({ Name: 'toggle' }));
  await advance(minutes(4) + 1000);
  expect(await events('toggle')).toHaveLength(4);

  await emu.client.send(new RemoveTargetsCommand({ Rule: 'toggle', Ids: ['q'] }));
  await emu.client.send(new DeleteRuleCommand({ Name: 'toggle' }));
  await advance(minutes(10));
  expect(await events('toggle')).toHaveLength(4);
});

test('changing the schedule re-arms the rule on the new one', async () => {
  await scheduled('change', 'rate(10 minutes)', 'change');
  await advance(minutes(5));
  await emu.client.send(new PutRuleCommand({ Name: 'change', ScheduleExpression: 'rate(1 minute)' }));
  await advance(minutes(3) + 1000);
  expect(await events('change')).toHaveLength(3);
});

test('the virtual clock endpoint drives schedules for users’ own tests', async () => {
  await scheduled('hourly', 'rate(1 hour)', 'hourly');
  await fetch(`${emu.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"advanceSeconds": 36000}' });
  await emu.emulator.engine.idle();
  expect(await events('hourly')).toHaveLength(10);
});

test('a restart keeps schedules: the rule fires again after the emulator comes back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-sched-'));
  const first = await startEmulator({ dataDir });
  await scheduled('survivor', 'rate(1 minute)', 'survivor', first);
  await first.close();
  const second = await startEmulator({ dataDir });
  await advance(minutes(3) + 1000, second);
  expect(await events('survivor', second)).toHaveLength(3);
  await second.close();
});
