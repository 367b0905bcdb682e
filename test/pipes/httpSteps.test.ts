/**
 * A pipe's enrichment and target steps driven directly (createPipeEnrichment / createPipeTarget
 * with a real emulator's pipeSteps), with records in the shape the SQS source delivers them:
 * API destinations against real loopback HTTP servers (each auth kind, HttpParameters from the
 * event), Lambda through in-process and URL bindings, an event bus of the emulator whose rule
 * captures what the pipe put there, a captured ECS target, and Step Functions EXPRESS enrichment
 * against a loopback stand-in for the Step Functions JSON API (moto_server has no StartSyncExecution).
 */
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPipeEnrichment } from '../../src/apis/pipes/enrichment.js';
import { createPipeTarget } from '../../src/apis/pipes/targets.js';
import { PipeStepError } from '../../src/apis/pipes/contract.js';
import type { PipeDefinition } from '../../src/apis/pipes/steps.js';
import type { EmulatorOptions } from '../../src/index.js';
import { ConfigError, configFromArgs } from '../../src/config.js';
import { startEmulator, type Running } from '../helpers/emulator.js';
import { startHttpSink, type HttpSink } from '../helpers/httpSink.js';
import { apiKeyConnection, basicConnection, createDestination, oauthConnection } from '../helpers/apiDestinations.js';
import { captures } from '../helpers/inspect.js';

const account = '000000000000';
const region = 'us-east-1';
const sourceArn = `arn:aws:sqs:${region}:${account}:orders-in`;

let sink: HttpSink;
beforeAll(async () => (sink = await startHttpSink()));
afterAll(() => sink.close());
beforeEach(() => sink.clear());

