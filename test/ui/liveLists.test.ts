/**
 * The dashboard's lists read a page from the server and take live items from the stream at the
 * same time. A page the server read before an item changed, arriving after the stream brought the
 * change, must not put the older copy back (or drop the item): the reload on `hello` is held in
 * the browser here until the stream has brought a delivery's first attempt. A live change to an
 * item older than the loaded page is one the server counted already: it neither counts twice
 * nor jumps to the top.
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { advance, basicConnection, createDestination, roleArn } from '../helpers/apiDestinations.js';
import { inspect } from '../helpers/inspect.js';
import { launchBrowser, type Browser } from './browser.js';

let emu: Running;
let failing: HttpSink;
let browser: Browser;

beforeAll(async () => {
  [emu, failing, browser] = await Promise.all([startEmulator(), startHttpSink(), launchBrowser()]);
  const conn = await basicConnection(emu, 'basic', 'user', 'pa55word');
  const destination = await createDestination(emu, 'flaky-api', conn, `${failing.url}/hook`);
  await emu.client.send(new PutRuleCommand({ Name: 'flaky', EventPattern: JSON.stringify({ source: ['flaky'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'flaky', Targets: [{ Id: 'flaky-api', Arn: destination, RoleArn: roleArn }] }));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([emu?.close(), failing?.close()]);
});

test('a page read before a delivery was attempted does not replace the attempt the stream brought', async () => {
  const { page } = browser;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let read!: () => void;
  const pageRead = new Promise<void>((resolve) => (read = resolve));
  await page.route('**/activity/deliveries?**', async (route) => {
    const response = await route.fetch(); // the server reads the list now: before the event below
    read();
    await released;
    await route.fulfill({ response });
  });
  await page.goto(`${emu.url}/_eventbridge-local/ui/#deliveries`);
  await page.locator('#live.on').waitFor();
  await pageRead;

  // An hour's Retry-After keeps the delivery pending (the clock is not advanced).
  failing.reply({ status: 500, headers: { 'Retry-After': '3600' }, body: '{"message":"down"}' });
  await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'flaky', DetailType: 'Ping', Detail: '{"n":1}' }] }));
  const row = page.locator('#deliveries-list .row', { hasText: 'flaky → flaky-api' });
  await row.filter({ hasText: '1 attempt' }).waitFor(); // the stream brought the first attempt

  release();
  await page.locator('#deliveries-count[data-reloads="1"]').waitFor(); // the held page has been shown
  expect(await page.locator('#deliveries-count').textContent()).toBe('1 deliveries');
  expect(await row.allTextContents()).toEqual([expect.stringMatching(/pending.*1 attempt.*500/)]);
  await row.click();
  const detail = page.locator('#delivery-detail .delivery[data-status="pending"]');
  await detail.locator('.attempt[data-status-code="500"]').waitFor();
  await detail.locator('.next-retry').waitFor();
  expect(failing.requests).toHaveLength(1);
  await page.unroute('**/activity/deliveries?**');
});

test('a retry of a delivery older than the loaded page neither counts twice nor moves to the top', async () => {
  const { page } = browser;
  await page.goto('about:blank');
  const before = (await inspect(emu.url, 'deliveries?limit=1000')).deliveries.length;
  failing.fallback = () => ({ status: 500, headers: { 'Retry-After': '60' }, body: '{"message":"down"}' });
  await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'flaky', DetailType: 'Ping', Detail: '{"n":2}' }] }));
  // 500 newer deliveries (the dashboard's page size) to a captured queue push the pending ones off the first page.
  await emu.client.send(new PutRuleCommand({ Name: 'many', EventPattern: JSON.stringify({ source: ['many'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'many', Targets: [{ Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:many' }] }));
  for (let i = 0; i < 50; i++) {
    const entries = Array.from({ length: 10 }, (_, n) => ({ Source: 'many', DetailType: 'Ping', Detail: JSON.stringify({ n: i * 10 + n }) }));
    await emu.client.send(new PutEventsCommand({ Entries: entries }));
  }
  await emu.emulator.engine.idle();
  const total = (await inspect(emu.url, 'deliveries?limit=1000')).deliveries.length;
  expect(total).toBe(before + 501); // this test's pending delivery and the 500

  await page.goto(`${emu.url}/_eventbridge-local/ui/#deliveries`);
  await page.locator('#live.on').waitFor();
  const count = page.locator('#deliveries-count');
  await page.locator('#deliveries-count[data-reloads]').waitFor();
  expect(await count.textContent()).toBe(`${total} deliveries (500 loaded)`);
  const liveBefore = Number(await count.getAttribute('data-live') ?? 0);

  // This test's pending delivery retries (Retry-After 60): the stream brings its new attempt.
  await advance(emu, 60_000);
  await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('#deliveries-count')?.getAttribute('data-live') ?? 0) >= n, liveBefore + 1);
  expect(await count.textContent()).toBe(`${total} deliveries (500 loaded)`);
  expect(await page.locator('#deliveries-list .row').first().textContent()).toMatch(/many → queue/);
});
