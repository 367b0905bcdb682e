/**
 * The dashboard's Schedules view in a real browser: every schedule with its group, expression,
 * state and next fire time on the virtual clock, and its invocations linking to their deliveries.
 * The first paint comes from the page itself (every fetch and the stream blocked).
 */
import { CreateScheduleCommand, CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { launchBrowser, type Browser } from './browser.js';

let emu: Running;
let browser: Browser;
let client: SchedulerClient;
let start: number;
const queue = 'arn:aws:sqs:us-east-1:000000000000:ticks';
const role = 'arn:aws:iam::000000000000:role/scheduler';
const hour = 3600_000;

beforeAll(async () => {
  [emu, browser] = await Promise.all([startEmulator(), launchBrowser()]);
  client = new SchedulerClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
  await client.send(new CreateScheduleGroupCommand({ Name: 'ops' }));
  start = Math.ceil(emu.emulator.clock.now() / 1000) * 1000 + 60_000;
  await client.send(new CreateScheduleCommand({ Name: 'hourly', GroupName: 'ops', ScheduleExpression: 'rate(1 hour)', StartDate: new Date(start), FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: queue, RoleArn: role, Input: '{"t":"<aws.scheduler.scheduled-time>"}' } }));
  await client.send(new CreateScheduleCommand({ Name: 'paused', State: 'DISABLED', ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: queue, RoleArn: role } }));
  // Two invocations of `hourly` (at start and an hour later); the next is at start + 2 h.
  emu.emulator.clock.advance(hour + 2 * 60_000);
  await emu.emulator.engine.idle();
}, 300_000);

afterAll(async () => {
  client?.destroy();
  await browser?.close();
  await emu?.close();
});

test('first paint (every fetch blocked): each schedule with group, expression, state, next fire time and invocations', async () => {
  const { page } = browser;
  const blocked = /\/_eventbridge-local\/(?!ui\/)/;
  await page.route(blocked, (route) => route.abort());
  try {
    await page.goto(`${emu.url}/_eventbridge-local/ui/#schedules`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#schedules-count').textContent()).toBe('2 schedules');
    const hourly = page.locator('tr.schedule[data-name="ops/hourly"]');
    expect(await hourly.locator('.group').textContent()).toBe('group ops');
    expect(await hourly.locator('.expression').textContent()).toBe('rate(1 hour)UTC');
    expect(await hourly.locator('.state').textContent()).toBe('ENABLED');
    expect(await hourly.locator('.next').textContent()).toBe(new Date(start + 2 * hour).toISOString());
    expect(await hourly.locator('.invocations .hint').textContent()).toBe('2 invocations');
    expect(await hourly.locator('button.invocation').allTextContents()).toEqual([expect.stringMatching(/delivered 1 attempt$/), expect.stringMatching(/delivered 1 attempt$/)]);
    const paused = page.locator('tr.schedule[data-name="default/paused"]');
    expect(await paused.locator('.expression').textContent()).toBe('cron(0 9 * * ? *)Europe/Paris');
    expect(await paused.locator('.state').textContent()).toBe('DISABLED');
    expect(await paused.locator('.next').textContent()).toBe('—');
    await browser.screenshot('schedules');
  } finally {
    await page.unroute(blocked);
  }
});

test('an invocation links to its delivery: the Deliveries view opens on it, with its attempts and payload', async () => {
  const { page } = browser;
  await page.goto('about:blank');
  await page.goto(`${emu.url}/_eventbridge-local/ui/#schedules`);
  await page.locator('#live.on').waitFor();
  await page.locator('tr.schedule[data-name="ops/hourly"] button.invocation').last().click();
  const detail = page.locator('#delivery-detail .delivery');
  await detail.waitFor();
  expect(page.url()).toMatch(/#deliveries$/);
  expect(await detail.getAttribute('data-status')).toBe('delivered');
  expect(await detail.locator('h3').textContent()).toContain('hourly → hourly');
  expect(await detail.locator('.attempt').count()).toBe(1);
  expect(await detail.locator('details pre').textContent()).toContain(new Date(start).toISOString().replace('.000Z', 'Z'));
});

test('the JSON behind the view: /_eventbridge-local/activity/schedules', async () => {
  const res = await fetch(`${emu.url}/_eventbridge-local/activity/schedules?account=000000000000&region=us-east-1`);
  const body = (await res.json()) as { schedules: Array<{ groupName: string; name: string; nextInvocationAt?: string; invocationCount: number }> };
  expect(body.schedules.map((s) => [s.groupName, s.name, s.nextInvocationAt, s.invocationCount])).toEqual([
    ['default', 'paused', undefined, 0],
    ['ops', 'hourly', new Date(start + 2 * hour).toISOString(), 2],
  ]);
});
