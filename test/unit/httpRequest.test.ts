/** The pure request builder and the status / Retry-After readers, table by table. */
import {
  buildInvocationRequest,
  fillPath,
  isRetryableStatus,
  mergeBodyParameters,
  parseRetryAfter,
  removedHeaders,
  resolveTargetValue,
  type InvocationInput,
} from '../../src/engine/delivery/httpRequest.js';
import { outcomeOf } from '../../src/engine/delivery/apiDestinationSender.js';

const event = { id: 'e-1', 'detail-type': 'Order Placed', detail: { orderId: 'o-1', total: 9.5, tags: ['a', 'b'], nested: { x: 1 }, empty: '' } };
const base: InvocationInput = { invocationEndpoint: 'https://api.example.com/v1/orders', httpMethod: 'POST', event, payload: '{"a":1}' };
const build = (input: Partial<InvocationInput>) => {
  const built = buildInvocationRequest({ ...base, ...input });
  if (!built.ok) throw new Error(built.reason);
  return built;
};

describe('resolveTargetValue', () => {
  test.each([
    ['plain', 'plain'],
    ['$5 off', '$5 off'],
    ['$.detail.orderId', 'o-1'],
    ['$.detail.total', '9.5'],
    ['$.detail.tags', '["a","b"]'],
    ['$.detail.nested', '{"x":1}'],
    ['$.detail.tags[1]', 'b'],
    ['$.detail.empty', ''],
    ['$.detail.missing', undefined],
    ["$['detail-type']", 'Order Placed'],
  ])('%s -> %s', (value, expected) => {
    expect(resolveTargetValue(value, event)).toBe(expected);
  });
});

describe('fillPath', () => {
  test.each([
    ['/a/*/b/*', ['x', 'y'], '/a/x/b/y'],
    ['/a/*', ['$.detail.orderId'], '/a/o-1'],
    ['/a/*', ['with space/and slash'], '/a/with%20space%2Fand%20slash'],
    ['/a/*', ['x', 'extra'], '/a/x'],
    ['/no-wildcards', ['ignored'], '/no-wildcards'],
  ])('%s with %j -> %s', (path, values, expected) => {
    expect(fillPath(path, values, event)).toEqual({ ok: true, path: expected });
  });

  test('too few values, or a JSONPath that selects nothing, fails the invocation', () => {
    expect(fillPath('/a/*/b/*', ['x'], event)).toEqual({ ok: false, reason: 'The API destination endpoint has 2 path wildcard(s) (*) but the target gives 1 PathParameterValues.' });
    expect(fillPath('/a/*', ['$.detail.nope'], event)).toEqual({ ok: false, reason: 'PathParameterValues $.detail.nope selects nothing in the event.' });
  });
});

describe('mergeBodyParameters', () => {
  const params = [
    { Key: 'k', Value: 'v' },
    { Key: 's', Value: 'secret', IsValueSecret: true },
  ];
  test.each([
    ['{"a":1}', '{"a":1,"k":"v","s":"secret"}'],
    ['{}', '{"k":"v","s":"secret"}'],
    ['{ "a" : 1.0 }', '{ "a" : 1.0 ,"k":"v","s":"secret"}'],
    ['{"k":"old","a":1}', '{"k":"v","a":1,"s":"secret"}'],
    ['"just a string"', '"just a string"'],
    ['[1,2]', '[1,2]'],
    ['not json', 'not json'],
  ])('%s -> %s', (payload, expected) => {
    expect(mergeBodyParameters(payload, params, false)).toBe(expected);
  });
  test('masked for the inspection API', () => {
    expect(mergeBodyParameters('{"a":1}', params, true)).toBe('{"a":1,"k":"v","s":"***"}');
  });
});

