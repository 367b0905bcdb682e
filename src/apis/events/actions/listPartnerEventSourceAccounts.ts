import { paginate } from '../domain/pagination.js';
import { expireEventSources, getPartnerEventSource, partnerAccountToWire } from '../domain/partnerSources.js';
import type { Action } from './types.js';

interface Input {
  EventSourceName: string;
  NextToken?: string;
  Limit?: number;
}

/** Called by the partner: the account its source was offered to, with that account's State and expiry. */
export const listPartnerEventSourceAccounts: Action = (ctx, input: Input) => {
  expireEventSources(ctx.store, ctx.region, ctx.clock.now());
  const record = getPartnerEventSource(ctx.ns, input.EventSourceName);
  // One account per source (the name is unique across customers); paged all the same, as the model pages it.
  const page = paginate([record], (r) => r.account, input.Limit, input.NextToken);
  return {
    PartnerEventSourceAccounts: page.items.map((r) => partnerAccountToWire(ctx.store, ctx.region, r)),
    NextToken: page.nextToken,
  };
};