function sqsRecord(n: number, body: unknown) {
  return {
    messageId: `m-${n}`,
    receiptHandle: `rh-${n}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764637200000', SenderId: 'AIDA123', ApproximateFirstReceiveTimestamp: '1764637200001' },
    messageAttributes: {},
    md5OfBody: 'ignored',
    eventSource: 'aws:sqs',
    eventSourceARN: sourceArn,
    awsRegion: region,
  };
}

function pipe(target: string, extra: Partial<PipeDefinition> = {}): PipeDefinition {
  return { Arn: `arn:aws:pipes:${region}:${account}:pipe/orders`, Name: 'orders', Source: sourceArn, Target: target, ...extra };
}

async function withEmu<T>(options: EmulatorOptions, use: (emu: Running) => Promise<T>): Promise<T> {
  const emu = await startEmulator(options);
  try {
    return await use(emu);
  } finally {
    await emu.close();
  }
}

describe('API destination target', () => {
  test('Basic auth; HttpParameters path, header and query values from the event (its JSON body parsed); one request per event', () =>
    withEmu({}, async (emu) => {
      const conn = await basicConnection(emu, 'basic', 'user', 'pa55word');
      const dest = await createDestination(emu, 'orders-api', conn, `${sink.url}/orders/*`, 'PUT');
      const deliver = createPipeTarget(
        pipe(dest, {
          TargetParameters: {
            InputTemplate: '{"order": <$.body.orderId>, "pipe": <aws.pipes.pipe-name>}',
            HttpParameters: { PathParameterValues: ['$.body.orderId'], HeaderParameters: { 'x-order': '$.body.orderId', 'x-static': 'fixed' }, QueryStringParameters: { from: '$.eventSource' } },
          },
        }),
        emu.emulator.pipeSteps,
      );
      const outcome = await deliver([sqsRecord(1, { orderId: 'o-1' }), sqsRecord(2, { orderId: 'o-2' })]);
      expect(outcome).toEqual({ kind: 'delivered' });
      expect(sink.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
        ['PUT', '/orders/o-1', { from: 'aws:sqs' }, '{"order":"o-1","pipe":"orders"}'],
        ['PUT', '/orders/o-2', { from: 'aws:sqs' }, '{"order":"o-2","pipe":"orders"}'],
      ]);
      expect(sink.requests[0].headers).toMatchObject({
        authorization: `Basic ${Buffer.from('user:pa55word').toString('base64')}`,
        'x-order': 'o-1',
        'x-static': 'fixed',
        'user-agent': 'Amazon/EventBridge/ApiDestinations',
      });
    }));

  test('a value taken from the event is sent as it is, even when it reads like a JSON path itself', () =>
    withEmu({}, async (emu) => {
      const conn = await basicConnection(emu, 'basic-literal', 'user', 'pa55word');
      const dest = await createDestination(emu, 'literal-api', conn, `${sink.url}/refs/*`, 'POST');
      const http = { PathParameterValues: ['$.body.ref'], HeaderParameters: { 'x-ref': '$.body.ref' }, QueryStringParameters: { ref: '$.body.ref' } };
      const deliver = createPipeTarget(pipe(dest, { TargetParameters: { HttpParameters: http } }), emu.emulator.pipeSteps);
      // The body's value is the text "$.eventSource": the pipe resolves $.body.ref to it once; the
      // sender must not resolve that again (it would send the record's eventSource, "aws:sqs").
      expect(await deliver([sqsRecord(1, { ref: '$.eventSource' })])).toEqual({ kind: 'delivered' });
      expect(sink.requests.map((r) => [r.path, r.query, r.headers['x-ref']])).toEqual([['/refs/%24.eventSource', { ref: '$.eventSource' }, '$.eventSource']]);
    }));

  test('API key and OAuth client-credentials connections authorize the request', () =>
    withEmu({}, async (emu) => {
      const token = await startHttpSink();
      try {
        token.fallback = () => ({ status: 200, body: '{"access_token":"tok-123","token_type":"Bearer","expires_in":3600}' });
        const keyDest = await createDestination(emu, 'key-api', await apiKeyConnection(emu, 'key', 'x-api-key', 'k-s3cret'), `${sink.url}/key`);
        const oauthDest = await createDestination(emu, 'oauth-api', await oauthConnection(emu, 'oauth', `${token.url}/token`), `${sink.url}/oauth`);
        expect(await createPipeTarget(pipe(keyDest), emu.emulator.pipeSteps)([sqsRecord(1, 'plain')])).toEqual({ kind: 'delivered' });
        expect(await createPipeTarget(pipe(oauthDest), emu.emulator.pipeSteps)([sqsRecord(2, 'plain')])).toEqual({ kind: 'delivered' });
        const [key, oauth] = sink.requests;
        expect(key.headers['x-api-key']).toBe('k-s3cret');
        expect(oauth.headers.authorization).toBe('Bearer tok-123');
        // Without an InputTemplate the record itself is the body.
        expect(JSON.parse(key.body)).toEqual(sqsRecord(1, 'plain'));
      } finally {
        await token.close();
      }
    }));

  test('5xx and 429 answers fail the batch; a failure of some events fails just their items', () =>
    withEmu({}, async (emu) => {
      const dest = await createDestination(emu, 'flaky', await basicConnection(emu), `${sink.url}/flaky`);
      const deliver = createPipeTarget(pipe(dest, { TargetParameters: { InputTemplate: '<$.body.n>' } }), emu.emulator.pipeSteps);
      sink.reply({ status: 503 });
      const down = await deliver([sqsRecord(1, { n: 1 })]);
      expect(down).toMatchObject({ kind: 'failed', reason: expect.stringContaining('HTTP 503') });
      sink.reply({ status: 429 });
      expect(await deliver([sqsRecord(1, { n: 1 })])).toMatchObject({ kind: 'failed', reason: expect.stringContaining('HTTP 429') });
      sink.fallback = (req) => (req.body === '2' ? { status: 500 } : { status: 200 });
      const partial = await deliver([sqsRecord(1, { n: 1 }), sqsRecord(2, { n: 2 }), sqsRecord(3, { n: 3 })]);
      expect(partial).toMatchObject({ kind: 'partial', failedItemIds: ['m-2'] });
      expect(sink.requests.slice(-3).map((r) => r.body)).toEqual(['1', '2', '3']);
    }));
});

describe('API destination enrichment', () => {
  test('each event is sent (EnrichmentParameters.InputTemplate, HttpParameters); the answer becomes the events, an array split', () =>
    withEmu({}, async (emu) => {
      const dest = await createDestination(emu, 'lookup', await basicConnection(emu), `${sink.url}/customers/*`, 'POST');
      const enrich = createPipeEnrichment(
        pipe(`arn:aws:sqs:${region}:${account}:out`, {
          Enrichment: dest,
          EnrichmentParameters: { InputTemplate: '{"id": <$.body.customer>}', HttpParameters: { PathParameterValues: ['$.body.customer'], QueryStringParameters: { q: 'full' } } },
        }),
        emu.emulator.pipeSteps,
      )!;
      sink.reply({ status: 200, body: '{"customer":"c-1","tier":"gold"}' }, { status: 200, body: '[{"customer":"c-2"},{"customer":"c-2b"}]' }, { status: 200, body: '' });
      const out = await enrich([sqsRecord(1, { customer: 'c-1' }), sqsRecord(2, { customer: 'c-2' }), sqsRecord(3, { customer: 'c-3' })]);
      expect(out).toEqual([{ customer: 'c-1', tier: 'gold' }, { customer: 'c-2' }, { customer: 'c-2b' }]);
      expect(sink.requests.map((r) => [r.path, r.query.q, r.body])).toEqual([
        ['/customers/c-1', 'full', '{"id":"c-1"}'],
        ['/customers/c-2', 'full', '{"id":"c-2"}'],
        ['/customers/c-3', 'full', '{"id":"c-3"}'],
      ]);
    }));

  test('an enrichment that answers an error fails the whole batch (PipeStepError)', () =>
    withEmu({}, async (emu) => {
      const dest = await createDestination(emu, 'down', await basicConnection(emu), `${sink.url}/down`);
      const enrich = createPipeEnrichment(pipe(`arn:aws:sqs:${region}:${account}:out`, { Enrichment: dest }), emu.emulator.pipeSteps)!;
      sink.reply({ status: 502 });
      await expect(enrich([sqsRecord(1, {})])).rejects.toThrow(PipeStepError);
      expect(createPipeEnrichment(pipe(dest), emu.emulator.pipeSteps)).toBeUndefined();
    }));
});

describe('Lambda', () => {
  const fn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;

  test('enrichment: the batch as one JSON array, invoked synchronously; its answer goes on; a throw fails the batch', async () => {
    const seen: unknown[] = [];
    await withEmu(
      {
        lambdas: {
          enrich: (event: unknown) => {
            seen.push(event);
            return (event as Array<{ id: string }>).map((e) => ({ ...e, enriched: true }));
          },
          broken: () => {
            throw new Error('lookup failed');
          },
        },
      },
      async (emu) => {
        const enrich = createPipeEnrichment(pipe(fn('target'), { Enrichment: fn('enrich'), EnrichmentParameters: { InputTemplate: '{"id": <$.messageId>}' } }), emu.emulator.pipeSteps)!;
        expect(await enrich([sqsRecord(1, {}), sqsRecord(2, {})])).toEqual([
          { id: 'm-1', enriched: true },
          { id: 'm-2', enriched: true },
        ]);
        expect(seen).toEqual([[{ id: 'm-1' }, { id: 'm-2' }]]);
        const broken = createPipeEnrichment(pipe(fn('target'), { Enrichment: fn('broken') }), emu.emulator.pipeSteps)!;
        await expect(broken([sqsRecord(1, {})])).rejects.toThrow(/lookup failed/);
        // No binding, no endpoint: an enrichment cannot be captured.
        const nowhere = createPipeEnrichment(pipe(fn('target'), { Enrichment: fn('nowhere') }), emu.emulator.pipeSteps)!;
        await expect(nowhere([sqsRecord(1, {})])).rejects.toThrow(/No Lambda binding or endpoint/);
      },
    );
  });

  test('target: the whole batch in one invocation; batchItemFailures fail just those items (in-process and URL bindings)', async () => {
    const seen: unknown[] = [];
    await withEmu(
      {
        lambdas: {
          worker: (event: unknown) => {
            seen.push(event);
            return { batchItemFailures: [{ itemIdentifier: 'm-2' }] };
          },
          'url-worker': `${sink.url}/fn`,
        },
      },
      async (emu) => {
        const records = [sqsRecord(1, { a: 1 }), sqsRecord(2, { a: 2 }), sqsRecord(3, { a: 3 })];
        expect(await createPipeTarget(pipe(fn('worker')), emu.emulator.pipeSteps)(records)).toMatchObject({ kind: 'partial', failedItemIds: ['m-2'] });
        expect(seen).toEqual([records]);
        // No events (an enrichment answered nothing): the function is not invoked.
        expect(await createPipeTarget(pipe(fn('worker')), emu.emulator.pipeSteps)([])).toEqual({ kind: 'delivered' });
        expect(seen).toHaveLength(1);
        sink.reply({ status: 200, body: '{"batchItemFailures":[{"itemIdentifier":"m-1"},{"itemIdentifier":"m-3"}]}' });
        const viaUrl = createPipeTarget(pipe(fn('url-worker'), { TargetParameters: { InputTemplate: '{"a": <$.body.a>}' } }), emu.emulator.pipeSteps);
        expect(await viaUrl(records)).toMatchObject({ kind: 'partial', failedItemIds: ['m-1', 'm-3'] });
        expect(sink.requests[0].body).toBe('[{"a":1},{"a":2},{"a":3}]');
        // FIRE_AND_FORGET: the function's answer is not read.
        sink.reply({ status: 200, body: '{"batchItemFailures":[{"itemIdentifier":"m-1"}]}' });
        const async = createPipeTarget(pipe(fn('url-worker'), { TargetParameters: { LambdaFunctionParameters: { InvocationType: 'FIRE_AND_FORGET' } } }), emu.emulator.pipeSteps);
        expect(await async(records)).toEqual({ kind: 'delivered' });
        sink.reply({ status: 500 });
        expect(await viaUrl(records)).toMatchObject({ kind: 'failed' });
        // An id that is not in the batch fails it whole.
        sink.reply({ status: 200, body: '{"batchItemFailures":[{"itemIdentifier":"m-9"}]}' });
        expect(await viaUrl(records)).toMatchObject({ kind: 'failed', reason: expect.stringContaining('m-9') });
      },
    );
  });
});

test('event bus target: the event lands on the bus and is routed (source "Pipe <name>", detail-type "Event from aws:sqs", detail the input)', () =>
  withEmu({}, async (emu) => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'pipe-bus' }));
    const captureArn = `arn:aws:sqs:${region}:${account}:seen-on-bus`;
    await emu.client.send(new PutRuleCommand({ Name: 'from-pipe', EventBusName: 'pipe-bus', EventPattern: JSON.stringify({ source: [{ prefix: 'Pipe ' }, 'orders.custom'] }) }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'from-pipe', EventBusName: 'pipe-bus', Targets: [{ Id: 'seen', Arn: captureArn }] }));
    const busArn = `arn:aws:events:${region}:${account}:event-bus/pipe-bus`;
    expect(await createPipeTarget(pipe(busArn), emu.emulator.pipeSteps)([sqsRecord(1, { orderId: 'o-1' })])).toEqual({ kind: 'delivered' });
    const custom = createPipeTarget(
      pipe(busArn, {
        TargetParameters: {
          InputTemplate: '{"order": <$.body.orderId>}',
          EventBridgeEventBusParameters: { Source: 'orders.custom', DetailType: '$.body.kind', Resources: ['arn:aws:s3:::bucket-a', '$.eventSourceARN'], Time: '$.body.at' },
        },
      }),
      emu.emulator.pipeSteps,
    );
    expect(await custom([sqsRecord(2, { orderId: 'o-2', kind: 'Order Placed', at: '2026-01-02T03:04:05Z' })])).toEqual({ kind: 'delivered' });
    await emu.emulator.engine.idle();
    const [plain, shaped] = (await captures(emu.url, captureArn)).map((c) => JSON.parse(c.payload));
    expect(plain).toMatchObject({ version: '0', source: 'Pipe orders', 'detail-type': 'Event from aws:sqs', account, region, resources: [], detail: sqsRecord(1, { orderId: 'o-1' }) });
    expect(shaped).toMatchObject({ source: 'orders.custom', 'detail-type': 'Order Placed', time: '2026-01-02T03:04:05Z', resources: ['arn:aws:s3:::bucket-a', sourceArn], detail: { order: 'o-2' } });
    // A detail that is not a JSON object is refused, as PutEvents refuses it.
    const text = createPipeTarget(pipe(busArn, { TargetParameters: { InputTemplate: 'just text' } }), emu.emulator.pipeSteps);
    expect(await text([sqsRecord(3, {})])).toMatchObject({ kind: 'failed', reason: expect.stringContaining('not a JSON object') });
  }));

test('a target of a service with no endpoint (ECS) is captured: the rendered input per event and its TargetParameters', () =>
  withEmu({}, async (emu) => {
    const cluster = `arn:aws:ecs:${region}:${account}:cluster/jobs`;
    const TargetParameters = { InputTemplate: '{"job": <$.body.job>}', EcsTaskParameters: { TaskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/run:1`, TaskCount: 1 } };
    expect(await createPipeTarget(pipe(cluster, { TargetParameters }), emu.emulator.pipeSteps)([sqsRecord(1, { job: 'a' }), sqsRecord(2, { job: 'b' })])).toEqual({ kind: 'delivered' });
    const list = await captures(emu.url, cluster);
    expect(list.map((c) => c.payload)).toEqual(['{"job":"a"}', '{"job":"b"}']);
    expect(list[0]).toMatchObject({ ruleArn: `arn:aws:pipes:${region}:${account}:pipe/orders`, parameters: { PipeTargetParameters: TargetParameters } });
  }));

/** Just enough of the Step Functions JSON protocol for StartSyncExecution (which moto_server lacks). */
async function startSfnStandIn(): Promise<{ url: string; calls: any[]; close(): Promise<void> }> {
  const calls: any[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const input = JSON.parse(body);
      calls.push({ target: req.headers['x-amz-target'], input });
      res.setHeader('Content-Type', 'application/x-amz-json-1.0');
      if (req.headers['x-amz-target'] !== 'AWSStepFunctions.StartSyncExecution') return res.writeHead(400).end('{"__type":"UnknownOperationException"}');
      if (String(input.stateMachineArn).endsWith(':standard')) {
        return res.writeHead(400).end('{"__type":"StateMachineTypeNotSupported","message":"This operation is not supported by this type of state machine"}');
      }
      const executionArn = `${input.stateMachineArn}:exec-${calls.length}`;
      if (String(input.stateMachineArn).endsWith(':failing')) {
        return res.writeHead(200).end(JSON.stringify({ executionArn, status: 'FAILED', error: 'States.TaskFailed', cause: 'out of stock', startDate: 1, stopDate: 2 }));
      }
      const events = JSON.parse(input.input) as Array<{ messageId?: string }>;
      const output = String(input.stateMachineArn).endsWith(':partial')
        ? JSON.stringify({ batchItemFailures: [{ itemIdentifier: events[0].messageId }] })
        : JSON.stringify(events.map((e) => ({ wrapped: e })));
      res.writeHead(200).end(JSON.stringify({ executionArn, status: 'SUCCEEDED', output, startDate: 1, stopDate: 2 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}

test('Step Functions enrichment: StartSyncExecution of an EXPRESS state machine, its output the events; a STANDARD one is refused', async () => {
  const sfn = await startSfnStandIn();
  try {
    await withEmu({ serviceEndpoints: { sfn: sfn.url } }, async (emu) => {
      const sm = (name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`;
      const enrich = createPipeEnrichment(pipe(`arn:aws:sqs:${region}:${account}:out`, { Enrichment: sm('express'), EnrichmentParameters: { InputTemplate: '<$.body>' } }), emu.emulator.pipeSteps)!;
      expect(await enrich([sqsRecord(1, { a: 1 }), sqsRecord(2, { a: 2 })])).toEqual([{ wrapped: { a: 1 } }, { wrapped: { a: 2 } }]);
      expect(sfn.calls[0]).toEqual({ target: 'AWSStepFunctions.StartSyncExecution', input: { stateMachineArn: sm('express'), input: '[{"a":1},{"a":2}]' } });
      const standard = createPipeEnrichment(pipe(`arn:aws:sqs:${region}:${account}:out`, { Enrichment: sm('standard') }), emu.emulator.pipeSteps)!;
      await expect(standard([sqsRecord(1, {})])).rejects.toThrow(/StateMachineTypeNotSupported|not supported by this type of state machine/);
    });
  } finally {
    await sfn.close();
  }
});

test('Step Functions target, REQUEST_RESPONSE (the default): StartSyncExecution with the batch; batchItemFailures in its output; a FAILED execution fails the batch', async () => {
  const sfn = await startSfnStandIn();
  try {
    await withEmu({ serviceEndpoints: { sfn: sfn.url } }, async (emu) => {
      const sm = (name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`;
      const records = [sqsRecord(1, {}), sqsRecord(2, {})];
      expect(await createPipeTarget(pipe(sm('express')), emu.emulator.pipeSteps)(records)).toEqual({ kind: 'delivered' });
      expect(sfn.calls[0]).toMatchObject({ target: 'AWSStepFunctions.StartSyncExecution', input: { input: JSON.stringify(records) } });
      expect(await createPipeTarget(pipe(sm('partial')), emu.emulator.pipeSteps)(records)).toMatchObject({ kind: 'partial', failedItemIds: ['m-1'] });
      expect(await createPipeTarget(pipe(sm('failing')), emu.emulator.pipeSteps)(records)).toMatchObject({ kind: 'failed', reason: expect.stringContaining('FAILED: States.TaskFailed (out of stock)') });
      expect(await createPipeTarget(pipe(sm('standard')), emu.emulator.pipeSteps)(records)).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/not supported by this type of state machine/) });
    });
  } finally {
    await sfn.close();
  }
});

test("an API destination's invocation rate limit: events past it wait for their slot on the emulator's clock, then go", () =>
  withEmu({}, async (emu) => {
    const dest = await createDestination(emu, 'slow', await basicConnection(emu), `${sink.url}/slow`, 'POST', 1);
    let outcome: unknown;
    const delivering = createPipeTarget(pipe(dest, { TargetParameters: { InputTemplate: '<$.messageId>' } }), emu.emulator.pipeSteps)([sqsRecord(1, {}), sqsRecord(2, {}), sqsRecord(3, {})]).then((o) => (outcome = o));
    // Each request past the first waits for its slot: move the clock a second at a time once the previous one arrived
    // (before this, a pipe's deferred invocation failed and left its slot taken).
    for (const count of [1, 2]) {
      await until(() => sink.requests.length >= count);
      emu.emulator.clock.advance(1000);
    }
    await delivering;
    expect(outcome).toEqual({ kind: 'delivered' });
    expect(sink.requests.map((r) => r.body)).toEqual(['"m-1"', '"m-2"', '"m-3"']);
  }));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe('API Gateway', () => {
  const api = `arn:aws:execute-api:${region}:${account}:a1b2c3/prod/POST/orders/*`;

  test('target: captured without a local URL; with one, one request per event to the stage (HttpParameters as for an API destination)', () =>
    withEmu({}, async (emu) => {
      expect(await createPipeTarget(pipe(api, { TargetParameters: { InputTemplate: '<$.body>' } }), emu.emulator.pipeSteps)([sqsRecord(1, { id: 'o-1' })])).toEqual({ kind: 'delivered' });
      expect((await captures(emu.url, api)).map((c) => c.payload)).toEqual(['{"id":"o-1"}']);
      const deps = { ...emu.emulator.pipeSteps, apiGatewayUrl: (apiId: string, stage: string) => `${sink.url}/restapis/${apiId}/${stage}/_user_request_` };
      const target = createPipeTarget(pipe(api, { TargetParameters: { InputTemplate: '<$.body>', HttpParameters: { PathParameterValues: ['$.body.id'], HeaderParameters: { 'x-id': '$.body.id' } } } }), deps);
      expect(await target([sqsRecord(1, { id: 'o-1' })])).toEqual({ kind: 'delivered' });
      expect(sink.requests.map((r) => [r.method, r.path, r.headers['x-id'], r.body])).toEqual([['POST', '/restapis/a1b2c3/prod/_user_request_/orders/o-1', 'o-1', '{"id":"o-1"}']]);
      sink.reply({ status: 500 });
      expect(await target([sqsRecord(1, { id: 'o-1' })])).toMatchObject({ kind: 'failed' });
    }));

  test('--api-gateway-url (createEmulator apiGatewayUrl): the template with {apiId}, {stage}, {region}, then the resource path', async () => {
    expect(configFromArgs(['--api-gateway-url', 'http://127.0.0.1:3000'], {}).apiGatewayUrl).toBe('http://127.0.0.1:3000');
    expect(configFromArgs([], { EVENTBRIDGE_LOCAL_API_GATEWAY_URL: 'http://127.0.0.1:3000' }).apiGatewayUrl).toBe('http://127.0.0.1:3000');
    expect(() => configFromArgs(['--api-gateway-url', 'localhost:3000'], {})).toThrow(ConfigError);
    await withEmu({ apiGatewayUrl: `${sink.url}/{region}/restapis/{apiId}/{stage}/_user_request_` }, async (emu) => {
      const target = createPipeTarget(pipe(api, { TargetParameters: { InputTemplate: '<$.body>', HttpParameters: { PathParameterValues: ['$.body.id'] } } }), emu.emulator.pipeSteps);
      expect(await target([sqsRecord(1, { id: 'o-7' })])).toEqual({ kind: 'delivered' });
      expect(sink.requests.map((r) => [r.method, r.path, r.body])).toEqual([['POST', `/${region}/restapis/a1b2c3/prod/_user_request_/orders/o-7`, '{"id":"o-7"}']]);
      expect(await captures(emu.url, api)).toEqual([]);
    });
  });

  test('enrichment: the answer becomes the events; without a local URL the batch fails', () =>
    withEmu({}, async (emu) => {
      const none = createPipeEnrichment(pipe(`arn:aws:sqs:${region}:${account}:out`, { Enrichment: api }), emu.emulator.pipeSteps)!;
      await expect(none([sqsRecord(1, {})])).rejects.toThrow(/No local URL is known for API Gateway/);
      const deps = { ...emu.emulator.pipeSteps, apiGatewayUrl: () => `${sink.url}/stage` };
      const enrich = createPipeEnrichment(pipe(`arn:aws:sqs:${region}:${account}:out`, { Enrichment: api, EnrichmentParameters: { HttpParameters: { PathParameterValues: ['$.messageId'] } } }), deps)!;
      sink.reply({ status: 200, body: '{"looked":"up"}' });
      expect(await enrich([sqsRecord(1, {})])).toEqual([{ looked: 'up' }]);
      expect(sink.requests[0].path).toBe('/stage/orders/m-1');
    }));
});

test('every call is told to deps.onAttempt: step, ARN, outcome, the request as sent (secrets masked) and the answer', () =>
  withEmu({}, async (emu) => {
    const dest = await createDestination(emu, 'seen', await basicConnection(emu, 'seen-conn', 'user', 'pa55word'), `${sink.url}/seen`);
    const attempts: any[] = [];
    const deps = { ...emu.emulator.pipeSteps, onAttempt: (a: unknown) => attempts.push(a) };
    const p = pipe(dest, { Enrichment: dest });
    sink.reply({ status: 200, body: '{"enriched":true}' }, { status: 503, body: 'busy' });
    const enriched = await createPipeEnrichment(p, deps)!([sqsRecord(1, {})]);
    expect(await createPipeTarget(p, deps)(enriched)).toMatchObject({ kind: 'failed' });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ pipeArn: p.Arn, step: 'enrichment', arn: dest, ok: true, statusCode: 200, response: { status: 200, body: '{"enriched":true}' } });
    expect(attempts[0].request.headers.Authorization).toBe('Basic ***');
    expect(attempts[1]).toMatchObject({ step: 'target', arn: dest, ok: false, statusCode: 503, errorCode: 'ERROR_FROM_TARGET', request: { body: '{"enriched":true}' } });
    expect(typeof attempts[1].latencyMs).toBe('number');
  }));

test('a Lambda target without a binding or endpoint is captured: the batch as one JSON array', () =>
  withEmu({}, async (emu) => {
    const fnArn = `arn:aws:lambda:${region}:${account}:function:not-bound`;
    expect(await createPipeTarget(pipe(fnArn, { TargetParameters: { InputTemplate: '<$.messageId>' } }), emu.emulator.pipeSteps)([sqsRecord(1, {}), sqsRecord(2, {})])).toEqual({ kind: 'delivered' });
    expect((await captures(emu.url, fnArn)).map((c) => c.payload)).toEqual(['["m-1","m-2"]']);
  }));