describe('buildInvocationRequest', () => {
  test('the headers EventBridge adds, in order, and Content-Length of the body', () => {
    const { request } = build({});
    expect(request).toEqual({
      method: 'POST',
      url: 'https://api.example.com/v1/orders',
      headers: {
        'User-Agent': 'Amazon/EventBridge/ApiDestinations',
        'Content-Type': 'application/json; charset=utf-8',
        Range: 'bytes=0-1048575',
        'Accept-Encoding': 'gzip,deflate',
        Connection: 'close',
        'Content-Length': '7',
      },
      body: '{"a":1}',
    });
  });

  test('every removed header is dropped from target and connection parameters, whatever its case', () => {
    const headers = Object.fromEntries([...removedHeaders].map((h) => [h.toUpperCase(), 'x']));
    const { request } = build({
      targetParameters: { HeaderParameters: headers },
      connectionParameters: { HeaderParameters: [...removedHeaders].map((h) => ({ Key: h, Value: 'y' })) },
    });
    expect(Object.keys(request.headers)).toEqual(['User-Agent', 'Content-Type', 'Range', 'Accept-Encoding', 'Connection', 'Content-Length']);
    expect(request.headers['User-Agent']).toBe('Amazon/EventBridge/ApiDestinations');
    expect(request.headers.Range).toBe('bytes=0-1048575');
  });

  test('precedence: target < connection < the auth header; a custom Content-Type replaces the default', () => {
    const { request, shown } = build({
      auth: { name: 'X-Key', value: 'real', shown: '***' },
      targetParameters: { HeaderParameters: { 'x-key': 'from-target', 'X-A': 'target', 'content-type': 'text/plain' } },
      connectionParameters: { HeaderParameters: [{ Key: 'x-a', Value: 'connection' }] },
    });
    expect(request.headers).toMatchObject({ 'content-type': 'text/plain', 'x-a': 'connection', 'X-Key': 'real' });
    expect(request.headers['Content-Type']).toBeUndefined();
    expect(shown.headers['X-Key']).toBe('***');
  });

  test('query: the endpoint\'s own, the target\'s (JSONPath, minus what the connection sets), the connection\'s; secrets masked when shown', () => {
    const { request, shown } = build({
      invocationEndpoint: 'https://api.example.com/x?own=1',
      targetParameters: { QueryStringParameters: { id: '$.detail.orderId', dup: 't', none: '$.detail.missing' } },
      connectionParameters: { QueryStringParameters: [{ Key: 'dup', Value: 'c' }, { Key: 'key', Value: 's e/c', IsValueSecret: true }] },
    });
    expect(request.url).toBe('https://api.example.com/x?own=1&id=o-1&dup=c&key=s%20e%2Fc');
    expect(shown.url).toBe('https://api.example.com/x?own=1&id=o-1&dup=c&key=***');
  });

  test('GET and HEAD carry no body (Content-Length 0); body parameters are ignored for them', () => {
    for (const httpMethod of ['GET', 'HEAD']) {
      const { request } = build({ httpMethod, connectionParameters: { BodyParameters: [{ Key: 'k', Value: 'v' }] } });
      expect([request.body, request.headers['Content-Length']]).toEqual(['', '0']);
    }
  });

  test('a path that cannot be filled is reported, not sent', () => {
    expect(buildInvocationRequest({ ...base, invocationEndpoint: 'https://h/x/*' })).toEqual({
      ok: false,
      reason: 'The API destination endpoint has 1 path wildcard(s) (*) but the target gives 0 PathParameterValues.',
    });
  });
});

describe('status codes and Retry-After', () => {
  test.each([
    [200, false], [301, false], [400, false], [401, true], [403, false], [404, false], [407, true],
    [408, false], [409, true], [429, true], [500, true], [503, true], [599, true],
  ])('%i retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  test.each([
    ['30', 30_000],
    ['0', 0],
    ['-1', -1_000],
    [' 5 ', 5_000],
    ['Thu, 01 Jan 2026 00:01:00 GMT', 60_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['1.5', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('Retry-After %s -> %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('outcomeOf', () => {
  const shown = { method: 'POST', url: 'https://h/x', headers: {}, body: '' };
  const response = (status: number, headers: Record<string, string> = {}, statusText = '') => ({ kind: 'response' as const, status, statusText, headers, body: Buffer.alloc(0) });
  test.each([
    [response(204), { ok: true, statusCode: 204 }],
    [response(503, { 'retry-after': '7' }, 'Service Unavailable'), { ok: false, statusCode: 503, errorCode: 'ERROR_FROM_TARGET', retryable: true, retryAfterMs: 7_000, errorMessage: 'The API destination endpoint answered HTTP 503 Service Unavailable.' }],
    [response(302), { ok: false, statusCode: 302, errorCode: 'ERROR_FROM_TARGET', retryable: false }],
    [{ kind: 'timeout' as const, message: '' }, { ok: false, errorCode: 'TIMEOUT', retryable: true }],
    [{ kind: 'connection' as const, message: 'connect ECONNREFUSED' }, { ok: false, errorCode: 'CONNECTION_FAILURE', retryable: true }],
    [{ kind: 'dns' as const, message: 'getaddrinfo ENOTFOUND x' }, { ok: false, errorCode: 'CONNECTION_FAILURE', retryable: false }],
    [{ kind: 'invalid' as const, message: 'Invalid character in header content' }, { ok: false, errorCode: 'INVALID_PARAMETER', retryable: false }],
  ])('%j', (result, expected) => {
    expect(outcomeOf(result, shown, 0, 5_000)).toMatchObject({ ...expected, request: shown });
  });
});

describe('header and body-parameter names that are Object.prototype names', () => {
  // '__proto__' and 'constructor' are valid header tokens (the model's HeaderKey pattern allows
  // '_'); assigned to a plain object, '__proto__' would set its prototype and vanish from the request.
  test('a target header named __proto__ is sent and shown', () => {
    const built = build({ targetParameters: { HeaderParameters: JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string> } });
    expect(Object.keys(built.request.headers)).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    expect(built.request.headers['__proto__']).toBe('p');
    expect(built.shown.headers['__proto__']).toBe('p');
  });

  test('a connection header named __proto__ is sent, its secret masked where shown', () => {
    const built = build({ connectionParameters: { HeaderParameters: [{ Key: '__proto__', Value: 's3cret', IsValueSecret: true }] } });
    expect(built.request.headers['__proto__']).toBe('s3cret');
    expect(built.shown.headers['__proto__']).toBe('***');
  });

  test('a connection body parameter named __proto__ that clashes with nothing, and one that clashes', () => {
    expect(JSON.parse(mergeBodyParameters('{"a":1}', [{ Key: '__proto__', Value: 'x' }], false))).toEqual(JSON.parse('{"a":1,"__proto__":"x"}'));
    const clash = mergeBodyParameters('{"a":1}', [{ Key: 'a', Value: '2' }, { Key: '__proto__', Value: 'x' }], false);
    expect(Object.getOwnPropertyDescriptor(JSON.parse(clash), '__proto__')?.value).toBe('x');
  });
});
