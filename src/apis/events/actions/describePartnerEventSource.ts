import { expireEventSources, getPartnerEventSource } from '../domain/partnerSources.js';
import type { Action } from './types.js';

/** Called by the partner: only its own sources, as `{Arn, Name}`. */
export const describePartnerEventSource: Action = (ctx, input: { Name: string }) => {
  expireEventSources(ctx.store, ctx.region, ctx.clock.now());
  const record = getPartnerEventSource(ctx.ns, input.Name);
  return { Arn: record.arn, Name: record.name };
};
