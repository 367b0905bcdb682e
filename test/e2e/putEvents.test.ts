import { CreateEventBusCommand, DeleteEventBusCommand, PutEventsCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { expectAwsError, useEmulator } from '../helpers/emulator.js';
import { captures, deadLetters, inspect } from '../helpers/inspect.js';
import { awsEvents } from '../helpers/awsCli.js';

const emu = useEmulator();

const queue = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const busArn = (name: string, account = '000000000000', region = 'us-east-1') => `arn:aws:events:${region}:${account}:event-bus/${name}`;

async function ruleTo(targetArn: string, pattern: object, extra: Record<string, unknown> = {}, bus?: string, name = 'r1') {
  await emu.client.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
  await emu.client.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: [{ Id: 't1', Arn: targetArn, ...extra }] }));
}

async function settle() {
  await emu.emulator.engine.idle();
}

describe('PutEvents', () => {
  test('events no rule can match keep their Detail in the recent events, parsed, as matched ones do', async () => {
    await ruleTo(queue('orders'), { source: ['shop'], detail: { total: [{ numeric: ['>', 0] }] } });
    const detail = '{\n  "total" : 2,\n  "note": "caf\\u00e9", "items": [ {"sku": "a"} ]\n}';
    await emu.client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'shop', DetailType: 'T', Detail: detail },
          { Source: 'elsewhere', DetailType: 'T', Detail: detail },
          { Source: 'elsewhere', DetailType: 'T', Detail: detail, EventBusName: 'no-such-bus' },
        ],
      }),
    );
    await settle();
    const { events } = await inspect<{ events: { eventBusName: string; matchedRules: string[]; event: { source: string; detail: unknown } }[] }>(emu.url, 'events');
    const seen = events.map((e) => [e.eventBusName, e.event.source, e.matchedRules, e.event.detail]);
    const parsed = JSON.parse(detail);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['default', 'shop', ['r1'], parsed],
        ['default', 'elsewhere', [], parsed],
        ['no-such-bus', 'elsewhere', [], parsed],
      ]),
    );
    expect(seen).toHaveLength(3);
    const [captured] = await captures(emu.url, queue('orders'));
    expect(JSON.parse(captured.payload).detail).toEqual(parsed);
  });

  test('rules read the Detail\'s numbers as written, as TestEventPattern reads them, with or without targets', async () => {
    // A number a double cannot carry is matched by its text only (test/patterns/corpus:
    // exact-values.json, numeric.json); JSON.parse would have made 12345678901234567890 into ...7000.
    // Patterns as text: JSON.stringify would round the number too.
    const exact = '{"source": ["numbers"], "detail": {"id": [12345678901234567890]}}';
    const positive = '{"source": ["numbers"], "detail": {"v": [{"numeric": [">", 0]}]}}';
    for (const [name, pattern, target] of [['exact', exact, 'exact'], ['positive', positive, 'positive'], ['no-targets', exact, undefined]] as const) {
      await emu.client.send(new PutRuleCommand({ Name: name, EventPattern: pattern }));
      if (target) await emu.client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't1', Arn: queue(target) }] }));
    }
    const details = ['{"k": 0, "id": 12345678901234567890}', '{"k": 1, "id": 12345678901234567000}', '{"k": 2, "v": 12345678901234567890123}', '{"k": 3, "v": 2.5, "id": 1}'];
    await emu.client.send(new PutEventsCommand({ Entries: details.map((Detail) => ({ Source: 'numbers', DetailType: 'T', Detail })) }));
    await settle();
    const delivered = async (name: string) => (await captures(emu.url, queue(name))).map((c) => JSON.parse(c.payload).detail.k as number);
    expect(await delivered('exact')).toEqual([0]);
    expect(await delivered('positive')).toEqual([3]);
    const { events } = await inspect<{ events: { event: { detail: { k: number } }; matchedRules: string[] }[] }>(emu.url, 'events');
    expect(events.map((e) => [e.event.detail.k, [...e.matchedRules].sort()]).sort()).toEqual([
      [0, ['exact', 'no-targets']],
      [1, []],
      [2, []],
      [3, ['positive']],
    ]);
    // TestEventPattern, given each event's text, agrees with the routing.
    for (const [name, pattern] of [['exact', exact], ['positive', positive]] as const) {
      const routed = await delivered(name);
      for (const [k, detail] of details.entries()) {
        const event = `{"version":"0","id":"e","detail-type":"T","source":"numbers","account":"000000000000","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":${detail}}`;
        const { Result } = await emu.client.send(new TestEventPatternCommand({ EventPattern: pattern, Event: event }));
        expect([name, k, Result]).toEqual([name, k, routed.includes(k)]);
      }
    }
  });

  test('a target of the whole event receives the Detail as JSON.stringify writes its parse, however it was spelled', async () => {
    // The usual Detail (an SDK user's JSON.stringify) is delivered as its text; any other spelling
    // (whitespace, escapes, 1.0, a repeated key, keys JSON.parse puts first) as its parse written out again.
    await ruleTo(queue('whole'), { source: ['spelling'] });
    // Its own events: a target that reads the event's fields has the Detail parsed for all the event's targets.
    await ruleTo(queue('detail-only'), { source: ['spelling-path'] }, { InputPath: '$.detail' }, undefined, 'r2');
    const details = [
      '{"k":0,"note":"café \\"q\\" \\\\ \\n","n":-12.5,"e":1e+21,"a":[true,null,{"b":"😀"}],"o":{}}',
      '{"k": 1, "total" : 2}',
      '{"k":2,"v":1.0,"w":1e3,"s":"\\u0041\\/","z":-0}',
      '{"k":3,"a":1,"a":2}',
      '{"k":4,"b":1,"10":2,"2":3}',
      '{"k":5,"big":12345678901234567890}',
    ];
    for (const Source of ['spelling', 'spelling-path']) await emu.client.send(new PutEventsCommand({ Entries: details.map((Detail) => ({ Source, DetailType: 'T', Detail })) }));
    await settle();
    const whole = await captures(emu.url, queue('whole'));
    const detailOnly = await captures(emu.url, queue('detail-only'));
    expect(whole).toHaveLength(details.length);
    for (const [k, detail] of details.entries()) {
      const payload = whole.find((c) => JSON.parse(c.payload).detail.k === k)!.payload as string;
      // The envelope as delivered, with the Detail the entry gave parsed: JSON.stringify writes the payload exactly.
      const envelope = { ...JSON.parse(payload), detail: JSON.parse(detail) };
      expect([k, payload]).toEqual([k, JSON.stringify(envelope)]);
      expect([k, payload.endsWith(`,"detail":${detail}}`)]).toEqual([k, k === 0]);
      expect(detailOnly.map((c) => c.payload)).toContain(JSON.stringify(JSON.parse(detail)));
    }
  });

  test('an accepted event reaches a matching rule and its target receives the AWS envelope', async () => {
    await ruleTo(queue('orders'), { source: ['shop'], 'detail-type': ['Order Placed'] });
    const res = await emu.client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{"id":42,"total":9.5}', Resources: ['arn:aws:x:1'], Time: new Date('2026-01-02T03:04:05.678Z') }],
      }),
    );
    expect(res.FailedEntryCount).toBe(0);
    expect(res.Entries![0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    const [captured] = await captures(emu.url, queue('orders'));
    const event = JSON.parse(captured.payload);
    expect(Object.keys(event)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(event).toEqual({
      version: '0',
      id: res.Entries![0].EventId,
      'detail-type': 'Order Placed',
      source: 'shop',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['arn:aws:x:1'],
      detail: { id: 42, total: 9.5 },
    });
    expect(captured.ruleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/r1');
  });

  test('an event that matches no rule goes nowhere; a disabled rule does not match', async () => {
    await ruleTo(queue('q'), { source: ['other'] });
    await emu.client.send(new PutRuleCommand({ Name: 'off', EventPattern: '{"source":["shop"]}', State: 'DISABLED' }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'off', Targets: [{ Id: 'x', Arn: queue('off') }] }));
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'd', Detail: '{}' }] }));
    await settle();
    expect(await captures(emu.url, queue('q'))).toEqual([]);
    expect(await captures(emu.url, queue('off'))).toEqual([]);
    const { events } = await inspect(emu.url, 'events');
    expect(events[0].matchedRules).toEqual([]);
  });

  test('per-entry failures with AWS codes and messages while the other entries succeed', async () => {
    await ruleTo(queue('q'), { source: ['ok'] });
    const res = await emu.client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'ok', DetailType: 'd', Detail: '{}' },
          { DetailType: 'd', Detail: '{}' },
          { Source: 'ok', Detail: '{}' },
          { Source: 'ok', DetailType: 'd' },
          { Source: 'ok', DetailType: 'd', Detail: '[1]' },
          { Source: 'ok', DetailType: 'd', Detail: '"text"' },
          { Source: 'ok', DetailType: 'd', Detail: '{not json' },
          { Source: 'aws.s3', DetailType: 'd', Detail: '{}' },
          { Source: 'ok', DetailType: 'd', Detail: '{"n":2}' },
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(7);
    const [ok, noSource, noType, noDetail, array, text, broken, reserved, ok2] = res.Entries!;
    expect(ok.EventId).toBeDefined();
    expect(ok2.EventId).toBeDefined();
    expect(noSource).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' });
    expect(noType).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' });
    expect(noDetail).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' });
    for (const malformed of [array, text, broken]) expect(malformed).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(reserved).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    await settle();
    expect((await captures(emu.url, queue('q'))).map((c) => JSON.parse(c.payload).detail)).toEqual([{}, { n: 2 }]);
  });

  test('a request where every entry fails still answers 200 with the failures', async () => {
    const res = await emu.client.send(new PutEventsCommand({ Entries: [{ DetailType: 'd', Detail: '{}' }] }));
    expect(res.FailedEntryCount).toBe(1);
    expect(res.$metadata.httpStatusCode).toBe(200);
  });

  test('more than 10 entries, or none, is a validation error', async () => {
    const entry = { Source: 's', DetailType: 'd', Detail: '{}' };
    await expectAwsError(emu.client.send(new PutEventsCommand({ Entries: Array(11).fill(entry) })), 'ValidationException', /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/);
    await expectAwsError(emu.client.send(new PutEventsCommand({ Entries: [] })), 'ValidationException', /Member must have length greater than or equal to 1/);
  });

  test('entries over 1 MB in total are refused whole, counted as AWS counts them', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(600 * 1024) });
    await expectAwsError(
      emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: big }, { Source: 's', DetailType: 'd', Detail: big }] })),
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
    const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: big }] }));
    expect(res.FailedEntryCount).toBe(0);
  });

  test('an entry for a bus that does not exist gets an EventId, goes nowhere, and the drop is visible', async () => {
    const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'no-such-bus' }] }));
    expect(res.FailedEntryCount).toBe(0);
    expect(res.Entries![0].EventId).toBeDefined();
    const { events } = await inspect(emu.url, 'events?eventBusName=no-such-bus');
    expect(events).toHaveLength(1);
    expect(events[0].dropped).toContain('Event bus no-such-bus does not exist');
  });

  test('an entry addressed to a custom bus by name or by ARN reaches that bus’s rules only', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'custom' }));
    await ruleTo(queue('custom-q'), { source: ['s'] }, {}, 'custom');
    await ruleTo(queue('default-q'), { source: ['s'] }, {}, undefined, 'on-default');
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{"via":"name"}', EventBusName: 'custom' }] }));
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{"via":"arn"}', EventBusName: busArn('custom') }] }));
    await settle();
    expect((await captures(emu.url, queue('custom-q'))).map((c) => JSON.parse(c.payload).detail.via)).toEqual(['name', 'arn']);
    expect(await captures(emu.url, queue('default-q'))).toEqual([]);
  });

  test('PutEvents through the aws CLI', async () => {
    await ruleTo(queue('cli'), { source: ['cli.app'] });
    const entries = JSON.stringify([{ Source: 'cli.app', DetailType: 'Thing', Detail: '{"a":1}' }, { Source: 'cli.app', DetailType: 'Thing' }]);
    const out = await awsEvents(emu.url, ['put-events', '--entries', entries]);
    expect(out.code).toBe(0);
    expect(out.json.FailedEntryCount).toBe(1);
    expect(out.json.Entries[1]).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' });
    await settle();
    const [captured] = await captures(emu.url, queue('cli'));
    expect(JSON.parse(captured.payload)).toMatchObject({ id: out.json.Entries[0].EventId, detail: { a: 1 } });
  }, 300_000);
});

