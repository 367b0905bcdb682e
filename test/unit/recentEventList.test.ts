import { RecentEventList } from '../../src/engine/delivery/recentEventList.js';

const item = (n: number) => ({ n, detail: { text: `event ${n}`, tags: ['a', 'b'] } });
const items = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => item(from + i));

test('holds the newest max items, oldest first, whether they are still objects or already serialized', () => {
  const list = new RecentEventList<ReturnType<typeof item>>(5, 1024 * 1024);
  for (const i of items(0, 3)) list.push(i);
  expect(list.toArray()).toEqual(items(0, 3));
  list.age(); // 0-2 have now been seen by one aging
  for (const i of items(3, 5)) list.push(i);
  expect(list.age()).toBe(true); // 0-2 serialized, 3-4 still objects
  expect(list.toArray()).toEqual(items(0, 5));
  for (const i of items(5, 8)) list.push(i); // 0-2 fall out of the newest 5
  expect(list.toArray()).toEqual(items(3, 8));
  list.age();
  expect(list.age()).toBe(false); // everything serialized
  expect(list.toArray()).toEqual(items(3, 8));
});

test('an item serialized is kept as it was at aging; reads are copies', () => {
  const list = new RecentEventList<ReturnType<typeof item>>(5, 1024 * 1024);
  const first = item(1);
  list.push(first);
  list.age();
  list.age();
  first.detail.text = 'changed';
  const read = list.toArray();
  expect(read).toEqual([item(1)]);
  read[0].detail.tags.push('c');
  expect(list.toArray()).toEqual([item(1)]);
});

test('at high rates items are dropped as objects, never serialized, and the newest max stay', () => {
  let serialized = 0;
  const counted = (n: number) => ({ n, toJSON: () => (serialized++, { n }) });
  const list = new RecentEventList<{ n: number }>(100, 1024 * 1024);
  for (let round = 0; round < 5; round++) {
    for (let n = round * 1000; n < (round + 1) * 1000; n++) list.push(counted(n));
    list.age();
  }
  expect(serialized).toBe(0);
  expect(list.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => ({ n: 4900 + i })));
  // A read copies only the newest max, however many older items are still held.
  for (let n = 5000; n < 5150; n++) list.push(counted(n));
  serialized = 0;
  expect(list.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => ({ n: 5050 + i })));
  expect(serialized).toBe(100);
});

test('a mix: what was serialized and what is fresh make up the newest max together', () => {
  const list = new RecentEventList<ReturnType<typeof item>>(10, 1024 * 1024);
  for (const i of items(0, 8)) list.push(i);
  list.age();
  list.age(); // 0-7 serialized
  for (const i of items(8, 15)) list.push(i); // 8-14 fresh; newest 10 are 5-14
  expect(list.toArray()).toEqual(items(5, 15));
  list.clear();
  expect(list.toArray()).toEqual([]);
  list.push(item(99));
  expect(list.toArray()).toEqual([item(99)]);
});
