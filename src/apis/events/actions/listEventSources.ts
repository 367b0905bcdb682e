import { byName, paginate } from '../domain/pagination.js';
import { eventSourcesOf, eventSourceToWire, expireEventSources } from '../domain/partnerSources.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  NextToken?: string;
  Limit?: number;
}

export const listEventSources: Action = (ctx, input: Input) => {
  expireEventSources(ctx.store, ctx.region, ctx.clock.now());
  const matching = Object.values(eventSourcesOf(ctx.ns))
    .filter((source) => input.NamePrefix === undefined || source.name.startsWith(input.NamePrefix))
    .sort(byName);
  const page = paginate(matching, (source) => source.name, input.Limit, input.NextToken);
  return { EventSources: page.items.map((source) => eventSourceToWire(ctx.ns, source)), NextToken: page.nextToken };
};
