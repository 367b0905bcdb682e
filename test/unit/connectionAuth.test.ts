/** Credentials headers, the OAuth token request the emulator sends and how it reads the answer, and the HTTP client's timeout. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerHeader, staticAuthHeader } from '../../src/engine/delivery/connectionAuth.js';
import { buildTokenRequest, readTokenResponse } from '../../src/engine/delivery/tokenRequest.js';
import { sendHttp, type HttpResult } from '../../src/engine/delivery/httpClient.js';
import { stateChangeTimestamp } from '../../src/apis/events/domain/connectionStates.js';
import type { ConnectionRecord } from '../../src/store/schema.js';

const conn = (c: Partial<ConnectionRecord>): ConnectionRecord =>
  ({ name: 'c', arn: 'arn', authorizationType: 'BASIC', state: 'AUTHORIZED', creationTime: 0, lastModifiedTime: 0, ...c }) as ConnectionRecord;

describe('credentials headers', () => {
  test('Basic: base64 of Username:Password; shown masked', () => {
    expect(staticAuthHeader(conn({ authParameters: { BasicAuthParameters: { Username: 'Aladdin', Password: 'open sesame' } } }))).toEqual({
      name: 'Authorization',
      value: 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
      shown: 'Basic ***',
    });
  });
  test('API key: a header named ApiKeyName carrying ApiKeyValue', () => {
    expect(staticAuthHeader(conn({ authorizationType: 'API_KEY', authParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'v' } } }))).toEqual({
      name: 'x-api-key',
      value: 'v',
      shown: '***',
    });
  });
  test('none once the parameters are gone (de-authorized)', () => {
    expect(staticAuthHeader(conn({ authParameters: undefined }))).toBeUndefined();
  });
  test('OAuth: Bearer', () => {
    expect(bearerHeader('t')).toEqual({ name: 'Authorization', value: 'Bearer t', shown: 'Bearer ***' });
  });
});

describe('the token request', () => {
  const oauth = {
    ClientParameters: { ClientID: 'id 1', ClientSecret: 's&cret' },
    AuthorizationEndpoint: 'https://auth.example.com/oauth2/token?tenant=t1',
    HttpMethod: 'POST',
    OAuthHttpParameters: {
      HeaderParameters: [{ Key: 'X-Tenant', Value: 't1' }, { Key: 'Host', Value: 'stripped' }],
      QueryStringParameters: [{ Key: 'realm', Value: 'r' }],
      BodyParameters: [{ Key: 'scope', Value: 'read write' }],
    },
  };
  test('POST: a form body with grant_type, the client credentials and the body parameters', () => {
    expect(buildTokenRequest(oauth)).toEqual({
      method: 'POST',
      url: 'https://auth.example.com/oauth2/token?tenant=t1&realm=r',
      headers: {
        'User-Agent': 'Amazon/EventBridge/ApiDestinations',
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Tenant': 't1',
        'Content-Length': '84',
      },
      body: 'grant_type=client_credentials&client_id=id+1&client_secret=s%26cret&scope=read+write',
    });
  });
  test('a grant_type body parameter replaces the default (e.g. Salesforce password flow)', () => {
    const req = buildTokenRequest({ ...oauth, OAuthHttpParameters: { BodyParameters: [{ Key: 'grant_type', Value: 'password' }, { Key: 'username', Value: 'u' }] } });
    expect(req.body).toBe('client_id=id+1&client_secret=s%26cret&grant_type=password&username=u');
  });
  test('a header parameter named __proto__ (a valid token) is sent, not lost to the prototype', () => {
    const req = buildTokenRequest({ ...oauth, OAuthHttpParameters: { HeaderParameters: [{ Key: '__proto__', Value: 'p' }] } });
    expect(Object.keys(req.headers)).toContain('__proto__');
    expect(req.headers['__proto__']).toBe('p');
  });
  test('GET: the form goes in the query; no body', () => {
    const req = buildTokenRequest({ ...oauth, HttpMethod: 'GET', OAuthHttpParameters: undefined });
    expect(req.url).toBe('https://auth.example.com/oauth2/token?tenant=t1&grant_type=client_credentials&client_id=id+1&client_secret=s%26cret');
    expect([req.body, req.headers['Content-Type']]).toEqual(['', undefined]);
  });
});

describe('reading the token answer', () => {
  const now = 1_000_000;
  const answer = (status: number, body: string): HttpResult => ({ kind: 'response', status, statusText: '', headers: {}, body: Buffer.from(body) });
  test.each([
    [answer(200, '{"access_token":"a","expires_in":3600}'), { ok: true, token: { accessToken: 'a', obtainedAt: now, expiresAt: now + 3_600_000 } }],
    [answer(200, '{"access_token":"a","expires_in":"60"}'), { ok: true, token: { accessToken: 'a', obtainedAt: now, expiresAt: now + 60_000 } }],
    [answer(200, '{"access_token":"a"}'), { ok: true, token: { accessToken: 'a', obtainedAt: now, expiresAt: undefined } }],
    [answer(200, 'access_token=f&expires_in=10'), { ok: true, token: { accessToken: 'f', obtainedAt: now, expiresAt: now + 10_000 } }],
    [answer(200, '{"token":"a"}'), { ok: false, reason: 'the authorization endpoint answered without an access_token.' }],
    [answer(200, 'not json'), { ok: false, reason: 'the authorization endpoint answered without an access_token.' }],
    [answer(401, '{"access_token":"ignored"}'), { ok: false, reason: 'the authorization endpoint answered HTTP 401.' }],
    [{ kind: 'timeout', message: '' } as HttpResult, { ok: false, reason: 'the authorization endpoint did not answer within 5 seconds.' }],
    [{ kind: 'connection', message: 'connect ECONNREFUSED 127.0.0.1:1' } as HttpResult, { ok: false, reason: 'the authorization endpoint could not be reached (connect ECONNREFUSED 127.0.0.1:1).' }],
  ])('%#', (result, expected) => {
    expect(readTokenResponse(result, now, 5_000)).toEqual(expected);
  });
});

test('the state-change Timestamp has the event reference\'s form', () => {
  expect(stateChangeTimestamp(Date.UTC(2024, 9, 24, 9, 26, 35, 900))).toBe('2024-10-24 09:26:35 +0000 UTC');
});

test('sendHttp: the timeout covers the whole exchange; the answer is read and the request sent as given', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers: the 100 ms timeout must end it
    else res.end(JSON.stringify({ method: req.method, raw: req.rawHeaders }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect(await sendHttp({ method: 'GET', url: `${url}/slow`, headers: {}, body: '' }, 100)).toEqual({ kind: 'timeout', message: 'No answer within 0.1 seconds.' });
    const fast = await sendHttp({ method: 'PATCH', url: `${url}/fast`, headers: { 'X-Case': 'Kept', 'Content-Length': '2' }, body: '{}' }, 30_000);
    expect(fast.kind).toBe('response');
    const echoed = JSON.parse((fast as { body: Buffer }).body.toString());
    expect(echoed.method).toBe('PATCH');
    // Node adds only Host, and Connection: close for a request without keep-alive (EventBridge sends that header anyway).
    expect(echoed.raw).toEqual(['X-Case', 'Kept', 'Content-Length', '2', 'Host', url.slice('http://'.length), 'Connection', 'close']);
    expect(await sendHttp({ method: 'GET', url, headers: { 'X-Bad': 'line\nbreak' }, body: '' }, 30_000)).toMatchObject({ kind: 'invalid' });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
