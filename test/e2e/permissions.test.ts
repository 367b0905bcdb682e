/** Two accounts, told apart by their access keys, and the bus policies between them. */
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  ListEventBusesCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-eventbridge';
import { awsEvents } from '../helpers/awsCli.js';
import { expectAwsError, useEmulator } from '../helpers/emulator.js';
import { captures, deadLetters } from '../helpers/inspect.js';

const emu = useEmulator();

const owner = '111111111111';
const sender = '222222222222';
const centralArn = `arn:aws:events:us-east-1:${owner}:event-bus/central`;
const sink = `arn:aws:sqs:us-east-1:${owner}:central-sink`;

async function centralBus() {
  const ownerClient = emu.clientFor(owner);
  await ownerClient.send(new CreateEventBusCommand({ Name: 'central' }));
  await ownerClient.send(new PutRuleCommand({ Name: 'all', EventBusName: 'central', EventPattern: '{"source":[{"prefix":""}]}' }));
  await ownerClient.send(new PutTargetsCommand({ Rule: 'all', EventBusName: 'central', Targets: [{ Id: 'q', Arn: sink }] }));
  return ownerClient;
}

const putFromSender = () =>
  emu.clientFor(sender).send(new PutEventsCommand({ Entries: [{ Source: 'team.b', DetailType: 'Hello', Detail: '{"x":1}', EventBusName: centralArn }] }));

test('PutPermission writes the statement AWS writes, DescribeEventBus returns it, RemovePermission takes it away', async () => {
  const ownerClient = await centralBus();
  await ownerClient.send(new PutPermissionCommand({ EventBusName: 'central', Action: 'events:PutEvents', Principal: sender, StatementId: 'allow-b' }));
  const bus = await ownerClient.send(new DescribeEventBusCommand({ Name: 'central' }));
  expect(JSON.parse(bus.Policy!)).toEqual({
    Version: '2012-10-17',
    Statement: [{ Sid: 'allow-b', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sender}:root` }, Action: 'events:PutEvents', Resource: centralArn }],
  });
  const listed = await ownerClient.send(new ListEventBusesCommand({ NamePrefix: 'central' }));
  expect(listed.EventBuses![0].Policy).toBe(bus.Policy);

  await ownerClient.send(new RemovePermissionCommand({ EventBusName: 'central', StatementId: 'allow-b' }));
  expect((await ownerClient.send(new DescribeEventBusCommand({ Name: 'central' }))).Policy).toBeUndefined();
  await expectAwsError(ownerClient.send(new RemovePermissionCommand({ EventBusName: 'central', StatementId: 'allow-b' })), 'ResourceNotFoundException', 'Statement with the provided id does not exist.');
});

test('another account’s PutEvents is refused without a policy and delivered with one', async () => {
  const ownerClient = await centralBus();
  const refused = await putFromSender();
  expect(refused.FailedEntryCount).toBe(1);
  expect(refused.Entries![0]).toEqual({
    ErrorCode: 'AccessDeniedException',
    ErrorMessage: `User: arn:aws:iam::${sender}:root is not authorized to perform: events:PutEvents on resource: ${centralArn} because no resource-based policy allows the events:PutEvents action`,
  });

  await ownerClient.send(new PutPermissionCommand({ EventBusName: 'central', Action: 'events:PutEvents', Principal: sender, StatementId: 'allow-b' }));
  const accepted = await putFromSender();
  expect(accepted.FailedEntryCount).toBe(0);
  await emu.emulator.engine.idle();
  const [captured] = await captures(emu.url, sink);
  expect(JSON.parse(captured.payload)).toMatchObject({ id: accepted.Entries![0].EventId, account: sender, source: 'team.b', detail: { x: 1 } });

  await ownerClient.send(new RemovePermissionCommand({ EventBusName: 'central', RemoveAllPermissions: true }));
  expect((await putFromSender()).FailedEntryCount).toBe(1);
});

test('a policy for another account does not let a third one in; Principal * lets everyone in', async () => {
  const ownerClient = await centralBus();
  await ownerClient.send(new PutPermissionCommand({ EventBusName: 'central', Action: 'events:PutEvents', Principal: '333333333333', StatementId: 'only-c' }));
  expect((await putFromSender()).FailedEntryCount).toBe(1);
  await ownerClient.send(new PutPermissionCommand({ EventBusName: 'central', Action: 'events:PutEvents', Principal: '*', StatementId: 'everyone' }));
  expect((await putFromSender()).FailedEntryCount).toBe(0);
});

test('a whole Policy document can be set, and an explicit Deny wins', async () => {
  const ownerClient = await centralBus();
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'all', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: centralArn },
      { Sid: 'not-b', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${sender}:root` }, Action: 'events:*', Resource: 'arn:aws:events:us-east-1:*:event-bus/*' },
    ],
  };
  await ownerClient.send(new PutPermissionCommand({ EventBusName: 'central', Policy: JSON.stringify(policy) }));
  expect(JSON.parse((await ownerClient.send(new DescribeEventBusCommand({ Name: 'central' }))).Policy!)).toEqual(policy);
  expect((await putFromSender()).FailedEntryCount).toBe(1);
  expect((await emu.clientFor('444444444444').send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: centralArn }] }))).FailedEntryCount).toBe(0);
});

