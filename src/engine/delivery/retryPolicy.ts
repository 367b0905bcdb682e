/**
 * What happens after a failed attempt: retry at some time, or give up. Pure.
 * AWS retries with exponential backoff and jitter until MaximumRetryAttempts
 * retries were made or the event is older than MaximumEventAgeInSeconds
 * (defaults 185 and 24 h); some failures are never retried.
 */
import { limits } from '../../limits.js';

export interface RetryPolicy {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
}

export type ExhaustedCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

export type RetryDecision = { retry: true; at: number } | { retry: false; exhausted?: ExhaustedCondition };

export interface FailedAttempt {
  retryable: boolean;
  /** A Retry-After the target asked for, in ms; negative means "do not retry". */
  retryAfterMs?: number;
}

export function decideRetry(
  policy: RetryPolicy | undefined,
  failure: FailedAttempt,
  attemptsMade: number,
  createdAt: number,
  now: number,
  random: () => number,
): RetryDecision {
  if (!failure.retryable || (failure.retryAfterMs !== undefined && failure.retryAfterMs < 0)) return { retry: false };
  const maxRetries = policy?.MaximumRetryAttempts ?? limits.defaultMaximumRetryAttempts;
  const maxAgeMs = (policy?.MaximumEventAgeInSeconds ?? limits.defaultMaximumEventAgeSeconds) * 1000;
  if (attemptsMade - 1 >= maxRetries) return { retry: false, exhausted: 'MaximumRetryAttempts' };
  // The more conservative of the backoff and the target's Retry-After wins.
  const delay = Math.max(backoffDelay(attemptsMade, random), failure.retryAfterMs ?? 0);
  const at = now + delay;
  if (at - createdAt > maxAgeMs) return { retry: false, exhausted: 'MaximumEventAgeInSeconds' };
  return { retry: true, at };
}

/** Delay before retry number `attemptsMade` (1 = after the first attempt): full exponential, half of it jittered. */
export function backoffDelay(attemptsMade: number, random: () => number): number {
  const exponential = Math.min(limits.retryMaxDelayMs, limits.retryBaseDelayMs * 2 ** Math.min(30, attemptsMade - 1));
  return Math.round(exponential * (0.5 + 0.5 * random()));
}
