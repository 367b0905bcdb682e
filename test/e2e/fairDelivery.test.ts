/**
 * Noisy neighbours (issue 18 item 13): account A's API destination never answers and has far
 * more deliveries due than there are delivery slots; account B's 10 deliveries to a healthy
 * sink all arrive while A's requests are still held open. (The slot scheduling itself is
 * proven against scripted senders in test/delivery/engine.test.ts.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { expectAwsError, startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { basicConnection, createDestination, ruleToDestination } from '../helpers/apiDestinations.js';

let emu: Running;
let healthy: HttpSink;
let stuck: Server;
const held: ServerResponse[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  healthy = await startHttpSink();
  stuck = createServer((_req: IncomingMessage, res: ServerResponse) => void held.push(res)); // never answers
  await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await emu.close();
  await healthy.close();
  await new Promise((resolve) => stuck.close(resolve));
});

const as = (account: string): Running => ({ ...emu, client: emu.clientFor(account) });

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 6000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

test("one account's endpoint that never answers does not hold back another account's deliveries", async () => {
  const a = as('111111111111');
  const b = as('222222222222');
  const stuckUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/never`;
  await ruleToDestination(a, await createDestination(a, 'stuck', await basicConnection(a), stuckUrl));
  await ruleToDestination(b, await createDestination(b, 'healthy', await basicConnection(b), `${healthy.url}/ok`));

  // 50 deliveries due at A's stuck endpoint: more than all 32 slots.
  for (let i = 0; i < 5; i++) {
    await a.client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, j) => ({ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ i, j }) })) }));
  }
  await waitFor(() => held.length >= 8, "A's first requests");
  await b.client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, j) => ({ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ j }) })) }));
  await waitFor(() => healthy.requests.length >= 10, "B's 10 deliveries");
  expect(healthy.requests).toHaveLength(10);
}, 120_000);

test("one account's full queue throttles that account only: another account's events are accepted and delivered", async () => {
  const small = await startEmulator({ maxPendingDeliveries: 4 });
  try {
    const a = { ...small, client: small.clientFor('333333333333') };
    const b = { ...small, client: small.clientFor('444444444444') };
    const stuckUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/never`;
    await ruleToDestination(a, await createDestination(a, 'stuck', await basicConnection(a), stuckUrl));
    await ruleToDestination(b, await createDestination(b, 'healthy', await basicConnection(b), `${healthy.url}/small`));
    const put = (who: Running, n: number) => who.client.send(new PutEventsCommand({ Entries: Array.from({ length: n }, () => ({ Source: 'shop', DetailType: 'Order', Detail: '{}' })) }));
    await put(a, 4);
    await expectAwsError(put(a, 1), 'ThrottlingException', 'Rate exceeded', 400);
    // Account B is not held back by A's full share.
    const before = healthy.requests.filter((r) => r.path === '/small').length;
    for (let i = 0; i < 3; i++) expect((await put(b, 1)).FailedEntryCount).toBe(0);
    await waitFor(() => healthy.requests.filter((r) => r.path === '/small').length >= before + 3, "B's deliveries");
  } finally {
    await small.close();
  }
}, 120_000);
