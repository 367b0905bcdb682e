/**
 * InvocationRateLimitPerSecond, per API destination: a token bucket on the injectable clock.
 * The bucket holds one second's worth of invocations (a burst up to the limit goes at once)
 * and refills continuously at the limit. AWS delays excess invocations rather than dropping
 * them, and they may age out of the retry window (User Guide, "How invocation rate affects
 * event delivery"; aws-facts §6.5).
 *
 * A job that finds the bucket empty reserves the next free slot and waits for it in the
 * durable queue; back at its slot it goes without taking another token, so a backlog drains
 * at exactly the limit without jobs competing for each token. A slot is reserved only
 * within the event's maximum age: an event that cannot be sent in time waits until its age
 * runs out (then the engine dead-letters it) without holding back the events behind it.
 */
export type Admission = { go: true } | { go: false; until: number } | { go: false; expired: true };

interface Bucket {
  tokens: number;
  at: number;
}

export class InvocationRateLimiter {
  private buckets = new Map<string, Bucket>();
  private reservations = new Map<string, number>();

  /**
   * May job `jobId` invoke destination `key` now? `deadline` is when the event's maximum
   * age runs out.
   */
  admit(key: string, jobId: string, ratePerSecond: number, now: number, deadline: number): Admission {
    const reserved = this.reservations.get(jobId);
    if (reserved !== undefined) {
      if (reserved > now) return { go: false, until: reserved };
      this.reservations.delete(jobId);
      return { go: true };
    }
    const bucket = this.refill(key, ratePerSecond, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { go: true };
    }
    // Integer ms, never early: the slot is when the bucket (in debt) is back to one token.
    const slot = now + Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond - 1e-9);
    if (slot > deadline) return now >= deadline ? { go: false, expired: true } : { go: false, until: deadline };
    bucket.tokens -= 1;
    this.reservations.set(jobId, slot);
    return { go: false, until: slot };
  }

  /** The job will not come back (its destination is gone). */
  forget(jobId: string): void {
    this.reservations.delete(jobId);
  }

  reset(): void {
    this.buckets.clear();
    this.reservations.clear();
  }

  private refill(key: string, rate: number, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: rate, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(rate, bucket.tokens + (Math.max(0, now - bucket.at) * rate) / 1000);
    bucket.at = Math.max(bucket.at, now);
    return bucket;
  }
}
