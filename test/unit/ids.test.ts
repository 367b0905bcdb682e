import { randomUUID } from 'node:crypto';
import { randomIds } from '../../src/util/ids.js';

const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids are random version 4 UUIDs, spelled as crypto.randomUUID spells them', () => {
  expect(randomUUID()).toMatch(v4);
  // More than one refill of the random bytes (64 KB = 4,096 ids): no id repeats across a refill.
  const ids = Array.from({ length: 10_000 }, () => randomIds.uuid());
  for (const id of ids) expect(id).toMatch(v4);
  expect(new Set(ids).size).toBe(ids.length);
  // Each id is its own string, not a view of a buffer that the next id overwrites.
  const first = randomIds.uuid();
  const copy = `${first}`;
  randomIds.uuid();
  expect(first).toBe(copy);
});

test('every hex digit of the random part is used (no stuck digit)', () => {
  const seen = Array.from({ length: 36 }, () => new Set<string>());
  for (let i = 0; i < 2_000; i++) [...randomIds.uuid()].forEach((c, at) => seen[at].add(c));
  seen.forEach((digits, at) => {
    if ([8, 13, 18, 23].includes(at)) expect([...digits]).toEqual(['-']);
    else if (at === 14) expect([...digits]).toEqual(['4']);
    else if (at === 19) expect([...digits].sort()).toEqual(['8', '9', 'a', 'b']);
    else expect(digits.size).toBe(16);
  });
});
