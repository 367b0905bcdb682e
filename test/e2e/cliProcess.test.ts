import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, startProcess } from '../helpers/process.js';
import { rawCall } from '../helpers/emulator.js';
import { startHttpSink } from '../helpers/httpSink.js';
import { captures } from '../helpers/inspect.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'ebl-cli-'));

test('--port 0 --in-memory prints the chosen port and the store, answers health, and stops on SIGTERM', async () => {
  const server = await startProcess(['--port', '0', '--in-memory']);
  expect(server.firstLine).toMatch(/^eventbridge-local listening on http:\/\/127\.0\.0\.1:\d+ \(state in memory\)$/);
  expect(server.url).not.toMatch(/:0$/);
  const health: any = await (await fetch(`${server.url}/_eventbridge-local/health`)).json();
  expect(health.store.kind).toBe('memory');
  expect(await server.stop('SIGTERM')).toBe(0);
});

test('environment variables configure it too', async () => {
  const server = await startProcess([], { EVENTBRIDGE_LOCAL_PORT: '0', EVENTBRIDGE_LOCAL_IN_MEMORY: '1', EVENTBRIDGE_LOCAL_HOST: '127.0.0.1' });
  expect(server.firstLine).toContain('(state in memory)');
  expect(await server.stop('SIGINT')).toBe(0);
});

test('state written before SIGINT is there after a restart on the same data dir', async () => {
  const dataDir = tempDir();
  const first = await startProcess(['--port', '0', '--data-dir', dataDir]);
  expect(first.firstLine).toContain(`state in ${join(dataDir, 'state.json')}`);
  expect((await rawCall(first.url, 'CreateEventBus', '{"Name":"from-process"}')).status).toBe(200);
  expect(await first.stop('SIGINT')).toBe(0);

  const second = await startProcess(['--port', '0', '--data-dir', dataDir]);
  const res = await rawCall(second.url, 'DescribeEventBus', '{"Name":"from-process"}');
  expect(res.status).toBe(200);
  expect(res.json.Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/from-process');
  await second.stop();
});

test('a corrupt state file stops start-up with a clear message', async () => {
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'state.json'), 'not json');
  const { code, stderr } = await runProcess(['--port', '0', '--data-dir', dataDir]);
  expect(code).toBe(1);
  expect(stderr).toContain('is unusable: it is not valid JSON');
  expect(stderr).toContain('Refusing to start');
});

test('a bad flag prints usage and exits non-zero', async () => {
  const { code, stderr } = await runProcess(['--log-level', 'loud']);
  expect(code).toBe(1);
  expect(stderr).toContain('--log-level must be one of');
  expect(stderr).toContain('Usage: eventbridge-local');
});

test('--version and --help answer and exit 0; an unknown flag is a one-line error with the usage, not a stack', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const shown = await runProcess(['--version']);
  expect(shown).toEqual({ code: 0, stdout: `eventbridge-local ${version}\n`, stderr: '' });
  const help = await runProcess(['--help']);
  expect(help.code).toBe(0);
  expect(help.stderr).toBe('');
  expect(help.stdout).toMatch(/^Usage: eventbridge-local \[options\]/);
  expect(help.stdout).toContain('--version');
  const unknown = await runProcess(['--colour']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr.split('\n')[0]).toBe("eventbridge-local: Unknown option '--colour'");
  expect(unknown.stderr).not.toContain('TypeError');
  expect(unknown.stderr).not.toMatch(/\n\s+at /);
  expect(unknown.stderr).toContain('Usage: eventbridge-local');
});

test('the first delivery to an AWS service prints no SDK Node-version warning (the server supports the Node it runs on)', async () => {
  const sqs = await startHttpSink();
  sqs.fallback = () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"MessageId":"m-1","MD5OfMessageBody":"x"}' });
  const server = await startProcess(['--port', '0', '--in-memory', '--service-endpoint', `sqs=${sqs.url}`], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' });
  try {
    expect((await rawCall(server.url, 'PutRule', '{"Name":"to-sqs","EventPattern":"{\\"source\\":[\\"shop\\"]}"}')).status).toBe(200);
    expect((await rawCall(server.url, 'PutTargets', '{"Rule":"to-sqs","Targets":[{"Id":"q","Arn":"arn:aws:sqs:us-east-1:000000000000:orders"}]}')).status).toBe(200);
    expect((await rawCall(server.url, 'PutEvents', '{"Entries":[{"Source":"shop","DetailType":"t","Detail":"{}"}]}')).status).toBe(200);
    for (let i = 0; i < 600 && sqs.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sqs.requests.length).toBeGreaterThan(0);
  } finally {
    await server.stop('SIGTERM');
    await sqs.close();
  }
  expect(server.stderr()).not.toContain('NodeVersionSupportWarning');
});

