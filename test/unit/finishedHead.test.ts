import { finishedHead } from '../../src/engine/delivery/finishedHead.js';
import type { DeliveryJob } from '../../src/store/schema.js';

const target = { Id: 't', Arn: 'arn:aws:sqs:us-east-1:123456789012:q' };
const job = (over: Partial<DeliveryJob> = {}): DeliveryJob => ({
  id: 'job-1',
  account: '123456789012',
  region: 'us-east-1',
  ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
  ruleName: 'r',
  eventBusName: 'default',
  target,
  event: { id: 'e-1' },
  payload: '{}',
  hops: 0,
  createdAt: 1000,
  nextAttemptAt: 1000,
  attempts: [{ at: 1001, latencyMs: 2, ok: false, statusCode: 500, errorMessage: 'quote " and \u2028' }],
  ...over,
});

/** What the head was before it was built by hand: one stringify of this literal. */
const stringified = (j: DeliveryJob, s: number, f: number, q: number, d?: string) =>
  JSON.stringify({
    s,
    f,
    q,
    d,
    j: {
      id: j.id,
      account: j.account,
      region: j.region,
      ruleArn: j.ruleArn,
      ruleName: j.ruleName,
      eventBusName: j.eventBusName,
      hops: j.hops,
      createdAt: j.createdAt,
      nextAttemptAt: j.nextAttemptAt,
      attempts: j.attempts,
      httpParametersResolved: j.httpParametersResolved,
      invocation: j.invocation,
    },
  });

test.each([
  ['a plain job', job(), 0, 2000, 1, undefined],
  ['a dead-lettered job with every optional field', job({ httpParametersResolved: true, invocation: { executionId: 'x"y', scheduledTime: 5, missed: true } }), 1, 2000.5, 7, 'arn:aws:sqs:us-east-1:123456789012:dlq'],
  ['non-finite and missing numbers', job({ nextAttemptAt: Number.POSITIVE_INFINITY, hops: undefined as unknown as number }), 2, Number.NaN, 3, undefined],
  ['names that need escaping', job({ ruleName: 'r"\\\n\u00e9', eventBusName: 'bus/\u2028' }), 0, 1, 2, undefined],
])('the head is the text JSON.stringify gives: %s', (_name, j, s, f, q, d) => {
  expect(finishedHead(j, s, f, q, d)).toBe(stringified(j, s, f, q, d));
});

test('jobs of another rule sharing a target object get their own rule fields', () => {
  const first = job();
  const other = job({ ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/other', ruleName: 'other', account: '210987654321', region: 'eu-west-1', eventBusName: 'b' });
  for (const j of [first, other, first, other]) expect(finishedHead(j, 0, 1, 2, undefined)).toBe(stringified(j, 0, 1, 2));
});
