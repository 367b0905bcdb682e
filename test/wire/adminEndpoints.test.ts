/**
 * The emulator's own endpoints (/_eventbridge-local/*) without --require-auth: they answer
 * the user's tools on this machine and no web page. A foreign Host (DNS rebinding) or Origin
 * (a page's fetch or form), a state change without a JSON content type, an API destination
 * of the emulator itself and an unbounded clock step are each refused with a JSON error, and
 * change nothing.
 */
import { request } from 'node:http';
import { CreateEventBusCommand, DescribeEventBusCommand, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { useEmulator } from '../helpers/emulator.js';
import { basicConnection, createDestination, putShopEvent, ruleToDestination } from '../helpers/apiDestinations.js';
import { inspect } from '../helpers/inspect.js';

const emu = useEmulator();

/** A raw request, so Host and Origin are exactly what a browser or a rebound page would send. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; type: string; json: any }> {
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: `/_eventbridge-local${path}`, headers: { ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), json: JSON.parse(text) }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const json = { 'Content-Type': 'application/json' };
const busNames = async () => ((await emu.client.send(new ListEventBusesCommand({}))).EventBuses ?? []).map((b) => b.Name);

async function withBus<T>(check: () => Promise<T>): Promise<T> {
  await emu.client.send(new CreateEventBusCommand({ Name: 'keep-me' }));
  const out = await check();
  expect(await busNames()).toEqual(['default', 'keep-me']);
  return out;
}

test.each(['evil.example', 'evil.example:4010', '192.168.1.20:4010', 'localhost.evil.example', '127.0.0.1.nip.io'])('Host %s (a rebound name) is refused on every endpoint', async (host) => {
  await withBus(async () => {
    for (const [method, path] of [['GET', '/deliveries'], ['GET', '/resources'], ['GET', '/health'], ['POST', '/reset'], ['GET', '/webhooks']] as const) {
      const res = await send(method, path, { ...json, Host: host }, method === 'POST' ? '{}' : undefined);
      expect(res.status).toBe(403);
      expect(res.type).toContain('json');
      expect(res.json.__type).toBe('AccessDeniedException');
      expect(res.json.message).toContain('--allow-host');
    }
  });
});

test.each(['localhost', 'localhost:4010', '127.0.0.1:4010', '127.1.2.3', '[::1]:4010', 'app.localhost:4010'])('Host %s (a loopback name) is answered', async (host) => {
  expect((await send('GET', '/clock', { Host: host })).status).toBe(200);
});

test('--allow-host names one more Host (e.g. a compose service name); * any', async () => {
  const { startEmulator } = await import('../helpers/emulator.js');
  const named = await startEmulator({ allowedHosts: ['eventbridge'] });
  const any = await startEmulator({ allowedHosts: ['*'] });
  try {
    const get = (url: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(url);
        request({ host: u.hostname, port: u.port, path: '/_eventbridge-local/clock', headers: { Host: host } }, (res) => resolve(res.statusCode!)).once('error', reject).end();
      });
    expect(await get(named.url, 'eventbridge:4010')).toBe(200);
    expect(await get(named.url, 'other:4010')).toBe(403);
    expect(await get(any.url, 'other:4010')).toBe(200);
  } finally {
    await Promise.all([named.close(), any.close()]);
  }
});

test('a foreign Origin (a web page the user visits) cannot reset, advance the clock or read a view', async () => {
  await withBus(async () => {
    const host = new URL(emu.url).host;
    for (const origin of ['https://evil.example', 'http://localhost:3000', 'null']) {
      // text/plain and no preflight: what a page's form or fetch({mode: 'no-cors'}) sends.
      expect((await send('POST', '/reset', { Host: host, Origin: origin, 'Content-Type': 'text/plain' }, '{}')).status).toBe(403);
      expect((await send('POST', '/reset', { Host: host, Origin: origin, ...json }, '{}')).status).toBe(403);
      const clock = await send('POST', '/clock', { Host: host, Origin: origin, ...json }, '{"advanceSeconds":90000}');
      expect(clock).toMatchObject({ status: 403, json: { __type: 'AccessDeniedException' } });
      expect((await send('GET', '/deliveries', { Host: host, Origin: origin })).status).toBe(403);
    }
    // The dashboard's own requests are same-origin.
    expect((await send('GET', '/deliveries', { Host: host, Origin: `http://${host}` })).status).toBe(200);
  });
  expect((await inspect(emu.url, 'clock')).offsetMillis).toBeLessThan(3_600_000);
});

test.each([
  ['POST', '/reset', undefined],
  ['POST', '/reset', 'text/plain'],
  ['POST', '/reset', 'application/x-www-form-urlencoded'],
  ['POST', '/clock', 'text/plain'],
  ['DELETE', '/records', undefined],
  ['PUT', '/webhooks/github/orders', 'text/plain'],
  ['POST', '/health-checks', 'multipart/form-data; boundary=x'],
])('%s %s with Content-Type %s is refused (415): state changes need application/json', async (method, path, type) => {
  await withBus(async () => {
    const host = new URL(emu.url).host;
    const body = path === '/clock' ? '{"advanceSeconds":60}' : path.startsWith('/webhooks') ? '{"secret":"s3cret"}' : '{}';
    const res = await send(method, path, { Host: host, ...(type ? { 'Content-Type': type } : {}) }, body);
    expect(res.status).toBe(415);
    expect(res.json.__type).toBe('UnsupportedMediaTypeException');
    expect(res.json.message).toContain('application/json');
  });
  expect((await inspect(emu.url, 'webhooks')).webhooks).toEqual([]);
  expect((await inspect(emu.url, 'clock')).offsetMillis).toBeLessThan(30_000);
});

test.each([[1e15], [-1], [Number.MAX_VALUE], [366 * 86_400 + 1], ['60'], [null], [[60]]])('POST /clock {"advanceSeconds": %p} is refused with a JSON 400 and the clock stays', async (value) => {
  const before = (await inspect(emu.url, 'clock')).epochMillis;
  const res = await send('POST', '/clock', { Host: new URL(emu.url).host, ...json }, JSON.stringify({ advanceSeconds: value }));
  expect(res.status).toBe(400);
  expect(res.json).toEqual({ __type: 'ValidationException', message: 'Body must be {"advanceSeconds": <number from 0 to 31622400>} (at most 366 days per step).' });
  expect((await inspect(emu.url, 'clock')).epochMillis - before).toBeLessThan(60_000);
  // PutEvents still works at the clock's time.
  await putShopEvent(emu);
});

test('the largest step (366 days) is accepted; no step takes the clock past year 9999', async () => {
  const host = new URL(emu.url).host;
  const step = await send('POST', '/clock', { Host: host, ...json }, JSON.stringify({ advanceSeconds: 366 * 86_400 }));
  expect(step.status).toBe(200);
  expect(step.json.offsetMillis).toBeGreaterThanOrEqual(366 * 86_400_000);
  await putShopEvent(emu);
  const { startEmulator } = await import('../helpers/emulator.js');
  const late = await startEmulator();
  try {
    late.emulator.clock.advance(Date.UTC(9999, 6, 1) - late.emulator.clock.now());
    const u = new URL(late.url);
    const res = await new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/_eventbridge-local/clock', headers: { ...json } }, (r) => {
        let text = '';
        r.on('data', (d) => (text += d));
        r.on('end', () => resolve({ status: r.statusCode!, json: JSON.parse(text) }));
      });
      req.once('error', reject);
      req.end(JSON.stringify({ advanceSeconds: 366 * 86_400 }));
    });
    expect(res).toEqual({ status: 400, json: { __type: 'ValidationException', message: 'The virtual clock cannot move past 9999-12-31T23:59:59Z.' } });
  } finally {
    await late.close();
  }
});

test('an API destination pointing at the emulator\'s own reset cannot reset it', async () => {
  await emu.client.send(new CreateEventBusCommand({ Name: 'keep-me' }));
  const conn = await basicConnection(emu, 'self', 'user', 'pa55word');
  const destination = await createDestination(emu, 'self-reset', conn, `${emu.url}/_eventbridge-local/reset`);
  await ruleToDestination(emu, destination);
  await putShopEvent(emu);
  await emu.emulator.engine.idle();
  await emu.client.send(new DescribeEventBusCommand({ Name: 'keep-me' }));
  const [delivery] = (await inspect(emu.url, 'deliveries')).deliveries;
  expect(delivery.status).not.toBe('pending');
  // The delivery side refuses a destination at the emulator's own address; behind it, the guard
  // refuses EventBridge's API destination User-Agent on every endpoint of its own.
  const res = await send('POST', '/reset', { Host: new URL(emu.url).host, ...json, 'User-Agent': 'Amazon/EventBridge/ApiDestinations' }, '{}');
  expect(res).toMatchObject({ status: 403, json: { __type: 'AccessDeniedException' } });
  await emu.client.send(new DescribeEventBusCommand({ Name: 'keep-me' }));
});

test('the AWS API refuses a foreign or DNS-rebound browser Origin; SDK-style requests (no Origin) under any Host still work', async () => {
  const url = new URL(emu.url);
  const call = (headers: Record<string, string>, body = '{"Name":"from-a-page"}', target = 'AWSEvents.CreateEventBus') =>
    new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target, ...headers } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      });
      req.once('error', reject);
      req.end(body);
    });
  const rebound = `evil.example:${url.port}`;
  for (const [host, origin] of [[rebound, `http://${rebound}`], [url.host, 'https://evil.example'], [url.host, 'null']]) {
    const res = await call({ Host: host, Origin: origin });
    expect(res.status).toBe(403);
    expect(res.json.__type).toBe('AccessDeniedException');
  }
  expect(await busNames()).toEqual(['default']);
  // The dashboard's own page: same origin.
  expect((await call({ Host: url.host, Origin: `http://${url.host}` }, '{}', 'AWSEvents.ListEventBuses')).status).toBe(200);
  // Another container's SDK: Host is the service name, no Origin.
  expect((await call({ Host: `eventbridge:${url.port}` }, '{"Name":"from-a-container"}')).status).toBe(200);
  expect(await busNames()).toEqual(['default', 'from-a-container']);
});