describe('target input', () => {
  test('Input, InputPath and InputTransformer shape what the target receives', async () => {
    await emu.client.send(new PutRuleCommand({ Name: 'shape', EventPattern: '{"source":["shop"]}' }));
    await emu.client.send(
      new PutTargetsCommand({
        Rule: 'shape',
        Targets: [
          { Id: 'const', Arn: queue('const'), Input: '{"fixed":true}' },
          { Id: 'path', Arn: queue('path'), InputPath: '$.detail.order' },
          {
            Id: 'xform',
            Arn: queue('xform'),
            InputTransformer: {
              InputPathsMap: { id: '$.detail.order.id', src: '$.source' },
              InputTemplate: '{"orderId": <id>, "from": <src>, "rule": <aws.events.rule-name>}',
            },
          },
          { Id: 'text', Arn: queue('text'), InputTransformer: { InputPathsMap: { id: '$.detail.order.id' }, InputTemplate: '"Order <id> placed"' } },
        ],
      }),
    );
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'd', Detail: '{"order":{"id":"o-1","n":3}}' }] }));
    await settle();
    expect((await captures(emu.url, queue('const')))[0].payload).toBe('{"fixed":true}');
    expect(JSON.parse((await captures(emu.url, queue('path')))[0].payload)).toEqual({ id: 'o-1', n: 3 });
    expect(JSON.parse((await captures(emu.url, queue('xform')))[0].payload)).toEqual({ orderId: 'o-1', from: 'shop', rule: 'shape' });
    expect((await captures(emu.url, queue('text')))[0].payload).toBe('"Order o-1 placed"');
  });

  test('service parameter blocks are captured with the payload', async () => {
    await ruleTo('arn:aws:sqs:us-east-1:000000000000:jobs.fifo', { source: ['s'] }, { SqsParameters: { MessageGroupId: 'g1' } });
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));
    await settle();
    const [captured] = await captures(emu.url, 'arn:aws:sqs:us-east-1:000000000000:jobs.fifo');
    expect(captured.parameters).toEqual({ SqsParameters: { MessageGroupId: 'g1' } });
  });
});

