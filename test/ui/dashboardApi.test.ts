/** The JSON behind the dashboard: resources without secrets, filtered pages, the live stream. */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { advance, basicConnection, createDestination, putShopEvent, ruleToDestination, roleArn } from '../helpers/apiDestinations.js';
import { inspect } from '../helpers/inspect.js';

let emu: Running;
let sink: HttpSink;

beforeAll(async () => {
  emu = await startEmulator();
  sink = await startHttpSink();
});
afterAll(async () => {
  await emu.close();
  await sink.close();
});
beforeEach(async () => {
  await resetEmulator(emu.url);
  sink.clear();
});

test('the page and its assets are served, with no reference to another origin', async () => {
  const redirect = await fetch(`${emu.url}/_eventbridge-local/ui`, { redirect: 'manual' });
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get('location')).toBe('/_eventbridge-local/ui/');
  for (const [path, type] of [['', 'text/html'], ['app.js', 'javascript'], ['style.css', 'text/css']]) {
    const res = await fetch(`${emu.url}/_eventbridge-local/ui/${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(await res.text()).not.toMatch(/(src|href)="(https?:)?\/\//);
  }
  expect((await fetch(`${emu.url}/_eventbridge-local/ui/missing.js`)).status).toBe(404);
});

test('resources: buses, rules with targets, connections and API destinations, never a secret', async () => {
  const conn = await basicConnection(emu, 'basic', 'user', 'pa55word');
  const dest = await createDestination(emu, 'orders-api', conn, `${sink.url}/orders`);
  await ruleToDestination(emu, dest);
  const res = await fetch(`${emu.url}/_eventbridge-local/resources`);
  const text = await res.text();
  expect(text).not.toContain('pa55word');
  const r = JSON.parse(text);
  expect(r.namespaces).toContainEqual({ account: '000000000000', region: 'us-east-1' });
  expect(r.eventBuses.map((b: any) => b.Name)).toEqual(['default']);
  expect(r.rules).toEqual([expect.objectContaining({ Name: 'to-api', EventPattern: '{"source":["shop"]}', Targets: [expect.objectContaining({ Id: 'api', Arn: dest })] })]);
  expect(r.connections).toEqual([expect.objectContaining({ Name: 'basic', ConnectionState: 'AUTHORIZED', AuthParameters: { BasicAuthParameters: { Username: 'user' } } })]);
  expect(r.apiDestinations).toEqual([expect.objectContaining({ Name: 'orders-api', ApiDestinationState: 'ACTIVE', InvocationEndpoint: `${sink.url}/orders` })]);
  // A namespace nobody used is empty, and is not created by looking.
  const other = await inspect(emu.url, 'resources?account=111111111111&region=eu-west-1');
  expect(other.rules).toEqual([]);
  expect(other.namespaces).not.toContainEqual({ account: '111111111111', region: 'eu-west-1' });
});

test('events and deliveries filter by bus, source, detail-type and status, with a total', async () => {
  const conn = await basicConnection(emu);
  await ruleToDestination(emu, await createDestination(emu, 'orders-api', conn, `${sink.url}/orders`));
  await putShopEvent(emu, { n: 1 }, 'Order Placed');
  await putShopEvent(emu, { n: 2 }, 'Order Cancelled');
  await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'other', DetailType: 'Order Placed', Detail: '{}' }] }));
  await emu.emulator.engine.idle();

  // The connection's state-change events are on the default bus too (source aws.events).
  const all = await inspect(emu.url, 'activity/events');
  expect(all.events.filter((e: any) => e.event.source !== 'aws.events')).toHaveLength(3);
  expect(all.events[0].id).toBe(`${all.events[0].event.id}@000000000000:us-east-1:default`);
  expect((await inspect(emu.url, 'activity/events?source=shop')).total).toBe(2);
  const placed = await inspect(emu.url, 'activity/events?source=shop&detailType=Order%20Placed');
  expect(placed.events.map((e: any) => e.event.detail)).toEqual([{ n: 1 }]);
  expect((await inspect(emu.url, 'activity/events?bus=other-bus')).total).toBe(0);

  const delivered = await inspect(emu.url, 'activity/deliveries?status=delivered&detailType=Order%20Cancelled');
  expect(delivered.total).toBe(1);
  expect(delivered.deliveries[0]).toMatchObject({ status: 'delivered', source: 'shop', detailType: 'Order Cancelled', attempts: [expect.objectContaining({ statusCode: 200 })] });
  expect(delivered.deliveries[0].attempts[0].request.headers.Authorization).toBe('Basic ***');
  expect((await inspect(emu.url, 'activity/deliveries?status=pending')).total).toBe(0);
});

test('pages of events: limit and nextToken walk 2,500 events without repeats', async () => {
  for (let i = 0; i < 2500; i++) {
    emu.emulator.history.recordEvent({ account: '000000000000', region: 'us-east-1', eventBusName: `bus-${i % 5}`, receivedAt: i, event: { id: `e-${i}`, source: 's', 'detail-type': 'd' }, matchedRules: [] });
  }
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await inspect(emu.url, `activity/events?limit=1000${token ? `&nextToken=${token}` : ''}`);
    expect(page.total).toBe(2500);
    for (const e of page.events) seen.add(e.event.id);
    token = page.nextToken;
  } while (token);
  expect(seen.size).toBe(2500);
});

/** The stream's messages, one at a time, as they come. */
async function* streamMessages(url: string, signal: AbortSignal): AsyncGenerator<{ kind: string; data: any }> {
  const res = await fetch(`${url}/_eventbridge-local/stream`, { signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  let buffer = '';
  for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const kind = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (kind && data) yield { kind, data: JSON.parse(data) };
    }
  }
}

test('the stream tells of each event, each failed attempt with its next retry, and the outcome', async () => {
  sink.reply({ status: 503 });
  const conn = await basicConnection(emu);
  const dest = await createDestination(emu, 'orders-api', conn, `${sink.url}/orders`);
  await emu.client.send(new PutRuleCommand({ Name: 'flaky', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'flaky', Targets: [{ Id: 'api', Arn: dest, RoleArn: roleArn, RetryPolicy: { MaximumRetryAttempts: 3 } }] }));
  const controller = new AbortController();
  const seen: Array<{ kind: string; data: any }> = [];
  try {
    for await (const message of streamMessages(emu.url, controller.signal)) {
      seen.push(message);
      const { kind, data } = message;
      if (kind === 'hello') await putShopEvent(emu);
      // The failed first attempt is on the stream: make the retry due.
      else if (kind === 'delivery' && data.status === 'pending' && data.attempts.length === 1) await advance(emu, 60_000, 1_000);
      else if (kind === 'delivery' && data.status === 'delivered') break;
    }
  } finally {
    controller.abort();
  }
  expect(seen.find((x) => x.kind === 'event' && x.data.event.source === 'shop')!.data).toMatchObject({ matchedRules: ['flaky'] });
  const failed = seen.find((x) => x.kind === 'delivery' && x.data.status === 'pending' && x.data.attempts.length === 1)!.data;
  expect(failed.attempts[0]).toMatchObject({ statusCode: 503, errorCode: 'ERROR_FROM_TARGET' });
  expect(failed.nextAttemptAt).toEqual(expect.any(String));
  const done = seen.find((x) => x.kind === 'delivery' && x.data.status === 'delivered')!.data;
  expect(done.attempts.map((a: any) => a.statusCode)).toEqual([503, 200]);
});
