import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DescribeEventBusCommand,
  ListEventBusesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError, rawCall, useEmulator } from '../helpers/emulator.js';

const emu = useEmulator();

const arn = (name: string, account = '000000000000', region = 'us-east-1') => `arn:aws:events:${region}:${account}:event-bus/${name}`;

describe('the default bus', () => {
  test('exists without being asked, and is what DescribeEventBus without a name returns', async () => {
    const bus = await emu.client.send(new DescribeEventBusCommand({}));
    expect(bus.Name).toBe('default');
    expect(bus.Arn).toBe(arn('default'));
    expect(bus.CreationTime).toBeInstanceOf(Date);
    const byName = await emu.client.send(new DescribeEventBusCommand({ Name: 'default' }));
    expect(byName.Arn).toBe(bus.Arn);
  });

  test('cannot be deleted', async () => {
    await expectAwsError(emu.client.send(new DeleteEventBusCommand({ Name: 'default' })), 'ValidationException', 'Cannot delete event bus default.');
  });

  test('cannot be created again', async () => {
    await expectAwsError(emu.client.send(new CreateEventBusCommand({ Name: 'default' })), 'ResourceAlreadyExistsException', 'Event bus default already exists.');
  });
});

describe('CreateEventBus / DescribeEventBus', () => {
  test('creates a bus with its ARN, description, KMS key, dead-letter and log config', async () => {
    const created = await emu.client.send(
      new CreateEventBusCommand({
        Name: 'orders',
        Description: 'order events',
        KmsKeyIdentifier: 'alias/orders',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq' },
        LogConfig: { Level: 'INFO', IncludeDetail: 'FULL' },
      }),
    );
    expect(created.EventBusArn).toBe(arn('orders'));
    expect(created.Description).toBe('order events');
    const bus = await emu.client.send(new DescribeEventBusCommand({ Name: 'orders' }));
    expect(bus).toMatchObject({
      Name: 'orders',
      Arn: arn('orders'),
      Description: 'order events',
      KmsKeyIdentifier: 'alias/orders',
      DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq' },
      LogConfig: { Level: 'INFO', IncludeDetail: 'FULL' },
    });
    expect(bus.Policy).toBeUndefined();
    expect(Math.abs(bus.CreationTime!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  test('describes a bus addressed by its ARN', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'by-arn' }));
    const bus = await emu.client.send(new DescribeEventBusCommand({ Name: arn('by-arn') }));
    expect(bus.Name).toBe('by-arn');
  });

  test('omits Description from the answer when none was given', async () => {
    const created = await emu.client.send(new CreateEventBusCommand({ Name: 'plain' }));
    expect(created).not.toHaveProperty('Description');
  });

  test('refuses a duplicate name', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'dup' }));
    await expectAwsError(emu.client.send(new CreateEventBusCommand({ Name: 'dup' })), 'ResourceAlreadyExistsException', 'Event bus dup already exists.');
  });

  test('refuses a name that breaks the model pattern, with the validation message AWS gives', async () => {
    await expectAwsError(
      emu.client.send(new CreateEventBusCommand({ Name: 'bad name!' })),
      'ValidationException',
      "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+",
    );
  });

  test("refuses '/' in a custom bus name (only partner buses may have it)", async () => {
    await expectAwsError(emu.client.send(new CreateEventBusCommand({ Name: 'a/b' })), 'ValidationException');
  });

  test("refuses a custom bus name starting with 'aws.'", async () => {
    await expectAwsError(emu.client.send(new CreateEventBusCommand({ Name: 'aws.mine' })), 'ValidationException', "EventBus name starting with 'aws.' is not valid.");
  });

  test('refuses an event source that does not exist', async () => {
    await expectAwsError(
      emu.client.send(new CreateEventBusCommand({ Name: 'aws.partner/example.com/123/x', EventSourceName: 'aws.partner/example.com/123/x' })),
      'ResourceNotFoundException',
      'Event source aws.partner/example.com/123/x does not exist.',
    );
  });

  test('DescribeEventBus of a missing bus', async () => {
    await expectAwsError(emu.client.send(new DescribeEventBusCommand({ Name: 'nope' })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });
});