describe('event bus targets', () => {
  test('an event routed to another bus is matched again there (same account, and another account and region)', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'audit' }));
    const other = emu.clientFor('222233334444', 'eu-west-1');
    await other.send(new CreateEventBusCommand({ Name: 'central' }));
    await other.send(new PutPermissionCommand({ EventBusName: 'central', Action: 'events:PutEvents', Principal: '000000000000', StatementId: 'from-main' }));
    await other.send(new PutRuleCommand({ Name: 'in-central', EventBusName: 'central', EventPattern: '{"source":["shop"]}' }));
    await other.send(new PutTargetsCommand({ Rule: 'in-central', EventBusName: 'central', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:eu-west-1:222233334444:central-q' }] }));
    await ruleTo(queue('audit-q'), { source: ['shop'] }, {}, 'audit', 'in-audit');
    await emu.client.send(new PutRuleCommand({ Name: 'fan-out', EventPattern: '{"source":["shop"]}' }));
    await emu.client.send(
      new PutTargetsCommand({
        Rule: 'fan-out',
        Targets: [
          { Id: 'audit', Arn: busArn('audit') },
          { Id: 'central', Arn: busArn('central', '222233334444', 'eu-west-1') },
        ],
      }),
    );
    const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'd', Detail: '{"k":1}' }] }));
    await settle();
    const [audit] = await captures(emu.url, queue('audit-q'));
    const [central] = await captures(emu.url, 'arn:aws:sqs:eu-west-1:222233334444:central-q');
    expect(JSON.parse(audit.payload)).toMatchObject({ id: res.Entries![0].EventId, detail: { k: 1 }, account: '000000000000' });
    expect(JSON.parse(central.payload)).toMatchObject({ id: res.Entries![0].EventId, detail: { k: 1 } });
  });

  test('a target bus deleted after PutTargets: the delivery fails without retry and lands in the DLQ with AWS attributes', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'doomed' }));
    await ruleTo(busArn('doomed'), { source: ['s'] }, { DeadLetterConfig: { Arn: queue('dlq') } });
    await emu.client.send(new DeleteEventBusCommand({ Name: 'doomed' }));
    const res = await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));
    await settle();
    const [message] = await deadLetters(emu.url, queue('dlq'));
    expect(JSON.parse(message.body).id).toBe(res.Entries![0].EventId);
    expect(message.attributes).toEqual({
      RULE_ARN: 'arn:aws:events:us-east-1:000000000000:rule/r1',
      TARGET_ARN: busArn('doomed'),
      ERROR_CODE: 'NO_RESOURCE',
      ERROR_MESSAGE: 'Event bus doomed does not exist.',
      RETRY_ATTEMPTS: '0',
    });
    const { deliveries } = await inspect(emu.url, `deliveries?targetArn=${encodeURIComponent(busArn('doomed'))}`);
    expect(deliveries[0]).toMatchObject({ status: 'dead-lettered', deadLetterQueueArn: queue('dlq') });
    expect(deliveries[0].attempts).toHaveLength(1);
  });

  test('a loop between buses stops after a bounded number of hops', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'ping' }));
    await ruleTo(busArn('ping'), { source: ['loop'] }, {}, undefined, 'to-ping');
    await ruleTo(busArn('default'), { source: ['loop'] }, {}, 'ping', 'to-default');
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'loop', DetailType: 'd', Detail: '{}' }] }));
    for (let i = 0; i < 10; i++) await settle();
    const { deliveries } = await inspect(emu.url, 'deliveries?status=dropped');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].attempts[0].errorCode).toBe('INVALID_PARAMETER');
  });
});
