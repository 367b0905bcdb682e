/**
 * Rules end to end through the SDK, as a user drives them: PutRule (create and full
 * replace), DescribeRule, ListRules, Enable/DisableRule, DeleteRule, ListRuleNamesByTarget,
 * tags on rules, and the namespaces of accounts and regions. Messages are AWS's
 * (../shared/aws-facts.md §2.3, §3). Scheduled firing is tested elsewhere.
 */
import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type EventBridgeClient,
  type PutRuleCommandInput,
} from '@aws-sdk/client-eventbridge';
import { expectAwsError, rawCall, startEmulator, type Running, resetEmulator } from '../helpers/emulator.js';

let emu: Running;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

const account = '000000000000';
const ruleArn = (name: string, bus = 'default', acct = account, region = 'us-east-1') =>
  bus === 'default' ? `arn:aws:events:${region}:${acct}:rule/${name}` : `arn:aws:events:${region}:${acct}:rule/${bus}/${name}`;
const busArn = (name: string, acct = account, region = 'us-east-1') => `arn:aws:events:${region}:${acct}:event-bus/${name}`;
const pattern = JSON.stringify({ source: ['orders'] });
const queue = (name: string) => `arn:aws:sqs:us-east-1:${account}:${name}`;

const putRule = (input: PutRuleCommandInput, client: EventBridgeClient = emu.client) => client.send(new PutRuleCommand(input));
const describeRule = (Name: string, EventBusName?: string, client: EventBridgeClient = emu.client) =>
  client.send(new DescribeRuleCommand({ Name, EventBusName }));
/** A response without the SDK's metadata, to compare every field AWS returns. */
const fields = <T extends { $metadata?: unknown }>(response: T) => {
  const { $metadata, ...rest } = response;
  return rest;
};
const createBus = (Name: string, client: EventBridgeClient = emu.client) => client.send(new CreateEventBusCommand({ Name }));

describe('PutRule creates a rule', () => {
  test('with an event pattern: returns the ARN, and DescribeRule returns exactly the fields that were set', async () => {
    const created = await putRule({ Name: 'orders-rule', EventPattern: pattern, Description: 'all orders', RoleArn: 'arn:aws:iam::000000000000:role/events' });
    expect(fields(created)).toEqual({ RuleArn: ruleArn('orders-rule') });
    expect(fields(await describeRule('orders-rule'))).toEqual({
      Name: 'orders-rule',
      Arn: ruleArn('orders-rule'),
      EventPattern: pattern,
      State: 'ENABLED',
      Description: 'all orders',
      RoleArn: 'arn:aws:iam::000000000000:role/events',
      EventBusName: 'default',
      CreatedBy: account,
    });
  });

  test('keeps the event pattern text as it was given', async () => {
    const spaced = '{ "source": [ "orders" ],\n  "detail-type": [ "Order Placed" ] }';
    await putRule({ Name: 'spaced', EventPattern: spaced });
    expect((await describeRule('spaced')).EventPattern).toBe(spaced);
  });

  test('with a rate() schedule and no pattern', async () => {
    await putRule({ Name: 'every-5', ScheduleExpression: 'rate(5 minutes)' });
    const rule = await describeRule('every-5');
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule).not.toHaveProperty('EventPattern');
    expect(rule.State).toBe('ENABLED');
  });

  test.each(['rate(1 minute)', 'rate(2 hours)', 'rate(1 day)', 'cron(0 12 * * ? *)', 'cron(15 10 ? * 6L 2002-2005)', 'cron(0 2 ? * SAT#3 *)', 'cron(0/15 * ? * MON-FRI *)'])(
    'accepts the schedule %s',
    async (expression) => {
      await putRule({ Name: 'scheduled', ScheduleExpression: expression });
      expect((await describeRule('scheduled')).ScheduleExpression).toBe(expression);
    },
  );

  test('with a schedule on the default bus named by its ARN', async () => {
    const created = await putRule({ Name: 'by-arn', ScheduleExpression: 'rate(10 minutes)', EventBusName: busArn('default') });
    expect(created.RuleArn).toBe(ruleArn('by-arn'));
    expect((await describeRule('by-arn', 'default')).EventBusName).toBe('default');
  });

  test('with both a pattern and a schedule on the default bus', async () => {
    await putRule({ Name: 'both', EventPattern: pattern, ScheduleExpression: 'rate(1 hour)' });
    expect(await describeRule('both')).toMatchObject({ EventPattern: pattern, ScheduleExpression: 'rate(1 hour)' });
  });

  test.each(['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const)('in State %s', async (State) => {
    await putRule({ Name: 'stateful', EventPattern: pattern, State });
    expect((await describeRule('stateful')).State).toBe(State);
    const { Rules } = await emu.client.send(new ListRulesCommand({ NamePrefix: 'stateful' }));
    expect(Rules![0].State).toBe(State);
  });
});

