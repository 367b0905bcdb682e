/**
 * --require-auth from the built CLI (`npm run build` first): start-up refusals, the
 * environment variables, `eventbridge-local send` signing with the same credentials, and
 * no secret in anything the process prints, even at debug level.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { expectAwsError } from '../helpers/emulator.js';
import { cliPath, runProcess, startProcess, type ServerProcess } from '../helpers/process.js';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../../fixtures/partner-events/datadog-monitor-alert.json', import.meta.url));
const customerSecret = 'cust-S3CRET-a7f2';
const partnerSecret = 'partner-S3CRET-91bc';
const credentials = `000000000000:${customerSecret},111111111111:${partnerSecret}`;

test('--require-auth without credentials refuses to start and says why', async () => {
  const res = await runProcess(['--require-auth', '--in-memory', '--port', '0'], { EVENTBRIDGE_LOCAL_CREDENTIALS: '' });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('--require-auth needs the credentials it accepts: --credentials <access key id>:<secret>');
});

test('a malformed --credentials entry is refused without echoing it', async () => {
  const res = await runProcess(['--require-auth', '--credentials', 'AKIDGOOD:fine', '--credentials', 'NOCOLON-S3CRET-xyz', '--in-memory', '--port', '0']);
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('--credentials: entry 2 must be <access key id>:<secret>');
  expect(res.stdout + res.stderr).not.toContain('S3CRET');
});

describe('started with EVENTBRIDGE_LOCAL_REQUIRE_AUTH and EVENTBRIDGE_LOCAL_CREDENTIALS', () => {
  let server: ServerProcess;
  const clients: EventBridgeClient[] = [];
  beforeAll(async () => {
    server = await startProcess(['--port', '0', '--in-memory', '--log-level', 'debug'], {
      EVENTBRIDGE_LOCAL_REQUIRE_AUTH: '1',
      EVENTBRIDGE_LOCAL_CREDENTIALS: credentials,
    });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.stop();
  });

  const client = (secretAccessKey: string) => {
    const c = new EventBridgeClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: '000000000000', secretAccessKey }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  async function send(env: NodeJS.ProcessEnv) {
    const { AWS_SECRET_ACCESS_KEY: _a, EVENTBRIDGE_LOCAL_CREDENTIALS: _b, ...clean } = process.env;
    try {
      const { stdout, stderr } = await run(process.execPath, [cliPath, 'send', fixture, '--endpoint', server.url], { env: { ...clean, ...env } });
      return { code: 0, stdout, stderr };
    } catch (err: any) {
      return { code: err.code as number, stdout: err.stdout as string, stderr: err.stderr as string };
    }
  }

  test('the SDK signs with a configured key; a wrong secret is refused', async () => {
    expect((await client(customerSecret).send(new ListEventBusesCommand({}))).EventBuses?.map((b) => b.Name)).toEqual(['default']);
    await expectAwsError(client('wrong').send(new ListEventBusesCommand({})), 'InvalidSignatureException', /^The request signature we calculated does not match/);
  });

  test('send signs with the secrets in EVENTBRIDGE_LOCAL_CREDENTIALS (customer and partner accounts); unsigned it is refused', async () => {
    const refused = await send({});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('InvalidSignatureException: The request signature we calculated does not match');

    const sent = await send({ EVENTBRIDGE_LOCAL_CREDENTIALS: credentials });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/PutPartnerEvents on aws\.partner\/.*: EventId [0-9a-f-]{36}/);
    const buses = (await client(customerSecret).send(new ListEventBusesCommand({}))).EventBuses?.map((b) => b.Name);
    expect(buses).toContain(JSON.parse(readFileSync(fixture, 'utf8')).event.source);
  });

  test('no secret appears in what the server printed', () => {
    const printed = server.firstLine + server.stderr();
    expect(server.stderr()).toContain('"level"'); // debug logging did run
    for (const secret of [customerSecret, partnerSecret]) expect(printed).not.toContain(secret);
  });
});
