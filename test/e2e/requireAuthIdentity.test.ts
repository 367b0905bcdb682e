/**
 * --require-auth: the caller is exactly the identity the signature proved. A correctly signed
 * request whose Authorization header also names another account (a second Credential, a junk
 * `X=Credential=` parameter, another region) is malformed and changes nothing; a signature that
 * leaves `host` or `x-amz-target` unsigned is refused (a signed DescribeEventBus cannot be
 * replayed as DeleteEventBus). The emulator's own endpoints need the admin token or a SigV4
 * signature; only the health check and the dashboard's static files stay open.
 */
import { CreateEventBusCommand, DeleteEventBusCommand, DescribeEventBusCommand, EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '../../src/util/sha256.js';
import { expectAwsError, useEmulator } from '../helpers/emulator.js';

const victim = '111122223333';
const emu = useEmulator({
  requireAuth: true,
  credentials: [
    { accessKeyId: 'attacker', secretAccessKey: 'attacker-secret' },
    { accessKeyId: victim, secretAccessKey: 'victim-secret' },
  ],
});

const clients: EventBridgeClient[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

function client(accessKeyId: string, secretAccessKey: string, region = 'us-east-1'): EventBridgeClient {
  const c = new EventBridgeClient({ endpoint: emu.url, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

/** The attacker's client: each request correctly signed with its own key, then the header rewritten. */
function tampered(rewrite: (authorization: string) => string): EventBridgeClient {
  const c = client('attacker', 'attacker-secret');
  c.middlewareStack.add(
    (next) => async (args: any) => {
      args.request.headers.authorization = rewrite(args.request.headers.authorization);
      return next(args);
    },
    { step: 'deserialize', name: 'rewriteAuthorization' },
  );
  return c;
}

const victimClient = () => client(victim, 'victim-secret');
const namesOf = async (c: EventBridgeClient) => ((await c.send(new ListEventBusesCommand({}))).EventBuses ?? []).map((b) => b.Name);
const scheme = 'AWS4-HMAC-SHA256 ';
const victimScope = (region = 'us-east-1') => `Credential=${victim}/20260101/${region}/events/aws4_request`;

describe('the caller is exactly the verified identity', () => {
  test.each([
    ['a second Credential before the real one', (h: string) => h.replace(scheme, `${scheme}${victimScope()}, `), /more than one 'Credential' parameter/],
    ['a second Credential after the real one', (h: string) => `${h}, ${victimScope()}`, /more than one 'Credential' parameter/],
    ['a junk X=Credential= parameter', (h: string) => h.replace(scheme, `${scheme}X=${victimScope()}, `), /'X' is not a parameter of the Authorization header/],
    ['a region swap', (h: string) => h.replace(scheme, `${scheme}Credential=attacker/20260101/eu-west-1/events/aws4_request, `), /more than one 'Credential' parameter/],
  ])('%s is IncompleteSignatureException, and the victim is untouched', async (_what, rewrite, message) => {
    await victimClient().send(new CreateEventBusCommand({ Name: 'victims-bus' }));
    const attacker = tampered(rewrite);
    await expectAwsError(attacker.send(new DeleteEventBusCommand({ Name: 'victims-bus' })), 'IncompleteSignatureException', message);
    await expectAwsError(attacker.send(new CreateEventBusCommand({ Name: 'planted' })), 'IncompleteSignatureException', message);
    await expectAwsError(attacker.send(new ListEventBusesCommand({})), 'IncompleteSignatureException', message);
    expect(await namesOf(victimClient())).toEqual(['default', 'victims-bus']);
    expect(await namesOf(client(victim, 'victim-secret', 'eu-west-1'))).toEqual(['default']);
    expect(await namesOf(client('attacker', 'attacker-secret', 'eu-west-1'))).toEqual(['default']);
    expect(await namesOf(client('attacker', 'attacker-secret'))).toEqual(['default']);
  });

  test('unchanged, the attacker acts as itself (account 000000000000) and sees none of the victim', async () => {
    await victimClient().send(new CreateEventBusCommand({ Name: 'victims-bus' }));
    const own = client('attacker', 'attacker-secret');
    const made = await own.send(new CreateEventBusCommand({ Name: 'mine' }));
    expect(made.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/mine');
    await expectAwsError(own.send(new DescribeEventBusCommand({ Name: 'victims-bus' })), 'ResourceNotFoundException');
  });
});

async function signed(target: string, body: object, unsignable: string[]) {
  const url = new URL(emu.url);
  const signer = new SignatureV4({ credentials: { accessKeyId: victim, secretAccessKey: 'victim-secret' }, region: 'us-east-1', service: 'events', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  return signer.sign(request, { unsignableHeaders: new Set(unsignable) });
}

type Signed = Awaited<ReturnType<SignatureV4['sign']>>;

async function sendSigned(req: Signed, headers: Record<string, string> = {}) {
  const { host: _host, ...sent } = req.headers;
  const res = await fetch(emu.url + '/', { method: 'POST', headers: { ...sent, ...headers }, body: req.body });
  return { status: res.status, json: await res.json() };
}

describe('what must be signed', () => {
  test('x-amz-target unsigned: a signed DescribeEventBus cannot be replayed as DeleteEventBus', async () => {
    await victimClient().send(new CreateEventBusCommand({ Name: 'victims-bus' }));
    const describe = await signed('AWSEvents.DescribeEventBus', { Name: 'victims-bus' }, ['x-amz-target']);
    expect(String(describe.headers.authorization)).not.toContain('x-amz-target');
    const replayed = await sendSigned(describe, { 'x-amz-target': 'AWSEvents.DeleteEventBus' });
    expect(replayed).toEqual({ status: 400, json: { __type: 'IncompleteSignatureException', message: "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization." } });
    expect(await sendSigned(describe)).toMatchObject({ status: 400, json: { __type: 'IncompleteSignatureException' } });
    expect(await namesOf(victimClient())).toEqual(['default', 'victims-bus']);
  });

  test('host unsigned is refused with AWS\'s text', async () => {
    const req = await signed('AWSEvents.ListEventBuses', {}, ['host']);
    expect(String(req.headers.authorization)).toMatch(/SignedHeaders=(?![^,]*host)/);
    expect(await sendSigned(req)).toEqual({ status: 400, json: { __type: 'IncompleteSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." } });
  });

  test('with both signed, as every SDK signs, the same request works', async () => {
    const req = await signed('AWSEvents.ListEventBuses', {}, []);
    expect(await sendSigned(req)).toMatchObject({ status: 200 });
  });
});

describe('/_eventbridge-local/* under --require-auth', () => {
  const local = (path: string, init: RequestInit = {}) => fetch(`${emu.url}/_eventbridge-local${path}`, init);
  const json = { 'Content-Type': 'application/json' };

  test.each([
    ['GET', '/deliveries'],
    ['GET', '/events'],
    ['GET', '/resources'],
    ['GET', '/captures'],
    ['GET', '/clock'],
    ['GET', '/stream'],
    ['GET', '/webhooks'],
    ['POST', '/reset'],
    ['POST', '/clock'],
    ['DELETE', '/records'],
    ['PUT', '/webhooks/github/orders'],
    ['POST', '/health-checks'],
  ])('%s %s without the token or a signature is refused (401), and nothing changes', async (method, path) => {
    await victimClient().send(new CreateEventBusCommand({ Name: 'victims-bus' }));
    const body = method === 'GET' ? undefined : path === '/clock' ? '{"advanceSeconds":90000}' : path.startsWith('/webhooks') ? '{"secret":"s3cret"}' : '{}';
    const res = await local(path, { method, headers: json, body });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException', message: expect.stringContaining('admin token') });
    const wrong = await local(path, { method, headers: { ...json, Authorization: 'Bearer not-the-token-at-all' }, body });
    expect(wrong.status).toBe(403);
    await wrong.text();
    expect(await namesOf(victimClient())).toEqual(['default', 'victims-bus']);
    const token = { Authorization: `Bearer ${emu.emulator.adminToken}` };
    expect(((await (await local('/clock', { headers: token })).json()) as any).offsetMillis).toBeLessThan(3_600_000);
    expect(((await (await local('/webhooks', { headers: token })).json()) as any).webhooks).toEqual([]);
  });

  test('with the admin token they answer, the stream too (as ?token=, EventSource cannot set headers)', async () => {
    const token = emu.emulator.adminToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const headers = { ...json, Authorization: `Bearer ${token}` };
    expect((await local('/deliveries', { headers })).status).toBe(200);
    expect((await local('/clock', { method: 'POST', headers, body: '{"advanceSeconds":1}' })).status).toBe(200);
    const abort = new AbortController();
    const stream = await local(`/stream?token=${token}`, { signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    abort.abort();
    expect((await local('/stream?token=wrong-token-wrong-token')).status).toBe(403);
    // ?token= is for the stream only: elsewhere it would end up in logs and histories.
    expect((await local(`/deliveries?token=${token}`)).status).toBe(401);
    expect((await local('/reset', { method: 'POST', headers, body: '{}' })).status).toBe(200);
  });

  test('a SigV4 signature with a configured key opens them (curl --aws-sigv4 style: host and x-amz-date signed)', async () => {
    const url = new URL(emu.url);
    const sign = (method: string, path: string, body?: string, secret = 'victim-secret') =>
      new SignatureV4({ credentials: { accessKeyId: victim, secretAccessKey: secret }, region: 'us-east-1', service: 'events', sha256: Sha256 }).sign(
        new HttpRequest({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, headers: { host: url.host, ...(body ? json : {}) }, body }),
      );
    const send = async (req: Signed) => {
      const { host: _h, ...headers } = req.headers;
      return fetch(`${emu.url}${req.path}`, { method: req.method, headers, body: req.body });
    };
    const view = await send(await sign('GET', '/_eventbridge-local/deliveries'));
    expect(view.status).toBe(200);
    const clock = await send(await sign('POST', '/_eventbridge-local/clock', '{"advanceSeconds":2}'));
    expect(clock.status).toBe(200);
    expect(((await clock.json()) as any).offsetMillis).toBeGreaterThanOrEqual(2_000);
    const badSecret = await send(await sign('POST', '/_eventbridge-local/reset', '{}', 'wrong'));
    expect(badSecret.status).toBe(400);
    expect(((await badSecret.json()) as any).__type).toBe('InvalidSignatureException');
  });

  test('what stays open: GET /health and the dashboard\'s static files', async () => {
    expect((await local('/health')).status).toBe(200);
    const page = await local('/ui/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    expect((await local('/ui/app.js')).status).toBe(200);
  });
});
