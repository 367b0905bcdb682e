import { captureLine, maxTargetParts, targetPartsCached } from '../../src/store/captureLine.js';
import type { CapturedPayload } from '../../src/store/schema.js';

const parameters = { SqsParameters: { MessageGroupId: 'g"1' } };
const capture = (over: Partial<CapturedPayload> = {}): CapturedPayload => ({
  targetArn: 'arn:aws:sqs:us-east-1:123456789012:q',
  targetId: 't',
  ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
  eventId: 'e-1',
  at: 1000,
  payload: '{"a":"quote \\" newline \\n \u2028 é"}',
  parameters,
  ...over,
});
const stringified = (k: string, v: CapturedPayload, max: number) => JSON.stringify({ o: 'c', k, v, max });

test.each([
  ['a capture', 'arn:aws:sqs:us-east-1:123456789012:q', capture(), 1250],
  ['names and a payload that need escaping', 'arn:"k"\\', capture({ targetId: 'id"\n', ruleArn: 'arn:\u2028', payload: 'plain text, "quoted"\n' }), 25],
  ['non-finite numbers', 'k', capture({ at: Number.NaN }), Number.POSITIVE_INFINITY],
  ['an undefined field (left out, as JSON.stringify does)', 'k', capture({ eventId: undefined as unknown as string }), 5],
])('the line is the text JSON.stringify gives: %s', (_name, key, c, max) => {
  expect(captureLine(key, c, max)).toBe(stringified(key, c, max));
});

test('captures of another rule, target id or parameter blocks under one key get their own fields', () => {
  const key = 'arn:aws:sqs:us-east-1:123456789012:q';
  const variants = [capture(), capture({ ruleArn: 'arn:other' }), capture({ targetId: 'u' }), capture({ parameters: {} }), capture({ targetArn: 'arn:x' }), capture()];
  for (const c of [...variants, ...variants]) expect(captureLine(key, c, 10)).toBe(stringified(key, c, 10));
});

test('consecutive, alternating and equal-but-distinct payloads each get their own JSON', () => {
  const key = 'arn:aws:sqs:us-east-1:123456789012:q';
  const built = (text: string) => [...text].join(''); // equal content, another string
  const payloads = ['{"a":1}', '{"a":1}', '', 'x"y', '{"a":1}', built('{"a":1}'), '\u2028', '', '""'];
  for (const payload of payloads) expect(captureLine(key, capture({ payload }), 10)).toBe(stringified(key, capture({ payload }), 10));
});

test('the per-target texts kept stay bounded however many targets were captured, and lines stay right past the bound', () => {
  for (let i = 0; i < 3 * maxTargetParts; i++) {
    const key = `arn:aws:sqs:us-east-1:123456789012:q-${i}`;
    const c = capture({ targetArn: key });
    expect(captureLine(key, c, 10)).toBe(stringified(key, c, 10));
    expect(targetPartsCached()).toBeLessThanOrEqual(maxTargetParts);
  }
});