describe('PutRule refuses', () => {
  test('a rule with neither pattern nor schedule', async () => {
    await expectAwsError(putRule({ Name: 'empty' }), 'ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
    await expectAwsError(describeRule('empty'), 'ResourceNotFoundException');
  });

  test('an event pattern that is not valid, with the reason', async () => {
    await expectAwsError(
      putRule({ Name: 'bad', EventPattern: JSON.stringify({ source: 'orders' }) }),
      'InvalidEventPatternException',
      /^Event pattern is not valid\. Reason: "source" must be an object or an array/,
    );
    await expectAwsError(putRule({ Name: 'bad', EventPattern: '{"source": []}' }), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: Empty arrays are not allowed/);
    await expectAwsError(putRule({ Name: 'bad', EventPattern: 'not json' }), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: /);
    await expectAwsError(describeRule('bad'), 'ResourceNotFoundException');
  });

  test.each(['rate(0 minutes)', 'rate(1 minutes)', 'rate(5 minute)', 'rate(5 weeks)', 'cron(0 1 * * * *)', 'cron(71 8 1 * ? *)', 'cron(* * * *)', 'every 5 minutes', 'rate()'])(
    'the malformed schedule %s',
    async (expression) => {
      await expectAwsError(putRule({ Name: 'bad-schedule', ScheduleExpression: expression }), 'ValidationException', 'Parameter ScheduleExpression is not valid.');
    },
  );

  test('a schedule on a custom bus, even a valid one', async () => {
    await createBus('custom');
    await expectAwsError(
      putRule({ Name: 'tick', ScheduleExpression: 'rate(5 minutes)', EventBusName: 'custom' }),
      'ValidationException',
      'ScheduleExpression is supported only on the default event bus.',
    );
    await expectAwsError(
      putRule({ Name: 'tick', ScheduleExpression: 'rate(5 minutes)', EventBusName: busArn('custom') }),
      'ValidationException',
      'ScheduleExpression is supported only on the default event bus.',
    );
  });

  test('a State outside the enum, with the model validation message', async () => {
    await expectAwsError(
      putRule({ Name: 'r', EventPattern: pattern, State: 'PAUSED' as never }),
      'ValidationException',
      "1 validation error detected: Value 'PAUSED' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]",
    );
  });

  test('a rule name that breaks the model pattern or length', async () => {
    await expectAwsError(
      putRule({ Name: 'no spaces', EventPattern: pattern }),
      'ValidationException',
      "1 validation error detected: Value 'no spaces' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
    const long = 'r'.repeat(65);
    await expectAwsError(
      putRule({ Name: long, EventPattern: pattern }),
      'ValidationException',
      `1 validation error detected: Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  test('a 301st rule on one bus (quota 300 rules per event bus); replacing an existing rule still works', async () => {
    for (let i = 0; i < 300; i++) await putRule({ Name: `quota-${String(i).padStart(3, '0')}`, EventPattern: pattern });
    await expectAwsError(putRule({ Name: 'one-too-many', EventPattern: pattern }), 'LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
    await expectAwsError(describeRule('one-too-many'), 'ResourceNotFoundException');
    await putRule({ Name: 'quota-000', EventPattern: pattern, Description: 'replaced' });
    expect((await describeRule('quota-000')).Description).toBe('replaced');
    // The quota is per bus.
    await createBus('other');
    await putRule({ Name: 'one-too-many', EventPattern: pattern, EventBusName: 'other' });
  });

  test('a bus that does not exist, by name or by ARN', async () => {
    await expectAwsError(putRule({ Name: 'r', EventPattern: pattern, EventBusName: 'nope' }), 'ResourceNotFoundException', 'Event bus nope does not exist.');
    await expectAwsError(putRule({ Name: 'r', EventPattern: pattern, EventBusName: busArn('nope') }), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });
});

describe('PutRule on an existing rule replaces it', () => {
  test('every omitted field is cleared, the state goes back to ENABLED, and the ARN and creator stay', async () => {
    await putRule({ Name: 'evolving', EventPattern: pattern, Description: 'first', RoleArn: 'arn:aws:iam::000000000000:role/a', State: 'DISABLED' });
    const again = await putRule({ Name: 'evolving', ScheduleExpression: 'rate(1 hour)' });
    expect(again.RuleArn).toBe(ruleArn('evolving'));
    expect(fields(await describeRule('evolving'))).toEqual({
      Name: 'evolving',
      Arn: ruleArn('evolving'),
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      EventBusName: 'default',
      CreatedBy: account,
    });
  });

  test('keeps its targets', async () => {
    await putRule({ Name: 'with-targets', EventPattern: pattern });
    await emu.client.send(new PutTargetsCommand({ Rule: 'with-targets', Targets: [{ Id: 'q', Arn: queue('q') }] }));
    await putRule({ Name: 'with-targets', EventPattern: JSON.stringify({ source: ['other'] }), Description: 'changed' });
    const { Targets } = await emu.client.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }));
    expect(Targets).toEqual([{ Id: 'q', Arn: queue('q') }]);
  });

  test('honours Tags only when the rule is created', async () => {
    await putRule({ Name: 'tagged', EventPattern: pattern, Tags: [{ Key: 'team', Value: 'core' }] });
    await putRule({ Name: 'tagged', EventPattern: pattern, Tags: [{ Key: 'team', Value: 'other' }, { Key: 'extra', Value: 'x' }] });
    const { Tags } = await emu.client.send(new ListTagsForResourceCommand({ ResourceARN: ruleArn('tagged') }));
    expect(Tags).toEqual([{ Key: 'team', Value: 'core' }]);
  });

  test('a failed replacement leaves the rule as it was', async () => {
    await putRule({ Name: 'stable', EventPattern: pattern, Description: 'kept' });
    await expectAwsError(putRule({ Name: 'stable', EventPattern: '{"source": "x"}' }), 'InvalidEventPatternException');
    await expectAwsError(putRule({ Name: 'stable', ScheduleExpression: 'rate(0 hours)' }), 'ValidationException');
    expect(await describeRule('stable')).toMatchObject({ EventPattern: pattern, Description: 'kept' });
  });
});

describe('rules on a custom bus', () => {
  test('have ARNs rule/<bus>/<name>, and are reachable by bus name and by bus ARN', async () => {
    await createBus('orders');
    const byName = await putRule({ Name: 'placed', EventPattern: pattern, EventBusName: 'orders' });
    expect(byName.RuleArn).toBe(ruleArn('placed', 'orders'));
    const byArn = await putRule({ Name: 'shipped', EventPattern: pattern, EventBusName: busArn('orders') });
    expect(byArn.RuleArn).toBe(ruleArn('shipped', 'orders'));

    for (const bus of ['orders', busArn('orders')]) {
      const placed = await describeRule('placed', bus);
      expect(placed).toMatchObject({ Name: 'placed', Arn: ruleArn('placed', 'orders'), EventBusName: 'orders', CreatedBy: account });
      const shipped = await describeRule('shipped', bus);
      expect(shipped.EventBusName).toBe('orders');
    }
    const { Rules } = await emu.client.send(new ListRulesCommand({ EventBusName: busArn('orders') }));
    expect(Rules!.map((r) => r.Name)).toEqual(['placed', 'shipped']);
  });

  test('are separate from rules of the same name on other buses', async () => {
    await createBus('orders');
    await putRule({ Name: 'same', EventPattern: pattern, Description: 'default bus' });
    await putRule({ Name: 'same', EventPattern: pattern, Description: 'orders bus', EventBusName: 'orders' });
    expect((await describeRule('same')).Description).toBe('default bus');
    expect((await describeRule('same', 'orders')).Description).toBe('orders bus');
    await emu.client.send(new DeleteRuleCommand({ Name: 'same', EventBusName: 'orders' }));
    expect((await describeRule('same')).Description).toBe('default bus');
  });

  test('a bus ARN of another account or region never reaches the caller bus of the same name', async () => {
    // AWS resolves such an ARN to the other account's bus, allowed by its resource policy;
    // the emulator has no resource policies yet, so it refuses (as PutEvents does).
    await createBus('orders');
    await putRule({ Name: 'r', EventPattern: pattern, EventBusName: 'orders' });
    for (const foreign of [busArn('orders', '111111111111'), busArn('orders', account, 'eu-west-1')]) {
      await expectAwsError(putRule({ Name: 'r2', EventPattern: pattern, EventBusName: foreign }), 'AccessDeniedException', /^Not authorized to manage rules on /);
      await expectAwsError(describeRule('r', foreign), 'AccessDeniedException');
      await expectAwsError(emu.client.send(new DeleteRuleCommand({ Name: 'r', EventBusName: foreign })), 'AccessDeniedException');
      await expectAwsError(emu.client.send(new ListRulesCommand({ EventBusName: foreign })), 'AccessDeniedException');
    }
    expect((await emu.client.send(new ListRulesCommand({ EventBusName: 'orders' }))).Rules!.map((r) => r.Name)).toEqual(['r']);
  });
});

describe('DescribeRule', () => {
  test('of a missing rule names the bus, default or custom', async () => {
    await expectAwsError(describeRule('ghost'), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await createBus('orders');
    await expectAwsError(describeRule('ghost', 'orders'), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus orders.');
    await expectAwsError(describeRule('ghost', busArn('orders')), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus orders.');
  });

  test('on a missing bus reports the bus', async () => {
    await expectAwsError(describeRule('ghost', 'nope'), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });
});

describe('ListRules', () => {
  const names = (rules: { Name?: string }[] | undefined) => (rules ?? []).map((r) => r.Name);

  test('lists the rules of one bus in name order, filtered by prefix', async () => {
    await createBus('orders');
    for (const name of ['b-rule', 'a-rule', 'c-other']) await putRule({ Name: name, EventPattern: pattern });
    await putRule({ Name: 'a-on-orders', EventPattern: pattern, EventBusName: 'orders' });

    const all = await emu.client.send(new ListRulesCommand({}));
    expect(names(all.Rules)).toEqual(['a-rule', 'b-rule', 'c-other']);
    expect(all.NextToken).toBeUndefined();
    expect(names((await emu.client.send(new ListRulesCommand({ NamePrefix: 'a-' }))).Rules)).toEqual(['a-rule']);
    expect(names((await emu.client.send(new ListRulesCommand({ EventBusName: 'orders' }))).Rules)).toEqual(['a-on-orders']);
    expect((await emu.client.send(new ListRulesCommand({ NamePrefix: 'zzz' }))).Rules).toEqual([]);
  });

  test('items carry the rule fields but not CreatedBy', async () => {
    await putRule({ Name: 'listed', EventPattern: pattern, Description: 'd', RoleArn: 'arn:aws:iam::000000000000:role/r', State: 'DISABLED' });
    const { Rules } = await emu.client.send(new ListRulesCommand({ NamePrefix: 'listed' }));
    expect(Rules).toEqual([
      {
        Name: 'listed',
        Arn: ruleArn('listed'),
        EventPattern: pattern,
        State: 'DISABLED',
        Description: 'd',
        RoleArn: 'arn:aws:iam::000000000000:role/r',
        EventBusName: 'default',
      },
    ]);
    // The SDK drops members the Rule shape lacks, so look at the wire for CreatedBy.
    const raw = await rawCall(emu.url, 'ListRules', JSON.stringify({ NamePrefix: 'listed' }));
    expect(raw.json.Rules).toHaveLength(1);
    expect(raw.json.Rules[0]).not.toHaveProperty('CreatedBy');
    expect(raw.json.Rules[0].Name).toBe('listed');
  });

  test('pages with Limit and NextToken until every rule is seen once', async () => {
    for (let i = 0; i < 7; i++) await putRule({ Name: `page-${i}`, EventPattern: pattern });
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await emu.client.send(new ListRulesCommand({ NamePrefix: 'page-', Limit: 3, NextToken: token }));
      seen.push(...names(page.Rules).map(String));
      sizes.push(page.Rules!.length);
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  test('of a missing bus, and with a Limit out of range', async () => {
    await expectAwsError(emu.client.send(new ListRulesCommand({ EventBusName: 'nope' })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
    await expectAwsError(
      emu.client.send(new ListRulesCommand({ Limit: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});

describe('EnableRule / DisableRule', () => {
  test('flip the state, on the default and a custom bus', async () => {
    await createBus('orders');
    await putRule({ Name: 'flip', EventPattern: pattern });
    await putRule({ Name: 'flip', EventPattern: pattern, EventBusName: 'orders' });

    await emu.client.send(new DisableRuleCommand({ Name: 'flip' }));
    expect((await describeRule('flip')).State).toBe('DISABLED');
    expect((await describeRule('flip', 'orders')).State).toBe('ENABLED');

    await emu.client.send(new DisableRuleCommand({ Name: 'flip', EventBusName: busArn('orders') }));
    expect((await describeRule('flip', 'orders')).State).toBe('DISABLED');
    // Disabling twice is fine.
    await emu.client.send(new DisableRuleCommand({ Name: 'flip' }));
    expect((await describeRule('flip')).State).toBe('DISABLED');

    await emu.client.send(new EnableRuleCommand({ Name: 'flip' }));
    expect((await describeRule('flip')).State).toBe('ENABLED');
    await emu.client.send(new EnableRuleCommand({ Name: 'flip', EventBusName: 'orders' }));
    expect((await describeRule('flip', 'orders')).State).toBe('ENABLED');
  });

  test('keep every other field of the rule', async () => {
    await putRule({ Name: 'kept', ScheduleExpression: 'rate(1 day)', Description: 'daily', RoleArn: 'arn:aws:iam::000000000000:role/r' });
    const before = fields(await describeRule('kept'));
    await emu.client.send(new DisableRuleCommand({ Name: 'kept' }));
    expect(fields(await describeRule('kept'))).toEqual({ ...before, State: 'DISABLED' });
  });

  test('EnableRule turns ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS into ENABLED', async () => {
    await putRule({ Name: 'ct', EventPattern: pattern, State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' });
    await emu.client.send(new EnableRuleCommand({ Name: 'ct' }));
    expect((await describeRule('ct')).State).toBe('ENABLED');
  });

  test('of a missing rule or bus', async () => {
    await expectAwsError(emu.client.send(new EnableRuleCommand({ Name: 'ghost' })), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await expectAwsError(emu.client.send(new DisableRuleCommand({ Name: 'ghost' })), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await expectAwsError(emu.client.send(new DisableRuleCommand({ Name: 'ghost', EventBusName: 'nope' })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });
});

describe('DeleteRule', () => {
  test('deletes a rule without targets', async () => {
    await putRule({ Name: 'doomed', EventPattern: pattern });
    const response = await emu.client.send(new DeleteRuleCommand({ Name: 'doomed' }));
    expect(response.$metadata.httpStatusCode).toBe(200);
    await expectAwsError(describeRule('doomed'), 'ResourceNotFoundException', 'Rule doomed does not exist on EventBus default.');
    expect((await emu.client.send(new ListRulesCommand({}))).Rules).toEqual([]);
  });

  test("refuses a rule that still has targets, and deletes it once they're removed", async () => {
    await putRule({ Name: 'busy', EventPattern: pattern });
    await emu.client.send(new PutTargetsCommand({ Rule: 'busy', Targets: [{ Id: 't', Arn: queue('q') }] }));
    await expectAwsError(emu.client.send(new DeleteRuleCommand({ Name: 'busy' })), 'ValidationException', "Rule can't be deleted since it has targets.");
    await expectAwsError(emu.client.send(new DeleteRuleCommand({ Name: 'busy', Force: true })), 'ValidationException', "Rule can't be deleted since it has targets.");
    expect((await describeRule('busy')).Name).toBe('busy');

    await emu.client.send(new RemoveTargetsCommand({ Rule: 'busy', Ids: ['t'] }));
    await emu.client.send(new DeleteRuleCommand({ Name: 'busy' }));
    await expectAwsError(describeRule('busy'), 'ResourceNotFoundException');
  });

  test('of a missing rule succeeds, again and again', async () => {
    await emu.client.send(new DeleteRuleCommand({ Name: 'never-was' }));
    await putRule({ Name: 'once', EventPattern: pattern });
    await emu.client.send(new DeleteRuleCommand({ Name: 'once' }));
    await emu.client.send(new DeleteRuleCommand({ Name: 'once' }));
  });

  test('on a missing bus is ResourceNotFoundException', async () => {
    await expectAwsError(emu.client.send(new DeleteRuleCommand({ Name: 'r', EventBusName: 'nope' })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });

  test('on a custom bus deletes only that rule', async () => {
    await createBus('orders');
    await putRule({ Name: 'r', EventPattern: pattern, EventBusName: 'orders' });
    await putRule({ Name: 'r', EventPattern: pattern });
    await emu.client.send(new DeleteRuleCommand({ Name: 'r', EventBusName: busArn('orders') }));
    await expectAwsError(describeRule('r', 'orders'), 'ResourceNotFoundException', 'Rule r does not exist on EventBus orders.');
    expect((await describeRule('r')).Name).toBe('r');
  });
});

describe('ListRuleNamesByTarget', () => {
  test('names the rules of a bus that have a target with this ARN, page by page', async () => {
    await createBus('orders');
    for (const name of ['r-c', 'r-a', 'r-d', 'r-b']) {
      await putRule({ Name: name, EventPattern: pattern });
      await emu.client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'shared', Arn: queue('shared') }] }));
    }
    await putRule({ Name: 'r-other', EventPattern: pattern });
    await emu.client.send(new PutTargetsCommand({ Rule: 'r-other', Targets: [{ Id: 'x', Arn: queue('other') }] }));
    await putRule({ Name: 'r-on-orders', EventPattern: pattern, EventBusName: 'orders' });
    await emu.client.send(new PutTargetsCommand({ Rule: 'r-on-orders', EventBusName: 'orders', Targets: [{ Id: 'y', Arn: queue('shared') }] }));

    const all = await emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('shared') }));
    expect(all.RuleNames).toEqual(['r-a', 'r-b', 'r-c', 'r-d']);
    expect(all.NextToken).toBeUndefined();

    const first = await emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('shared'), Limit: 3 }));
    expect(first.RuleNames).toEqual(['r-a', 'r-b', 'r-c']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('shared'), Limit: 3, NextToken: first.NextToken }));
    expect(second.RuleNames).toEqual(['r-d']);
    expect(second.NextToken).toBeUndefined();

    const onOrders = await emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('shared'), EventBusName: 'orders' }));
    expect(onOrders.RuleNames).toEqual(['r-on-orders']);
  });

  test('is empty for an ARN no rule targets, and RNF on a missing bus', async () => {
    const none = await emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('nobody') }));
    expect(none.RuleNames).toEqual([]);
    await expectAwsError(
      emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('q'), EventBusName: 'nope' })),
      'ResourceNotFoundException',
      'Event bus nope does not exist.',
    );
  });

  test('forgets a rule once its target is removed', async () => {
    await putRule({ Name: 'r', EventPattern: pattern });
    await emu.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 't', Arn: queue('q') }] }));
    await emu.client.send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['t'] }));
    expect((await emu.client.send(new ListRuleNamesByTargetCommand({ TargetArn: queue('q') }))).RuleNames).toEqual([]);
  });
});

describe('tags on rules', () => {
  const listTags = (ResourceARN: string) => emu.client.send(new ListTagsForResourceCommand({ ResourceARN })).then((r) => r.Tags);

  test('TagResource, ListTagsForResource and UntagResource with a rule ARN, default and custom bus', async () => {
    await createBus('orders');
    await putRule({ Name: 'r', EventPattern: pattern, Tags: [{ Key: 'team', Value: 'core' }] });
    await putRule({ Name: 'r', EventPattern: pattern, EventBusName: 'orders' });

    await emu.client.send(new TagResourceCommand({ ResourceARN: ruleArn('r'), Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'payments' }] }));
    expect(await listTags(ruleArn('r'))).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'payments' }, { Key: 'env', Value: 'dev' }]));
    expect(await listTags(ruleArn('r'))).toHaveLength(2);
    // The rule of the same name on the other bus has its own (empty) tags.
    expect(await listTags(ruleArn('r', 'orders'))).toEqual([]);

    await emu.client.send(new TagResourceCommand({ ResourceARN: ruleArn('r', 'orders'), Tags: [{ Key: 'bus', Value: 'orders' }] }));
    expect(await listTags(ruleArn('r', 'orders'))).toEqual([{ Key: 'bus', Value: 'orders' }]);

    await emu.client.send(new UntagResourceCommand({ ResourceARN: ruleArn('r'), TagKeys: ['team', 'not-there'] }));
    expect(await listTags(ruleArn('r'))).toEqual([{ Key: 'env', Value: 'dev' }]);
  });

  test('a rule ARN that names no rule', async () => {
    await expectAwsError(listTags(ruleArn('ghost')), 'ResourceNotFoundException', 'Rule ghost does not exist on EventBus default.');
    await createBus('orders');
    await expectAwsError(
      emu.client.send(new TagResourceCommand({ ResourceARN: ruleArn('ghost', 'orders'), Tags: [{ Key: 'k', Value: 'v' }] })),
      'ResourceNotFoundException',
      'Rule ghost does not exist on EventBus orders.',
    );
    await expectAwsError(listTags(ruleArn('ghost', 'nope')), 'ResourceNotFoundException');
  });

  test('are gone with the rule, and a rule created again under the name starts without them', async () => {
    await putRule({ Name: 'r', EventPattern: pattern, Tags: [{ Key: 'team', Value: 'core' }] });
    await emu.client.send(new DeleteRuleCommand({ Name: 'r' }));
    await expectAwsError(listTags(ruleArn('r')), 'ResourceNotFoundException', 'Rule r does not exist on EventBus default.');
    await putRule({ Name: 'r', EventPattern: pattern });
    expect(await listTags(ruleArn('r'))).toEqual([]);
  });
});

describe('accounts and regions are separate namespaces for rules', () => {
  test('a rule in one account or region is invisible from another, and names may repeat', async () => {
    const other = emu.clientFor('111111111111');
    const elsewhere = emu.clientFor('000000000000', 'eu-west-1');

    await putRule({ Name: 'mine', EventPattern: pattern, Description: 'home' });
    const theirs = await putRule({ Name: 'mine', EventPattern: pattern, Description: 'other account' }, other);
    expect(theirs.RuleArn).toBe(ruleArn('mine', 'default', '111111111111'));
    const regional = await putRule({ Name: 'mine', EventPattern: pattern, Description: 'other region' }, elsewhere);
    expect(regional.RuleArn).toBe(ruleArn('mine', 'default', account, 'eu-west-1'));

    expect((await describeRule('mine')).Description).toBe('home');
    expect(await describeRule('mine', undefined, other)).toMatchObject({ Description: 'other account', CreatedBy: '111111111111' });
    expect((await describeRule('mine', undefined, elsewhere)).Description).toBe('other region');

    await putRule({ Name: 'only-home', EventPattern: pattern });
    await expectAwsError(describeRule('only-home', undefined, other), 'ResourceNotFoundException', 'Rule only-home does not exist on EventBus default.');
    expect((await other.send(new ListRulesCommand({}))).Rules!.map((r) => r.Name)).toEqual(['mine']);

    await emu.client.send(new DeleteRuleCommand({ Name: 'mine' }));
    expect((await describeRule('mine', undefined, other)).Name).toBe('mine');
    expect((await describeRule('mine', undefined, elsewhere)).Name).toBe('mine');
  });

  test("a custom bus of another account is not the caller's", async () => {
    const other = emu.clientFor('111111111111');
    await createBus('theirs', other);
    await expectAwsError(putRule({ Name: 'r', EventPattern: pattern, EventBusName: 'theirs' }), 'ResourceNotFoundException', 'Event bus theirs does not exist.');
  });
});
