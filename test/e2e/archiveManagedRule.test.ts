/**
 * An archive's managed rule, as AWS creates it (aws-facts.md §8.1, verified against AWS by
 * an AWS-run test suite, 2024-08): CreateArchive puts `Events-Archive-<archive>` on the source
 * bus, managed by `prod.vhs.events.aws.internal`, whose pattern is the archive's plus
 * `{"replay-name":[{"exists":false}]}` and whose one target carries the archive's ARN in an
 * InputTransformer. The archive is filled through that target; the rule refuses changes
 * (ManagedRuleException) and goes with the archive.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateArchiveCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError, startEmulator, useEmulator } from '../helpers/emulator.js';

const emu = useEmulator();

const account = '000000000000';
const busArn = (name: string) => `arn:aws:events:us-east-1:${account}:event-bus/${name}`;
const archiveArn = (name: string) => `arn:aws:events:us-east-1:${account}:archive/${name}`;
const managedBy = 'prod.vhs.events.aws.internal';
const notReplayed = { 'replay-name': [{ exists: false }] };

async function putOrder(client: EventBridgeClient, n: number, bus = 'orders') {
  const res = await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ n }), EventBusName: bus }] }));
  expect(res.FailedEntryCount).toBe(0);
}
const eventCount = async (client: EventBridgeClient, name: string) => (await client.send(new DescribeArchiveCommand({ ArchiveName: name }))).EventCount;

test('CreateArchive creates Events-Archive-<archive> on the source bus, as AWS does', async () => {
  await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
  const pattern = { source: ['shop'], detail: { n: [{ numeric: ['>=', 1] }] } };
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'big', EventSourceArn: busArn('orders'), EventPattern: JSON.stringify(pattern) }));
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'everything', EventSourceArn: busArn('default') }));

  const rule = await emu.client.send(new DescribeRuleCommand({ Name: 'Events-Archive-big', EventBusName: 'orders' }));
  expect(rule).toMatchObject({
    Name: 'Events-Archive-big',
    Arn: `arn:aws:events:us-east-1:${account}:rule/orders/Events-Archive-big`,
    EventBusName: 'orders',
    ManagedBy: managedBy,
    CreatedBy: account,
    State: 'ENABLED',
  });
  expect(rule.Description).toBeUndefined();
  expect(rule.RoleArn).toBeUndefined();
  expect(rule.ScheduleExpression).toBeUndefined();
  expect(JSON.parse(rule.EventPattern!)).toEqual({ ...pattern, ...notReplayed });

  const onDefault = await emu.client.send(new DescribeRuleCommand({ Name: 'Events-Archive-everything' }));
  expect(onDefault).toMatchObject({ EventBusName: 'default', ManagedBy: managedBy, Arn: `arn:aws:events:us-east-1:${account}:rule/Events-Archive-everything` });
  expect(JSON.parse(onDefault.EventPattern!)).toEqual(notReplayed);

  const { Rules } = await emu.client.send(new ListRulesCommand({ EventBusName: 'orders' }));
  expect(Rules!.map((r) => [r.Name, r.ManagedBy])).toEqual([['Events-Archive-big', managedBy]]);

  const { Targets } = await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'Events-Archive-big', EventBusName: 'orders' }));
  expect(Targets).toHaveLength(1);
  const [target] = Targets!;
  expect(target).toMatchObject({ Id: 'Events-Archive-big', Arn: 'arn:aws:events:us-east-1:::', InputTransformer: { InputPathsMap: {} } });
  const template = target.InputTransformer!.InputTemplate!;
  // The archive's ARN, with the incarnation of the archive after a colon.
  expect(template).toMatch(new RegExp(`^\\{"archive-arn": "${archiveArn('big').replaceAll('/', '\\/')}:[0-9a-f-]{36}", "event": <aws.events.event.json>, "ingestion-time": <aws.events.event.ingestion-time>\\}$`));
});

test('the archive is filled through its rule: matching events only, never replayed ones, and nothing once its target is removed', async () => {
  await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'big', EventSourceArn: busArn('orders'), EventPattern: '{"detail":{"n":[{"numeric":[">=",1]}]}}' }));
  for (const n of [0, 1, 2]) await putOrder(emu.client, n);
  expect(await eventCount(emu.client, 'big')).toBe(2);

  // The emulator takes the archive's ARN from the rendered target input: without the target
  // (RemoveTargets with Force, which AWS allows on a managed rule) nothing reaches the archive.
  await emu.client.send(new RemoveTargetsCommand({ Rule: 'Events-Archive-big', EventBusName: 'orders', Ids: ['Events-Archive-big'], Force: true }));
  await putOrder(emu.client, 3);
  expect(await eventCount(emu.client, 'big')).toBe(2);
});

test('the managed rule refuses changes with ManagedRuleException; DeleteRule and RemoveTargets need Force', async () => {
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'a', EventSourceArn: busArn('default') }));
  const name = 'Events-Archive-a';
  // AWS's wording for DeleteRule / RemoveTargets without Force (aws-nuke#448, cloud-custodian#10308,
  // terraform-provider-aws#11897).
  const needsForce = `${name} is a managed rule. Set 'force' parameter to true to override.`;
  await expectAwsError(emu.client.send(new DeleteRuleCommand({ Name: name })), 'ManagedRuleException', needsForce);
  await expectAwsError(emu.client.send(new RemoveTargetsCommand({ Rule: name, Ids: [name] })), 'ManagedRuleException', needsForce);
  // The API reference: a managed rule cannot be modified by DisableRule, EnableRule, PutTargets or PutRule.
  // (The messages of these refusals are the emulator's: no AWS answer has been seen.)
  await expectAwsError(emu.client.send(new DisableRuleCommand({ Name: name })), 'ManagedRuleException');
  await expectAwsError(emu.client.send(new EnableRuleCommand({ Name: name })), 'ManagedRuleException');
  await expectAwsError(emu.client.send(new PutRuleCommand({ Name: name, EventPattern: '{"source":["x"]}' })), 'ManagedRuleException');
  await expectAwsError(emu.client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: `arn:aws:sqs:us-east-1:${account}:q` }] })), 'ManagedRuleException');
  // ... nor by TagResource or UntagResource (the same API reference text).
  const arn = `arn:aws:events:us-east-1:${account}:rule/${name}`;
  await expectAwsError(emu.client.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k', Value: 'v' }] })), 'ManagedRuleException');
  await expectAwsError(emu.client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['k'] })), 'ManagedRuleException');
  const rule = await emu.client.send(new DescribeRuleCommand({ Name: name }));
  expect(rule.State).toBe('ENABLED');
  expect((await emu.client.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets!.map((t) => t.Id)).toEqual([name]);
});

test('UpdateArchive updates the rule pattern; DeleteArchive removes the rule', async () => {
  await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'a', EventSourceArn: busArn('orders'), EventPattern: '{"detail":{"n":[0]}}' }));
  await emu.client.send(new UpdateArchiveCommand({ ArchiveName: 'a', EventPattern: '{"detail":{"n":[5]}}' }));
  const rule = await emu.client.send(new DescribeRuleCommand({ Name: 'Events-Archive-a', EventBusName: 'orders' }));
  expect(JSON.parse(rule.EventPattern!)).toEqual({ detail: { n: [5] }, ...notReplayed });
  await putOrder(emu.client, 0);
  await putOrder(emu.client, 5);
  expect(await eventCount(emu.client, 'a')).toBe(1);

  await emu.client.send(new DeleteArchiveCommand({ ArchiveName: 'a' }));
  await expectAwsError(
    emu.client.send(new DescribeRuleCommand({ Name: 'Events-Archive-a', EventBusName: 'orders' })),
    'ResourceNotFoundException',
    'Rule Events-Archive-a does not exist on EventBus orders.',
  );
  expect((await emu.client.send(new ListRulesCommand({ EventBusName: 'orders' }))).Rules).toEqual([]);
  // A new archive of the same name has its own incarnation and starts empty.
  await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'a', EventSourceArn: busArn('orders') }));
  await putOrder(emu.client, 7);
  expect(await eventCount(emu.client, 'a')).toBe(1);
});

test('the managed rule survives a restart and keeps filling the archive', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-archive-rule-'));
  const first = await startEmulator({ dataDir });
  try {
    await first.client.send(new CreateArchiveCommand({ ArchiveName: 'kept', EventSourceArn: busArn('default') }));
    await putOrder(first.client, 1, 'default');
  } finally {
    await first.close();
  }
  const second = await startEmulator({ dataDir });
  try {
    const rule = await second.client.send(new DescribeRuleCommand({ Name: 'Events-Archive-kept' }));
    expect(rule).toMatchObject({ ManagedBy: managedBy, State: 'ENABLED' });
    await putOrder(second.client, 2, 'default');
    expect(await eventCount(second.client, 'kept')).toBe(2);
  } finally {
    await second.close();
  }
});

test('an archive from a state file written before archives had their rule gets it at start-up', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ebl-archive-rule-'));
  const first = await startEmulator({ dataDir });
  try {
    await first.client.send(new CreateArchiveCommand({ ArchiveName: 'old', EventSourceArn: busArn('default') }));
  } finally {
    await first.close();
  }
  // Make the state file look as an older version wrote it: no rule, no incarnation.
  const file = join(dataDir, 'state.json');
  const state = JSON.parse(readFileSync(file, 'utf8'));
  for (const ns of Object.values<any>(state.namespaces)) {
    for (const archive of Object.values<any>(ns.archives)) delete archive.incarnation;
    if (ns.rules?.default) delete ns.rules.default['Events-Archive-old'];
  }
  writeFileSync(file, JSON.stringify(state));
  const second = await startEmulator({ dataDir });
  try {
    expect((await second.client.send(new DescribeRuleCommand({ Name: 'Events-Archive-old' }))).ManagedBy).toBe(managedBy);
    await putOrder(second.client, 1, 'default');
    expect(await eventCount(second.client, 'old')).toBe(1);
  } finally {
    await second.close();
  }
});
