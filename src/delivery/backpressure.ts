/**
 * Backpressure to the durable queue. While the queue holds --max-pending-deliveries jobs,
 * PutEvents and PutPartnerEvents refuse the whole request before accepting any entry, with
 * the error AWS answers when PutEvents is over its TPS quota: `ThrottlingException`, HTTP 400,
 * "Rate exceeded" (aws-facts: common errors). The SDKs and the CLI retry it with backoff by
 * themselves, so a flood slows down instead of growing memory, and nothing accepted is dropped.
 * (The cause differs from AWS, which throttles by request rate: see docs/compatibility.md.)
 */
import { ThrottlingException } from '../errors.js';
import type { Store } from '../store/store.js';

export const throttledMessage = 'Rate exceeded';

export function refuseWhenQueueFull(store: Store): void {
  if (store.delivery.full) throw new ThrottlingException(throttledMessage);
}
