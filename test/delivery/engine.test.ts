/**
 * The delivery engine with a real store (a JSON file) and a real virtual clock;
 * only the sender is scripted, so retries, exhaustion and restarts can be forced.
 * (End-to-end retries against real HTTP servers are in the API destination tests.)
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryEngine } from '../../src/engine/delivery/engine.js';
import { DeliveryHistory } from '../../src/engine/delivery/history.js';
import type { SendOutcome, Sender } from '../../src/engine/delivery/senders.js';
import { lowdbStateFile } from '../../src/store/lowdbFile.js';
import { Store } from '../../src/store/store.js';
import type { DeliveryJob } from '../../src/store/schema.js';
import { VirtualClock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/log.js';

const t0 = Date.UTC(2026, 0, 1);

async function setup(dataDir: string, script: Array<SendOutcome>, clock = new VirtualClock(() => t0), immediate?: Array<'captured'>) {
  const store = await Store.open(lowdbStateFile(join(dataDir, 'state.json')), (account, region) => ({ account, region, eventBuses: {}, rules: {}, tags: {}, archives: {}, replays: {} }));
  const sent: string[] = [];
  const scripted: Sender = (job) => {
    sent.push(job.id);
    return script.shift() ?? { ok: true };
  };
  const history = new DeliveryHistory();
  const engine = new DeliveryEngine({
    store,
    clock,
    log: createLogger('silent'),
    history,
    random: () => 0.5,
    senders: { 'event-bus': scripted, 'api-destination': scripted, captured: scripted },
    immediate,
  });
  return { store, engine, clock, sent, history };
}

function job(id: string, target: Record<string, unknown> = {}): DeliveryJob {
  return {
    id,
    account: '000000000000',
    region: 'us-east-1',
    ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r',
    ruleName: 'r',
    eventBusName: 'default',
    target: { Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', ...target },
    event: { id: `event-${id}`, source: 's' },
    payload: '{}',
    hops: 0,
    createdAt: t0,
    nextAttemptAt: t0,
    attempts: [],
  };
}

const failure = (retryable = true): SendOutcome => ({ ok: false, retryable, errorCode: 'ERROR_FROM_TARGET', errorMessage: 'boom', statusCode: 503 });
const dir = () => mkdtempSync(join(tmpdir(), 'ebl-engine-'));

test('a failing delivery is retried with backoff on the clock, then succeeds', async () => {
  const { engine, clock, sent, history } = await setup(dir(), [failure(), failure()]);
  engine.enqueue(job('a'));
  clock.advance(0);
  await engine.idle();
  expect(sent).toHaveLength(1);
  expect(engine.pending()[0].nextAttemptAt).toBe(t0 + 750);
  clock.advance(749);
  await engine.idle();
  expect(sent).toHaveLength(1);
  clock.advance(1);
  await engine.idle();
  expect(sent).toHaveLength(2);
  clock.advance(1500);
  await engine.idle();
  expect(sent).toHaveLength(3);
  expect(engine.pending()).toEqual([]);
  const [done] = history.finishedDeliveries();
  expect(done.status).toBe('delivered');
  expect(done.job.attempts.map((a) => a.ok)).toEqual([false, false, true]);
  expect(done.job.attempts.map((a) => a.at - t0)).toEqual([0, 750, 2250]);
  engine.stop();
});

test('after MaximumRetryAttempts the event goes to the dead-letter queue with AWS attributes', async () => {
  const { engine, clock, store } = await setup(dir(), [failure(), failure(), failure()]);
  engine.enqueue(job('b', { RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } }));
  for (let i = 0; i < 5; i++) {
    clock.advance(60_000);
    await engine.idle();
  }
  const [message] = store.delivery.deadLetters['arn:aws:sqs:us-east-1:000000000000:dlq'];
  expect(JSON.parse(message.body)).toEqual({ id: 'event-b', source: 's' });
  expect(message.attributes).toEqual({
    RULE_ARN: 'arn:aws:events:us-east-1:000000000000:rule/r',
    TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    ERROR_CODE: 'ERROR_FROM_TARGET',
    ERROR_MESSAGE: 'boom',
    EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
    RETRY_ATTEMPTS: '2',
  });
  expect(engine.pending()).toEqual([]);
  engine.stop();
});

test('MaximumEventAgeInSeconds ends retries too; without a DLQ the event is dropped and recorded', async () => {
  const failures = Array.from({ length: 50 }, () => failure());
  const { engine, clock, history } = await setup(dir(), failures);
  engine.enqueue(job('c', { RetryPolicy: { MaximumEventAgeInSeconds: 60 } }));
  for (let i = 0; i < 20; i++) {
    clock.advance(10_000);
    await engine.idle();
  }
  const [done] = history.finishedDeliveries();
  expect(done.status).toBe('dropped');
  const last = done.job.attempts[done.job.attempts.length - 1];
  expect(last.at - t0).toBeLessThanOrEqual(60_000);
  engine.stop();
});

test('a non-retryable failure goes to the DLQ at once, without EXHAUSTED_RETRY_CONDITION', async () => {
  const { engine, clock, store } = await setup(dir(), [failure(false)]);
  engine.enqueue(job('d', { DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } }));
  clock.advance(0);
  await engine.idle();
  const [message] = store.delivery.deadLetters['arn:aws:sqs:us-east-1:000000000000:dlq'];
  expect(message.attributes.RETRY_ATTEMPTS).toBe('0');
  expect(message.attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  engine.stop();
});

test('a restart in the middle of a retry schedule loses nothing and resumes where it was', async () => {
  const dataDir = dir();
  const first = await setup(dataDir, [failure(), failure()]);
  first.engine.enqueue(job('e'));
  first.engine.enqueue(job('f'));
  await first.store.persist();
  first.clock.advance(0);
  await first.engine.idle();
  await first.store.flush();
  expect(first.sent).toEqual(['e', 'f']);
  first.engine.stop();
  first.clock.stop();

  // A new process: same data dir, the clock where the first one stopped.
  const second = await setup(dataDir, [], new VirtualClock(() => t0));
  const pending = second.engine.pending();
  expect(pending.map((j) => j.id).sort()).toEqual(['e', 'f']);
  expect(pending.every((j) => j.attempts.length === 1 && j.nextAttemptAt === t0 + 750)).toBe(true);
  second.engine.resume();
  second.clock.advance(750);
  await second.engine.idle();
  expect(second.sent.sort()).toEqual(['e', 'f']);
  expect(second.engine.pending()).toEqual([]);
  expect(second.history.finishedDeliveries().map((d) => d.job.attempts.length)).toEqual([2, 2]);
  second.engine.stop();
});

test('jobs are delivered with bounded concurrency', async () => {
  const { store, clock, history } = await setup(dir(), []);
  let inFlight = 0;
  let peak = 0;
  const slow: Sender = async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return { ok: true };
  };
  const engine = new DeliveryEngine({ store, clock, log: createLogger('silent'), history, random: () => 0.5, senders: { 'event-bus': slow, 'api-destination': slow, captured: slow } });
  for (let i = 0; i < 200; i++) engine.enqueue(job(`j${i}`));
  clock.advance(0);
  await engine.idle();
  expect(history.finishedDeliveries()).toHaveLength(200);
  expect(peak).toBeLessThanOrEqual(32);
  expect(peak).toBeGreaterThan(1);
  engine.stop();
});

describe('immediate kinds (captured targets): delivered inside enqueue', () => {
  const journalText = (dataDir: string) =>
    readdirSync(dataDir)
      .filter((f) => f.endsWith('.journal'))
      .map((f) => readFileSync(join(dataDir, f), 'utf8'))
      .join('');

  test('a successful attempt finishes at once and never enters the queue or the journal as a job', async () => {
    const dataDir = dir();
    const { engine, store, sent, history } = await setup(dataDir, [], undefined, ['captured']);
    engine.enqueue(job('i1'));
    // No clock advance, no await: delivered synchronously.
    expect(sent).toEqual(['i1']);
    expect(store.delivery.pendingCount).toBe(0);
    const [done] = history.finishedDeliveries();
    expect(done.status).toBe('delivered');
    expect(done.job.attempts.map((a) => a.ok)).toEqual([true]);
    await store.persistDeliveries();
    await store.flush();
    const lines = journalText(dataDir).split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('{"o":"j"') || l.startsWith('{"o":"d"'))).toEqual([]);
    engine.stop();
  });

  test('a failed first attempt puts the job in the queue, where it is retried like any other', async () => {
    const dataDir = dir();
    const { engine, store, clock, sent, history } = await setup(dataDir, [failure()], undefined, ['captured']);
    engine.enqueue(job('i2'));
    expect(sent).toEqual(['i2']);
    expect(engine.pending().map((j) => [j.id, j.attempts.length, j.nextAttemptAt - t0])).toEqual([['i2', 1, 750]]);
    await store.persistDeliveries();
    await store.flush();
    expect(journalText(dataDir)).toContain('"id":"i2"');
    clock.advance(750);
    await engine.idle();
    expect(sent).toEqual(['i2', 'i2']);
    expect(engine.pending()).toEqual([]);
    expect(history.finishedDeliveries().map((d) => d.job.attempts.map((a) => a.ok))).toEqual([[false, true]]);
    engine.stop();
  });

  test('a non-retryable first failure is dead-lettered at once', async () => {
    const { engine, store } = await setup(dir(), [failure(false)], undefined, ['captured']);
    engine.enqueue(job('i3', { DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } }));
    expect(store.delivery.deadLetters['arn:aws:sqs:us-east-1:000000000000:dlq'].map((m) => m.attributes.RETRY_ATTEMPTS)).toEqual(['0']);
    expect(store.delivery.pendingCount).toBe(0);
    engine.stop();
  });

  test('kinds not listed keep going through the queue', async () => {
    const { engine, clock, sent } = await setup(dir(), [], undefined, ['captured']);
    engine.enqueue(job('i4', { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/other' }));
    expect(engine.pending().map((j) => j.id)).toEqual(['i4']);
    clock.advance(0);
    await engine.idle();
    expect(sent).toEqual(['i4']);
    engine.stop();
  });
});

describe('fair slots (issue 18 item 13)', () => {
  /** A sender whose attempts at one destination never end (until released), and end at once elsewhere. */
  async function withStuck(dataDir: string, stuckArns: string[]) {
    const store = await Store.open(lowdbStateFile(join(dataDir, 'state.json')), (account, region) => ({ account, region, eventBuses: {}, rules: {}, tags: {}, archives: {}, replays: {} }));
    const held: Array<() => void> = [];
    const sender: Sender = (j) => (stuckArns.includes(j.target.Arn) ? new Promise<SendOutcome>((resolve) => held.push(() => resolve({ ok: true }))) : { ok: true });
    const history = new DeliveryHistory();
    const engine = new DeliveryEngine({
      store,
      clock: new VirtualClock(() => t0),
      log: createLogger('silent'),
      history,
      random: () => 0.5,
      senders: { 'event-bus': sender, 'api-destination': sender, captured: sender },
    });
    return { engine, history, held };
  }
  const inAccount = (id: string, account: string, arn: string): DeliveryJob => ({ ...job(id, { Arn: arn }), account });
  const stuckA = 'arn:aws:events:us-east-1:111111111111:api-destination/stuck/1';
  const stuckA2 = 'arn:aws:events:us-east-1:111111111111:api-destination/stuck-too/2';
  const healthyB = 'arn:aws:events:us-east-1:222222222222:api-destination/healthy/3';

  const deliveredTo = async (history: DeliveryHistory, arn: string, count: number) => {
    for (let i = 0; i < 500; i++) {
      if (history.finishedDeliveries().filter((f) => f.job.target.Arn === arn && f.status === 'delivered').length >= count) return true;
      await new Promise((r) => setImmediate(r));
    }
    return false;
  };

  test("a destination that never answers cannot hold every slot: another account's deliveries go through", async () => {
    const { engine, history, held } = await withStuck(dir(), [stuckA]);
    for (let i = 0; i < 100; i++) engine.enqueue(inAccount(`a${i}`, '111111111111', stuckA));
    for (let i = 0; i < 10; i++) engine.enqueue(inAccount(`b${i}`, '222222222222', healthyB));
    expect(await deliveredTo(history, healthyB, 10)).toBe(true);
    expect(held.length).toBeLessThan(32); // the stuck destination holds no more than its share
    while (held.length) held.shift()!();
    engine.stop();
  });

  test('nor can one account with several stuck destinations', async () => {
    const { engine, history, held } = await withStuck(dir(), [stuckA, stuckA2]);
    for (let i = 0; i < 50; i++) engine.enqueue(inAccount(`a${i}`, '111111111111', stuckA));
    for (let i = 0; i < 50; i++) engine.enqueue(inAccount(`c${i}`, '111111111111', stuckA2));
    for (let i = 0; i < 10; i++) engine.enqueue(inAccount(`b${i}`, '222222222222', healthyB));
    expect(await deliveredTo(history, healthyB, 10)).toBe(true);
    while (held.length) held.shift()!();
    engine.stop();
  });

  test('with no one else waiting, one destination still gets most of the slots, and its jobs keep their order', async () => {
    const { engine, held } = await withStuck(dir(), [stuckA]);
    for (let i = 0; i < 40; i++) engine.enqueue(inAccount(`a${i}`, '111111111111', stuckA));
    expect(held.length).toBe(24);
    let released = 0;
    const release = () => {
      held.shift()!();
      released++;
    };
    release();
    for (let i = 0; i < 2000 && held.length < 24; i++) await new Promise((r) => setTimeout(r, 5));
    expect(held.length).toBe(24); // the next one started as a slot freed
    while (released < 40) {
      if (held.length) release();
      else await new Promise((r) => setTimeout(r, 1));
    }
    await engine.idle();
    expect(engine.pending()).toHaveLength(0);
  });
});
