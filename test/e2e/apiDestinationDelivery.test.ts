/**
 * API destination delivery end to end: SDK -> emulator -> real HTTP servers on 127.0.0.1
 * that record every request. The virtual clock is frozen (it moves only when a test
 * advances it), so retries, Retry-After, token expiry and the rate limit are measured in
 * controlled time, never by sleeping. Facts: aws-facts §5.2-5.3 and §6.2-6.5.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteApiDestinationCommand, DescribeApiDestinationCommand, DescribeConnectionCommand, PutEventsCommand, UpdateConnectionCommand } from '@aws-sdk/client-eventbridge';
import { VirtualClock } from '../../src/util/clock.js';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { headerNames, startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { deadLetters, inspect, reset } from '../helpers/inspect.js';
import {
  advance,
  apiKeyConnection,
  basicConnection,
  createDestination,
  deliveriesTo,
  dlqArn,
  oauthConnection,
  putShopEvent,
  ruleToDestination,
} from '../helpers/apiDestinations.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
let emu: Running;
let api: HttpSink;
let tokens: HttpSink;
beforeAll(async () => {
  // Frozen real time: the clock moves only by advance(); backoff jitter pinned (first retry after 750 ms).
  emu = await startEmulator({ clock: new VirtualClock(() => T0), random: () => 0.5 });
  [api, tokens] = await Promise.all([startHttpSink(), startHttpSink()]);
});
afterAll(async () => {
  await emu.close();
  await Promise.all([api.close(), tokens.close()]);
});
beforeEach(async () => {
  await reset(emu.url);
  api.clear();
  tokens.clear();
  let issued = 0;
  tokens.fallback = () => ({ status: 200, body: JSON.stringify({ access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: 3600 }) });
});

const settle = () => emu.emulator.engine.idle();
const now = () => emu.emulator.clock.now();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const connectionState = async (Name: string) => emu.client.send(new DescribeConnectionCommand({ Name }));

describe('the request, byte for byte', () => {
  test('Basic: the headers EventBridge adds, the credentials, the event as body', async () => {
    const conn = await basicConnection(emu, 'basic', 'user', 'pa55word');
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    const eventId = await putShopEvent(emu, { orderId: 'o-1', total: 42 });
    await settle();

    expect(api.requests).toHaveLength(1);
    const [req] = api.requests;
    const [delivery] = await deliveriesTo(emu, dest);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/orders');
    expect(headerNames(req)).toEqual(['User-Agent', 'Content-Type', 'Range', 'Accept-Encoding', 'Connection', 'Authorization', 'Content-Length', 'Host']);
    expect(req.headers).toEqual({
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      'content-type': 'application/json; charset=utf-8',
      range: 'bytes=0-1048575',
      'accept-encoding': 'gzip,deflate',
      connection: 'close',
      authorization: basic('user', 'pa55word'),
      'content-length': String(Buffer.byteLength(req.body)),
      host: new URL(api.url).host,
    });
    expect(req.body).toBe(delivery.payload);
    expect(JSON.parse(req.body)).toMatchObject({ id: eventId, source: 'shop', 'detail-type': 'Order Placed', detail: { orderId: 'o-1', total: 42 } });
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts[0]).toMatchObject({ ok: true, statusCode: 200 });
  });

  test('API key with connection and target parameters: path wildcards, query, headers (JSONPath, precedence, removed headers), body parameters', async () => {
    const conn = await apiKeyConnection(emu, 'keyed', 'x-api-key', 'k3y-value', {
      InvocationHttpParameters: {
        HeaderParameters: [
          { Key: 'X-Tenant', Value: 'acme', IsValueSecret: false },
          { Key: 'X-Signing', Value: 'sig-s3cret', IsValueSecret: true },
          { Key: 'X-Shared', Value: 'from-connection' },
        ],
        QueryStringParameters: [
          { Key: 'api-version', Value: '2024-01' },
          { Key: 'token', Value: 'q-s3cret', IsValueSecret: true },
          { Key: 'shared', Value: 'connection' },
        ],
        BodyParameters: [
          { Key: 'source_system', Value: 'eventbridge' },
          { Key: 'webhook_secret', Value: 'b-s3cret', IsValueSecret: true },
        ],
      },
    });
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/customers/*/orders/*?fixed=1`, 'PUT');
    await ruleToDestination(emu, dest, {
      HttpParameters: {
        PathParameterValues: ['$.detail.customer', 'o 1/2'],
        HeaderParameters: {
          'X-Order': '$.detail.orderId',
          'X-Total': '$.detail.total',
          'X-Shared': 'from-target',
          'X-Literal': 'plain',
          'X-Missing': '$.detail.nope',
          'User-Agent': 'mine',
          Range: 'bytes=0-1',
          Via: 'a-proxy',
          Host: 'elsewhere.example',
        },
        QueryStringParameters: { order: '$.detail.orderId', shared: 'target', q: 'a b&c' },
      },
    });
    await putShopEvent(emu, { customer: 'c-7', orderId: 'o-1', total: 42 });
    await settle();

    const [req] = api.requests;
    const [delivery] = await deliveriesTo(emu, dest);
    expect(req.method).toBe('PUT');
    // The endpoint's own query, then the target's (minus keys the connection sets), then the connection's.
    expect(req.url).toBe('/customers/c-7/orders/o%201%2F2?fixed=1&order=o-1&q=a%20b%26c&api-version=2024-01&token=q-s3cret&shared=connection');
    expect(req.headers).toEqual({
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      'content-type': 'application/json; charset=utf-8',
      range: 'bytes=0-1048575',
      'accept-encoding': 'gzip,deflate',
      connection: 'close',
      'x-order': 'o-1',
      'x-total': '42',
      'x-shared': 'from-connection',
      'x-literal': 'plain',
      'x-tenant': 'acme',
      'x-signing': 'sig-s3cret',
      'x-api-key': 'k3y-value',
      'content-length': String(Buffer.byteLength(req.body)),
      host: new URL(api.url).host,
    });
    // Body parameters join the JSON object; the rendered event before them keeps its bytes.
    expect(req.body).toBe(delivery.payload.slice(0, -1) + ',"source_system":"eventbridge","webhook_secret":"b-s3cret"}');
  });

  test('headers named __proto__ and constructor (valid header tokens) reach the API', async () => {
    const conn = await apiKeyConnection(emu, 'proto-names', 'x-api-key', 'k3y', {
      InvocationHttpParameters: { HeaderParameters: [{ Key: '__proto__', Value: 'from-connection' }] },
    });
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest, { HttpParameters: { HeaderParameters: { constructor: '$.detail.orderId' } } });
    await putShopEvent(emu, { orderId: 'o-9' });
    await settle();
    expect(api.requests).toHaveLength(1);
    // The sink's own req.headers is a plain object (node's), so read the raw pairs.
    const raw = api.requests[0].rawHeaders;
    const valueOf = (name: string) => raw[raw.indexOf(name) + 1];
    expect(raw).toContain('__proto__');
    expect(valueOf('__proto__')).toBe('from-connection');
    expect(valueOf('constructor')).toBe('o-9');
  });

  test('the inspection API shows the request with every secret masked', async () => {
    const conn = await apiKeyConnection(emu, 'keyed', 'x-api-key', 'k3y-value', {
      InvocationHttpParameters: {
        HeaderParameters: [{ Key: 'X-Signing', Value: 'sig-s3cret', IsValueSecret: true }],
        QueryStringParameters: [{ Key: 'token', Value: 'q-s3cret', IsValueSecret: true }, { Key: 'plain', Value: 'visible' }],
        BodyParameters: [{ Key: 'webhook_secret', Value: 'b-s3cret', IsValueSecret: true }],
      },
    });
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    await putShopEvent(emu);
    await settle();
    const [delivery] = await deliveriesTo(emu, dest);
    const shown = delivery.attempts[0].request;
    expect(shown.headers['x-api-key']).toBe('***');
    expect(shown.headers['X-Signing']).toBe('***');
    expect(shown.url).toBe(`${api.url}/orders?token=***&plain=visible`);
    expect(JSON.parse(shown.body).webhook_secret).toBe('***');
    const everything = JSON.stringify(await inspect(emu.url, 'deliveries')) + JSON.stringify(await inspect(emu.url, 'events'));
    for (const secret of ['k3y-value', 'sig-s3cret', 'q-s3cret', 'b-s3cret']) expect(everything).not.toContain(secret);
    // ...while the API received them.
    expect(api.requests[0].headers['x-api-key']).toBe('k3y-value');
  });

  test.each([
    ['GET', 'none'],
    ['HEAD', 'none'],
    ['DELETE', 'payload'],
    ['PATCH', 'payload'],
    ['OPTIONS', 'payload'],
  ])('%s: body %s', async (method, body) => {
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, `m-${method}`, conn, `${api.url}/things`, method);
    await ruleToDestination(emu, dest);
    await putShopEvent(emu);
    await settle();
    const [req] = api.requests;
    const [delivery] = await deliveriesTo(emu, dest);
    expect(req.method).toBe(method);
    expect(req.body).toBe(body === 'none' ? '' : delivery.payload);
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(req.body)));
  });
});

describe('OAuth client credentials', () => {
  const oauthParameters = (tokenUrl: string) => ({
    OAuthParameters: {
      ClientParameters: { ClientID: 'client-1', ClientSecret: 'client-s3cret' },
      AuthorizationEndpoint: tokenUrl,
      HttpMethod: 'POST' as const,
      OAuthHttpParameters: {
        BodyParameters: [{ Key: 'audience', Value: 'https://api.example' }],
        HeaderParameters: [{ Key: 'X-Auth-Tenant', Value: 'acme' }],
        QueryStringParameters: [{ Key: 'realm', Value: 'test' }],
      },
    },
  });

  test('the token request, then the token is cached across invocations', async () => {
    const conn = await oauthConnection(emu, 'oauth', `${tokens.url}/oauth2/token`, oauthParameters(`${tokens.url}/oauth2/token`));
    expect(tokens.requests).toHaveLength(1);
    const [tokenReq] = tokens.requests;
    expect(tokenReq.method).toBe('POST');
    expect(tokenReq.url).toBe('/oauth2/token?realm=test');
    expect(tokenReq.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'x-auth-tenant': 'acme',
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
    });
    expect(tokenReq.body).toBe('grant_type=client_credentials&client_id=client-1&client_secret=client-s3cret&audience=https%3A%2F%2Fapi.example');
    expect((await connectionState('oauth')).ConnectionState).toBe('AUTHORIZED');

    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    await putShopEvent(emu);
    await putShopEvent(emu);
    await settle();
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(tokens.requests).toHaveLength(1);
  });

  test('a token expiring within 60 s is refreshed by the next invocation, not before', async () => {
    const conn = await oauthConnection(emu, 'oauth', `${tokens.url}/token`);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    // expires_in 3600: at 3539 s the token has 61 s left.
    await advance(emu, 3_539_000);
    expect(tokens.requests).toHaveLength(1);
    await putShopEvent(emu);
    await settle();
    expect(tokens.requests).toHaveLength(1);
    await advance(emu, 1_000);
    // No background refresher: nothing happens until an event needs the token.
    expect(tokens.requests).toHaveLength(1);
    await putShopEvent(emu);
    await settle();
    expect(tokens.requests).toHaveLength(2);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  test('a 401 from the API refreshes the token; the retry carries the new one', async () => {
    const conn = await oauthConnection(emu, 'oauth', `${tokens.url}/token`);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    api.reply({ status: 401 });
    await putShopEvent(emu);
    await settle();
    expect(tokens.requests).toHaveLength(2);
    await advance(emu, 750);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    const [delivery] = await deliveriesTo(emu, dest);
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a: any) => a.statusCode)).toEqual([401, 200]);
    expect((await connectionState('oauth')).ConnectionState).toBe('AUTHORIZED');
  });

  test('a refresh that fails de-authorizes the connection; the destination turns INACTIVE and retries do not reach the API', async () => {
    const conn = await oauthConnection(emu, 'oauth', `${tokens.url}/token`);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest, { RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: { Arn: dlqArn } });
    tokens.fallback = () => ({ status: 500, body: '{"error":"server_error"}' });
    api.reply({ status: 407 });
    await putShopEvent(emu);
    await settle();
    const described = await connectionState('oauth');
    expect(described.ConnectionState).toBe('DEAUTHORIZED');
    expect(described.StateReason).toBe('Failed to obtain an OAuth token: the authorization endpoint answered HTTP 500.');
    expect((await emu.client.send(new DescribeApiDestinationCommand({ Name: 'orders' }))).ApiDestinationState).toBe('INACTIVE');
    await advance(emu, 750);
    expect(api.requests).toHaveLength(1);
    const [message] = await deadLetters(emu.url, dlqArn);
    expect(message.attributes).toMatchObject({ ERROR_CODE: 'NO_PERMISSIONS', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '1' });
    expect(message.attributes.ERROR_MESSAGE).toContain('DEAUTHORIZED');
  });
});

describe('Basic and API key connections de-authorized by 401/407', () => {
  test('a 401 de-authorizes a Basic connection; after an update with working credentials the pending retry is delivered', async () => {
    const conn = await basicConnection(emu, 'basic', 'user', 'old-password');
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    api.reply({ status: 401 });
    await putShopEvent(emu);
    await settle();
    const described = await connectionState('basic');
    expect(described.ConnectionState).toBe('DEAUTHORIZED');
    expect(described.StateReason).toBe("The endpoint answered HTTP 401 to the connection's credentials.");

    await advance(emu, 750);
    expect(api.requests).toHaveLength(1);
    let [delivery] = await deliveriesTo(emu, dest);
    expect(delivery.attempts[1]).toMatchObject({ ok: false, errorCode: 'NO_PERMISSIONS' });

    const updated = await emu.client.send(new UpdateConnectionCommand({ Name: 'basic', AuthParameters: { BasicAuthParameters: { Password: 'new-password' } } }));
    expect(updated.ConnectionState).toBe('AUTHORIZED');
    await advance(emu, 1_500);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([basic('user', 'old-password'), basic('user', 'new-password')]);
    [delivery] = await deliveriesTo(emu, dest);
    expect(delivery.status).toBe('delivered');
  });

  test('a 407 de-authorizes an API key connection', async () => {
    const conn = await apiKeyConnection(emu, 'keyed', 'x-api-key', 'k');
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    await ruleToDestination(emu, dest);
    api.reply({ status: 407 });
    await putShopEvent(emu);
    await settle();
    expect((await connectionState('keyed')).ConnectionState).toBe('DEAUTHORIZED');
  });
});

describe('retries, Retry-After and the dead-letter queue', () => {
  async function setup(target: Record<string, unknown> = {}) {
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'orders', conn, `${api.url}/orders`);
    const ruleArn = await ruleToDestination(emu, dest, { DeadLetterConfig: { Arn: dlqArn }, ...target });
    return { dest, ruleArn };
  }

  test('Retry-After in seconds wins over a shorter backoff', async () => {
    const { dest } = await setup();
    api.reply({ status: 503, headers: { 'Retry-After': '30' } });
    const t = now();
    await putShopEvent(emu);
    await settle();
    await advance(emu, 29_999);
    expect(api.requests).toHaveLength(1);
    await advance(emu, 1);
    expect(api.requests).toHaveLength(2);
    const [delivery] = await deliveriesTo(emu, dest);
    expect(delivery.attempts.map((a: any) => Date.parse(a.at) - t)).toEqual([0, 30_000]);
    expect(delivery.status).toBe('delivered');
  });

  test('Retry-After as an HTTP date (virtual and wall clock agree here: see virtualClock.test.ts)', async () => {
    const { dest } = await setup();
    const retryAt = new Date(now() + 45_000).toUTCString();
    api.reply({ status: 429, headers: { 'Retry-After': retryAt } });
    await putShopEvent(emu);
    await settle();
    const [pending] = await deliveriesTo(emu, dest);
    expect(Date.parse(pending.nextAttemptAt)).toBe(Date.parse(retryAt));
  });

  test('a negative Retry-After stops retrying: straight to the DLQ', async () => {
    const { dest, ruleArn } = await setup();
    api.reply({ status: 503, headers: { 'Retry-After': '-1' } });
    const eventId = await putShopEvent(emu);
    await settle();
    const [message] = await deadLetters(emu.url, dlqArn);
    expect(message.attributes).toEqual({
      RULE_ARN: ruleArn,
      TARGET_ARN: dest,
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: 'The API destination endpoint answered HTTP 503 Service Unavailable.',
      RETRY_ATTEMPTS: '0',
    });
    expect(JSON.parse(message.body).id).toBe(eventId);
  });

  test('a 400 is not retried', async () => {
    const { dest, ruleArn } = await setup();
    api.reply({ status: 400, body: '{"message":"bad"}' });
    await putShopEvent(emu);
    await settle();
    await advance(emu, 60_000);
    expect(api.requests).toHaveLength(1);
    const [message] = await deadLetters(emu.url, dlqArn);
    expect(message.attributes).toEqual({
      RULE_ARN: ruleArn,
      TARGET_ARN: dest,
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: 'The API destination endpoint answered HTTP 400 Bad Request.',
      RETRY_ATTEMPTS: '0',
    });
  });

  test('exhausted retries: the DLQ message carries the event and every attribute', async () => {
    const { dest, ruleArn } = await setup({ RetryPolicy: { MaximumRetryAttempts: 2 } });
    api.fallback = () => ({ status: 500 });
    const eventId = await putShopEvent(emu);
    await settle();
    await advance(emu, 10_000, 250);
    expect(api.requests).toHaveLength(3);
    const [message] = await deadLetters(emu.url, dlqArn);
    expect(message.attributes).toEqual({
      RULE_ARN: ruleArn,
      TARGET_ARN: dest,
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: 'The API destination endpoint answered HTTP 500 Internal Server Error.',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
    const body = JSON.parse(message.body);
    expect(body).toMatchObject({ id: eventId, source: 'shop', 'detail-type': 'Order Placed' });
  });

  test.each([
    [301, 1],
    [403, 1],
    [404, 1],
    [409, 2],
    [429, 2],
    [500, 2],
    [502, 2],
    [504, 2],
  ])('HTTP %i: %i request(s) with one retry allowed', async (status, requests) => {
    await setup({ RetryPolicy: { MaximumRetryAttempts: 1 } });
    const headers: Record<string, string> = status === 301 ? { Location: `${api.url}/elsewhere` } : {};
    api.fallback = () => ({ status, headers });
    await putShopEvent(emu);
    await settle();
    await advance(emu, 5_000, 250);
    expect(api.requests).toHaveLength(requests);
    // A redirect is not followed.
    expect(api.requests.every((r) => r.path === '/orders')).toBe(true);
  });

  test('a refused connection is retried (CONNECTION_FAILURE)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'nowhere', conn, `http://127.0.0.1:${port}/x`);
    await ruleToDestination(emu, dest);
    await putShopEvent(emu);
    await settle();
    const [delivery] = await deliveriesTo(emu, dest);
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({ ok: false, errorCode: 'CONNECTION_FAILURE' });
  });

  test('an endpoint slower than 5 seconds times out and is retried (real 5 s wait)', async () => {
    const { dest } = await setup();
    api.reply({ status: 200, delayMs: 600_000 }); // never answers in time: the emulator's own 5 s timeout ends the attempt
    await putShopEvent(emu);
    await settle();
    const [delivery] = await deliveriesTo(emu, dest);
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({ ok: false, errorCode: 'TIMEOUT', errorMessage: 'The API destination endpoint did not answer within 5 seconds.' });
    await advance(emu, 750);
    const [done] = await deliveriesTo(emu, dest);
    expect(done.status).toBe('delivered');
  }, 60_000);

  test('a destination deleted while a retry waits: NO_RESOURCE, not retried further', async () => {
    const { dest } = await setup();
    api.reply({ status: 503 });
    await putShopEvent(emu);
    await settle();
    await emu.client.send(new DeleteApiDestinationCommand({ Name: 'orders' }));
    await advance(emu, 750);
    const [message] = await deadLetters(emu.url, dlqArn);
    expect(message.attributes).toMatchObject({ TARGET_ARN: dest, ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '1' });
    expect(message.attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  });
});

describe('InvocationRateLimitPerSecond', () => {
  async function putMany(count: number) {
    for (let sent = 0; sent < count; sent += 10) {
      const n = Math.min(10, count - sent);
      const res = await emu.client.send(new PutEventsCommand({ Entries: Array.from({ length: n }, (_, i) => ({ Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ n: sent + i }) })) }));
      expect(res.FailedEntryCount).toBe(0);
    }
  }

  test('20 events at 2 per second: a burst of 2, then one every 500 ms of controlled time; none dropped, no attempt wasted', async () => {
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'slow', conn, `${api.url}/slow`, 'POST', 2);
    await ruleToDestination(emu, dest);
    const t = now();
    await putMany(20);
    await settle();
    expect(api.requests).toHaveLength(2);
    await advance(emu, 8_900, 100);
    expect(api.requests).toHaveLength(19);
    await advance(emu, 100);
    expect(api.requests).toHaveLength(20);
    const deliveries = await deliveriesTo(emu, dest);
    expect(deliveries.every((d: any) => d.status === 'delivered' && d.attempts.length === 1)).toBe(true);
    const times = deliveries.map((d: any) => Date.parse(d.attempts[0].at) - t).sort((a: number, b: number) => a - b);
    expect(times).toEqual([0, 0, ...Array.from({ length: 18 }, (_, i) => (i + 1) * 500)]);
    // N events at L per second: (N - L) / L seconds after the burst, i.e. about N / L.
    expect(times[times.length - 1]).toBe(((20 - 2) / 2) * 1000);
  });

  test('events that cannot get a slot within their maximum age wait, then go to the DLQ (MaximumEventAgeInSeconds)', async () => {
    const conn = await basicConnection(emu);
    const dest = await createDestination(emu, 'trickle', conn, `${api.url}/trickle`, 'POST', 1);
    await ruleToDestination(emu, dest, { RetryPolicy: { MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: dlqArn } });
    await putMany(65);
    await settle();
    await advance(emu, 59_000, 1_000);
    expect(api.requests).toHaveLength(60);
    expect(await deadLetters(emu.url, dlqArn)).toEqual([]);
    await advance(emu, 1_000);
    expect(api.requests).toHaveLength(61);
    const messages = await deadLetters(emu.url, dlqArn);
    expect(messages).toHaveLength(4);
    expect(messages[0].attributes).toMatchObject({ ERROR_CODE: 'THROTTLING', EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds', RETRY_ATTEMPTS: '0' });
  });
});
