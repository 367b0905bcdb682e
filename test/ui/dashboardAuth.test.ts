/**
 * The dashboard under --require-auth, in a real browser: opened without the token it gets no
 * data (the stream and the views answer 401); opened from the URL the emulator prints
 * (`/_eventbridge-local/ui/#token=...`) it goes live and shows the resources, and the token
 * leaves the address bar.
 */
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { launchBrowser, type Browser } from './browser.js';

let emu: Running;
let browser: Browser;
let signed: EventBridgeClient;

beforeAll(async () => {
  [emu, browser] = await Promise.all([startEmulator({ requireAuth: true, credentials: [{ accessKeyId: '111122223333', secretAccessKey: 'ui-secret' }] }), launchBrowser()]);
  signed = new EventBridgeClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: '111122223333', secretAccessKey: 'ui-secret' }, maxAttempts: 1 });
  await signed.send(new CreateEventBusCommand({ Name: 'signed-bus' }));
}, 30_000);

afterAll(async () => {
  signed?.destroy();
  await browser?.close();
  await emu?.close();
});

test('without the token the page gets nothing; from the printed URL it goes live and shows the resources', async () => {
  const { page } = browser;
  const ui = `${emu.url}/_eventbridge-local/ui/`;
  const refused: number[] = [];
  page.on('response', (res) => res.url().includes('/_eventbridge-local/') && !res.url().includes('/ui/') && refused.push(res.status()));
  await page.goto(ui);
  await page.locator('#live.off').waitFor();
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((s) => s === 401)).toBe(true);

  await page.goto('about:blank');
  await page.goto(`${ui}#token=${emu.emulator.adminToken}`);
  await page.locator('#live.on').waitFor();
  expect(page.url()).not.toContain('token');
  await page.locator('#namespace option[value="111122223333/us-east-1"]').waitFor({ state: 'attached' });
  await page.selectOption('#namespace', '111122223333/us-east-1');
  await page.locator('#tabs button[data-view="resources"]').click();
  await page.locator('table.buses', { hasText: 'signed-bus' }).waitFor();
  await browser.screenshot('require-auth-resources');
});
