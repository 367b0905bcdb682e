import { appendBounded, lastOf } from '../../src/store/deliveryRecords.js';

test('appendBounded keeps at least the last `max` items and never more than a quarter over; lastOf shows exactly the last `max`', () => {
  const lists: Record<string, number[]> = {};
  for (let i = 0; i < 1_000; i++) {
    appendBounded(lists, 'q', i, 8);
    expect(lists.q.length).toBeLessThanOrEqual(10);
    expect(lastOf(lists.q, 8)).toEqual(Array.from({ length: Math.min(8, i + 1) }, (_, k) => i - Math.min(8, i + 1) + 1 + k));
  }
  expect(lastOf(undefined, 8)).toEqual([]);
});