describe('ListEventBuses', () => {
  test('lists default and custom buses in name order, filtered by prefix, page by page', async () => {
    for (const name of ['team-c', 'team-a', 'other', 'team-b', 'team-d']) {
      await emu.client.send(new CreateEventBusCommand({ Name: name }));
    }
    const all = await emu.client.send(new ListEventBusesCommand({}));
    expect(all.EventBuses!.map((b) => b.Name)).toEqual(['default', 'other', 'team-a', 'team-b', 'team-c', 'team-d']);
    expect(all.NextToken).toBeUndefined();

    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await emu.client.send(new ListEventBusesCommand({ NamePrefix: 'team-', Limit: 3, NextToken: token }));
      names.push(...page.EventBuses!.map((b) => b.Name!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(names).toEqual(['team-a', 'team-b', 'team-c', 'team-d']);
  });

  test('list items carry name, ARN, description and times', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'listed', Description: 'd', KmsKeyIdentifier: 'alias/k' }));
    const { EventBuses } = await emu.client.send(new ListEventBusesCommand({ NamePrefix: 'listed' }));
    expect(EventBuses).toHaveLength(1);
    expect(EventBuses![0]).toMatchObject({ Name: 'listed', Arn: arn('listed'), Description: 'd' });
    expect(EventBuses![0].CreationTime).toBeInstanceOf(Date);
    expect(EventBuses![0]).not.toHaveProperty('KmsKeyIdentifier');
  });

  test('a Limit outside 1..100 is a validation error', async () => {
    await expectAwsError(
      emu.client.send(new ListEventBusesCommand({ Limit: 101 })),
      'ValidationException',
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });

  test('an invalid NextToken is refused', async () => {
    await expectAwsError(emu.client.send(new ListEventBusesCommand({ NextToken: 'not-a-token' })), 'ValidationException');
  });
});

describe('UpdateEventBus / DeleteEventBus', () => {
  test('updates description and KMS key and moves LastModifiedTime', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'upd', Description: 'before' }));
    const before = await emu.client.send(new DescribeEventBusCommand({ Name: 'upd' }));
    emu.emulator.clock.advance(5000);
    const updated = await emu.client.send(new UpdateEventBusCommand({ Name: 'upd', Description: 'after', KmsKeyIdentifier: 'alias/x' }));
    expect(updated).toMatchObject({ Name: 'upd', Arn: arn('upd'), Description: 'after', KmsKeyIdentifier: 'alias/x' });
    const after = await emu.client.send(new DescribeEventBusCommand({ Name: 'upd' }));
    expect(after.Description).toBe('after');
    expect(after.LastModifiedTime!.getTime()).toBeGreaterThan(before.LastModifiedTime!.getTime());
  });

  test('updates the default bus when no name is given', async () => {
    const updated = await emu.client.send(new UpdateEventBusCommand({ Description: 'the default' }));
    expect(updated.Name).toBe('default');
    expect((await emu.client.send(new DescribeEventBusCommand({}))).Description).toBe('the default');
  });

  test('UpdateEventBus of a missing bus', async () => {
    await expectAwsError(emu.client.send(new UpdateEventBusCommand({ Name: 'ghost' })), 'ResourceNotFoundException', 'Event bus ghost does not exist.');
  });

  test('deletes a bus; deleting a missing bus succeeds; a re-created bus starts without the old tags', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'gone', Tags: [{ Key: 'k', Value: 'v' }] }));
    await emu.client.send(new DeleteEventBusCommand({ Name: 'gone' }));
    await expectAwsError(emu.client.send(new DescribeEventBusCommand({ Name: 'gone' })), 'ResourceNotFoundException', 'Event bus gone does not exist.');
    // AWS answers 200 with an empty body for a bus that does not exist (an AWS-validated
    // test, 2025-03; the model lists only InternalException and ConcurrentModificationException;
    // aws-facts.md §2.3, corrected 2026-12).
    await emu.client.send(new DeleteEventBusCommand({ Name: 'gone' }));
    const raw = await rawCall(emu.url, 'DeleteEventBus', JSON.stringify({ Name: 'never-was' }));
    expect(raw.status).toBe(200);
    expect(raw.text).toBe('');
    await expectAwsError(emu.client.send(new DeleteEventBusCommand({ Name: 'default' })), 'ValidationException', 'Cannot delete event bus default.');
    await emu.client.send(new CreateEventBusCommand({ Name: 'gone' }));
    const { Tags } = await emu.client.send(new ListTagsForResourceCommand({ ResourceARN: arn('gone') }));
    expect(Tags).toEqual([]);
  });
});

