import { DeliveryHistory, payloadIsEvent, type HistoryChange } from '../../src/engine/delivery/history.js';
import type { DeliveryJob } from '../../src/store/schema.js';

const job = (id: string): DeliveryJob => ({
  id,
  account: '123456789012',
  region: 'us-east-1',
  ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
  ruleName: 'r',
  eventBusName: 'default',
  target: { Id: 't', Arn: 'arn:aws:events:us-east-1:123456789012:api-destination/d/1' },
  event: { id: `event-${id}`, source: 'app', 'detail-type': 'Tick', detail: { n: 1 } },
  payload: '{"n":1}',
  hops: 0,
  createdAt: 1000,
  nextAttemptAt: 1000,
  attempts: [{ at: 1001, latencyMs: 2, ok: false, statusCode: 500, request: { method: 'POST', url: 'http://127.0.0.1:1/x', headers: { a: 'b' }, bodyIsPayload: true } }],
});

test('a finished delivery is kept as it was when it finished, with its status, time and dead-letter queue', () => {
  const history = new DeliveryHistory();
  const heard: HistoryChange[] = [];
  history.subscribe((change) => heard.push(change));
  const delivered = job('1');
  const deadLettered = job('2');
  history.recordFinished({ job: delivered, status: 'delivered', finishedAt: 2000 });
  history.recordFinished({ job: deadLettered, status: 'dead-lettered', finishedAt: 3000, deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' });
  const expected = [
    { job: job('1'), status: 'delivered', finishedAt: 2000, seq: 1 },
    { job: job('2'), status: 'dead-lettered', finishedAt: 3000, deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq', seq: 2 },
  ];
  // Changing the job afterwards does not change what was kept.
  delivered.attempts.push({ at: 5000, latencyMs: 1, ok: true });
  (delivered.event as { detail: { n: number } }).detail.n = 99;
  expect(history.finishedDeliveries()).toEqual(expected);
  // Each read is a copy of its own.
  history.finishedDeliveries()[0].job.attempts.length = 0;
  expect(history.finishedDeliveries()).toEqual(expected);
  // Listeners hear the delivery itself, as it finished.
  expect(heard.map((c) => (c.kind === 'finished' ? c.delivery.job : undefined))).toEqual([delivered, deadLettered]);
  history.clear();
  expect(history.finishedDeliveries()).toEqual([]);
});

test('a finished delivery whose payload is the event itself reads back whole (the event is kept once)', () => {
  const history = new DeliveryHistory();
  const whole = (id: string): DeliveryJob => {
    const j = job(id);
    j.payload = JSON.stringify(j.event);
    return j;
  };
  const marked = whole('1');
  payloadIsEvent.add(marked);
  history.recordFinished({ job: marked, status: 'delivered', finishedAt: 2000 });
  // Unmarked with an unrelated payload: the event is kept beside it.
  history.recordFinished({ job: job('2'), status: 'dropped', finishedAt: 2500 });
  marked.target.Id = 'changed later';
  expect(history.finishedDeliveries()).toEqual([
    { job: { ...whole('1'), target: { Id: 't', Arn: job('1').target.Arn } }, status: 'delivered', finishedAt: 2000, seq: 1 },
    { job: job('2'), status: 'dropped', finishedAt: 2500, seq: 2 },
  ]);
  expect(history.finishedAt(1).job.payload).toBe(JSON.stringify(whole('1').event));
});

test('recent events are kept per bus, newest first, filtered by account, region and bus', () => {
  const history = new DeliveryHistory();
  const recent = (eventBusName: string, receivedAt: number, account = '123456789012') => ({
    account,
    region: 'us-east-1',
    eventBusName,
    receivedAt,
    event: { id: `e${receivedAt}`, source: 'app', detail: { n: receivedAt } } as Record<string, unknown>,
    matchedRules: ['r'],
  });
  const first = recent('default', 1);
  history.recordEvent(first);
  history.recordEvent(recent('orders', 2));
  history.recordEvent(recent('default', 3, '210987654321'));
  history.recordEvent({ ...recent('orders', 4), matchedRules: [], dropped: 'Event bus orders does not exist' });
  expect(history.recentEvents({}).map((e) => e.receivedAt)).toEqual([4, 3, 2, 1]);
  expect(history.recentEvents({ eventBusName: 'orders' })).toEqual([{ ...recent('orders', 4), matchedRules: [], dropped: 'Event bus orders does not exist' }, recent('orders', 2)]);
  expect(history.recentEvents({ account: '123456789012', eventBusName: 'default' })).toEqual([recent('default', 1)]);
  expect(history.recentEvents({ region: 'eu-west-1' })).toEqual([]);
  history.clear();
  expect(history.recentEvents({})).toEqual([]);
});

test('a finished record reads back exactly, whatever its payload holds and whichever optional fields the job has', () => {
  const history = new DeliveryHistory();
  const full = job('3');
  full.payload = 'line one\nline "two"\n\n{"é":"日本"}\\n\u2028';
  full.httpParametersResolved = true;
  full.invocation = { executionId: 'x-1', scheduledTime: 1234, missed: true };
  full.event = { id: 'e-3', detail: { text: 'a\nb', nested: [1, { k: null }] } };
  full.attempts.push({ at: 1002, latencyMs: 0.125, ok: true, statusCode: 200, response: { body: 'ok\n' } });
  const whole = job('4');
  whole.payload = JSON.stringify(whole.event);
  payloadIsEvent.add(whole);
  history.recordFinished({ job: full, status: 'dead-lettered', finishedAt: 2000.5, deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' });
  history.recordFinished({ job: whole, status: 'dropped', finishedAt: 3000, seq: 42 });
  const expectedFull = { ...job('3'), payload: full.payload, httpParametersResolved: true, invocation: full.invocation, event: full.event, attempts: [...job('3').attempts, full.attempts[1]] };
  expect(history.finishedDeliveries()).toEqual([
    { job: expectedFull, status: 'dead-lettered', finishedAt: 2000.5, deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq', seq: 1 },
    { job: { ...job('4'), payload: whole.payload }, status: 'dropped', finishedAt: 3000, seq: 42 },
  ]);
  expect(history.finishedAt(1).job.payload).toBe(full.payload);
  expect(history.finishedAt(0).job.event).toEqual(job('4').event);
  expect(history.finishedMatching({ status: 'dead-lettered', eventId: 'e-3' }).map((m) => m.seq)).toEqual([1]);
});

test('records of one target object under other rules, accounts and buses are filtered by their own fields, also after a clear', () => {
  const history = new DeliveryHistory();
  const shared = job('x').target;
  const variants: Array<Partial<DeliveryJob>> = [{}, { ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/other' }, { account: '210987654321' }, { region: 'eu-west-1' }, { eventBusName: 'b' }];
  const record = (round: number) =>
    variants.forEach((over, i) => history.recordFinished({ job: { ...job(`${round}-${i}`), target: shared, ...over }, status: 'delivered', finishedAt: 2000 + i }));
  for (const round of [1, 2]) {
    record(round);
    const ids = (f: Parameters<DeliveryHistory['finishedMatching']>[0]) => history.finishedMatching(f).map((m) => history.finishedAt(m.k).job.id);
    expect(ids({ ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/other' })).toEqual([`${round}-1`]);
    expect(ids({ account: '210987654321' })).toEqual([`${round}-2`]);
    expect(ids({ region: 'eu-west-1' })).toEqual([`${round}-3`]);
    expect(ids({ eventBusName: 'b' })).toEqual([`${round}-4`]);
    expect(ids({ eventBusName: 'default', account: '123456789012', region: 'us-east-1', ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r' })).toEqual([`${round}-0`]);
    expect(ids({ targetArn: shared.Arn })).toHaveLength(5);
    history.clear();
  }
});