test('an event-bus target in another account is delivered only where the policy allows it; otherwise it is dead-lettered', async () => {
  const ownerClient = await centralBus();
  const senderClient = emu.clientFor(sender);
  const dlq = `arn:aws:sqs:us-east-1:${sender}:forward-dlq`;
  await senderClient.send(new PutRuleCommand({ Name: 'forward', EventPattern: '{"source":["team.b"]}' }));
  await senderClient.send(new PutTargetsCommand({ Rule: 'forward', Targets: [{ Id: 'central', Arn: centralArn, DeadLetterConfig: { Arn: dlq } }] }));

  await senderClient.send(new PutEventsCommand({ Entries: [{ Source: 'team.b', DetailType: 'd', Detail: '{"try":1}' }] }));
  await emu.emulator.engine.idle();
  expect(await captures(emu.url, sink)).toEqual([]);
  const [message] = await deadLetters(emu.url, dlq);
  expect(message.attributes).toMatchObject({ ERROR_CODE: 'NO_PERMISSIONS', TARGET_ARN: centralArn });

  await ownerClient.send(new PutPermissionCommand({ EventBusName: 'central', Action: 'events:PutEvents', Principal: sender, StatementId: 'allow-b' }));
  await senderClient.send(new PutEventsCommand({ Entries: [{ Source: 'team.b', DetailType: 'd', Detail: '{"try":2}' }] }));
  await emu.emulator.engine.idle();
  expect((await captures(emu.url, sink)).map((c) => JSON.parse(c.payload).detail)).toEqual([{ try: 2 }]);
});

test('PutPermission errors', async () => {
  await expectAwsError(emu.client.send(new PutPermissionCommand({ EventBusName: 'nope', Action: 'events:PutEvents', Principal: '*', StatementId: 's' })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  await expectAwsError(
    emu.client.send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: 'someone', StatementId: 's' })),
    'ValidationException',
    "1 validation error detected: Value 'someone' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\d{12}|\\*)",
  );
  const huge = { Version: '2012-10-17', Statement: Array.from({ length: 80 }, (_, i) => ({ Sid: `s${i}`, Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:000000000000:event-bus/default' })) };
  await expectAwsError(emu.client.send(new PutPermissionCommand({ Policy: JSON.stringify(huge) })), 'PolicyLengthExceededException');
});

test('put-permission and remove-permission through the aws CLI', async () => {
  const put = await awsEvents(emu.url, ['put-permission', '--action', 'events:PutEvents', '--principal', '123456789012', '--statement-id', 'cli']);
  expect(put.code).toBe(0);
  const described = await awsEvents(emu.url, ['describe-event-bus']);
  expect(JSON.parse(described.json.Policy).Statement[0].Sid).toBe('cli');
  expect((await awsEvents(emu.url, ['remove-permission', '--statement-id', 'cli'])).code).toBe(0);
  const missing = await awsEvents(emu.url, ['remove-permission', '--statement-id', 'cli']);
  expect(missing.stderr).toContain('Statement with the provided id does not exist.');
}, 300_000);