describe('tags on event buses', () => {
  test('tags given at creation, added, overwritten, removed', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'a' }] }));
    await emu.client.send(new TagResourceCommand({ ResourceARN: arn('tagged'), Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'b' }] }));
    let { Tags } = await emu.client.send(new ListTagsForResourceCommand({ ResourceARN: arn('tagged') }));
    expect(Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }]));
    expect(Tags).toHaveLength(2);
    await emu.client.send(new UntagResourceCommand({ ResourceARN: arn('tagged'), TagKeys: ['team', 'not-there'] }));
    ({ Tags } = await emu.client.send(new ListTagsForResourceCommand({ ResourceARN: arn('tagged') })));
    expect(Tags).toEqual([{ Key: 'env', Value: 'dev' }]);
  });

  test('the default bus can be tagged', async () => {
    await emu.client.send(new TagResourceCommand({ ResourceARN: arn('default'), Tags: [{ Key: 'a', Value: '1' }] }));
    const { Tags } = await emu.client.send(new ListTagsForResourceCommand({ ResourceARN: arn('default') }));
    expect(Tags).toEqual([{ Key: 'a', Value: '1' }]);
  });

  test('tagging a missing bus or rule is not found', async () => {
    await expectAwsError(
      emu.client.send(new TagResourceCommand({ ResourceARN: arn('missing'), Tags: [{ Key: 'a', Value: '1' }] })),
      'ResourceNotFoundException',
      'Event bus missing does not exist.',
    );
    await expectAwsError(
      emu.client.send(new ListTagsForResourceCommand({ ResourceARN: 'arn:aws:events:us-east-1:000000000000:rule/r1' })),
      'ResourceNotFoundException',
      'Rule r1 does not exist on EventBus default.',
    );
  });

  test('only buses and rules can be tagged, as the API reference says', async () => {
    await expectAwsError(
      emu.client.send(new TagResourceCommand({ ResourceARN: 'arn:aws:events:us-east-1:000000000000:archive/a', Tags: [{ Key: 'a', Value: '1' }] })),
      'ValidationException',
      /archive does not support tags/,
    );
  });

  test('more than 50 tags on one resource is refused and changes nothing', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'many' }));
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(emu.client.send(new TagResourceCommand({ ResourceARN: arn('many'), Tags: tags })), 'LimitExceededException');
    const { Tags } = await emu.client.send(new ListTagsForResourceCommand({ ResourceARN: arn('many') }));
    expect(Tags).toEqual([]);
  });
});

describe('accounts and regions', () => {
  test('a 12-digit access key is the account; the SigV4 scope gives the region; each sees only its own buses', async () => {
    const other = emu.clientFor('111122223333', 'eu-west-1');
    const created = await other.send(new CreateEventBusCommand({ Name: 'theirs' }));
    expect(created.EventBusArn).toBe(arn('theirs', '111122223333', 'eu-west-1'));
    const theirDefault = await other.send(new DescribeEventBusCommand({}));
    expect(theirDefault.Arn).toBe(arn('default', '111122223333', 'eu-west-1'));

    await expectAwsError(emu.client.send(new DescribeEventBusCommand({ Name: 'theirs' })), 'ResourceNotFoundException');
    const sameAccountOtherRegion = emu.clientFor('111122223333', 'us-west-2');
    await expectAwsError(sameAccountOtherRegion.send(new DescribeEventBusCommand({ Name: 'theirs' })), 'ResourceNotFoundException');
  });

  test('a non-numeric access key maps to account 000000000000', async () => {
    const bus = await emu.clientFor('AKIAEXAMPLE', 'ap-south-1').send(new DescribeEventBusCommand({}));
    expect(bus.Arn).toBe(arn('default', '000000000000', 'ap-south-1'));
  });
});

describe('DeleteEventBus with rules', () => {
  test('is refused while the bus has rules, as AWS refuses it', async () => {
    const { PutRuleCommand, DeleteRuleCommand } = await import('@aws-sdk/client-eventbridge');
    await emu.client.send(new CreateEventBusCommand({ Name: 'busy' }));
    await emu.client.send(new PutRuleCommand({ Name: 'r', EventBusName: 'busy', EventPattern: '{"source":["x"]}' }));
    await expectAwsError(emu.client.send(new DeleteEventBusCommand({ Name: 'busy' })), 'ValidationException', "EventBus can't be deleted since it has rules.");
    await emu.client.send(new DeleteRuleCommand({ Name: 'r', EventBusName: 'busy' }));
    await emu.client.send(new DeleteEventBusCommand({ Name: 'busy' }));
  });
});
