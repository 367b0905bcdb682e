import { Ring } from '../../src/util/ring.js';

test('keeps the last `capacity` items, oldest first, whatever the number pushed', () => {
  for (const pushed of [0, 1, 3, 4, 5, 9, 12]) {
    const ring = new Ring<number>(4);
    for (let i = 0; i < pushed; i++) ring.push(i);
    const expected = Array.from({ length: pushed }, (_, i) => i).slice(-4);
    expect(ring.toArray()).toEqual(expected);
    expect(ring.length).toBe(expected.length);
  }
});

test('toArray is a copy', () => {
  const ring = new Ring<number>(2);
  ring.push(1);
  ring.toArray().push(99);
  expect(ring.toArray()).toEqual([1]);
});
