/**
 * The whole path with real parts: PutEvents (SDK) -> rule -> event-bus target ->
 * rule on that bus -> API destination -> a real HTTP server on 127.0.0.1; and a
 * restart in the middle of a retry schedule.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { basicConnection, createDestination, roleArn } from '../helpers/apiDestinations.js';
import { VirtualClock } from '../../src/util/clock.js';
import { inspect } from '../helpers/inspect.js';

let sink: HttpSink;
beforeEach(async () => {
  sink = await startHttpSink();
});
afterEach(() => sink.close());

test('an event crosses to another bus and reaches the API destination as exactly the transformed payload', async () => {
  const emu = await startEmulator();
  try {
    await emu.client.send(new CreateEventBusCommand({ Name: 'integrations' }));
    const destination = await createDestination(emu, 'crm', await basicConnection(emu), `${sink.url}/crm/*`);
    await emu.client.send(new PutRuleCommand({ Name: 'forward', EventPattern: '{"source":["shop"]}' }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'forward', Targets: [{ Id: 'bus', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/integrations' }] }));
    await emu.client.send(new PutRuleCommand({ Name: 'to-crm', EventBusName: 'integrations', EventPattern: '{"detail-type":["Customer Signed Up"]}' }));
    await emu.client.send(
      new PutTargetsCommand({
        Rule: 'to-crm',
        EventBusName: 'integrations',
        Targets: [
          {
            Id: 'crm',
            Arn: destination,
            RoleArn: roleArn,
            HttpParameters: { PathParameterValues: ['$.detail.id'] },
            InputTransformer: { InputPathsMap: { email: '$.detail.email', id: '$.detail.id' }, InputTemplate: '{"contact": {"email": <email>, "externalId": <id>}, "rule": <aws.events.rule-name>}' },
          },
        ],
      }),
    );
    const res = await emu.client.send(
      new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Customer Signed Up', Detail: '{"id":"c-7","email":"ada@example.com"}' }] }),
    );
    expect(res.FailedEntryCount).toBe(0);
    await emu.emulator.engine.idle();
    await emu.emulator.engine.idle();
    expect(sink.requests).toHaveLength(1);
    const [request] = sink.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/crm/c-7');
    expect(request.body).toBe('{"contact":{"email":"ada@example.com","externalId":"c-7"},"rule":"to-crm"}');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations');
    const { events } = await inspect(emu.url, 'events?eventBusName=integrations');
    expect(events[0]).toMatchObject({ matchedRules: ['to-crm'], event: { id: res.Entries![0].EventId } });
  } finally {
    await emu.close();
  }
});

test('a restart in the middle of a retry schedule loses nothing: the retry is delivered after the restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-restart-'));
  // Virtual time stands still but for advance(): the first retry (750 ms after the first attempt)
  // must not come due in real time while a loaded machine is still sending the fifth event.
  const t0 = Date.now();
  const first = await startEmulator({ dataDir, random: () => 0.5, clock: new VirtualClock(() => t0) });
  const destination = await createDestination(first, 'flaky', await basicConnection(first), `${sink.url}/hook`);
  await first.client.send(new PutRuleCommand({ Name: 'to-flaky', EventPattern: '{"source":["shop"]}' }));
  await first.client.send(new PutTargetsCommand({ Rule: 'to-flaky', Targets: [{ Id: 'api', Arn: destination, RoleArn: roleArn }] }));
  sink.fallback = () => ({ status: 503 });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await first.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ n: i }) }] }));
    ids.push(res.Entries![0].EventId!);
  }
  await first.emulator.engine.idle();
  expect(sink.requests).toHaveLength(5);
  const pending = (await inspect(first.url, 'deliveries?status=pending')).deliveries;
  expect(pending).toHaveLength(5);
  await first.close();

  sink.clear(); // the API recovers while the emulator is down
  const second = await startEmulator({ dataDir, random: () => 0.5, clock: new VirtualClock(() => t0) });
  try {
    const resumed = (await inspect(second.url, 'deliveries?status=pending')).deliveries;
    expect(resumed.map((d: any) => d.eventId).sort()).toEqual([...ids].sort());
    expect(resumed.every((d: any) => d.attempts.length === 1 && d.attempts[0].statusCode === 503)).toBe(true);
    second.emulator.clock.advance(60_000);
    await second.emulator.engine.idle();
    expect(sink.requests.map((r) => JSON.parse(r.body).id).sort()).toEqual([...ids].sort());
    expect((await inspect(second.url, 'deliveries?status=pending')).deliveries).toEqual([]);
    const delivered = (await inspect(second.url, 'deliveries?status=delivered')).deliveries;
    expect(delivered.every((d: any) => d.attempts.length === 2)).toBe(true);
  } finally {
    await second.close();
  }
});
