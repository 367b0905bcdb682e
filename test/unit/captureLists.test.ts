import { CaptureLists } from '../../src/store/captureLists.js';
import type { CapturedPayload } from '../../src/store/schema.js';

const parameters = { SqsParameters: { MessageGroupId: 'g' } };
const capture = (i: number, over: Partial<CapturedPayload> = {}): CapturedPayload => ({
  targetArn: 'arn:aws:sqs:us-east-1:000000000000:q',
  targetId: 't',
  ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r',
  eventId: `e-${i}`,
  at: 1_700_000_000_000 + i,
  payload: JSON.stringify({ i, text: 'line\nbreak "quoted" ü✓' }),
  parameters,
  ...over,
});

test('a capture reads back as it was appended, fields in their order, payload byte for byte', () => {
  const lists = new CaptureLists(1024 * 1024);
  const appended = [capture(1), capture(2, { payload: 'not JSON at all\n\nwith blank lines' }), capture(3, { targetId: 'other', ruleArn: 'arn:other', parameters: {} }), capture(4, { payload: '' })];
  for (const c of appended) lists.append(c.targetArn, c, 10);
  const read = lists.list(appended[0]!.targetArn);
  expect(read).toEqual(appended);
  expect(read.map((c) => Object.keys(c))).toEqual(appended.map(() => ['targetArn', 'targetId', 'ruleArn', 'eventId', 'at', 'payload', 'parameters']));
  expect(lists.count).toBe(4);
  expect(JSON.parse(JSON.stringify(lists))).toEqual({ [appended[0]!.targetArn]: appended });
});

test('each target keeps its last `max`, and no more bytes than the bound; other targets are apart', () => {
  const lists = new CaptureLists(8192);
  for (let i = 0; i < 50; i++) lists.append('a', capture(i, { targetArn: 'a' }), 20);
  for (let i = 0; i < 5; i++) lists.append('b', capture(i, { targetArn: 'b', payload: 'x'.repeat(3000) }), 20);
  expect(lists.list('a').map((c) => c.eventId)).toEqual(Array.from({ length: 20 }, (_, i) => `e-${30 + i}`));
  const b = lists.list('b');
  // 3 KB payloads in 8 KiB: the newest two.
  expect(b.map((c) => c.eventId)).toEqual(['e-3', 'e-4']);
  expect(lists.list('none')).toEqual([]);
  expect(lists.list('__proto__')).toEqual([]);
  expect(lists.entries().map(([key, list]) => [key, list.length])).toEqual([['a', 20], ['b', 2]]);
  lists.clear();
  expect(lists.count).toBe(0);
  expect(lists.entries()).toEqual([]);
});

test('a capture of another shape (a hand-written journal line) is kept whole', () => {
  const lists = new CaptureLists(4096);
  const odd = { targetArn: 'a', eventId: 7, at: 'yesterday', extra: [1, 2] } as unknown as CapturedPayload;
  lists.append('a', odd, 10);
  lists.append('a', capture(1, { targetArn: 'a' }), 10);
  expect(lists.list('a')).toEqual([odd, capture(1, { targetArn: 'a' })]);
});
