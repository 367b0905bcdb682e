/**
 * Lambda targets without a Lambda runtime: bound to a URL the event is POSTed to, or to a
 * handler in this process; and through Lambda's Invoke API at an endpoint (a real HTTP server
 * speaking it, as `sam local start-lambda` does).
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { inspect } from '../helpers/inspect.js';
import type { LambdaContext } from '../../src/engine/delivery/serviceEndpoints.js';

const functionArn = 'arn:aws:lambda:us-east-1:000000000000:function:orders-handler';
let sink: HttpSink;
beforeEach(async () => {
  sink = await startHttpSink();
});
afterEach(() => sink.close());

async function toFunction(emu: Running, arn = functionArn): Promise<string> {
  await emu.client.send(new PutRuleCommand({ Name: 'to-fn', EventPattern: '{"source":["shop"]}' }));
  await emu.client.send(new PutTargetsCommand({ Rule: 'to-fn', Targets: [{ Id: 'fn', Arn: arn, InputPath: '$.detail' }] }));
  const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{"id":"o-1","total":9}' }] }));
  await emu.emulator.engine.idle();
  return res.Entries![0].EventId!;
}

test('a function bound to a URL gets the rendered input POSTed', async () => {
  const emu = await startEmulator({ lambdas: { 'orders-handler': `${sink.url}/invoke/orders` } });
  try {
    await toFunction(emu);
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]).toMatchObject({ method: 'POST', path: '/invoke/orders', body: '{"id":"o-1","total":9}' });
    expect(sink.requests[0].headers['content-type']).toBe('application/json');
    const [delivery] = (await inspect(emu.url, 'deliveries?status=delivered')).deliveries;
    expect(delivery.attempts[0]).toMatchObject({ ok: true, statusCode: 200, response: { statusCode: 200, body: '{"ok":true}' } });
  } finally {
    await emu.close();
  }
});

test('an in-process handler runs with the event and a context; a throw is a failed attempt, retried', async () => {
  const seen: Array<{ event: unknown; context: LambdaContext }> = [];
  let fail = true;
  const emu = await startEmulator({
    random: () => 0.5,
    lambdas: {
      [functionArn]: async (event: unknown, context: LambdaContext) => {
        seen.push({ event, context });
        if (fail) {
          fail = false;
          throw new TypeError('database not reachable');
        }
        return { handled: true };
      },
    },
  });
  try {
    await toFunction(emu);
    expect(seen).toHaveLength(1);
    expect(seen[0].event).toEqual({ id: 'o-1', total: 9 });
    expect(seen[0].context).toMatchObject({ functionName: 'orders-handler', invokedFunctionArn: functionArn });
    const [pending] = (await inspect(emu.url, 'deliveries?status=pending')).deliveries;
    expect(pending.attempts[0]).toMatchObject({ ok: false, errorCode: 'ERROR_FROM_TARGET', errorMessage: expect.stringContaining('TypeError: database not reachable') });
    emu.emulator.clock.advance(60_000);
    await emu.emulator.engine.idle();
    expect(seen).toHaveLength(2);
    const [delivered] = (await inspect(emu.url, 'deliveries?status=delivered')).deliveries;
    expect(delivered.attempts.map((a: { ok: boolean }) => a.ok)).toEqual([false, true]);
    expect(delivered.attempts[1].response).toEqual({ result: { handled: true } });
  } finally {
    await emu.close();
  }
});

test('Lambda Invoke at an endpoint: asynchronous (Event) by default, RequestResponse when the endpoint says so', async () => {
  sink.fallback = () => ({ status: 202, body: '' });
  const asyncEmu = await startEmulator({ serviceEndpoints: { lambda: sink.url } });
  try {
    await toFunction(asyncEmu, `${functionArn}:live`);
  } finally {
    await asyncEmu.close();
  }
  expect(sink.requests).toHaveLength(1);
  expect(sink.requests[0]).toMatchObject({ method: 'POST', path: '/2015-03-31/functions/orders-handler/invocations', query: { Qualifier: 'live' }, body: '{"id":"o-1","total":9}' });
  expect(sink.requests[0].headers['x-amz-invocation-type']).toBe('Event');
  // SigV4 with the target's account as access key id.
  expect(sink.requests[0].headers.authorization).toMatch(/Credential=000000000000\/\d{8}\/us-east-1\/lambda\/aws4_request/);

  sink.clear();
  sink.fallback = () => ({ status: 200, headers: { 'X-Amz-Function-Error': 'Unhandled' }, body: '{"errorMessage":"boom"}' });
  const samEmu = await startEmulator({ serviceEndpoints: { lambda: { url: sink.url, invocationType: 'RequestResponse' } } });
  try {
    await toFunction(samEmu);
    expect(sink.requests[0].headers['x-amz-invocation-type']).toBe('RequestResponse');
    const [pending] = (await inspect(samEmu.url, 'deliveries?status=pending')).deliveries;
    // The function's own failure is a failed attempt (retried), with what it answered.
    expect(pending.attempts[0]).toMatchObject({ ok: false, errorCode: 'ERROR_FROM_TARGET', response: { FunctionError: 'Unhandled', Payload: '{"errorMessage":"boom"}' } });
  } finally {
    await samEmu.close();
  }
});

test('a missing function (404 ResourceNotFoundException) is not retried', async () => {
  sink.fallback = () => ({ status: 404, headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException' }, body: '{"Type":"User","message":"Function not found: orders-handler"}' });
  const emu = await startEmulator({ serviceEndpoints: { lambda: sink.url } });
  try {
    await toFunction(emu);
    expect(sink.requests).toHaveLength(1);
    const [dropped] = (await inspect(emu.url, 'deliveries?status=dropped')).deliveries;
    expect(dropped.attempts).toHaveLength(1);
    expect(dropped.attempts[0]).toMatchObject({ ok: false, errorCode: 'NO_RESOURCE', statusCode: 404 });
  } finally {
    await emu.close();
  }
});

test('throttling (429) and server errors (500) are retried', async () => {
  sink.reply(
    { status: 429, headers: { 'x-amzn-ErrorType': 'TooManyRequestsException' }, body: '{"message":"Rate exceeded"}' },
    { status: 500, headers: { 'x-amzn-ErrorType': 'ServiceException' }, body: '{"message":"internal"}' },
  );
  sink.fallback = () => ({ status: 202, body: '' });
  const emu = await startEmulator({ serviceEndpoints: { lambda: sink.url }, random: () => 0.5 });
  try {
    await toFunction(emu);
    emu.emulator.clock.advance(60_000);
    await emu.emulator.engine.idle();
    emu.emulator.clock.advance(60_000);
    await emu.emulator.engine.idle();
    const [delivered] = (await inspect(emu.url, 'deliveries?status=delivered')).deliveries;
    expect(delivered.attempts.map((a: { errorCode?: string }) => a.errorCode ?? 'ok')).toEqual(['THROTTLING', 'ERROR_FROM_TARGET', 'ok']);
    expect(sink.requests).toHaveLength(3);
  } finally {
    await emu.close();
  }
});
