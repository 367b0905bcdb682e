/**
 * The inspection lists (issue 20 item 6): each attempt shows what the API destination answered
 * (status, headers, body cut to limits.attemptResponseBodyBytes, secrets masked); a bad query
 * parameter is a 400 JSON error naming it; every list is newest first, and paging through it
 * gives every item once.
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { basicConnection, createDestination, dlqArn, putShopEvent, ruleToDestination } from '../helpers/apiDestinations.js';
import { inspect } from '../helpers/inspect.js';
import { limits } from '../../src/limits.js';

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

test("each attempt shows the endpoint's answer: status, headers, the body cut to the documented size, secrets masked", async () => {
  const password = 'pa55word-secret';
  const dest = await createDestination(emu, 'echo', await basicConnection(emu, 'basic', 'user', password), `${sink.url}/echo`);
  await ruleToDestination(emu, dest);
  const basic = `Basic ${Buffer.from(`user:${password}`).toString('base64')}`;
  // The endpoint echoes the credentials header it got (in the body and a header) and sets a cookie; the body is long.
  sink.fallback = (req) => ({
    status: 201,
    headers: { 'x-echo': String(req.headers.authorization), 'set-cookie': 'session=abc123', 'Content-Type': 'text/plain' },
    body: `you sent ${String(req.headers.authorization)} ` + 'y'.repeat(10_000),
  });
  await putShopEvent(emu);
  await emu.emulator.engine.idle();
  const [delivery] = (await inspect(emu.url, `deliveries?targetArn=${encodeURIComponent(dest)}`)).deliveries;
  const { response } = delivery.attempts[0];
  expect(response.status).toBe(201);
  expect(response.headers['content-type']).toBe('text/plain');
  expect(response.headers['set-cookie']).toBe('***');
  expect(response.headers['x-echo']).toBe('***');
  expect(response.body.startsWith('you sent *** yyy')).toBe(true);
  expect(Buffer.byteLength(response.body)).toBeLessThanOrEqual(limits.attemptResponseBodyBytes);
  expect(response.bodyTruncated).toBe(true);
  expect(response.bodyBytes).toBeGreaterThan(10_000);
  const everything = JSON.stringify(await inspect(emu.url, 'deliveries')) + JSON.stringify(await inspect(emu.url, 'activity/deliveries'));
  expect(everything).not.toContain(password);
  expect(everything).not.toContain(basic.slice('Basic '.length));
  // The dashboard's view has it too.
  const [shown] = (await inspect(emu.url, 'activity/deliveries')).deliveries;
  expect(shown.attempts[0].response.status).toBe(201);

  // A failed attempt keeps the error answer as well.
  sink.fallback = () => ({ status: 400, body: '{"error":"bad order"}', headers: { 'content-type': 'application/json' } });
  await putShopEvent(emu, { orderId: 'o-2' });
  await emu.emulator.engine.idle();
  const [failed] = (await inspect(emu.url, `deliveries?targetArn=${encodeURIComponent(dest)}&status=dropped`)).deliveries;
  expect(failed.attempts[0].response).toMatchObject({ status: 400, body: '{"error":"bad order"}', bodyTruncated: false });
});

test.each([
  ['deliveries?limit=0', 'limit'],
  ['deliveries?limit=abc', 'limit'],
  ['deliveries?limit=1001', 'limit'],
  ['deliveries?nextToken=garbage', 'nextToken'],
  ['deliveries?status=bogus', 'status'],
  ['deliveries?account=42', 'account'],
  ['deliveries?targetArn=not-an-arn', 'targetArn'],
  ['deliveries?colour=blue', 'colour'],
  ['deliveries?status=pending&status=dropped', 'status'],
  ['events?limit=-1', 'limit'],
  ['events?region=mars', 'region'],
  ['events?nextToken=bm90IGEgdG9rZW4', 'nextToken'],
  ['captures?limit=abc', 'limit'],
  ['captures?targetArn=constructor', 'targetArn'],
  ['captures?queueArn=arn:aws:sqs:us-east-1:000000000000:q', 'queueArn'],
  ['dead-letters?nextToken=%%%', 'nextToken'],
  ['activity/events?limit=0', 'limit'],
  ['activity/deliveries?status=bogus', 'status'],
  ['activity/deliveries?__proto__=x', '__proto__'],
])('GET %s is a 400 naming %s', async (path, parameter) => {
  const res = await fetch(`${emu.url}/_eventbridge-local/${path}`);
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body: any = await res.json();
  expect(body.parameter).toBe(parameter);
  expect(body.message).toContain(`'${parameter}'`);
});

test('every list is newest first, and its pages give every item once', async () => {
  const queue = 'arn:aws:sqs:us-east-1:000000000000:orders';
  await emu.client.send(new PutRuleCommand({ Name: 'to-queue', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'to-queue', Targets: [{ Id: 'q', Arn: queue }] }));
  // An API destination that refuses everything, so its deliveries reach the DLQ.
  sink.fallback = () => ({ status: 400 });
  const dest = await createDestination(emu, 'refuses', await basicConnection(emu), `${sink.url}/no`);
  await emu.client.send(new PutRuleCommand({ Name: 'to-api', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'to-api', Targets: [{ Id: 'api', Arn: dest, RoleArn: 'arn:aws:iam::000000000000:role/r', DeadLetterConfig: { Arn: dlqArn } }] }));
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const put = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ i }) }] }));
    ids.push(put.Entries![0].EventId!);
    await emu.emulator.engine.idle();
  }
  const newest = [...ids].reverse();
  const all = async (path: string, key: string) => {
    const items: any[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await inspect(emu.url, `${path}${path.includes('?') ? '&' : '?'}limit=3${token ? `&nextToken=${token}` : ''}`);
      items.push(...page[key]);
      token = page.nextToken;
      if (!token) break;
    }
    return items;
  };
  // (The connection's state-change events are on the bus too: shop events only.)
  const shop = (events: any[]) => events.filter((e) => e.event.source === 'shop').map((e) => e.event.id);
  expect(shop(await all('events', 'events'))).toEqual(newest);
  expect((await all('captures', 'captures')).map((c) => c.eventId)).toEqual(newest);
  expect((await all(`captures?targetArn=${encodeURIComponent(queue)}`, 'captures')).map((c) => c.eventId)).toEqual(newest);
  expect((await all('dead-letters', 'messages')).map((m) => JSON.parse(m.body).id)).toEqual(newest);
  expect((await all(`deliveries?targetArn=${encodeURIComponent(dest)}`, 'deliveries')).map((d) => d.eventId)).toEqual(newest);
  expect((await all('activity/deliveries?status=dead-lettered', 'deliveries')).map((d) => d.eventId)).toEqual(newest);
  expect(shop(await all('activity/events', 'events'))).toEqual(newest);
});
