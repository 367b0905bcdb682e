/** The token bucket behind InvocationRateLimitPerSecond, on explicit times. */
import { InvocationRateLimiter } from '../../src/engine/delivery/rateLimiter.js';

const far = Number.MAX_SAFE_INTEGER;

test('a burst up to the limit goes at once; the rest get consecutive slots 1/L s apart', () => {
  const limiter = new InvocationRateLimiter();
  const admissions = Array.from({ length: 6 }, (_, i) => limiter.admit('d', `j${i}`, 2, 0, far));
  expect(admissions).toEqual([{ go: true }, { go: true }, { go: false, until: 500 }, { go: false, until: 1000 }, { go: false, until: 1500 }, { go: false, until: 2000 }]);
});

test('a job back at its slot goes without taking another token; early, it waits again', () => {
  const limiter = new InvocationRateLimiter();
  limiter.admit('d', 'a', 1, 0, far);
  expect(limiter.admit('d', 'b', 1, 0, far)).toEqual({ go: false, until: 1000 });
  expect(limiter.admit('d', 'b', 1, 999, far)).toEqual({ go: false, until: 1000 });
  expect(limiter.admit('d', 'b', 1, 1000, far)).toEqual({ go: true });
  // b's slot was paid when reserved: a newcomer at 1000 waits for the next one.
  expect(limiter.admit('d', 'c', 1, 1000, far)).toEqual({ go: false, until: 2000 });
});

test('the bucket refills at the limit, up to one second of burst', () => {
  const limiter = new InvocationRateLimiter();
  for (let i = 0; i < 4; i++) expect(limiter.admit('d', `a${i}`, 4, 0, far)).toEqual({ go: true });
  expect(limiter.admit('d', 'b', 4, 250, far)).toEqual({ go: true });
  expect(limiter.admit('d', 'c', 4, 250, far)).toEqual({ go: false, until: 500 });
  // Idle for a long time: only a full bucket (4), not more.
  const fresh = Array.from({ length: 5 }, (_, i) => limiter.admit('d', `e${i}`, 4, 60_000, far));
  expect(fresh.filter((a) => a.go)).toHaveLength(4);
});

test('destinations have separate buckets; fractional rates give integer ms slots, never early', () => {
  const limiter = new InvocationRateLimiter();
  expect(limiter.admit('x', 'a', 1, 0, far)).toEqual({ go: true });
  expect(limiter.admit('y', 'b', 1, 0, far)).toEqual({ go: true });
  const three = new InvocationRateLimiter();
  for (let i = 0; i < 3; i++) three.admit('d', `a${i}`, 3, 0, far);
  expect([three.admit('d', 'b', 3, 0, far), three.admit('d', 'c', 3, 0, far), three.admit('d', 'e', 3, 0, far)]).toEqual([
    { go: false, until: 334 },
    { go: false, until: 667 },
    { go: false, until: 1000 },
  ]);
});

test('no slot within the deadline: wait for the deadline without reserving, then expire', () => {
  const limiter = new InvocationRateLimiter();
  limiter.admit('d', 'a', 1, 0, far);
  expect(limiter.admit('d', 'late', 1, 0, 500)).toEqual({ go: false, until: 500 });
  // It reserved nothing: the next job still gets the 1000 ms slot.
  expect(limiter.admit('d', 'next', 1, 0, far)).toEqual({ go: false, until: 1000 });
  expect(limiter.admit('d', 'late', 1, 500, 500)).toEqual({ go: false, expired: true });
});

test('reset forgets buckets and reservations', () => {
  const limiter = new InvocationRateLimiter();
  limiter.admit('d', 'a', 1, 0, far);
  limiter.admit('d', 'b', 1, 0, far);
  limiter.reset();
  expect(limiter.admit('d', 'b', 1, 0, far)).toEqual({ go: true });
});
