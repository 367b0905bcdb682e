import { VirtualClock } from '../../src/util/clock.js';

test('advance fires due timers in time order, including ones armed while firing', () => {
  let real = 1_000_000;
  const clock = new VirtualClock(() => real);
  const fired: string[] = [];
  clock.at(real + 3000, () => fired.push('c'));
  clock.at(real + 1000, () => {
    fired.push('a');
    clock.at(clock.now() + 500, () => fired.push('a+500'));
  });
  clock.at(real + 2000, () => fired.push('b'));
  clock.at(real + 10_000, () => fired.push('later'));
  clock.advance(3000);
  expect(fired).toEqual(['a', 'a+500', 'b', 'c']);
  expect(clock.now()).toBe(real + 3000);
  clock.stop();
});

test('a cancelled timer never fires; time never moves back', () => {
  const clock = new VirtualClock(() => 0);
  const fired: number[] = [];
  const cancel = clock.at(100, () => fired.push(1));
  clock.at(200, () => fired.push(2));
  cancel();
  clock.advance(1000);
  expect(fired).toEqual([2]);
  expect(() => clock.advance(-1)).toThrow(RangeError);
  clock.stop();
});

test('timers also fire in real time', async () => {
  const clock = new VirtualClock();
  const fired = await new Promise<boolean>((resolve) => clock.at(clock.now() + 20, () => resolve(true)));
  expect(fired).toBe(true);
  clock.stop();
});

test('a rate-like chain of 10,000 ticks advances in one call', () => {
  const clock = new VirtualClock(() => 0);
  let ticks = 0;
  const tick = (at: number) => clock.at(at, () => {
    ticks++;
    tick(at + 60_000);
  });
  tick(60_000);
  clock.advance(10_000 * 60_000);
  expect(ticks).toBe(10_000);
  clock.stop();
});

test('a settled advance stands at each due time until the work it started is done', async () => {
  const clock = new VirtualClock(() => 0);
  const seen: number[] = [];
  let work = Promise.resolve();
  // A "retry" armed asynchronously, 1 s after the time its attempt was due.
  const attempt = () => {
    seen.push(clock.now());
    work = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (seen.length < 5) clock.at(clock.now() + 1000, attempt);
    });
  };
  clock.at(1000, attempt);
  await clock.advanceSettled(60_000, () => work);
  expect(seen).toEqual([1000, 2000, 3000, 4000, 5000]);
  expect(clock.now()).toBe(60_000);
  expect(clock.offset).toBe(60_000);
  clock.stop();
});

test('while real time passes during an advance, each timer still sees its own due time, and the end is exact', async () => {
  let real = 1_000_000;
  const clock = new VirtualClock(() => real++); // every reading of the real clock is 1 ms later
  const seen: number[] = [];
  const start = clock.now();
  for (const at of [start + 10_000, start + 20_000]) clock.at(at, () => seen.push(clock.now()));
  clock.advance(30_000);
  expect(seen).toEqual([start + 10_000, start + 20_000]);
  const afterAdvance = clock.now();
  expect(afterAdvance - start).toBeGreaterThanOrEqual(30_000);
  expect(afterAdvance - start).toBeLessThanOrEqual(30_000 + 3); // only the readings since
  const settled: number[] = [];
  const base = clock.now();
  clock.at(base + 5_000, () => settled.push(clock.now()));
  await clock.advanceSettled(10_000, async () => undefined);
  expect(settled).toEqual([base + 5_000]);
  clock.stop();
});
