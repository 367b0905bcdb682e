/**
 * AWS-service events in: POST /_eventbridge-local/aws-events and `eventbridge-local send
 * --as-aws` put aws.* events (which PutEvents refuses) on the default bus of the account and
 * region, enveloped as the service would; every fixture under fixtures/aws-events/ matches
 * its own pattern through TestEventPattern.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { useEmulator } from '../helpers/emulator.js';
import { captures } from '../helpers/inspect.js';
import { cliPath } from '../helpers/process.js';

const dir = new URL('../../fixtures/aws-events/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, path: fileURLToPath(new URL(file, dir)), ...(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { description: string; event: Record<string, any>; pattern: object }) }));
const queue = 'arn:aws:sqs:us-east-1:000000000000:aws-events';

const emu = useEmulator();

const matches = async (event: object, pattern: object) =>
  (await emu.client.send(new TestEventPatternCommand({ Event: JSON.stringify(event), EventPattern: JSON.stringify(pattern) }))).Result;

async function ruleFor(pattern: object, client = emu.client, targetArn = queue): Promise<void> {
  await client.send(new PutRuleCommand({ Name: 'aws-events', EventPattern: JSON.stringify(pattern) }));
  await client.send(new PutTargetsCommand({ Rule: 'aws-events', Targets: [{ Id: 'q', Arn: targetArn }] }));
}

async function post(body: unknown, contentType = 'application/json') {
  const res = await fetch(`${emu.url}/_eventbridge-local/aws-events`, { method: 'POST', headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

async function delivered(targetArn = queue): Promise<any[]> {
  await emu.emulator.engine.idle();
  return (await captures(emu.url, targetArn)).map((c) => JSON.parse(c.payload));
}

test('the fixtures cover S3 Object Created, EC2 state change, CloudTrail API calls, ECS task state, CodePipeline and Health', () => {
  const kinds = fixtures.map((f) => `${f.event.source} ${f.event['detail-type']}`);
  for (const expected of [
    'aws.s3 Object Created',
    'aws.ec2 EC2 Instance State-change Notification',
    'AWS API Call via CloudTrail',
    'aws.ecs ECS Task State Change',
    'aws.codepipeline CodePipeline Pipeline Execution State Change',
    'aws.health AWS Health Event',
  ]) {
    expect(kinds.some((k) => k.includes(expected))).toBe(true);
  }
});

describe.each(fixtures)('$file', ({ event, pattern, description, path }) => {
  test('is an AWS service event as targets receive it, and matches its pattern (TestEventPattern)', async () => {
    expect(description.length).toBeGreaterThan(20);
    expect(Object.keys(event)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(event.source).toMatch(/^aws\.[a-z0-9-]+$/);
    expect(await matches(event, pattern)).toBe(true);
    expect(await matches({ ...event, source: 'aws.other' }, pattern)).toBe(false);
    expect(await matches({ ...event, 'detail-type': 'Something Else' }, pattern)).toBe(false);
  });

  test('POSTed to /_eventbridge-local/aws-events, it reaches a rule on the default bus as the service would send it', async () => {
    await ruleFor(pattern);
    const { status, json } = await post({ event });
    expect(status).toBe(200);
    expect(json.FailedEntryCount).toBe(0);
    const [got] = await delivered();
    expect(got).toEqual({ ...event, id: json.Entries[0].EventId });
  });

  test('eventbridge-local send --as-aws puts it the same way', async () => {
    await ruleFor(pattern);
    const { stdout } = await promisify(execFile)(process.execPath, [cliPath, 'send', path, '--as-aws', '--keep-time', '--endpoint', emu.url]);
    const eventId = /EventId (\S+)/.exec(stdout)?.[1];
    expect(eventId).toBeDefined();
    const [got] = await delivered();
    expect(got).toEqual({ ...event, id: eventId });
  });
});

test('the account and region say whose default bus: another account\'s rule gets the event, not this one\'s', async () => {
  const [s3] = fixtures.filter((f) => f.event.source === 'aws.s3');
  const other = emu.clientFor('111122223333', 'eu-west-1');
  const otherQueue = 'arn:aws:sqs:eu-west-1:111122223333:aws-events';
  await ruleFor(s3.pattern);
  await ruleFor(s3.pattern, other, otherQueue);
  const { json } = await post({ Entries: [{ Source: 'aws.s3', DetailType: 'Object Created', Detail: s3.event.detail, Resources: s3.event.resources, Account: '111122223333', Region: 'eu-west-1' }] });
  expect(json.FailedEntryCount).toBe(0);
  const [got] = await delivered(otherQueue);
  expect(got).toMatchObject({ account: '111122223333', region: 'eu-west-1', source: 'aws.s3', resources: s3.event.resources, detail: s3.event.detail });
  expect(got.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(await delivered()).toEqual([]);
});

test('PutEvents still refuses aws.* sources; the endpoint refuses what is not an AWS service event', async () => {
  const put = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' }] }));
  expect(put.Entries![0]).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
  const { json } = await post({
    Entries: [
      { Source: 'shop', DetailType: 'Order Placed', Detail: '{}' },
      { Source: 'aws.partner/stripe.com/ed_1', DetailType: 'x', Detail: '{}' },
      { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}', EventBusName: 'custom' },
      { Source: 'aws.s3', DetailType: 'Object Created', Detail: '[1]' },
      { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}', Account: '12' },
      { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' },
    ],
  });
  expect(json.FailedEntryCount).toBe(5);
  expect(json.Entries.map((e: any) => e.ErrorCode ?? 'ok')).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'InvalidArgument', 'ok']);
  expect((await post('{"Entries": []}')).status).toBe(400);
  expect((await post('source=aws.s3', 'text/plain')).status).toBe(415);
});
