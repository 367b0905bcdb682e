/**
 * Pipes' InputTemplate for one event (User Guide, "Amazon EventBridge Pipes input transformation"),
 * the split of an enrichment's answer into events, and the batchItemFailures report. Pure functions.
 */
import { implicitlyParsed, renderPipeInput, resolveDynamic } from '../../src/apis/pipes/inputTemplate.js';
import { splitAnswer } from '../../src/apis/pipes/enrichment.js';
import { batchItemFailures } from '../../src/apis/pipes/targets.js';

const ctx = {
  pipeArn: 'arn:aws:pipes:us-east-1:000000000000:pipe/orders',
  pipeName: 'orders',
  sourceArn: 'arn:aws:sqs:us-east-1:000000000000:orders-in',
  enrichmentArn: 'arn:aws:lambda:us-east-1:000000000000:function:enrich',
  targetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-out',
  now: () => Date.parse('2026-12-02T01:02:03.456Z'),
};

const sqsRecord = {
  messageId: 'm-1',
  receiptHandle: 'rh-1',
  body: '{"orderId":"o-1","total":12.5,"items":[{"sku":"a"},{"sku":"b"}]}',
  attributes: { ApproximateReceiveCount: '1', SenderId: 'AIDA123' },
  messageAttributes: {},
  md5OfBody: 'x',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders-in',
  awsRegion: 'us-east-1',
};

test('no InputTemplate: the event itself, as JSON (the SQS body stays the string it is)', () => {
  expect(JSON.parse(renderPipeInput(sqsRecord, undefined, ctx))).toEqual(sqsRecord);
});

test('a JSON path into an SQS body that is JSON reaches into it (implicit body data parsing)', () => {
  const out = renderPipeInput(sqsRecord, '{"order": <$.body.orderId>, "total": <$.body.total>, "second": <$.body.items[1]>, "sender": "<$.attributes.SenderId>"}', ctx);
  expect(out).toBe('{"order":"o-1","total":12.5,"second":{"sku":"b"},"sender":"AIDA123"}');
});

test('the reserved variables', () => {
  const template =
    '{"arn": <aws.pipes.pipe-arn>, "name": <aws.pipes.pipe-name>, "source": <aws.pipes.source-arn>, "enrichment": <aws.pipes.enrichment-arn>, "target": <aws.pipes.target-arn>, "at": <aws.pipes.event.ingestion-time>, "json": <aws.pipes.event.json>, "raw": <aws.pipes.event>}';
  const out = JSON.parse(renderPipeInput(sqsRecord, template, ctx));
  expect(out).toMatchObject({ arn: ctx.pipeArn, name: 'orders', source: ctx.sourceArn, enrichment: ctx.enrichmentArn, target: ctx.targetArn, at: '2026-12-02T01:02:03.456Z' });
  // event.json: the body decoded; event: the event as received, one escaped JSON string.
  expect(out.json.body).toEqual({ orderId: 'o-1', total: 12.5, items: [{ sku: 'a' }, { sku: 'b' }] });
  expect(typeof out.raw).toBe('string');
  expect(JSON.parse(out.raw)).toEqual(sqsRecord);
});

test('free text with a placeholder inside quotes, and a body that is not JSON is left as text', () => {
  const plain = { ...sqsRecord, body: 'hello there' };
  expect(renderPipeInput(plain, '"Hello, <$.attributes.SenderId>: <$.body>"', ctx)).toBe('"Hello, AIDA123: hello there"');
  expect(implicitlyParsed(plain)).toBe(plain);
});

test('Kinesis data (base64 of JSON) is decoded for paths, top-level and Lambda-style', () => {
  const data = Buffer.from('{"device":"d-7","temp":21}').toString('base64');
  const flat = { eventSource: 'aws:kinesis', partitionKey: 'p', sequenceNumber: '4959', data };
  const nested = { eventSource: 'aws:kinesis', kinesis: { partitionKey: 'p', sequenceNumber: '4959', data } };
  expect(renderPipeInput(flat, '{"d": <$.data.device>}', ctx)).toBe('{"d":"d-7"}');
  expect(renderPipeInput(nested, '{"t": <$.kinesis.data.temp>}', ctx)).toBe('{"t":21}');
  expect(resolveDynamic('$.data.device', flat)).toBe('d-7');
});

test('dynamic parameters: a whole JSON path is resolved, anything else is a literal; nothing selected is undefined', () => {
  expect(resolveDynamic('$.body.orderId', sqsRecord)).toBe('o-1');
  expect(resolveDynamic('$.body.total', sqsRecord)).toBe('12.5');
  expect(resolveDynamic('orders-eu', sqsRecord)).toBe('orders-eu');
  expect(resolveDynamic('$.body.missing', sqsRecord)).toBeUndefined();
});

test('a JSON template that does not render to JSON is refused (the event is not delivered)', () => {
  expect(() => renderPipeInput(sqsRecord, '{"items": "<$.body.items>"}', ctx)).toThrow(/invalid JSON/);
});

test('an enrichment answer: an array is that many events; "", {}, [] and null are none; [{}] is one empty event', () => {
  expect(splitAnswer('[{"a":1},{"b":2}]')).toEqual([{ a: 1 }, { b: 2 }]);
  expect(splitAnswer('{"a":1}')).toEqual([{ a: 1 }]);
  for (const empty of ['', '  ', '{}', '[]', 'null', '""']) expect(splitAnswer(empty)).toEqual([]);
  expect(splitAnswer('[{}]')).toEqual([{}]);
  expect(splitAnswer('plain text')).toEqual(['plain text']);
});

test('batchItemFailures: the ids; no report is undefined; an entry without an id fails the batch', () => {
  expect(batchItemFailures('{"batchItemFailures":[{"itemIdentifier":"m-2"},{"itemIdentifier":"m-4"}]}')).toEqual(['m-2', 'm-4']);
  expect(batchItemFailures('{"batchItemFailures":[]}')).toEqual([]);
  expect(batchItemFailures('{"ok":true}')).toBeUndefined();
  expect(batchItemFailures('not json')).toBeUndefined();
  expect(batchItemFailures('{"batchItemFailures":[{"itemIdentifier":""}]}')).toBe('invalid');
});
