/**
 * The dashboard in a real browser (Debian's Chromium, headless, through playwright-core):
 * resources, an event put through the form arriving live with its delivery, a failing
 * destination's retries and dead letter, the pattern tester, and 100,000 recorded events.
 * Screenshots of each view go to test-artifacts/ui/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreatePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { advance, basicConnection, createDestination, dlqArn, roleArn, ruleToDestination } from '../helpers/apiDestinations.js';
import { artifactsDir, launchBrowser, type Browser } from './browser.js';

let emu: Running;
let sink: HttpSink;
let failing: HttpSink;
let browser: Browser;
let ui: string;

beforeAll(async () => {
  [emu, sink, failing, browser] = await Promise.all([startEmulator(), startHttpSink(), startHttpSink(), launchBrowser()]);
  failing.fallback = () => ({ status: 500, body: '{"message":"down"}' });
  ui = `${emu.url}/_eventbridge-local/ui/`;
  const conn = await basicConnection(emu, 'basic', 'user', 'pa55word');
  await ruleToDestination(emu, await createDestination(emu, 'orders-api', conn, `${sink.url}/orders`));
  const flaky = await createDestination(emu, 'flaky-api', conn, `${failing.url}/hook`);
  await emu.client.send(new PutRuleCommand({ Name: 'flaky', EventPattern: JSON.stringify({ source: ['flaky'] }), Description: 'always answered 500' }));
  await emu.client.send(
    new PutTargetsCommand({ Rule: 'flaky', Targets: [{ Id: 'flaky-api', Arn: flaky, RoleArn: roleArn, RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: dlqArn } }] }),
  );
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([emu?.close(), sink?.close(), failing?.close()]);
});

async function open(view: string) {
  const { page } = browser;
  await page.goto('about:blank'); // a fresh document each time (a hash change alone would not load one)
  await page.goto(`${ui}#${view}`);
  await page.locator('#live.on').waitFor();
  return page;
}

test('resources: buses, rules with pretty-printed patterns and targets, connections without secrets, API destinations', async () => {
  const page = await open('resources');
  const pattern = page.locator('tr.rule[data-name="to-api"] pre.pattern');
  await pattern.waitFor();
  expect(await pattern.textContent()).toBe(JSON.stringify({ source: ['shop'] }, null, 2));
  expect(await page.locator('tr.rule[data-name="flaky"] .target').textContent()).toContain('flaky-api');
  expect(await page.locator('tr.connection').textContent()).toMatch(/basic.*AUTHORIZED.*BASIC/s);
  const destinations = await page.locator('tr.api-destination').allTextContents();
  expect(destinations).toEqual(expect.arrayContaining([`orders-apiACTIVEPOST ${sink.url}/ordersbasic300`, `flaky-apiACTIVEPOST ${failing.url}/hookbasic300`]));
  expect(await page.locator('table.buses').textContent()).toContain('default');
  expect(await page.content()).not.toContain('pa55word');
  await browser.screenshot('resources');
});

test('an event put through the form arrives live, with its rule and its delivery (HTTP 200) to the API destination', async () => {
  const page = await open('events');
  await page.locator('#tabs button[data-view="put"]').click();
  await page.fill('#put-form [name=Source]', 'shop');
  await page.fill('#put-form [name=DetailType]', 'Order Placed');
  await page.fill('#put-form [name=Detail]', '{"orderId":"o-7","total":42}');
  await page.click('#put-form button[type=submit]');
  await page.locator('#put-result', { hasText: 'Accepted. EventId:' }).waitFor();
  await browser.screenshot('put-event');
  const eventId = (await page.locator('#put-result').textContent())!.split('EventId: ')[1];

  // The list was read when the page opened; the event comes through the stream.
  await page.locator('#tabs button[data-view="events"]').click();
  await page.locator('#events-list .row', { hasText: 'shop · Order Placed' }).click();
  await page.locator('#event-detail .matched li', { hasText: 'to-api' }).waitFor();
  const delivered = page.locator('#event-detail .delivery[data-status="delivered"]');
  await delivered.locator('.attempt[data-status-code="200"]').waitFor();
  const attempt = await delivered.locator('.attempt').textContent();
  expect(attempt).toContain(`POST ${sink.url}/orders`);
  expect(attempt).toContain('Basic ***');
  expect(attempt).toContain('"orderId": "o-7"');
  expect(attempt).toContain('Response: HTTP 200'); // what the endpoint answered
  expect(await page.locator('#event-detail').textContent()).toContain(eventId);
  expect(sink.requests).toHaveLength(1);
  expect(JSON.parse(sink.requests[0].body)).toMatchObject({ id: eventId, detail: { orderId: 'o-7', total: 42 } });
  await browser.screenshot('events');
});

test('a failing destination shows each attempt, the next retry, then the dead letter', async () => {
  const page = await open('deliveries');
  // The first answer asks for an hour: the retry waits for the clock, not for real time, so a slow
  // page still sees the delivery pending (with the default 1 s backoff it could be dead-lettered first).
  failing.reply({ status: 500, headers: { 'Retry-After': '3600' }, body: '{"message":"down"}' });
  await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'flaky', DetailType: 'Ping', Detail: '{"n":1}' }] }));
  // Opened once its row shows the first attempt: a row clicked while the delivery had none was, on a busy CI
  // machine, twice left showing "No attempt yet" for 60 s (2026-12-04; not reproduced alone or under load).
  // The row updating tells the stream apart from the detail pane if it happens again.
  const row = page.locator('#deliveries-list .row', { hasText: 'flaky → flaky-api' });
  await row.filter({ hasText: '1 attempt' }).filter({ hasText: '500' }).waitFor();
  await row.click();
  const detail = page.locator('#delivery-detail .delivery[data-status="pending"]');
  await detail.locator('.attempt[data-status-code="500"]').waitFor();
  await detail.locator('.next-retry').waitFor();
  await browser.screenshot('deliveries-retrying');

  // Two retries on the virtual clock (the hour asked for, then a backoff with jitter: a minute covers it).
  await advance(emu, 3_660_000, 1_000);
  const dead = page.locator('#delivery-detail .delivery[data-status="dead-lettered"]');
  await dead.waitFor();
  expect(await dead.locator('.attempt[data-status-code="500"]').count()).toBe(3);
  expect(await dead.textContent()).toContain(dlqArn);
  expect(failing.requests).toHaveLength(3);

  // The status filter.
  await page.selectOption('#filters [name=status]', 'dead-lettered');
  await page.locator('#deliveries-count', { hasText: /^1 deliveries$/ }).waitFor();
  expect(await page.locator('#deliveries-list .row').allTextContents()).toEqual([expect.stringContaining('dead-lettered')]);
  await browser.screenshot('deliveries');

  await page.locator('#tabs button[data-view="dead-letters"]').click();
  const message = page.locator('tr.dead-letter');
  await message.waitFor();
  expect(await message.textContent()).toMatch(/ERROR_CODE: ERROR_FROM_TARGET.*RETRY_ATTEMPTS: 2/s);
  await browser.screenshot('dead-letters');
});

test('pipes: every pipe with its state, its source and target, and its batches', async () => {
  const pipes = new PipesClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    await pipes.send(new CreatePipeCommand({ Name: 'orders-pipe', Source: 'arn:aws:sqs:us-east-1:000000000000:orders', Target: 'arn:aws:sqs:us-east-1:000000000000:out', RoleArn: roleArn, DesiredState: 'STOPPED' }));
  } finally {
    pipes.destroy();
  }
  const page = await open('pipes');
  const row = page.locator('tr.pipe[data-name="orders-pipe"]');
  await row.waitFor();
  expect(await row.textContent()).toMatch(/orders-pipe.*(CREATING|STOPPED).*desired STOPPED.*arn:aws:sqs:us-east-1:000000000000:orders.*→ arn:aws:sqs:us-east-1:000000000000:out.*No batch yet\./s);
  await browser.screenshot('pipes');
});

test("the pattern tester shows the result, and AWS's error for a bad pattern", async () => {
  const page = await open('tester');
  await page.click('#tester-form button[type=submit]');
  await page.locator('#tester-result', { hasText: 'Result: true' }).waitFor();
  await page.fill('#tester-form [name=EventPattern]', '{"source":["other"]}');
  await page.click('#tester-form button[type=submit]');
  await page.locator('#tester-result', { hasText: 'Result: false' }).waitFor();
  await page.fill('#tester-form [name=EventPattern]', '{"source":[]}');
  await page.click('#tester-form button[type=submit]');
  await page.locator('#tester-result.error').waitFor();
  expect(await page.locator('#tester-result').textContent()).toBe('InvalidEventPatternException: Event pattern is not valid. Reason: Empty arrays are not allowed\n at [Source: (String)"{"source":[]}"; line: 1, column: 13]');
  await browser.screenshot('pattern-tester');
});

test('100,000 recorded events: the page shows the newest window and pages on scroll', async () => {
  const { page } = browser;
  await page.goto('about:blank'); // no open stream while recording
  const recordEvents = (count: number, buses: number) => {
    emu.emulator.history.clear();
    for (let i = 0; i < count; i++) {
      emu.emulator.history.recordEvent({
        account: '000000000000',
        region: 'us-east-1',
        eventBusName: `bus-${i % buses}`,
        receivedAt: Date.UTC(2026, 0, 1) + i,
        event: { id: `e-${i}`, source: 'load.test', 'detail-type': `Kind ${i % 7}`, detail: { i } },
        matchedRules: [],
      });
    }
  };
  const timings: Record<string, number> = {};
  const openEvents = async (expected: string) => {
    await page.goto('about:blank');
    const started = Date.now();
    await page.goto(`${ui}#events`);
    await page.locator('#events-count', { hasText: expected }).waitFor();
    await page.locator('#events-list .row').first().waitFor();
    return Date.now() - started;
  };

  recordEvents(1_000, 1);
  timings.load1000Ms = await openEvents('1,000 events');
  recordEvents(100_000, 100); // the history keeps 1,000 per bus
  timings.load100000Ms = await openEvents('100,000 events (500 loaded)');
  // Windowing: a few dozen rows in the DOM, not 500 (nor 100,000).
  expect(await page.locator('#events-list .row').count()).toBeLessThan(80);
  expect(await page.locator('#events-list .row').first().textContent()).toContain('Kind 4'); // the newest, e-99999
  await page.locator('#events-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.locator('#events-count', { hasText: '(1,000 loaded)' }).waitFor();
  await browser.screenshot('events-100k');

  await page.fill('#filters [name=bus]', 'bus-7');
  await page.locator('#events-count', { hasText: /^1,000 events$/ }).waitFor();
  await page.fill('#filters [name=detailType]', 'Kind 3');
  await page.locator('#events-count', { hasText: /^14[23] events$/ }).waitFor();
  writeFileSync(join(artifactsDir, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
});
