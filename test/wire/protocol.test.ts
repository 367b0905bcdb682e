import { rawCall, startEmulator, type Running } from '../helpers/emulator.js';
import { actions } from '../../src/apis/events/actions/index.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe('AWS JSON 1.1 wire protocol', () => {
  test('a success carries the JSON 1.1 content type and a request id', async () => {
    const res = await rawCall(emu.url, 'DescribeEventBus', '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.Name).toBe('default');
    expect(typeof res.json.CreationTime).toBe('number'); // epoch seconds
    expect(res.json.CreationTime).toBeLessThan(Date.now() / 1000 + 60);
  });

  test('an empty body is taken as {}', async () => {
    const res = await rawCall(emu.url, 'ListEventBuses', '');
    expect(res.status).toBe(200);
    expect(res.json.EventBuses[0].Name).toBe('default');
  });

  test('an error carries __type, message, x-amzn-ErrorType and the request id', async () => {
    const res = await rawCall(emu.url, 'DescribeEventBus', '{"Name":"missing"}');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'ResourceNotFoundException', message: 'Event bus missing does not exist.' });
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  test('an unknown operation', async () => {
    const res = await rawCall(emu.url, 'MakeCoffee', '{}');
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('UnknownOperationException');
  });

  test('a missing X-Amz-Target', async () => {
    const res = await rawCall(emu.url, undefined, '{}');
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('UnknownOperationException');
  });

  test('malformed JSON', async () => {
    const res = await rawCall(emu.url, 'ListEventBuses', '{"Limit": ');
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('SerializationException');
  });

  test('a JSON body that is not an object', async () => {
    const res = await rawCall(emu.url, 'ListEventBuses', '[1,2]');
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('SerializationException');
  });

  test('a wrong content type is answered as an unknown operation (404)', async () => {
    const res = await rawCall(emu.url, 'ListEventBuses', 'Action=ListEventBuses', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(404);
    expect(res.json.__type).toBe('UnknownOperationException');
  });

  test('a body over the size cap is refused before parsing', async () => {
    const res = await rawCall(emu.url, 'ListEventBuses', JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.json.__type).toBe('RequestEntityTooLargeException');
  });

  test('an operation of the model without an action names itself and fakes nothing', async () => {
    // Every operation is built now; take one out of the table to see what an unbuilt one answers.
    const saved = actions.CreateEndpoint;
    delete actions.CreateEndpoint;
    try {
      const res = await rawCall(emu.url, 'ListEndpoints', '{}');
      expect(res.status).toBe(200);
      const missing = await rawCall(emu.url, 'CreateEndpoint', JSON.stringify({
        Name: 'e', RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: 'arn:aws:route53:::healthcheck/abc' }, Secondary: { Route: 'us-west-2' } } },
        EventBuses: [{ EventBusArn: 'arn:aws:events:us-east-1:000000000000:event-bus/a' }, { EventBusArn: 'arn:aws:events:us-west-2:000000000000:event-bus/a' }],
      }));
      expect(missing.status).toBe(501);
      expect(missing.json.__type).toBe('NotImplementedException');
      expect(missing.json.message).toContain('CreateEndpoint');
    } finally {
      actions.CreateEndpoint = saved;
    }
  });

  test('the request is validated before the operation runs', async () => {
    const res = await rawCall(emu.url, 'CreateEventBus', '{}');
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe('ValidationException');
    expect(res.json.message).toMatch(/^1 validation error detected: .*'name'.*Member must not be null$/);
  });

  test('unknown members are ignored, as AWS does', async () => {
    const res = await rawCall(emu.url, 'DescribeEventBus', '{"Name":"default","Whatever":1}');
    expect(res.status).toBe(200);
  });
});

describe('emulator endpoints', () => {
  test('health answers version, uptime and store kind', async () => {
    const res = await fetch(`${emu.url}/_eventbridge-local/health`);
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body).toMatchObject({ status: 'ok', store: { kind: 'memory' } });
    expect(typeof body.version).toBe('string');
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  test('reset wipes every account and region', async () => {
    await rawCall(emu.url, 'CreateEventBus', '{"Name":"a"}');
    await rawCall(emu.url, 'CreateEventBus', '{"Name":"b"}', {
      Authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/eu-central-1/events/aws4_request, SignedHeaders=host, Signature=x',
    });
    const res = await fetch(`${emu.url}/_eventbridge-local/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    expect((await rawCall(emu.url, 'DescribeEventBus', '{"Name":"a"}')).status).toBe(400);
    const other = await rawCall(emu.url, 'ListEventBuses', '{}', {
      Authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20260101/eu-central-1/events/aws4_request, SignedHeaders=host, Signature=x',
    });
    expect(other.json.EventBuses.map((b: { Name: string }) => b.Name)).toEqual(['default']);
  });

  test('the virtual clock moves forward on request and reports itself', async () => {
    const before: any = await (await fetch(`${emu.url}/_eventbridge-local/clock`)).json();
    const res = await fetch(`${emu.url}/_eventbridge-local/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 3600 }),
    });
    const after: any = await res.json();
    expect(after.epochMillis - before.epochMillis).toBeGreaterThanOrEqual(3600_000);
    const bad = await fetch(`${emu.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"advanceSeconds":-1}' });
    expect(bad.status).toBe(400);
  });
});