// The bundle gives express a body-parser and a mime-types that load at the first request needing
// them (scripts/bundle.mjs): the process's own JSON and raw-body routes still read their bodies,
// with their limits, and responses and the dashboard's files still get their content types.
test('the bundled server reads JSON and raw bodies on its own routes, limits included, and types its responses', async () => {
  const server = await startProcess(['--port', '0', '--in-memory']);
  try {
    const post = (path: string, body: string, type = 'application/json') => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const advanced = await post('/_eventbridge-local/clock', JSON.stringify({ advanceSeconds: 60 }));
    expect(advanced.status).toBe(200);
    expect(Math.round(((await advanced.json()) as { offsetMillis: number }).offsetMillis / 1000)).toBe(60);
    const refused = await post('/_eventbridge-local/clock', JSON.stringify({ advanceSeconds: 'soon' }));
    expect(refused.status).toBe(400);
    // express.json({ limit: '64kb' }) on the inspection routes.
    expect((await post('/_eventbridge-local/clock', JSON.stringify({ advanceSeconds: 1, pad: 'x'.repeat(70_000) }))).status).toBe(413);
    // express.raw on /webhooks: read whole (no webhook configured for this bus: 404 after reading).
    const hook = await post('/webhooks/github/default', '{"zen":"hi"}', 'application/octet-stream');
    expect(hook.status).toBe(404);
    expect(hook.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await hook.text()).toContain('No github webhook is configured for event bus default');
    const page = await fetch(`${server.url}/_eventbridge-local/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(advanced.headers.get('content-type')).toBe('application/json; charset=utf-8');
  } finally {
    await server.stop();
  }
});

// Start-up reads state.json in one pass and revives it in place (src/store/lowdbFile.ts,
// schema.ts): the first request after the "listening" line meets every rule, and a scheduled
// rule's timer is armed on the virtual clock.
test('a restarted process answers its first request with every rule and fires its scheduled rule on the virtual clock', async () => {
  const dataDir = tempDir();
  const call = async (target: string, body: object) => {
    const res = await rawCall(first.url, target, JSON.stringify(body));
    if (res.status !== 200) throw new Error(`${target}: ${res.status} ${res.text}`);
    return res.json;
  };
  const first = await startProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'silent']);
  const buses = ['b-0', 'b-1'];
  for (const bus of buses) await call('CreateEventBus', { Name: bus });
  // AWS's quota: 300 rules per bus.
  const names = buses.flatMap((bus) => Array.from({ length: 300 }, (_, i) => [bus, `r-${i}`] as const));
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(names.slice(i, i + 20).map(([bus, name]) => call('PutRule', { Name: name, EventBusName: bus, EventPattern: JSON.stringify({ source: [name] }) })));
  }
  await call('PutRule', { Name: 'tick', ScheduleExpression: 'rate(1 minute)' });
  await call('PutTargets', { Rule: 'tick', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:ticks' }] });
  expect(await first.stop('SIGTERM')).toBe(0);

  const second = await startProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'silent']);
  try {
    const last = await rawCall(second.url, 'DescribeRule', JSON.stringify({ Name: 'r-299', EventBusName: 'b-1' }));
    expect(last.status).toBe(200);
    expect(last.json.EventPattern).toBe('{"source":["r-299"]}');
    for (const bus of buses) {
      let count = 0;
      let token: string | undefined;
      do {
        const page = await rawCall(second.url, 'ListRules', JSON.stringify({ EventBusName: bus, Limit: 100, ...(token ? { NextToken: token } : {}) }));
        count += page.json.Rules.length;
        token = page.json.NextToken;
      } while (token);
      expect(count).toBe(300);
    }
    const advanced = await fetch(`${second.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"advanceSeconds": 120}' });
    expect(advanced.status).toBe(200);
    const ticks = await captures(second.url, 'arn:aws:sqs:us-east-1:000000000000:ticks');
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(ticks[0].payload)['detail-type']).toBe('Scheduled Event');
  } finally {
    await second.stop();
  }
}, 120_000);
