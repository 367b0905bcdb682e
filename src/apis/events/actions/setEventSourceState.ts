import { expireEventSources, setEventSourceActive } from '../domain/partnerSources.js';
import type { Action } from './types.js';

/**
 * ActivateEventSource and DeactivateEventSource. Deactivating keeps the partner bus
 * ("The matching event bus is not deleted") and puts the source in PENDING, where
 * the partner's events are dropped and the two-week expiry starts.
 */
function setEventSourceState(active: boolean): Action {
  return async (ctx, input: { Name: string }) => {
    const now = ctx.clock.now();
    expireEventSources(ctx.store, ctx.region, now);
    setEventSourceActive(ctx.ns, input.Name, active, now);
    await ctx.store.persist();
  };
}

export const activateEventSource = setEventSourceState(true);
export const deactivateEventSource = setEventSourceState(false);
