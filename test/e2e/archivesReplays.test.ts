import {
  CancelReplayCommand,
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  ListArchivesCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  UpdateArchiveCommand,
} from '@aws-sdk/client-eventbridge';
import { awsEvents } from '../helpers/awsCli.js';
import { expectAwsError, useEmulator, withEmulator, type Running } from '../helpers/emulator.js';
import { VirtualClock } from '../../src/util/clock.js';
import { captures } from '../helpers/inspect.js';

// Real time stands still: only the virtual clock moves archives and replays, so no state changes between two calls.
const emu = useEmulator({ clock: new VirtualClock(() => Date.UTC(2026, 11, 1, 9)) });

const account = '000000000000';
const busArn = (name: string) => `arn:aws:events:us-east-1:${account}:event-bus/${name}`;
const archiveArn = (name: string) => `arn:aws:events:us-east-1:${account}:archive/${name}`;
const queue = (name: string) => `arn:aws:sqs:us-east-1:${account}:${name}`;

async function settle(ms = 0) {
  emu.emulator.clock.advance(ms);
  await emu.emulator.engine.idle();
}

async function putOrders(count: number, everyMs: number, from = 0) {
  for (let i = from; i < from + count; i++) {
    await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ n: i }), EventBusName: 'orders' }] }));
    await settle(everyMs);
  }
}

async function waitForReplay(name: string, state: string, stepMs = 1000) {
  for (let i = 0; i < 100; i++) {
    const replay = await emu.client.send(new DescribeReplayCommand({ ReplayName: name }));
    if (replay.State === state) return replay;
    await settle(stepMs);
  }
  throw new Error(`replay ${name} never reached ${state}`);
}

