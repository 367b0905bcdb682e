import { expireEventSources, offerEventSource } from '../domain/partnerSources.js';
import type { Action } from './types.js';

/** Called by the SaaS partner: the caller's account is the partner, `Account` the customer. */
export const createPartnerEventSource: Action = async (ctx, input: { Name: string; Account: string }) => {
  const now = ctx.clock.now();
  expireEventSources(ctx.store, ctx.region, now);
  const record = offerEventSource(ctx.store, ctx.ns, input.Name, input.Account, now);
  await ctx.store.persist();
  return { EventSourceArn: record.arn };
};
