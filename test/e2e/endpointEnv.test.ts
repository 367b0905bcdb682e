/**
 * The wiring the README recommends: AWS_ENDPOINT_URL_EVENTBRIDGE (or the global
 * AWS_ENDPOINT_URL) and no --endpoint-url / endpoint option, with the real aws CLI, boto3 and
 * the JS SDK v3, each in its own process with only the environment set.
 *
 * The variable's suffix is the service's serviceId, upper-cased, spaces as `_` ("EventBridge"
 * in the events model), per the AWS SDKs and Tools Reference Guide, "Service-specific
 * endpoints"; a service-specific variable wins over AWS_ENDPOINT_URL. `AWS_ENDPOINT_URL_EVENTS`
 * (named after the CLI command / endpoint prefix) is read by none of them: the tests show those
 * clients heading for events.us-east-1.amazonaws.com instead, stopped by a local proxy guard
 * before anything leaves the machine.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { useEmulator } from '../helpers/emulator.js';
import { startProxyGuard, type ProxyGuard } from '../helpers/proxyGuard.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const account = '123456789012';
// Each test starts several interpreters (the CLI takes seconds to start on a busy machine).
const slow = 120_000;
const awsHost = 'events.us-east-1.amazonaws.com:443';

const emu = useEmulator();
let guard: ProxyGuard;
beforeAll(async () => {
  guard = await startProxyGuard();
});
afterAll(() => guard?.close());
beforeEach(() => {
  guard.attempts.length = 0;
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The caller's environment without anything AWS or proxy related, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|HTTPS?_PROXY$|NO_PROXY$)/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    ...guard.env,
    AWS_ACCESS_KEY_ID: account,
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
    ...vars,
  };
}

function run(file: string, args: string[], vars: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: envWith(vars), cwd: repoRoot, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const cli = (args: string[], vars: Record<string, string>) => run('aws', ['events', ...args, '--output', 'json'], vars);

const boto3Script = `
import json, sys, boto3
client = boto3.client("events")
if sys.argv[1] == "create":
    client.create_event_bus(Name=sys.argv[2])
print(json.dumps(sorted(b["Name"] for b in client.list_event_buses()["EventBuses"])))
`;
const boto3 = (mode: string, bus: string, vars: Record<string, string>) => run('python3', ['-c', boto3Script, mode, bus], vars);

// SDK v3 reads the variables when the client is built, hence a child process per case. "where"
// stops the request once it is built and prints the host it was for, without sending it.
const jsScript = `
import { EventBridgeClient, CreateEventBusCommand, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
const [mode, bus] = process.argv.slice(1);
const client = new EventBridgeClient({ maxAttempts: 1 });
if (mode === 'where') {
  client.middlewareStack.add(() => async (args) => { console.log(args.request.hostname + ':' + args.request.port); process.exit(0); }, { step: 'finalizeRequest' });
  await client.send(new ListEventBusesCommand({}));
}
if (mode === 'create') await client.send(new CreateEventBusCommand({ Name: bus }));
const { EventBuses } = await client.send(new ListEventBusesCommand({}));
console.log(JSON.stringify(EventBuses.map((b) => b.Name).sort()));
`;
const jsSdk = (mode: string, bus: string, vars: Record<string, string>) =>
  run(process.execPath, ['--input-type=module', '-e', jsScript, mode, bus], vars);

async function busNames(): Promise<string[]> {
  const { EventBuses } = await emu.clientFor(account).send(new ListEventBusesCommand({}));
  return EventBuses!.map((bus) => bus.Name!).sort();
}

function expectOk(result: Run): void {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
}

describe('AWS_ENDPOINT_URL_EVENTBRIDGE', () => {
  test('the aws CLI sends events requests there, ahead of AWS_ENDPOINT_URL', async () => {
    // The global variable points at the guard: were it used, the call would fail there.
    const vars = { AWS_ENDPOINT_URL_EVENTBRIDGE: emu.url, AWS_ENDPOINT_URL: guard.url };
    expectOk(await cli(['create-event-bus', '--name', 'from-cli'], vars));
    const listed = await cli(['list-event-buses'], vars);
    expectOk(listed);
    expect(JSON.parse(listed.stdout).EventBuses.map((b: { Name: string }) => b.Name).sort()).toEqual(['default', 'from-cli']);
    expect(await busNames()).toEqual(['default', 'from-cli']);
    expect(guard.attempts).toEqual([]);
  }, slow);

  test('boto3 sends events requests there', async () => {
    const result = await boto3('create', 'from-boto3', { AWS_ENDPOINT_URL_EVENTBRIDGE: emu.url });
    expectOk(result);
    expect(JSON.parse(result.stdout)).toEqual(['default', 'from-boto3']);
    expect(await busNames()).toEqual(['default', 'from-boto3']);
    expect(guard.attempts).toEqual([]);
  }, slow);

  test('the JS SDK v3, built without an endpoint option, sends events requests there', async () => {
    const result = await jsSdk('create', 'from-js-sdk', { AWS_ENDPOINT_URL_EVENTBRIDGE: emu.url });
    expectOk(result);
    expect(JSON.parse(result.stdout)).toEqual(['default', 'from-js-sdk']);
    expect(await busNames()).toEqual(['default', 'from-js-sdk']);
  }, slow);
});

describe('AWS_ENDPOINT_URL (every service)', () => {
  test('the aws CLI, boto3 and the JS SDK v3 send events requests there', async () => {
    const vars = { AWS_ENDPOINT_URL: emu.url };
    expectOk(await cli(['create-event-bus', '--name', 'global-cli'], vars));
    expectOk(await boto3('create', 'global-boto3', vars));
    expectOk(await jsSdk('create', 'global-js-sdk', vars));
    expect(await busNames()).toEqual(['default', 'global-boto3', 'global-cli', 'global-js-sdk']);
    expect(guard.attempts).toEqual([]);
  }, slow);
});

describe('the shared config file', () => {
  test('a services section with `eventbridge` / `endpoint_url` sends the CLI and boto3 there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ebl-endpoint-config-'));
    try {
      const config = join(dir, 'config');
      await writeFile(config, `[default]\nservices = local\n\n[services local]\neventbridge =\n  endpoint_url = ${emu.url}\n`);
      expectOk(await cli(['create-event-bus', '--name', 'config-cli'], { AWS_CONFIG_FILE: config }));
      expectOk(await boto3('create', 'config-boto3', { AWS_CONFIG_FILE: config }));
      expect(await busNames()).toEqual(['config-boto3', 'config-cli', 'default']);
      expect(guard.attempts).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, slow);
});

describe('AWS_ENDPOINT_URL_EVENTS is not an endpoint variable', () => {
  test('the aws CLI ignores it and heads for AWS', async () => {
    const result = await cli(['list-event-buses'], { AWS_ENDPOINT_URL_EVENTS: emu.url });
    expect(result.code).not.toBe(0);
    expect(guard.attempts).toContain(awsHost);
  }, slow);

  test('boto3 ignores it and heads for AWS', async () => {
    const result = await boto3('list', '', { AWS_ENDPOINT_URL_EVENTS: emu.url });
    expect(result.code).not.toBe(0);
    expect(guard.attempts).toContain(awsHost);
  }, slow);

  test('the JS SDK v3 ignores it and builds its request for AWS', async () => {
    const ignored = await jsSdk('where', '', { AWS_ENDPOINT_URL_EVENTS: emu.url });
    expectOk(ignored);
    expect(ignored.stdout.trim()).toMatch(/^events\.us-east-1\.amazonaws\.com:(undefined|443)?$/);
    // The same probe, with the right variable, names the emulator.
    const read = await jsSdk('where', '', { AWS_ENDPOINT_URL_EVENTBRIDGE: emu.url });
    expectOk(read);
    expect(read.stdout.trim()).toBe(new URL(emu.url).host);
  }, slow);
});
