/**
 * The dashboard's first paint shows the current state: the counts are in the HTML and
 * the first rows render from data inlined in the page, before any fetch. The test blocks
 * every request the page makes after the HTML and its static assets (the JSON endpoints
 * and the live stream), then reads the DOM and takes a screenshot right after load.
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { launchBrowser, type Browser } from './browser.js';

let emu: Running;
let browser: Browser;
const queue = 'arn:aws:sqs:us-east-1:000000000000:first-paint';

beforeAll(async () => {
  [emu, browser] = await Promise.all([startEmulator(), launchBrowser()]);
  await emu.client.send(new PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'q', Arn: queue }] }));
  const entries = [
    ...[1, 2, 3].map((i) => ({ Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ i }) })),
    // Event data is the user's: it must not be able to end the inlined data block.
    { Source: 'other', DetailType: 'Noise', Detail: JSON.stringify({ text: '</script><script>window.pwned = 1</script>' }) },
  ];
  expect((await emu.client.send(new PutEventsCommand({ Entries: entries }))).FailedEntryCount).toBe(0);
  await emu.emulator.engine.idle();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

test('right after load, with every fetch and the live stream blocked, the page shows the counts and the rows', async () => {
  const { page } = browser;
  const blocked: string[] = [];
  await page.route(/\/_eventbridge-local\/(?!ui\/)/, (route) => {
    blocked.push(new URL(route.request().url()).pathname);
    return route.abort();
  });
  try {
    await page.goto(`${emu.url}/_eventbridge-local/ui/#events`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#events-count').textContent()).toBe('4 events');
    expect(await page.locator('#deliveries-count').textContent()).toBe('3 deliveries');
    const rows = await page.locator('#events-list .row').allTextContents();
    expect(rows).toHaveLength(4);
    // (One PutEvents: the four share their receipt time, so their order among themselves is not asserted.)
    expect(rows.filter((r) => r.includes('other · Noise'))).toHaveLength(1);
    expect(rows.filter((r) => r.includes('shop · Order Placed'))).toHaveLength(3);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await browser.screenshot('first-paint');
    expect(blocked.length).toBeGreaterThan(0); // the page did try to fetch: what it showed did not come from there
  } finally {
    await page.unroute(/\/_eventbridge-local\/(?!ui\/)/);
  }
});

test('the HTML itself carries the counts (what a screenshot before any script would show)', async () => {
  const html = await (await fetch(`${emu.url}/_eventbridge-local/ui/`)).text();
  expect(html).toContain('<span id="events-count">4 events</span>');
  expect(html).toContain('<span id="deliveries-count">3 deliveries</span>');
  expect(html).not.toContain('</script><script>window.pwned');
});
