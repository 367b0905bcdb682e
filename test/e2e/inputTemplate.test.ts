/**
 * InputTemplate: what PutTargets refuses, and what is accepted but cannot be rendered into a
 * valid body (dropped, with the reason, in /_eventbridge-local/deliveries and the log at warn).
 *
 * Evidence: the User Guide's transformer page ("JSON properties like aws.events.event.json can
 * only be used as the value of a JSON field, not inline in other strings"; the predefined
 * variables `aws.events.event` and `aws.events.event.json` "can only be used as a value for a
 * JSON field"); the PutTargets answer to such a template as measured on AWS (2026-09, quoted by
 * a third-party CloudFormation preflight rule): `InputTemplate for target <id> contains
 * placeholder aws.events.event.json valid only for JSON template.`; AWS-recorded delivery of a
 * JSON template that renders to invalid JSON: not delivered (aws-facts.md §5.4). The Confluent
 * example of the User Guide (eb-api-destinations, ../shared/spec) is printed with
 * `"data":aws.events.event.json` (no angle brackets) and a trailing comma.
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand, type Target } from '@aws-sdk/client-eventbridge';
import { expectAwsError, startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';
import { captures, inspect } from '../helpers/inspect.js';

let emu: Running;
const logLines: string[] = [];
beforeAll(async () => {
  emu = await startEmulator({ logLevel: 'warn', logSink: (line) => logLines.push(line) });
});
afterAll(() => emu.close());
beforeEach(async () => {
  await resetEmulator(emu.url);
  logLines.length = 0;
  await emu.client.send(new PutRuleCommand({ Name: 'orders', EventPattern: '{"source":["shop"]}' }));
});

const queue = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const withTemplate = (Id: string, InputTemplate: string, InputPathsMap: Record<string, string> = {}): Target => ({ Id, Arn: queue(Id), InputTransformer: { InputPathsMap, InputTemplate } });
const putTarget = (target: Target) => emu.client.send(new PutTargetsCommand({ Rule: 'orders', Targets: [target] }));

async function putOrder() {
  await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ orderId: 'o-1', lines: { sku: 'a' } }) }] }));
  await emu.emulator.engine.idle();
}

// The Confluent example as the User Guide prints it, with the angle brackets put back, and corrected.
const confluentBracketsOnly = '{\n  "value":{\n      "type":"JSON",\n      "data":<aws.events.event.json>\n  },\n}';
const confluentCorrected = '{\n  "value":{\n      "type":"JSON",\n      "data":<aws.events.event.json>\n  }\n}';
const confluentAsPrinted = '{\n  "value":{\n      "type":"JSON",\n      "data":aws.events.event.json\n  },\n}';

describe('PutTargets refuses', () => {
  test('aws.events.event.json and aws.events.event anywhere but as a value of a JSON-object template', async () => {
    const refused = (id: string, name = 'aws.events.event.json') => `InputTemplate for target ${id} contains placeholder ${name} valid only for JSON template.`;
    await expectAwsError(putTarget(withTemplate('str', '"the event: <aws.events.event.json>"')), 'ValidationException', refused('str'));
    await expectAwsError(putTarget(withTemplate('arr', '[<aws.events.event.json>]')), 'ValidationException', refused('arr'));
    await expectAwsError(putTarget(withTemplate('text', 'event <aws.events.event> arrived')), 'ValidationException', refused('text', 'aws.events.event'));
    // A template that is not a JSON object once its placeholders are values is no JSON template.
    await expectAwsError(putTarget(withTemplate('confluent', confluentBracketsOnly)), 'ValidationException', refused('confluent'));
    expect((await inspect(emu.url, 'deliveries')).deliveries).toEqual([]);
  });

  test('but accepts them as values of a JSON object, and renders the corrected Confluent template', async () => {
    await putTarget(withTemplate('confluent', confluentCorrected));
    await putTarget(withTemplate('both', '{"e": <aws.events.event.json>, "head": <aws.events.event>, "id": "<id>"}', { id: '$.detail.orderId' }));
    await putOrder();
    const [confluent] = await captures(emu.url, queue('confluent'));
    const body = JSON.parse(confluent.payload);
    expect(body.value.type).toBe('JSON');
    expect(body.value.data).toMatchObject({ source: 'shop', 'detail-type': 'Order', detail: { orderId: 'o-1' } });
    const [both] = await captures(emu.url, queue('both'));
    expect(JSON.parse(both.payload)).toMatchObject({ e: { source: 'shop' }, id: 'o-1' });
  });
});

describe('accepted but not renderable into a valid body: dropped, never silently', () => {
  test.each([
    ['the Confluent example as printed', confluentAsPrinted, {}],
    ['an object placed inside a quoted JSON string (AWS-recorded: not delivered)', '{"payload": "<lines>"}', { lines: '$.detail.lines' }],
  ])('%s', async (_what, template, paths) => {
    await putTarget(withTemplate('t', template, paths));
    await putOrder();
    expect(await captures(emu.url, queue('t'))).toEqual([]);
    const { deliveries } = await inspect(emu.url, 'deliveries?status=dropped');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'dropped', targetId: 't', attempts: [{ ok: false, errorCode: 'INVALID_JSON' }] });
    expect(deliveries[0].attempts[0].errorMessage).toMatch(/^InputTemplate rendered to invalid JSON: /);
    const warned = logLines.map((line) => JSON.parse(line)).filter((l) => l.level === 'warn' && l.targetId === 't');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ msg: 'delivery dropped' });
    expect(warned[0].reason).toMatch(/^INVALID_JSON: InputTemplate rendered to invalid JSON: /);
  });
});
