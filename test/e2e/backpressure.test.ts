/**
 * Backpressure (--max-pending-deliveries): with the durable queue full, PutEvents and
 * PutPartnerEvents refuse the whole request with ThrottlingException "Rate exceeded" (HTTP
 * 400, which the SDKs retry), the control plane keeps answering, and once the queue drains
 * PutEvents is accepted again. Every accepted EventId is delivered.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DescribeEventBusCommand,
  ListRulesCommand,
  PutEventsCommand,
  PutPartnerEventsCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError, startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { basicConnection, createDestination, ruleToDestination } from '../helpers/apiDestinations.js';
import { inspect } from '../helpers/inspect.js';
import { configFromArgs } from '../../src/config.js';

let sink: HttpSink;
let emu: Running;
beforeEach(async () => {
  sink = await startHttpSink();
  emu = await startEmulator({ dataDir: mkdtempSync(join(tmpdir(), 'ebl-backpressure-')), maxPendingDeliveries: 4 });
});
afterEach(async () => {
  await emu.close();
  await sink.close();
});

const put = (n = 1) => emu.client.send(new PutEventsCommand({ Entries: Array.from({ length: n }, (_, i) => ({ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ i }) })) }));
const pendingCount = async () => (await inspect(emu.url, 'deliveries?status=pending&limit=1000')).deliveries.length;

test('a full queue throttles PutEvents before accepting anything; the control plane answers; after draining PutEvents is accepted again', async () => {
  sink.fallback = () => ({ status: 503 }); // the slow (here: failing) destination: deliveries stay pending
  await ruleToDestination(emu, await createDestination(emu, 'api', await basicConnection(emu), `${sink.url}/in`));
  const accepted: string[] = [];
  for (let i = 0; i < 4; i++) accepted.push(...(await put()).Entries!.map((e) => e.EventId!));
  await emu.emulator.engine.idle();
  expect(await pendingCount()).toBe(4);

  await expectAwsError(put(3), 'ThrottlingException', 'Rate exceeded', 400);
  expect(await pendingCount()).toBe(4); // nothing of the refused request was accepted
  const shopEvents = (await inspect(emu.url, 'events')).events.filter((e: any) => e.event.source === 'shop');
  expect(shopEvents.map((e: any) => e.event.id).sort()).toEqual([...accepted].sort());

  // The control plane keeps answering (and changing) while the queue is full.
  await emu.client.send(new CreateEventBusCommand({ Name: 'still-works' }));
  expect((await emu.client.send(new DescribeEventBusCommand({ Name: 'still-works' }))).Name).toBe('still-works');
  expect((await emu.client.send(new ListRulesCommand({}))).Rules).toHaveLength(1);

  // The destination recovers; retries (due on the virtual clock) drain the queue.
  sink.fallback = () => ({ status: 200 });
  await fetch(`${emu.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds": 600}' });
  await emu.emulator.engine.idle();
  expect(await pendingCount()).toBe(0);

  accepted.push(...(await put(3)).Entries!.map((e) => e.EventId!));
  await emu.emulator.engine.idle();
  const delivered = new Set(sink.requests.filter((r) => r.headers['content-type']).map((r) => JSON.parse(r.body).id));
  expect(accepted).toHaveLength(7);
  for (const id of accepted) expect(delivered.has(id)).toBe(true);
});

test('PutPartnerEvents is throttled the same way', async () => {
  sink.fallback = () => ({ status: 503 });
  const partner = emu.clientFor('111122223333');
  const source = 'aws.partner/example.com/orders';
  await partner.send(new CreatePartnerEventSourceCommand({ Name: source, Account: '000000000000' }));
  await emu.client.send(new CreateEventBusCommand({ Name: source, EventSourceName: source }));
  await emu.client.send(new PutRuleCommand({ Name: 'partner', EventBusName: source, EventPattern: JSON.stringify({ source: [source] }) }));
  await ruleToDestination(emu, await createDestination(emu, 'api', await basicConnection(emu), `${sink.url}/in`));
  await put(4);
  await emu.emulator.engine.idle();
  await expectAwsError(partner.send(new PutPartnerEventsCommand({ Entries: [{ Source: source, DetailType: 'Order', Detail: '{}' }] })), 'ThrottlingException', 'Rate exceeded', 400);
});

test('--max-pending-deliveries is read from the flag or the environment, and checked', () => {
  expect(configFromArgs([]).maxPendingDeliveries).toBe(100_000);
  expect(configFromArgs(['--max-pending-deliveries', '50']).maxPendingDeliveries).toBe(50);
  expect(configFromArgs([], { EVENTBRIDGE_LOCAL_MAX_PENDING_DELIVERIES: '7' }).maxPendingDeliveries).toBe(7);
  expect(() => configFromArgs(['--max-pending-deliveries', '0'])).toThrow(/--max-pending-deliveries/);
});
