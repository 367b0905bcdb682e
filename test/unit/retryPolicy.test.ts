import { backoffDelay, decideRetry } from '../../src/engine/delivery/retryPolicy.js';

const half = () => 0.5;
const t0 = 1_000_000;

test.each([
  [1, 750],
  [2, 1500],
  [3, 3000],
  [10, 300_000 * 0.75],
  [100, 300_000 * 0.75],
])('backoff after attempt %i is %i ms with mid jitter', (attempts, expected) => {
  expect(backoffDelay(attempts, half)).toBe(expected);
});

test('jitter stays between half and all of the exponential delay', () => {
  expect(backoffDelay(3, () => 0)).toBe(2000);
  expect(backoffDelay(3, () => 0.999999)).toBe(4000);
});

test('a non-retryable failure is not retried and exhausts nothing', () => {
  expect(decideRetry(undefined, { retryable: false }, 1, t0, t0, half)).toEqual({ retry: false });
});

test('retries until MaximumRetryAttempts retries were made', () => {
  const policy = { MaximumRetryAttempts: 2 };
  expect(decideRetry(policy, { retryable: true }, 1, t0, t0, half)).toEqual({ retry: true, at: t0 + 750 });
  expect(decideRetry(policy, { retryable: true }, 2, t0, t0, half)).toEqual({ retry: true, at: t0 + 1500 });
  expect(decideRetry(policy, { retryable: true }, 3, t0, t0, half)).toEqual({ retry: false, exhausted: 'MaximumRetryAttempts' });
});

test('MaximumRetryAttempts 0 means one attempt only', () => {
  expect(decideRetry({ MaximumRetryAttempts: 0 }, { retryable: true }, 1, t0, t0, half)).toEqual({ retry: false, exhausted: 'MaximumRetryAttempts' });
});

test('stops when the next attempt would be past MaximumEventAgeInSeconds', () => {
  const policy = { MaximumEventAgeInSeconds: 60 };
  expect(decideRetry(policy, { retryable: true }, 1, t0, t0 + 59_500, half)).toEqual({ retry: false, exhausted: 'MaximumEventAgeInSeconds' });
  expect(decideRetry(policy, { retryable: true }, 1, t0, t0 + 50_000, half)).toEqual({ retry: true, at: t0 + 50_750 });
});

test('defaults are 185 retries and 24 hours', () => {
  expect(decideRetry(undefined, { retryable: true }, 185, t0, t0, half).retry).toBe(true);
  expect(decideRetry(undefined, { retryable: true }, 186, t0, t0, half)).toEqual({ retry: false, exhausted: 'MaximumRetryAttempts' });
  expect(decideRetry(undefined, { retryable: true }, 5, t0, t0 + 86_400_000 - 100, half)).toEqual({ retry: false, exhausted: 'MaximumEventAgeInSeconds' });
});

test('Retry-After wins when it asks for longer; a negative one stops retrying', () => {
  expect(decideRetry(undefined, { retryable: true, retryAfterMs: 30_000 }, 1, t0, t0, half)).toEqual({ retry: true, at: t0 + 30_000 });
  expect(decideRetry(undefined, { retryable: true, retryAfterMs: 10 }, 1, t0, t0, half)).toEqual({ retry: true, at: t0 + 750 });
  expect(decideRetry(undefined, { retryable: true, retryAfterMs: -1 }, 1, t0, t0, half)).toEqual({ retry: false });
});
