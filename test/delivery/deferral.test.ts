/**
 * The engine's "not yet" outcome (SendOutcome.deferUntil), used by the API destination rate
 * limit: the job waits in the durable queue until then, and no attempt is recorded.
 */
import { DeliveryEngine } from '../../src/engine/delivery/engine.js';
import { DeliveryHistory } from '../../src/engine/delivery/history.js';
import type { SendOutcome, Sender } from '../../src/engine/delivery/senders.js';
import { Store } from '../../src/store/store.js';
import type { DeliveryJob } from '../../src/store/schema.js';
import { VirtualClock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/log.js';

const t0 = Date.UTC(2026, 0, 1);

test('a deferred job is retried at the given time without counting an attempt', async () => {
  const clock = new VirtualClock(() => t0);
  const store = await Store.open(undefined, (account, region) => ({ account, region, eventBuses: {}, rules: {}, tags: {} }) as never);
  const script: SendOutcome[] = [{ ok: false, deferUntil: t0 + 2_000 }, { ok: false, deferUntil: t0 + 2_500 }, { ok: true }];
  const calls: number[] = [];
  const sender: Sender = () => {
    calls.push(clock.now() - t0);
    return script.shift()!;
  };
  const history = new DeliveryHistory();
  const engine = new DeliveryEngine({ store, clock, log: createLogger('silent'), history, random: () => 0.5, senders: { 'event-bus': sender, 'api-destination': sender, captured: sender } });
  const job: DeliveryJob = {
    id: 'j',
    account: '000000000000',
    region: 'us-east-1',
    ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r',
    ruleName: 'r',
    eventBusName: 'default',
    target: { Id: 't', Arn: 'arn:aws:events:us-east-1:000000000000:api-destination/d/1' },
    event: { id: 'e' },
    payload: '{}',
    hops: 0,
    createdAt: t0,
    nextAttemptAt: t0,
    attempts: [],
  };
  engine.enqueue(job);
  await engine.idle();
  expect(engine.pending()[0]).toMatchObject({ nextAttemptAt: t0 + 2_000, attempts: [] });
  clock.advance(1_999);
  await engine.idle();
  expect(calls).toEqual([0]);
  clock.advance(1);
  await engine.idle();
  clock.advance(500);
  await engine.idle();
  expect(calls).toEqual([0, 2_000, 2_500]);
  const [done] = history.finishedDeliveries();
  expect(done.status).toBe('delivered');
  expect(done.job.attempts).toHaveLength(1);
  expect(done.job.attempts[0].at).toBe(t0 + 2_500);
  engine.stop();
});
