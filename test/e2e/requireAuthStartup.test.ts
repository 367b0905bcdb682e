/**
 * Start-up wiring from the built CLI (`npm run build` first): --default-account (and its
 * environment variable) for access keys that are not 12 digits, validated; a warning when a
 * secret is given on the command line (readable by every local user through `ps`), naming
 * the flag but never the secret; and under --require-auth the admin token and the dashboard
 * URL that carries it.
 */
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEmulator } from '../../src/index.js';
import { startEmulator } from '../helpers/emulator.js';
import { runProcess, startProcess, type ServerProcess } from '../helpers/process.js';

const clients: EventBridgeClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));
const sdk = (url: string, accessKeyId: string, secretAccessKey = 'whatever') => {
  const c = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  clients.push(c);
  return c;
};
const arnFor = async (url: string, accessKeyId: string, secret?: string) => (await sdk(url, accessKeyId, secret).send(new CreateEventBusCommand({ Name: `bus-${accessKeyId}` }))).EventBusArn;

describe('--default-account', () => {
  test('a moto-style key (FOOBARKEY) plays the configured account; a 12-digit key is still itself; the default stays 000000000000', async () => {
    const configured = await startEmulator({ defaultAccount: '123456789012' });
    const plain = await startEmulator();
    try {
      expect(await arnFor(configured.url, 'FOOBARKEY')).toBe('arn:aws:events:us-east-1:123456789012:event-bus/bus-FOOBARKEY');
      expect(await arnFor(configured.url, '444455556666')).toBe('arn:aws:events:us-east-1:444455556666:event-bus/bus-444455556666');
      expect(await arnFor(plain.url, 'FOOBARKEY')).toBe('arn:aws:events:us-east-1:000000000000:event-bus/bus-FOOBARKEY');
    } finally {
      await Promise.all([configured.close(), plain.close()]);
    }
  });

  test('under --require-auth the verified key maps the same way', async () => {
    const emu = await startEmulator({ defaultAccount: '123456789012', requireAuth: true, credentials: [{ accessKeyId: 'FOOBARKEY', secretAccessKey: 'moto-secret' }] });
    try {
      expect(await arnFor(emu.url, 'FOOBARKEY', 'moto-secret')).toBe('arn:aws:events:us-east-1:123456789012:event-bus/bus-FOOBARKEY');
    } finally {
      await emu.close();
    }
  });

  test.each(['12345', '1234567890123', 'abcdefghijkl', ''])('createEmulator refuses defaultAccount %p', async (value) => {
    await expect(createEmulator({ port: 0, dataDir: undefined, defaultAccount: value })).rejects.toThrow('must be an AWS account id: 12 digits');
  });

  test('from the CLI: the flag and EVENTBRIDGE_LOCAL_DEFAULT_ACCOUNT work, a bad value refuses to start', async () => {
    const byFlag = await startProcess(['--port', '0', '--in-memory', '--default-account', '210987654321']);
    const byEnv = await startProcess(['--port', '0', '--in-memory'], { EVENTBRIDGE_LOCAL_DEFAULT_ACCOUNT: '123456789012' });
    try {
      expect(await arnFor(byFlag.url, 'FOOBARKEY')).toContain(':210987654321:');
      expect(await arnFor(byEnv.url, 'FOOBARKEY')).toContain(':123456789012:');
    } finally {
      await Promise.all([byFlag.stop(), byEnv.stop()]);
    }
    const bad = await runProcess(['--port', '0', '--in-memory', '--default-account', '1234']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--default-account (EVENTBRIDGE_LOCAL_DEFAULT_ACCOUNT) must be an AWS account id: 12 digits');
  });
});

describe('secrets on the command line', () => {
  const secret = 'cmdline-S3CRET-5e1f';
  let flags: ServerProcess | undefined;
  let env: ServerProcess | undefined;
  afterAll(async () => {
    await Promise.all([flags?.stop(), env?.stop()]);
  });

  test('--credentials and --webhook secret= warn at start-up, naming the flag and never the secret', async () => {
    flags = await startProcess(['--port', '0', '--in-memory', '--require-auth', '--credentials', `AKIDFLAG:${secret}`, '--webhook', `provider=github,bus=orders,secret=${secret}`]);
    await waitFor(() => flags!.stdout().includes('dashboard: '));
    const warnings = flags.stderr().trim().split('\n').map((l) => JSON.parse(l));
    expect(warnings.map((w) => [w.level, w.msg])).toEqual([
      ['warn', expect.stringMatching(/^--credentials puts secret access keys on the command line, where any local user can read them \(ps\); prefer EVENTBRIDGE_LOCAL_CREDENTIALS/)],
      ['warn', expect.stringMatching(/^--webhook secret=\.\.\. puts a webhook secret on the command line.*prefer secretEnv=<VAR> or --webhooks-config <file>/)],
    ]);
    expect(flags.stdout() + flags.stderr()).not.toContain(secret);
  });

  test('the same secrets from the environment start without a warning; the admin token and the dashboard URL are printed', async () => {
    env = await startProcess(['--port', '0', '--in-memory', '--webhook', 'provider=github,bus=orders,secretEnv=HOOK_SECRET'], {
      EVENTBRIDGE_LOCAL_REQUIRE_AUTH: '1',
      EVENTBRIDGE_LOCAL_CREDENTIALS: `AKIDENV:${secret}`,
      HOOK_SECRET: secret,
    });
    await waitFor(() => env!.stdout().includes('dashboard: '));
    expect(env.stderr()).toBe('');
    const token = /admin token \(Authorization: Bearer <token> on \/_eventbridge-local\/\*\): (\S+)/.exec(env.stdout())?.[1];
    expect(env.stdout()).toContain(`dashboard: ${env.url}/_eventbridge-local/ui/#token=${token}`);
    expect((await fetch(`${env.url}/_eventbridge-local/deliveries`)).status).toBe(401);
    expect((await fetch(`${env.url}/_eventbridge-local/deliveries`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  test('EVENTBRIDGE_LOCAL_ADMIN_TOKEN sets the token (and is not printed)', async () => {
    const token = 'my-ci-admin-token-0123456789';
    const server = await startProcess(['--port', '0', '--in-memory'], { EVENTBRIDGE_LOCAL_REQUIRE_AUTH: '1', EVENTBRIDGE_LOCAL_CREDENTIALS: 'AKID:s', EVENTBRIDGE_LOCAL_ADMIN_TOKEN: token });
    try {
      expect((await fetch(`${server.url}/_eventbridge-local/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' })).status).toBe(200);
      expect(server.stdout()).not.toContain(token);
    } finally {
      await server.stop();
    }
    const bad = await runProcess(['--port', '0', '--in-memory'], { EVENTBRIDGE_LOCAL_ADMIN_TOKEN: 'short' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('EVENTBRIDGE_LOCAL_ADMIN_TOKEN must be 16 to 256 letters, digits or ._~-');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
