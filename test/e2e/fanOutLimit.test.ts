/**
 * Amplification (issue 18 item 10): 2 rules with 5 targets each back to their own bus made one
 * event into 111,111 before the hop limit stopped it. Now one original event makes at most
 * limits.fanOutPerEvent deliveries in all; the forwarding deliveries that would pass it fail
 * with the reason (deliveries view), the bus's event list shows the drop, and the log says so
 * once. An API destination whose endpoint is the emulator itself is refused.
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';
import { inspect } from '../helpers/inspect.js';
import { basicConnection, createDestination, ruleToDestination } from '../helpers/apiDestinations.js';
import { limits } from '../../src/limits.js';

let emu: Running;
const logLines: string[] = [];
beforeAll(async () => {
  emu = await startEmulator({ logLevel: 'warn', logSink: (line) => logLines.push(line) });
});
afterAll(async () => {
  await emu.close();
});

const busArn = 'arn:aws:events:us-east-1:000000000000:event-bus/default';
const roleArn = 'arn:aws:iam::000000000000:role/bus-to-bus';

/** Every delivery made so far (finished and pending), counted without the paged view. */
const deliveriesMade = () => emu.emulator.history.finishedDeliveries().length + emu.emulator.engine.pendingCount();

test('a bus loop of 2 rules x 5 targets stops at the fan-out limit, and says why', async () => {
  for (const name of ['loop-a', 'loop-b']) {
    await emu.client.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ['loop'] }) }));
    await emu.client.send(new PutTargetsCommand({ Rule: name, Targets: Array.from({ length: 5 }, (_, i) => ({ Id: `bus-${i}`, Arn: busArn, RoleArn: roleArn })) }));
  }
  const put = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'loop', DetailType: 'Ping', Detail: '{}' }] }));
  const eventId = put.Entries![0].EventId!;

  // Wait for the engine to settle, but fail as soon as the count runs past the limit (the old code made 111,110).
  let idle = false;
  void emu.emulator.engine.idle().then(() => (idle = true));
  for (let i = 0; i < 12_000 && !idle && deliveriesMade() <= limits.fanOutPerEvent + 100; i++) {
    await new Promise((r) => setTimeout(r, 10));
    if (!idle) void emu.emulator.engine.idle().then(() => (idle = true));
  }
  expect(deliveriesMade()).toBeLessThanOrEqual(limits.fanOutPerEvent);
  expect(idle).toBe(true);

  // The forwarding deliveries that were refused say why, in the deliveries view.
  const refused = (await inspect(emu.url, `deliveries?status=dropped&eventId=${eventId}&limit=1000`)).deliveries;
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0].attempts[0]).toMatchObject({ ok: false, errorCode: 'RESOURCE_LIMIT_EXCEEDED' });
  expect(refused[0].attempts[0].errorMessage).toContain(`at most ${limits.fanOutPerEvent} times`);
  // The bus's events show the drops; the log says it once.
  const events = (await inspect(emu.url, 'events?limit=1000')).events.filter((e: any) => e.event.id === eventId && e.dropped);
  expect(events.length).toBeGreaterThan(0);
  expect(logLines.filter((l) => l.includes('fan-out limit reached') && l.includes(eventId))).toHaveLength(1);
}, 180_000);

test('an API destination whose endpoint is the emulator itself is not invoked', async () => {
  await resetEmulator(emu.url);
  const dest = await createDestination(emu, 'self', await basicConnection(emu), `${emu.url}/`);
  await ruleToDestination(emu, dest);
  await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: '{}' }] }));
  await emu.emulator.engine.idle();
  const [delivery] = (await inspect(emu.url, `deliveries?targetArn=${encodeURIComponent(dest)}`)).deliveries;
  expect(delivery.status).toBe('dropped');
  expect(delivery.attempts).toHaveLength(1);
  expect(delivery.attempts[0]).toMatchObject({ ok: false, errorCode: 'INVALID_PARAMETER' });
  expect(delivery.attempts[0].errorMessage).toContain('the emulator itself');
}, 60_000);
