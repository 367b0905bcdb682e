/**
 * The built CLI (`node dist/src/cli.js`, run `npm run build` first): `send` puts fixture
 * events on a running emulator, and the server's --webhook flag configures a webhook.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DeactivateEventSourceCommand,
  DescribeEventSourceCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { captures, inspect, reset } from '../helpers/inspect.js';
import { cliPath, runProcess, startProcess } from '../helpers/process.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/partner-events/${name}`, import.meta.url));
const eventOf = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')).event;
const queue = 'arn:aws:sqs:us-east-1:000000000000:from-send';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => reset(emu.url));

async function send(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, 'send', ...args, '--endpoint', emu.url]);
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function targetOn(bus: string, pattern: object) {
  await emu.client.send(new PutRuleCommand({ Name: 'r', EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'r', EventBusName: bus, Targets: [{ Id: 'q', Arn: queue }] }));
}

async function delivered(): Promise<any[]> {
  await emu.emulator.engine.idle();
  return (await captures(emu.url, queue)).map((c) => JSON.parse(c.payload));
}

test('a partner fixture goes through PutPartnerEvents onto the partner bus, where the fixture pattern routes it', async () => {
  const file = JSON.parse(readFileSync(fixture('datadog-monitor-alert.json'), 'utf8'));
  const source = file.event.source;
  // The flow the developer built: source accepted, a rule with the fixture's pattern on the partner bus.
  await emu.clientFor('111111111111').send(new CreatePartnerEventSourceCommand({ Name: source, Account: '000000000000' }));
  await emu.client.send(new CreateEventBusCommand({ Name: source, EventSourceName: source }));
  await targetOn(source, file.pattern);

  const result = await send(fixture('datadog-monitor-alert.json'));
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`PutPartnerEvents on ${source.replace(/[.]/g, '\\.')}: EventId [0-9a-f-]{36}`));
  const [event] = await delivered();
  expect(event).toMatchObject({ source, 'detail-type': 'Datadog Alert Notification', account: '000000000000', region: 'us-east-1', detail: file.event.detail });
}, 300_000);

test('without any setup, send offers the source as the partner account and accepts it as the customer', async () => {
  const source = eventOf('stripe-payment-intent-succeeded.json').source;
  const result = await send(fixture('stripe-payment-intent-succeeded.json'), '--keep-time');
  expect(result.code).toBe(0);
  const described = await emu.client.send(new DescribeEventSourceCommand({ Name: source }));
  expect(described).toMatchObject({ State: 'ACTIVE', CreatedBy: 'stripe.com' });
  const { events } = await inspect(emu.url, `events?eventBusName=${encodeURIComponent(source)}`);
  expect(events).toHaveLength(1);
  // --keep-time: the fixture's own time.
  expect(events[0].event.time).toBe('2026-03-02T12:30:05Z');
}, 300_000);

test('non-partner fixtures (GitHub via the webhook quick start) are PutEvents on --bus; several files at once', async () => {
  await emu.client.send(new CreateEventBusCommand({ Name: 'github-events' }));
  await targetOn('github-events', { source: ['github.com'] });
  const result = await send(fixture('github-push.json'), fixture('github-pull-request.json'), '--bus', 'github-events');
  expect(result.code).toBe(0);
  expect(result.stdout.match(/PutEvents on github-events: EventId/g)).toHaveLength(2);
  expect((await delivered()).map((e) => e['detail-type'])).toEqual(['push', 'pull_request']);
}, 300_000);

test('a deactivated source: send refuses (exit 1), saying EventBridge would drop the event', async () => {
  const source = eventOf('auth0-failed-login.json').source;
  expect((await send(fixture('auth0-failed-login.json'))).code).toBe(0);
  await targetOn(source, { source: [source] });
  await emu.client.send(new DeactivateEventSourceCommand({ Name: source }));
  const result = await send(fixture('auth0-failed-login.json'));
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`event source ${source} is PENDING, not ACTIVE, in account 000000000000: EventBridge would accept its events and drop them; nothing was sent`);
  expect(await delivered()).toEqual([]);
}, 300_000);

test('failures: per-entry errors and misuse give a non-zero exit with the reason', async () => {
  const skipped = await send(fixture('shopify-orders-create.json'), '--skip-setup');
  expect(skipped.code).toBe(1);
  expect(skipped.stderr).toContain('NotAuthorizedForSourceException: Not authorized for the source.');
  const bus = await send(fixture('shopify-orders-create.json'), '--bus', 'orders');
  expect(bus.code).toBe(1);
  expect(bus.stderr).toContain('partner events land on the partner event bus named after their source');
  const none = await send();
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('Usage: eventbridge-local send');
}, 300_000);

test('the server started with --webhook (secret from the environment) verifies GitHub signatures', async () => {
  const server = await startProcess(['--port', '0', '--in-memory', '--webhook', 'provider=github,bus=gh,secretEnv=GH_HOOK_SECRET'], { GH_HOOK_SECRET: 'from-env-secret' });
  try {
    const body = '{"zen":"Design for failure."}';
    const post = (secret: string) =>
      fetch(`${server.url}/webhooks/github/gh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex') },
        body,
      });
    expect((await post('from-env-secret')).status).toBe(202);
    expect((await post('wrong')).status).toBe(401);
    const listed = await (await fetch(`${server.url}/_eventbridge-local/webhooks`)).text();
    expect(listed).toContain('/webhooks/github/gh');
    expect(listed).not.toContain('from-env-secret');
  } finally {
    await server.stop();
  }
  const bad = await runProcess(['--port', '0', '--in-memory', '--webhook', 'provider=gitlab,bus=x,secret=y']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('provider must be one of github, twilio');
}, 300_000);

test('--bus naming a bus that does not exist: exit 1, the bus named, nothing put', async () => {
  const result = await send(fixture('github-push.json'), '--bus', 'github-events');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('event bus github-events does not exist in account 000000000000, region us-east-1; nothing was sent');
  expect(result.stdout).toBe('');
  const events = (await inspect(emu.url, 'events')).events;
  expect(events).toEqual([]);
});

test('send --help and send --version answer on stdout and exit 0', async () => {
  const help = await send('--help');
  expect(help.code).toBe(0);
  expect(help.stderr).toBe('');
  expect(help.stdout).toMatch(/^Usage: eventbridge-local send <file\.\.\.> \[options\]/);
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  expect(await send('--version')).toEqual({ code: 0, stdout: `eventbridge-local ${version}\n`, stderr: '' });
});
