import fc from 'fast-check';
import { RecentEventList } from '../../src/engine/delivery/recentEventList.js';
import { UnparsedDetail } from '../../src/apis/events/bus/envelope.js';

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

/** The list as it was before the ring (an array cut back to max when it reached twice that): the reference. */
class ArrayRecentEventList<T> {
  private fresh: T[] = [];
  private aged = 0;
  private kept: string[] = [];
  constructor(private readonly max: number) {}
  push(item: T): void {
    this.fresh.push(item);
    if (this.fresh.length >= 2 * this.max) this.dropBeyondMax();
  }
  age(): boolean {
    this.dropBeyondMax();
    for (let i = 0; i < this.aged; i++) this.kept.push(JSON.stringify(this.fresh[i]));
    this.kept = this.kept.slice(-this.max);
    if (this.aged) this.fresh = this.fresh.slice(this.aged);
    this.aged = this.fresh.length;
    return this.aged > 0;
  }
  toArray(): T[] {
    const fresh = this.fresh.slice(-this.max).map((item) => JSON.stringify(item));
    const kept = fresh.length < this.max ? this.kept.slice(fresh.length - this.max) : [];
    return [...kept, ...fresh].map((text) => JSON.parse(text) as T);
  }
  clear(): void {
    this.fresh = [];
    this.aged = 0;
    this.kept = [];
  }
  private dropBeyondMax(): void {
    const beyond = this.fresh.length - this.max;
    if (beyond < 0) return;
    this.kept = [];
    if (beyond === 0) return;
    this.fresh = this.fresh.slice(beyond);
    this.aged = Math.max(0, this.aged - beyond);
  }
}

test('the ring holds, ages and reads exactly what the array it replaced did', () => {
  const step = fc.oneof(
    fc.record({ op: fc.constant('push' as const), count: fc.integer({ min: 1, max: 25 }) }),
    fc.record({ op: fc.constantFrom('age' as const, 'read' as const, 'clear' as const) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.array(step, { maxLength: 60 }), (max, steps) => {
      const ring = new RecentEventList<ReturnType<typeof item>>(max, 1024 * 1024);
      const reference = new ArrayRecentEventList<ReturnType<typeof item>>(max);
      let n = 0;
      for (const s of steps) {
        if (s.op === 'push') {
          for (let i = 0; i < s.count; i++, n++) {
            ring.push(item(n));
            reference.push(item(n));
          }
        } else if (s.op === 'age') expect(ring.age()).toBe(reference.age());
        else if (s.op === 'clear') {
          ring.clear();
          reference.clear();
        } else expect(ring.toArray()).toEqual(reference.toArray());
      }
      expect(ring.toArray()).toEqual(reference.toArray());
    }),
    { numRuns: 300 },
  );
});

test('an event whose Detail is still unparsed text is listed with it parsed, fresh and after aging', () => {
  const list = new RecentEventList<{ id: string; detail: unknown }>(5, 1024 * 1024);
  const text = '{ "total" : 1.50, "note": "caf\\u00e9", "items": [ {"sku": "a"} ] }';
  list.push({ id: 'e1', detail: new UnparsedDetail(text) });
  expect(list.toArray()).toEqual([{ id: 'e1', detail: JSON.parse(text) }]);
  list.age();
  expect(list.age()).toBe(false); // serialized
  expect(list.toArray()).toEqual([{ id: 'e1', detail: JSON.parse(text) }]);
});