describe('archives', () => {
  test('create, describe with counts, list, update, delete — and only matching events are kept', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    const created = await emu.client.send(
      new CreateArchiveCommand({ ArchiveName: 'big-orders', EventSourceArn: busArn('orders'), EventPattern: '{"detail":{"n":[{"numeric":[">=",2]}]}}', RetentionDays: 0, Description: 'd' }),
    );
    expect(created).toMatchObject({ ArchiveArn: archiveArn('big-orders'), State: 'ENABLED' });
    expect(created.CreationTime).toBeInstanceOf(Date);
    await putOrders(4, 1000);
    const described = await emu.client.send(new DescribeArchiveCommand({ ArchiveName: 'big-orders' }));
    expect(described).toMatchObject({ ArchiveName: 'big-orders', EventSourceArn: busArn('orders'), State: 'ENABLED', EventCount: 2, RetentionDays: 0, Description: 'd' });
    expect(described.SizeBytes).toBeGreaterThan(200);

    const { Archives } = await emu.client.send(new ListArchivesCommand({ EventSourceArn: busArn('orders') }));
    expect(Archives!.map((a) => [a.ArchiveName, a.EventCount])).toEqual([['big-orders', 2]]);

    await emu.client.send(new UpdateArchiveCommand({ ArchiveName: 'big-orders', Description: 'new' }));
    expect((await emu.client.send(new DescribeArchiveCommand({ ArchiveName: 'big-orders' }))).Description).toBe('new');
    await emu.client.send(new DeleteArchiveCommand({ ArchiveName: 'big-orders' }));
    await expectAwsError(emu.client.send(new DescribeArchiveCommand({ ArchiveName: 'big-orders' })), 'ResourceNotFoundException', 'Archive big-orders does not exist.');
  });

  test('errors as AWS gives them', async () => {
    await expectAwsError(emu.client.send(new CreateArchiveCommand({ ArchiveName: 'a', EventSourceArn: busArn('nope') })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
    await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'a', EventSourceArn: busArn('default') }));
    await expectAwsError(emu.client.send(new CreateArchiveCommand({ ArchiveName: 'a', EventSourceArn: busArn('default') })), 'ResourceAlreadyExistsException', 'Archive a already exists.');
    await expectAwsError(emu.client.send(new CreateArchiveCommand({ ArchiveName: 'b', EventSourceArn: busArn('default'), EventPattern: '{"source":[]}' })), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: Empty arrays are not allowed/);
    await expectAwsError(emu.client.send(new UpdateArchiveCommand({ ArchiveName: 'ghost' })), 'ValidationException', 'At least one of EventPattern, RetentionDays or Description must be provided.');
    await expectAwsError(emu.client.send(new UpdateArchiveCommand({ ArchiveName: 'ghost', RetentionDays: 1 })), 'ResourceNotFoundException', 'Archive ghost does not exist.');
    await expectAwsError(emu.client.send(new DeleteArchiveCommand({ ArchiveName: 'ghost' })), 'ResourceNotFoundException', 'Archive ghost does not exist.');
    await expectAwsError(emu.client.send(new ListArchivesCommand({ EventSourceArn: busArn('nope') })), 'ResourceNotFoundException', 'Event bus nope does not exist.');
  });

  test('ListArchives and ListReplays take one filter at a time: two are a ValidationException', async () => {
    // The model: "Filter parameters are exclusive." Message wording as moto's tests give it
    // (getmoto/moto tests/test_events), not seen in an AWS recording.
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'orders-all', EventSourceArn: busArn('orders') }));
    const archiveMessage = 'ListArchives takes at most one filter: NamePrefix, EventSourceArn or State.';
    await expectAwsError(emu.client.send(new ListArchivesCommand({ NamePrefix: 'orders', State: 'ENABLED' })), 'ValidationException', archiveMessage);
    await expectAwsError(emu.client.send(new ListArchivesCommand({ NamePrefix: 'orders', EventSourceArn: busArn('orders') })), 'ValidationException', archiveMessage);
    // Checked before the bus is looked up.
    await expectAwsError(emu.client.send(new ListArchivesCommand({ State: 'ENABLED', EventSourceArn: busArn('nope') })), 'ValidationException', archiveMessage);
    expect((await emu.client.send(new ListArchivesCommand({ State: 'ENABLED' }))).Archives!.map((a) => a.ArchiveName)).toEqual(['orders-all']);

    const replayMessage = 'ListReplays takes at most one filter: NamePrefix, EventSourceArn or State.';
    await expectAwsError(emu.client.send(new ListReplaysCommand({ NamePrefix: 'r', State: 'COMPLETED' })), 'ValidationException', replayMessage);
    await expectAwsError(emu.client.send(new ListReplaysCommand({ EventSourceArn: archiveArn('orders-all'), State: 'COMPLETED' })), 'ValidationException', replayMessage);
    expect((await emu.client.send(new ListReplaysCommand({ EventSourceArn: archiveArn('orders-all') }))).Replays).toEqual([]);
  });

  test('retention follows the virtual clock', async () => {
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'week', EventSourceArn: busArn('orders'), RetentionDays: 7 }));
    await putOrders(2, 0);
    await settle(3 * 86_400_000);
    await putOrders(1, 0, 2);
    expect((await emu.client.send(new DescribeArchiveCommand({ ArchiveName: 'week' }))).EventCount).toBe(3);
    await settle(5 * 86_400_000);
    expect((await emu.client.send(new DescribeArchiveCommand({ ArchiveName: 'week' }))).EventCount).toBe(1);
  });
});

