/** The pure parts of inbound webhooks: signatures (providers' published vectors), conversion, configuration. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { githubSignature, signaturesEqual, twilioSignature } from '../../src/webhooks/signatures.js';
import { githubEvent, twilioEvent } from '../../src/webhooks/providers.js';
import { checkWebhook, parseWebhookFlag, readWebhooksFile, WebhookConfigError } from '../../src/webhooks/config.js';
import { WebhookRegistry } from '../../src/webhooks/registry.js';
import { ConfigError, configFromArgs } from '../../src/config.js';

describe('signatures', () => {
  test("GitHub's documented test vector", () => {
    // docs.github.com, "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
    expect(githubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'))).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });

  test("Twilio's documented example (URL with query string, five POST parameters)", () => {
    const params: Array<[string, string]> = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ];
    const expected = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(expected);
    // Order of arrival does not matter: parameters are sorted by name.
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', [...params].reverse())).toBe(expected);
  });

  test('a repeated Twilio parameter contributes each value, sorted', () => {
    const a = twilioSignature('t', 'https://x.example/h', [['To', '2'], ['To', '1'], ['A', 'z']]);
    const b = twilioSignature('t', 'https://x.example/h', [['A', 'z'], ['To', '1'], ['To', '2']]);
    expect(a).toBe(b);
  });

  test('comparison is exact', () => {
    expect(signaturesEqual('abc', 'abc')).toBe(true);
    expect(signaturesEqual('abd', 'abc')).toBe(false);
    expect(signaturesEqual('ab', 'abc')).toBe(false);
    expect(signaturesEqual(undefined, 'abc')).toBe(false);
  });
});

describe('conversion, as the quick-start function converts', () => {
  const signed = (body: string, headers: Record<string, string>) => ({ headers: { ...headers, 'x-hub-signature-256': githubSignature('s', Buffer.from(body)) }, body: Buffer.from(body), url: 'http://h/webhooks/github/b' });

  test('GitHub: the payload text becomes Detail unchanged; the content type may carry parameters', () => {
    const body = '{ "action": "created",  "n": 1.50 }';
    expect(githubEvent(signed(body, { 'content-type': 'application/json; charset=utf-8', 'x-github-event': 'issue_comment' }), 's')).toEqual({
      entry: { Source: 'github.com', DetailType: 'issue_comment', Detail: body },
    });
  });

  test('GitHub: a form without exactly one payload field, an empty body', () => {
    const form = 'payload=%7B%7D&payload=%7B%7D';
    expect(githubEvent(signed(form, { 'content-type': 'application/x-www-form-urlencoded' }), 's')).toEqual({ status: 400, message: 'Invalid urlencoded payload' });
    expect(githubEvent(signed('', { 'content-type': 'application/json' }), 's')).toEqual({ status: 400, message: 'Missing event body' });
  });

  test('Twilio: the first value of a repeated parameter; a parameter named __proto__ stays a field', () => {
    const body = 'To=%2B1&To=%2B2&__proto__=x';
    const url = 'http://h/webhooks/twilio/b';
    const params = [...new URLSearchParams(body)];
    const result = twilioEvent({ headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature('tok', url, params) }, body: Buffer.from(body), url }, 'tok');
    expect(result).toEqual({ entry: { Source: 'twilio.com', DetailType: 'twilio-webhook-lambda', Detail: '{"To":"+1","__proto__":"x"}' } });
  });

  test('Twilio: other content types are 400', () => {
    expect(twilioEvent({ headers: { 'content-type': 'text/xml' }, body: Buffer.from('<x/>'), url: 'http://h/' }, 'tok')).toEqual({ status: 400, message: 'Invalid content-type' });
  });
});

describe('configuration', () => {
  test('--webhook flags: defaults, secretEnv, and errors that never show the secret', () => {
    expect(parseWebhookFlag('provider=github,bus=gh,secret=a=b')).toEqual({ provider: 'github', bus: 'gh', secret: 'a=b', account: '000000000000', region: 'us-east-1' });
    expect(parseWebhookFlag('provider=twilio,bus=sms,secretEnv=TOKEN,account=123456789012,region=eu-west-1', { TOKEN: 'from-env' })).toMatchObject({ secret: 'from-env', account: '123456789012', region: 'eu-west-1' });
    const failures = ['provider=gitlab,bus=x,secret=hidden-1', 'provider=github,bus=a/b,secret=hidden-1', 'provider=github,bus=x', 'provider=github,bus=x,secretEnv=NOPE', 'provider=github,bus=x,secret=hidden-1,color=red', 'github'];
    for (const spec of failures) {
      let error: unknown;
      try {
        parseWebhookFlag(spec, {});
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WebhookConfigError);
      expect((error as Error).message).not.toContain('hidden-1');
    }
  });

  test('a config file, merged with flags (a flag for the same provider and bus wins); errors are ConfigError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ebl-webhooks-'));
    const file = join(dir, 'webhooks.json');
    writeFileSync(file, JSON.stringify({ webhooks: [{ provider: 'github', bus: 'gh', secret: 'from-file' }, { provider: 'twilio', bus: 'sms', secretEnv: 'TW' }] }));
    const config = configFromArgs(['--webhooks-config', file, '--webhook', 'provider=github,bus=gh,secret=from-flag'], { TW: 'tw-token' });
    expect(config.webhooks.map((w) => [w.provider, w.bus, w.secret])).toEqual([
      ['github', 'gh', 'from-flag'],
      ['twilio', 'sms', 'tw-token'],
    ]);
    expect(configFromArgs([], { EVENTBRIDGE_LOCAL_WEBHOOKS_CONFIG: file, TW: 't' }).webhooks).toHaveLength(2);
    writeFileSync(file, '{"webhooks": {}}');
    expect(() => readWebhooksFile(file)).toThrow(WebhookConfigError);
    expect(() => configFromArgs(['--webhooks-config', file])).toThrow(ConfigError);
    expect(() => configFromArgs(['--webhook', 'provider=github'])).toThrow(ConfigError);
  });

  test('a webhook without account= lands in --default-account (flag and file); account= still wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ebl-webhooks-'));
    const file = join(dir, 'webhooks.json');
    writeFileSync(file, JSON.stringify({ webhooks: [{ provider: 'twilio', bus: 'sms', secret: 's' }] }));
    const config = configFromArgs(['--default-account', '111122223333', '--webhooks-config', file, '--webhook', 'provider=github,bus=gh,secret=x', '--webhook', 'provider=github,bus=other,secret=x,account=444455556666'], {});
    expect(config.webhooks.map((w) => [w.bus, w.account])).toEqual([
      ['sms', '111122223333'],
      ['gh', '111122223333'],
      ['other', '444455556666'],
    ]);
    expect(configFromArgs(['--webhook', 'provider=github,bus=gh,secret=x'], { EVENTBRIDGE_LOCAL_DEFAULT_ACCOUNT: '222233334444' }).webhooks[0].account).toBe('222233334444');
    // createEmulator({webhooks}) and POST /_eventbridge-local/webhooks go through the registry.
    const registry = new WebhookRegistry([{ provider: 'github', bus: 'a', secret: 'x' }], () => 0, '111122223333');
    expect(registry.get('github', 'a')?.account).toBe('111122223333');
    expect(registry.set({ provider: 'twilio', bus: 'b', secret: 'y' }).account).toBe('111122223333');
  });

  test('the registry refuses a pair configured twice and replaces on set (rotation)', () => {
    expect(() => new WebhookRegistry([checkWebhook({ provider: 'github', bus: 'a', secret: 'x' }, 't'), { provider: 'github', bus: 'a', secret: 'y' }])).toThrow(/configured twice/);
    const registry = new WebhookRegistry([{ provider: 'github', bus: 'a', secret: 'x' }], () => 0);
    registry.set({ provider: 'github', bus: 'a', secret: 'y' });
    expect(registry.get('github', 'a')?.secret).toBe('y');
    expect(registry.list()).toEqual([{ provider: 'github', bus: 'a', account: '000000000000', region: 'us-east-1', path: '/webhooks/github/a', secretUpdatedAt: '1970-01-01T00:00:00.000Z' }]);
  });
});
