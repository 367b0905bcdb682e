import { eventSourcesOf, expireEventSources, partnerSourcesOf, withdrawEventSource } from '../domain/partnerSources.js';
import type { Action } from './types.js';

/**
 * Called by the partner. The model lists no ResourceNotFoundException for this
 * operation, so deleting a source that is not there (or not offered to `Account`)
 * succeeds and changes nothing.
 */
export const deletePartnerEventSource: Action = async (ctx, input: { Name: string; Account: string }) => {
  expireEventSources(ctx.store, ctx.region, ctx.clock.now());
  const record = partnerSourcesOf(ctx.ns)[input.Name];
  if (!record || record.account !== input.Account) return;
  const customerNs = ctx.store.findNamespace(record.account, ctx.region);
  if (customerNs && eventSourcesOf(customerNs)[input.Name]) withdrawEventSource(ctx.store, customerNs, input.Name);
  else delete partnerSourcesOf(ctx.ns)[input.Name];
  await ctx.store.persist();
};
