/** Rules and targets through the real `aws` CLI, as a user types them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsEvents } from '../helpers/awsCli.js';
import { startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

const queue = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const cli = (...args: string[]) => awsEvents(emu.url, args);

test('put-rule, put-targets from a file and inline JSON, list, remove-targets, delete-rule', async () => {
  const pattern = '{"source":["orders"],"detail-type":["Order Placed"]}';
  const rule = await cli('put-rule', '--name', 'cli-orders', '--event-pattern', pattern, '--description', 'from the CLI');
  expect(rule.code).toBe(0);
  expect(rule.json).toEqual({ RuleArn: 'arn:aws:events:us-east-1:000000000000:rule/cli-orders' });

  const tick = await cli('put-rule', '--name', 'cli-tick', '--schedule-expression', 'rate(5 minutes)', '--state', 'DISABLED');
  expect(tick.json.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/cli-tick');
  const described = await cli('describe-rule', '--name', 'cli-tick');
  expect(described.json).toEqual({
    Name: 'cli-tick',
    Arn: 'arn:aws:events:us-east-1:000000000000:rule/cli-tick',
    ScheduleExpression: 'rate(5 minutes)',
    State: 'DISABLED',
    EventBusName: 'default',
    CreatedBy: '000000000000',
  });

  // --page-size makes the CLI walk every page with NextToken.
  const listed = await cli('list-rules', '--name-prefix', 'cli-', '--page-size', '1');
  expect(listed.json.Rules.map((r: { Name: string }) => r.Name)).toEqual(['cli-orders', 'cli-tick']);
  expect(listed.json.Rules[0]).toEqual({
    Name: 'cli-orders',
    Arn: 'arn:aws:events:us-east-1:000000000000:rule/cli-orders',
    EventPattern: pattern,
    State: 'ENABLED',
    Description: 'from the CLI',
    EventBusName: 'default',
  });

  const fromFile = [
    {
      Id: 'transformed',
      Arn: queue('orders'),
      InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"order": <id>, "rule": <aws.events.rule-name>}' },
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 600 },
      DeadLetterConfig: { Arn: queue('orders-dlq') },
    },
    { Id: 'fifo', Arn: queue('orders.fifo'), SqsParameters: { MessageGroupId: 'g1' }, InputPath: '$.detail' },
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'ebl-cli-')), 'targets.json');
  writeFileSync(file, JSON.stringify(fromFile));
  const put = await cli('put-targets', '--rule', 'cli-orders', '--targets', `file://${file}`);
  expect(put.code).toBe(0);
  expect(put.json).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
  const inline = { Id: 'inline', Arn: queue('audit'), Input: '{"audit":true}' };
  expect((await cli('put-targets', '--rule', 'cli-orders', '--targets', JSON.stringify([inline]))).json.FailedEntryCount).toBe(0);

  const targets = await cli('list-targets-by-rule', '--rule', 'cli-orders');
  expect(targets.json.Targets).toEqual([...fromFile, inline]);

  const names = await cli('list-rule-names-by-target', '--target-arn', queue('audit'));
  expect(names.json.RuleNames).toEqual(['cli-orders']);

  const busy = await cli('delete-rule', '--name', 'cli-orders');
  expect(busy.code).not.toBe(0);
  expect(busy.stderr).toContain("An error occurred (ValidationException) when calling the DeleteRule operation: Rule can't be deleted since it has targets.");

  const removed = await cli('remove-targets', '--rule', 'cli-orders', '--ids', 'transformed', 'fifo', 'inline', 'not-there');
  expect(removed.json).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
  expect((await cli('list-targets-by-rule', '--rule', 'cli-orders')).json.Targets).toEqual([]);

  const deleted = await cli('delete-rule', '--name', 'cli-orders');
  expect(deleted.code).toBe(0);
  expect(deleted.stdout.trim()).toBe('');
  const gone = await cli('describe-rule', '--name', 'cli-orders');
  expect(gone.code).not.toBe(0);
  expect(gone.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the DescribeRule operation: Rule cli-orders does not exist on EventBus default.');
}, 300_000);

test('rules on a custom bus by ARN, enable/disable-rule, and the errors a user meets', async () => {
  const busArn = (await cli('create-event-bus', '--name', 'cli-bus')).json.EventBusArn;
  const onBus = await cli('put-rule', '--name', 'on-bus', '--event-bus-name', busArn, '--event-pattern', '{"source":["x"]}', '--state', 'DISABLED');
  expect(onBus.json.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/cli-bus/on-bus');
  expect((await cli('enable-rule', '--name', 'on-bus', '--event-bus-name', 'cli-bus')).code).toBe(0);
  expect((await cli('describe-rule', '--name', 'on-bus', '--event-bus-name', busArn)).json).toMatchObject({ State: 'ENABLED', EventBusName: 'cli-bus' });

  const scheduled = await cli('put-rule', '--name', 'tick', '--event-bus-name', 'cli-bus', '--schedule-expression', 'rate(1 hour)');
  expect(scheduled.stderr).toContain('(ValidationException) when calling the PutRule operation: ScheduleExpression is supported only on the default event bus.');

  const badCron = await cli('put-rule', '--name', 'tick', '--schedule-expression', 'cron(0 1 * * * *)');
  expect(badCron.stderr).toContain('(ValidationException) when calling the PutRule operation: Parameter ScheduleExpression is not valid.');

  const neither = await cli('put-rule', '--name', 'empty');
  expect(neither.stderr).toContain('(ValidationException) when calling the PutRule operation: Parameter(s) EventPattern or ScheduleExpression must be specified.');

  const badPattern = await cli('put-rule', '--name', 'bad', '--event-pattern', '{"source":"orders"}');
  expect(badPattern.stderr).toContain('An error occurred (InvalidEventPatternException) when calling the PutRule operation: Event pattern is not valid. Reason: "source" must be an object or an array');

  const six = Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: queue('q') }));
  const tooMany = await cli('put-targets', '--rule', 'on-bus', '--event-bus-name', 'cli-bus', '--targets', JSON.stringify(six));
  expect(tooMany.stderr).toContain('An error occurred (LimitExceededException) when calling the PutTargets operation: The requested resource exceeds the maximum number allowed.');

  const badId = await cli('put-targets', '--rule', 'on-bus', '--event-bus-name', 'cli-bus', '--targets', 'Id=no spaces,Arn=arn:aws:sqs:us-east-1:000000000000:q');
  expect(badId.stderr).toContain(
    "(ValidationException) when calling the PutTargets operation: 1 validation error detected: Value 'no spaces' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
  );

  const missing = await cli('disable-rule', '--name', 'ghost');
  expect(missing.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the DisableRule operation: Rule ghost does not exist on EventBus default.');
}, 300_000);

test('the access key and region of the CLI select the account and region of a rule', async () => {
  const created = await awsEvents(emu.url, ['put-rule', '--name', 'acct-rule', '--event-pattern', '{"source":["x"]}'], '210987654321', 'eu-west-3');
  expect(created.json.RuleArn).toBe('arn:aws:events:eu-west-3:210987654321:rule/acct-rule');
  const elsewhere = await cli('describe-rule', '--name', 'acct-rule');
  expect(elsewhere.stderr).toContain('Rule acct-rule does not exist on EventBus default.');
}, 300_000);