describe('replays', () => {
  async function busWithSink() {
    await emu.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    await emu.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: busArn('orders') }));
    await emu.client.send(new PutRuleCommand({ Name: 'to-sink', EventBusName: 'orders', EventPattern: '{"source":["shop"]}' }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'to-sink', EventBusName: 'orders', Targets: [{ Id: 'q', Arn: queue('sink') }] }));
    await emu.client.send(new PutRuleCommand({ Name: 'other', EventBusName: 'orders', EventPattern: '{"source":["shop"]}' }));
    await emu.client.send(new PutTargetsCommand({ Rule: 'other', EventBusName: 'orders', Targets: [{ Id: 'q', Arn: queue('other') }] }));
  }

  test('a window of the archive is delivered again with replay-name, only to the filtered rules, and the replay completes', async () => {
    await busWithSink();
    const t0 = emu.emulator.clock.now();
    await putOrders(10, 60_000); // one event a minute, n = 0..9
    await fetch(`${emu.url}/_eventbridge-local/records`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' } });

    const start = new Date(t0 + 3 * 60_000 - 1); // events n = 3..6
    const end = new Date(t0 + 7 * 60_000 - 1);
    const started = await emu.client.send(
      new StartReplayCommand({
        ReplayName: 'window',
        EventSourceArn: archiveArn('all'),
        EventStartTime: start,
        EventEndTime: end,
        Destination: { Arn: busArn('orders'), FilterArns: [`arn:aws:events:us-east-1:${account}:rule/orders/to-sink`] },
      }),
    );
    expect(started).toMatchObject({ ReplayArn: `arn:aws:events:us-east-1:${account}:replay/window`, State: 'STARTING' });
    const done = await waitForReplay('window', 'COMPLETED');
    expect(done.EventLastReplayedTime).toBeInstanceOf(Date);
    expect(done.ReplayEndTime).toBeInstanceOf(Date);
    await settle();

    const received = (await captures(emu.url, queue('sink'))).map((c) => JSON.parse(c.payload));
    expect(received.map((e) => e.detail.n)).toEqual([3, 4, 5, 6]);
    expect(Object.keys(received[0])).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'replay-name', 'resources', 'detail']);
    expect(received[0]['replay-name']).toBe('window');
    expect(await captures(emu.url, queue('other'))).toEqual([]);
    // Replayed events are not archived again.
    expect((await emu.client.send(new DescribeArchiveCommand({ ArchiveName: 'all' }))).EventCount).toBe(10);
    const { Replays } = await emu.client.send(new ListReplaysCommand({ NamePrefix: 'win' }));
    expect(Replays).toHaveLength(1);
    expect(Replays![0]).toMatchObject({ ReplayName: 'window', State: 'COMPLETED', EventSourceArn: archiveArn('all') });
  });

  test('a replay cancelled mid-way ends CANCELLED with part of the window delivered', async () => {
    await busWithSink();
    const t0 = emu.emulator.clock.now();
    for (let i = 0; i < 250; i++) {
      await emu.client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ n: i }), EventBusName: 'orders' }] }));
    }
    await settle(1000);
    await fetch(`${emu.url}/_eventbridge-local/records`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' } });
    await emu.client.send(
      new StartReplayCommand({ ReplayName: 'long', EventSourceArn: archiveArn('all'), EventStartTime: new Date(t0 - 1000), EventEndTime: new Date(t0 + 60_000), Destination: { Arn: busArn('orders') } }),
    );
    await settle(5000); // STARTING is over: the first batch
    expect((await emu.client.send(new DescribeReplayCommand({ ReplayName: 'long' }))).State).toBe('RUNNING');
    const cancelling = await emu.client.send(new CancelReplayCommand({ ReplayName: 'long' }));
    expect(cancelling.State).toBe('CANCELLING');
    await waitForReplay('long', 'CANCELLED');
    await settle(10_000);
    const delivered = await captures(emu.url, queue('sink'));
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBeLessThan(250);
    await expectAwsError(emu.client.send(new CancelReplayCommand({ ReplayName: 'long' })), 'IllegalStatusException');
  });

  test('a replay takes time: STARTING, then RUNNING, then COMPLETED; CancelReplay right after StartReplay is accepted', async () => {
    // AWS recorded StartReplay answering STARTING and a CancelReplay sent right after it
    // answering CANCELLING, the replay then ending CANCELLED (aws-facts.md §8.2). Real time is
    // frozen here so only the virtual clock moves the replays (POST /_eventbridge-local/clock).
    await withEmulator({ clock: new VirtualClock(() => Date.UTC(2026, 11, 1, 12)) }, async (frozen: Running) => {
      const send = <T,>(command: any): Promise<T> => frozen.client.send(command) as Promise<T>;
      const advance = async (seconds: number) => {
        const res = await fetch(`${frozen.url}/_eventbridge-local/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
        expect(res.status).toBe(200);
        await frozen.emulator.engine.idle();
      };
      const state = async (name: string) => (await send<{ State: string }>(new DescribeReplayCommand({ ReplayName: name }))).State;
      await send(new CreateEventBusCommand({ Name: 'orders' }));
      await send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: busArn('orders') }));
      await send(new PutRuleCommand({ Name: 'to-sink', EventBusName: 'orders', EventPattern: '{"source":["shop"]}' }));
      await send(new PutTargetsCommand({ Rule: 'to-sink', EventBusName: 'orders', Targets: [{ Id: 'q', Arn: queue('sink') }] }));
      const t0 = frozen.emulator.clock.now();
      for (let n = 0; n < 3; n++) await send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ n }), EventBusName: 'orders' }] }));
      await advance(1);
      await fetch(`${frozen.url}/_eventbridge-local/records`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' } });
      const window = { EventSourceArn: archiveArn('all'), EventStartTime: new Date(t0 - 1000), EventEndTime: new Date(t0 + 60_000), Destination: { Arn: busArn('orders') } };

      const started = await send<{ State: string }>(new StartReplayCommand({ ReplayName: 'slow', ...window }));
      expect(started.State).toBe('STARTING');
      expect(await state('slow')).toBe('STARTING');
      await advance(5);
      expect(await state('slow')).toBe('RUNNING');
      expect(await captures(frozen.url, queue('sink'))).toHaveLength(3);
      await advance(1);
      expect(await state('slow')).toBe('COMPLETED');

      await send(new StartReplayCommand({ ReplayName: 'cancelled', ...window }));
      const cancelling = await send<{ State: string; ReplayArn: string }>(new CancelReplayCommand({ ReplayName: 'cancelled' }));
      expect(cancelling).toMatchObject({ State: 'CANCELLING', ReplayArn: `arn:aws:events:us-east-1:${account}:replay/cancelled` });
      expect(await state('cancelled')).toBe('CANCELLING');
      await advance(1);
      expect(await state('cancelled')).toBe('CANCELLED');
      await advance(10);
      // Nothing of the cancelled replay was delivered.
      expect(await captures(frozen.url, queue('sink'))).toHaveLength(3);
      await expectAwsError(send(new CancelReplayCommand({ ReplayName: 'cancelled' })), 'IllegalStatusException');
    });
  });

  test('StartReplay errors as AWS gives them', async () => {
    await busWithSink();
    const base = { EventStartTime: new Date(1000), EventEndTime: new Date(2000), Destination: { Arn: busArn('orders') } };
    await expectAwsError(emu.client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: archiveArn('nope'), ...base })), 'ValidationException', 'Parameter EventSourceArn is not valid. Reason: Archive nope does not exist.');
    await expectAwsError(
      emu.client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: archiveArn('all'), ...base, Destination: { Arn: busArn('default') } })),
      'ValidationException',
      'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
    );
    await expectAwsError(
      emu.client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: archiveArn('all'), ...base, Destination: { Arn: busArn('missing') } })),
      'ResourceNotFoundException',
      'Event bus missing does not exist.',
    );
    await expectAwsError(
      emu.client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: archiveArn('all'), ...base, EventEndTime: new Date(1000) })),
      'ValidationException',
      'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    );
    await emu.client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: archiveArn('all'), ...base }));
    await expectAwsError(emu.client.send(new StartReplayCommand({ ReplayName: 'r', EventSourceArn: archiveArn('all'), ...base })), 'ResourceAlreadyExistsException', 'Replay r already exists.');
    await expectAwsError(emu.client.send(new DescribeReplayCommand({ ReplayName: 'ghost' })), 'ResourceNotFoundException', 'Replay ghost does not exist.');
  });

  test('archive and replay through the aws CLI', async () => {
    await busWithSink();
    const created = await awsEvents(emu.url, ['create-archive', '--archive-name', 'cli-archive', '--event-source-arn', busArn('orders'), '--retention-days', '3']);
    expect(created.json).toMatchObject({ ArchiveArn: archiveArn('cli-archive'), State: 'ENABLED' });
    await putOrders(2, 1000);
    const described = await awsEvents(emu.url, ['describe-archive', '--archive-name', 'cli-archive']);
    expect(described.json.EventCount).toBe(2);
    const now = Math.floor(emu.emulator.clock.now() / 1000);
    const started = await awsEvents(emu.url, [
      'start-replay', '--replay-name', 'cli-replay', '--event-source-arn', archiveArn('cli-archive'),
      '--event-start-time', String(now - 3600), '--event-end-time', String(now + 60), '--destination', JSON.stringify({ Arn: busArn('orders') }),
    ]);
    expect(started.json.State).toBe('STARTING');
    await waitForReplay('cli-replay', 'COMPLETED');
    const listed = await awsEvents(emu.url, ['list-replays']);
    expect(listed.json.Replays[0]).toMatchObject({ ReplayName: 'cli-replay', State: 'COMPLETED' });
  }, 300_000);
});
