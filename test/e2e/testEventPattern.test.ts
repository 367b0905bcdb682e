import { TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { awsEvents } from '../helpers/awsCli.js';
import { expectAwsError, useEmulator } from '../helpers/emulator.js';

const emu = useEmulator({}, { resetEach: false });

const event = (detail: object, extra: object = {}) =>
  JSON.stringify({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...extra,
  });

const test_ = (pattern: object | string, ev: string) =>
  emu.client.send(new TestEventPatternCommand({ EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern), Event: ev }));

test.each([
  [{ source: ['aws.ec2'] }, true],
  [{ source: ['aws.s3'] }, false],
  [{ detail: { state: ['running'] } }, true],
  [{ detail: { state: [{ 'anything-but': 'running' }] } }, false],
  [{ detail: { count: [300] } }, true],
  [{ detail: { count: [{ numeric: ['>', 299, '<=', 300] }] } }, true],
  [{ detail: { 'instance-id': [{ prefix: 'i-12' }] } }, true],
  [{ detail: { 'instance-id': [{ suffix: 'ef0' }] } }, true],
  [{ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, true],
  [{ detail: { missing: [{ exists: false }] } }, true],
  [{ detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, true],
  [{ $or: [{ source: ['nope'] }, { detail: { state: ['running'] } }] }, true],
])('%j -> %s', async (pattern, expected) => {
  const res = await test_(pattern, event({ state: 'running', count: 3.0e2, 'instance-id': 'i-1234567890abcdef0', ip: '10.0.0.17' }));
  expect(res.Result).toBe(expected);
});

test('an invalid pattern is InvalidEventPatternException with the reason', async () => {
  await expectAwsError(test_({ source: [] }, event({})), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: Empty arrays are not allowed/);
  await expectAwsError(test_({ detail: { n: [{ numeric: ['<', 'x'] }] } }, event({})), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: Value of < must be numeric/);
  await expectAwsError(test_('[1,2]', event({})), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: Filter is not an object/);
});

test('an event without resources is matched: resources is not a required field', async () => {
  // AWS-recorded TestEventPattern cases carry no `resources` and answer a Result (the API
  // reference lists it as required; aws-facts.md §2.3, corrected 2026-12).
  const withoutResources = JSON.parse(event({ state: 'running' }));
  delete withoutResources.resources;
  expect((await test_({ detail: { state: ['running'] } }, JSON.stringify(withoutResources))).Result).toBe(true);
  expect((await test_({ source: ['aws.s3'] }, JSON.stringify(withoutResources))).Result).toBe(false);
});

test('an event missing a required envelope field is a ValidationException', async () => {
  for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
    const without = JSON.parse(event({}));
    delete without[field];
    await expectAwsError(test_({ source: ['aws.ec2'] }, JSON.stringify(without)), 'ValidationException', 'Parameter Event is not valid.');
  }
  await expectAwsError(test_({ source: ['aws.ec2'] }, '["not", "an object"]'), 'ValidationException', 'Parameter Event is not valid.');

  const withoutId = JSON.parse(event({}));
  delete withoutId.id;
  await expectAwsError(test_({ source: ['aws.ec2'] }, JSON.stringify(withoutId)), 'ValidationException', 'Parameter Event is not valid.');
  await expectAwsError(test_({ source: ['aws.ec2'] }, 'not json'), 'ValidationException', 'Parameter Event is not valid.');
});

test('aws events test-event-pattern gives the same answers through the CLI', async () => {
  const ok = await awsEvents(emu.url, ['test-event-pattern', '--event-pattern', '{"detail":{"state":["running"]}}', '--event', event({ state: 'running' })]);
  expect(ok.json).toEqual({ Result: true });
  const no = await awsEvents(emu.url, ['test-event-pattern', '--event-pattern', '{"source":["aws.s3"]}', '--event', event({})]);
  expect(no.json).toEqual({ Result: false });
  const bad = await awsEvents(emu.url, ['test-event-pattern', '--event-pattern', '{"source":[{"wildcard":"a**b"}]}', '--event', event({})]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: Event pattern is not valid. Reason: Consecutive wildcard characters at pos');
  const badEvent = await awsEvents(emu.url, ['test-event-pattern', '--event-pattern', '{"source":["x"]}', '--event', '{"source":"x"}']);
  expect(badEvent.stderr).toContain('(ValidationException) when calling the TestEventPattern operation: Parameter Event is not valid.');
}, 300_000);
