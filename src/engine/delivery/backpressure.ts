/**
 * Backpressure to the durable queue, per account: while the caller's account has
 * --max-pending-deliveries jobs pending (or the whole queue holds pendingBoundFactor times that),
 * PutEvents and PutPartnerEvents refuse the whole request before accepting any entry, with
 * the error AWS answers when PutEvents is over its TPS quota: `ThrottlingException`, HTTP 400,
 * "Rate exceeded" (aws-facts: common errors). The SDKs and the CLI retry it with backoff by
 * themselves, so a flood slows down instead of growing memory, and nothing accepted is dropped.
 * (The cause differs from AWS, which throttles by request rate: see docs/compatibility.md.)
 */
import { ThrottlingException } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { limits } from '../../limits.js';

export const throttledMessage = 'Rate exceeded';

/**
 * `pendingOfAccount`: the caller's account's pending deliveries. Per account, so that one
 * account whose endpoint never answers fills its own share and not everyone's (issue 18 item 13).
 */
export function refuseWhenQueueFull(store: Store, pendingOfAccount?: number): void {
  const perAccount = store.delivery.capacity / limits.pendingBoundFactor;
  if (store.delivery.full || (pendingOfAccount ?? 0) >= perAccount) throw new ThrottlingException(throttledMessage);
}
