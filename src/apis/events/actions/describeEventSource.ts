import { eventSourceToWire, expireEventSources, getEventSource } from '../domain/partnerSources.js';
import type { Action } from './types.js';

/** Called by the customer: a source offered to this account, with its State. */
export const describeEventSource: Action = (ctx, input: { Name: string }) => {
  expireEventSources(ctx.store, ctx.region, ctx.clock.now());
  return eventSourceToWire(ctx.ns, getEventSource(ctx.ns, input.Name));
};
