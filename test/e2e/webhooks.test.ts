/**
 * Inbound webhooks end to end: a provider's signed POST -> an event on the configured bus
 * -> a rule's target. Signatures are computed here from the providers' documented
 * schemes with node:crypto, independently of src/webhooks.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { captures, inspect, reset } from '../helpers/inspect.js';

const githubSecret = "It's a Secret to Everybody";
const twilioToken = '12345-twilio-auth-token';
const twilioAccount = '333333333333';
const githubQueue = 'arn:aws:sqs:us-east-1:000000000000:github-events';
const twilioQueue = `arn:aws:sqs:eu-west-1:${twilioAccount}:sms-events`;
const pushPayload = JSON.stringify(JSON.parse(readFileSync(new URL('../../fixtures/partner-events/github-push.json', import.meta.url), 'utf8')).event.detail, null, 1);

let emu: Running;
let twilioClient: EventBridgeClient;
beforeAll(async () => {
  emu = await startEmulator({
    webhooks: [
      { provider: 'github', bus: 'github-events', secret: githubSecret },
      { provider: 'twilio', bus: 'sms', secret: twilioToken, account: twilioAccount, region: 'eu-west-1' },
    ],
  });
  twilioClient = emu.clientFor(twilioAccount, 'eu-west-1');
});
afterAll(() => emu.close());
beforeEach(async () => {
  await reset(emu.url);
  await emu.client.send(new CreateEventBusCommand({ Name: 'github-events' }));
  await emu.client.send(new PutRuleCommand({ Name: 'gh', EventBusName: 'github-events', EventPattern: JSON.stringify({ source: ['github.com'] }) }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'gh', EventBusName: 'github-events', Targets: [{ Id: 'q', Arn: githubQueue }] }));
  await twilioClient.send(new CreateEventBusCommand({ Name: 'sms' }));
  await twilioClient.send(new PutRuleCommand({ Name: 'tw', EventBusName: 'sms', EventPattern: JSON.stringify({ source: ['twilio.com'] }) }));
  await twilioClient.send(new PutTargetsCommand({ Rule: 'tw', EventBusName: 'sms', Targets: [{ Id: 'q', Arn: twilioQueue }] }));
});

const githubSignature = (body: string | Buffer, secret = githubSecret) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

function twilioSignature(url: string, params: Record<string, string>, token = twilioToken): string {
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', token).update(signed).digest('base64');
}

async function post(path: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(emu.url + path, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

async function delivered(queue: string): Promise<any[]> {
  await emu.emulator.engine.idle();
  return (await captures(emu.url, queue)).map((c) => JSON.parse(c.payload));
}

async function nothingPut(): Promise<void> {
  expect(await delivered(githubQueue)).toEqual([]);
  expect(await delivered(twilioQueue)).toEqual([]);
  expect((await inspect(emu.url, 'events')).events).toEqual([]);
}

describe('GitHub: POST /webhooks/github/<bus>', () => {
  const githubHeaders = (body: string, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-hub-signature-256': githubSignature(body),
    ...extra,
  });

  test('a correctly signed delivery reaches the rule target as source github.com, detail-type from X-GitHub-Event, detail the payload', async () => {
    const res = await post('/webhooks/github/github-events', pushPayload, githubHeaders(pushPayload));
    expect(res).toEqual({ status: 202, text: 'Message forwarded to Amazon EventBridge' });
    const [event] = await delivered(githubQueue);
    expect(event).toMatchObject({ source: 'github.com', 'detail-type': 'push', account: '000000000000', region: 'us-east-1', resources: [] });
    expect(event.detail).toEqual(JSON.parse(pushPayload));
  });

  test('a wrong, missing or stale signature gets 401 and nothing is put', async () => {
    const wrongSecret = await post('/webhooks/github/github-events', pushPayload, githubHeaders(pushPayload, { 'x-hub-signature-256': githubSignature(pushPayload, 'not the secret') }));
    expect(wrongSecret).toEqual({ status: 401, text: 'Invalid Signature' });
    const { 'x-hub-signature-256': _, ...unsigned } = githubHeaders(pushPayload);
    expect((await post('/webhooks/github/github-events', pushPayload, unsigned)).status).toBe(401);
    // Signed for another body: the signature covers the raw bytes.
    const tampered = pushPayload.replace('refs/heads/main', 'refs/heads/evil');
    expect((await post('/webhooks/github/github-events', tampered, githubHeaders(pushPayload))).status).toBe(401);
    // The old SHA-1 header alone is not accepted.
    const sha1 = 'sha1=' + createHmac('sha1', githubSecret).update(pushPayload).digest('hex');
    expect((await post('/webhooks/github/github-events', pushPayload, { ...unsigned, 'x-hub-signature': sha1 })).status).toBe(401);
    await nothingPut();
  });

  test('form-encoded deliveries (payload=...) are signed over the raw form body; no X-GitHub-Event gives github-webhook-lambda', async () => {
    const form = new URLSearchParams({ payload: '{"zen":"Keep it logically awesome.","hook_id":12}' }).toString();
    const res = await post('/webhooks/github/github-events', form, { 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': githubSignature(form) });
    expect(res.status).toBe(202);
    const [event] = await delivered(githubQueue);
    expect(event['detail-type']).toBe('github-webhook-lambda');
    expect(event.detail).toEqual({ zen: 'Keep it logically awesome.', hook_id: 12 });
  });

  test('bodies the function cannot read get 400 before any signature check; an array payload cannot be an event (500)', async () => {
    const text = 'hello';
    expect(await post('/webhooks/github/github-events', text, { 'content-type': 'text/plain', 'x-hub-signature-256': githubSignature(text) })).toEqual({ status: 400, text: 'Unsupported content-type' });
    expect(await post('/webhooks/github/github-events', '{oops', githubHeaders('{oops'))).toEqual({ status: 400, text: 'Invalid JSON payload' });
    expect((await post('/webhooks/github/github-events', '[1]', githubHeaders('[1]'))).status).toBe(500);
    await nothingPut();
  });

  test('a body over 1 MB is refused with 413 and nothing is put; unknown webhooks are 404', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    const res = await post('/webhooks/github/github-events', big, githubHeaders(big));
    expect(res.status).toBe(413);
    expect(res.text).toContain('1 MB');
    expect((await post('/webhooks/github/other-bus', pushPayload, githubHeaders(pushPayload))).status).toBe(404);
    expect((await post('/webhooks/gitlab/github-events', pushPayload, githubHeaders(pushPayload))).status).toBe(404);
    await nothingPut();
  });
});

describe('Twilio: POST /webhooks/twilio/<bus>', () => {
  const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', AccountSid: 'AC0123456789abcdef0123456789abcdef', From: '+14155550100', To: '+14155550199', Body: 'Hello there & welcome', NumMedia: '0' };
  const form = new URLSearchParams(params).toString();
  const formHeaders = (signature: string, extra: Record<string, string> = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...extra });

  test('signed over the full URL (with its query string) and the sorted parameters: the event reaches the target, in the configured account and region', async () => {
    const path = '/webhooks/twilio/sms?tenant=7&env=dev';
    const res = await post(path, form, formHeaders(twilioSignature(emu.url + path, params)));
    expect(res).toEqual({ status: 202, text: 'Message forwarded to Amazon EventBridge' });
    const [event] = await delivered(twilioQueue);
    expect(event).toMatchObject({ source: 'twilio.com', 'detail-type': 'twilio-webhook-lambda', account: twilioAccount, region: 'eu-west-1' });
    expect(event.detail).toEqual(params);
  });

  test('a wrong signature gets 401 and nothing: other token, URL without its query, unsorted parameters, no header', async () => {
    const path = '/webhooks/twilio/sms?tenant=7';
    const url = emu.url + path;
    expect(await post(path, form, formHeaders(twilioSignature(url, params, 'other-token')))).toEqual({ status: 401, text: 'Invalid Signature' });
    expect((await post(path, form, formHeaders(twilioSignature(emu.url + '/webhooks/twilio/sms', params)))).status).toBe(401);
    const unsorted = createHmac('sha1', twilioToken).update(Object.entries(params).reduce((t, [k, v]) => t + k + v, url)).digest('base64');
    expect((await post(path, form, formHeaders(unsorted))).status).toBe(401);
    expect((await post(path, form, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(401);
    await nothingPut();
  });

  test('behind a tunnel, the public URL from X-Forwarded-Proto / X-Forwarded-Host is the one signed', async () => {
    const publicUrl = 'https://abc123.tunnel.example/webhooks/twilio/sms';
    const res = await post('/webhooks/twilio/sms', form, formHeaders(twilioSignature(publicUrl, params), { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'abc123.tunnel.example' }));
    expect(res.status).toBe(202);
  });

  test('JSON bodies: bodySHA256 in the URL, the URL alone signed; a JSON Payload is parsed into the detail', async () => {
    const body = JSON.stringify({ EventType: 'onMessageAdded', PayloadType: 'application/json', Payload: '{"text":"hi"}' });
    const path = `/webhooks/twilio/sms?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const res = await post(path, body, { 'content-type': 'application/json', 'x-twilio-signature': twilioSignature(emu.url + path, {}) });
    expect(res.status).toBe(202);
    const [event] = await delivered(twilioQueue);
    expect(event.detail).toEqual({ EventType: 'onMessageAdded', PayloadType: 'application/json', Payload: { text: 'hi' } });
    const stale = `/webhooks/twilio/sms?bodySHA256=${'0'.repeat(64)}`;
    expect((await post(stale, body, { 'content-type': 'application/json', 'x-twilio-signature': twilioSignature(emu.url + stale, {}) })).status).toBe(401);
  });
});

describe('configuring webhooks: /_eventbridge-local/webhooks', () => {
  const admin = (path = '', init: RequestInit = {}) => fetch(`${emu.url}/_eventbridge-local/webhooks${path}`, init);
  const put = (path: string, body: object) => admin(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('lists webhooks without their secrets; reset keeps them (configuration, not state)', async () => {
    const res = await admin();
    const text = await res.text();
    expect(JSON.parse(text).webhooks).toEqual([
      { provider: 'github', bus: 'github-events', account: '000000000000', region: 'us-east-1', path: '/webhooks/github/github-events', secretUpdatedAt: expect.any(String) },
      { provider: 'twilio', bus: 'sms', account: twilioAccount, region: 'eu-west-1', path: '/webhooks/twilio/sms', secretUpdatedAt: expect.any(String) },
    ]);
    expect(text).not.toContain(githubSecret);
    expect(text).not.toContain(twilioToken);
  });

  test('rotating a secret: the old one is refused at once, the new one accepted; the answer never echoes it', async () => {
    const rotated = await put('/github/github-events', { secret: 'rotated-secret-value' });
    expect(rotated.status).toBe(200);
    expect(await rotated.text()).not.toContain('rotated-secret-value');
    const headers = (secret: string) => ({ 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature('{"zen":"z"}', secret) });
    expect((await post('/webhooks/github/github-events', '{"zen":"z"}', headers(githubSecret))).status).toBe(401);
    expect((await post('/webhooks/github/github-events', '{"zen":"z"}', headers('rotated-secret-value'))).status).toBe(202);
    await put('/github/github-events', { secret: githubSecret });
  });

  test('add and delete a webhook; bad entries are 400 without the secret in the message', async () => {
    expect((await put('/github/added', { secret: 's3cr3t-value', account: '444444444444' })).status).toBe(200);
    expect((await post('/webhooks/github/added', '{}', { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature('{}', 's3cr3t-value') })).status).toBe(202);
    expect((await admin('/github/added', { method: 'DELETE', headers: { 'Content-Type': 'application/json' } })).status).toBe(200);
    expect((await post('/webhooks/github/added', '{}', { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature('{}', 's3cr3t-value') })).status).toBe(404);
    expect((await admin('/github/added', { method: 'DELETE', headers: { 'Content-Type': 'application/json' } })).status).toBe(404);

    for (const [path, body] of [
      ['/gitlab/x', { secret: 's3cr3t-value' }],
      ['/github/x', { secret: 's3cr3t-value', account: '12' }],
      ['/github/x', { secret: '' }],
      ['/github/x', { secretEnv: 'HOME' }],
      ['/github/bad%2Fname', { secret: 's3cr3t-value' }],
    ] as const) {
      const res = await put(path, body);
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain('s3cr3t-value');
    }
  });
});
