import { attemptsText, finishedHead } from '../../src/engine/delivery/finishedHead.js';
import type { AttemptRecord } from '../../src/store/schema.js';
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
  ['an immediate delivery (one ok attempt, the engine\'s literal)', job({ attempts: [{ at: 1000.25, latencyMs: 0.013, ok: true, statusCode: undefined, errorCode: undefined, errorMessage: undefined, request: undefined, response: undefined }] }), 0, 1000.5, 9, undefined],
  ['no attempts at all', job({ attempts: [] }), 0, 1, 2, undefined],
  ['names that need escaping', job({ ruleName: 'r"\\\n\u00e9', eventBusName: 'bus/\u2028' }), 0, 1, 2, undefined],
])('the head is the text JSON.stringify gives: %s', (_name, j, s, f, q, d) => {
  expect(finishedHead(j, s, f, q, d)).toBe(stringified(j, s, f, q, d));
});

test('jobs of another rule sharing a target object get their own rule fields', () => {
  const first = job();
  const other = job({ ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/other', ruleName: 'other', account: '210987654321', region: 'eu-west-1', eventBusName: 'b' });
  for (const j of [first, other, first, other]) expect(finishedHead(j, 0, 1, 2, undefined)).toBe(stringified(j, 0, 1, 2));
});

test.each<[string, AttemptRecord[]]>([
  ['none', []],
  ['one ok', [{ at: 1, latencyMs: 0.5, ok: true }]],
  ['undefined members kept as members', [{ at: 1, latencyMs: 0.5, ok: true, statusCode: undefined, errorCode: undefined, errorMessage: undefined, request: undefined, response: undefined }]],
  ['every member', [{ at: 1, latencyMs: 2, ok: false, statusCode: 503, errorCode: 'ERROR_FROM_TARGET', errorMessage: 'x"\u2028', request: { method: 'POST', headers: { a: 'b' }, bodyIsPayload: true }, response: { statusCode: 503, body: 'no' } }]],
  ['failNow\'s', [{ at: 1, latencyMs: 0, ok: false, errorCode: 'INVALID_JSON', errorMessage: 'bad' }]],
  ['non-finite numbers', [{ at: Number.NaN, latencyMs: Number.POSITIVE_INFINITY, ok: true, statusCode: Number.NEGATIVE_INFINITY }]],
  ['several, one not well typed', [{ at: 1, latencyMs: 1, ok: true }, { at: '2', latencyMs: 1, ok: true } as unknown as AttemptRecord, null as unknown as AttemptRecord, { at: 3, latencyMs: 1, ok: false, request: undefined, response: 'r' }]],
])('attempts are written as JSON.stringify writes them: %s', (_name, attempts) => {
  expect(attemptsText(attempts)).toBe(JSON.stringify(attempts));
});

test('attempts made at random are written as JSON.stringify writes them', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)];
  for (let n = 0; n < 500; n++) {
    const attempts: AttemptRecord[] = [];
    for (let i = Math.floor(random() * 4); i > 0; i--) {
      attempts.push({
        at: pick([0, 1.5, 1764699000123.4567, Number.NaN]),
        latencyMs: pick([0, 0.001, 5000]),
        ok: random() < 0.5,
        statusCode: pick([undefined, 200, 500]),
        errorCode: pick([undefined, 'TIMEOUT', '"\\']),
        errorMessage: pick([undefined, '', 'a\nb']),
        request: pick([undefined, { url: 'http://x', body: '{"a":1}' }]),
        response: pick([undefined, { statusCode: 200 }, 'text']),
      });
    }
    expect(attemptsText(attempts)).toBe(JSON.stringify(attempts));
  }
});
