import { endpointToWire, settleEndpoints } from '../domain/endpoints.js';
import { byName, paginate } from '../domain/pagination.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  HomeRegion?: string;
  NextToken?: string;
  MaxResults?: number;
}

/** The endpoints whose primary Region is HomeRegion (the caller's Region by default). */
export const listEndpoints: Action = (ctx, input: Input) => {
  const ns = input.HomeRegion === undefined ? ctx.ns : ctx.store.findNamespace(ctx.account, input.HomeRegion);
  const all = ns ? Object.values(settleEndpoints(ns, ctx.clock.now())) : [];
  const matching = all.filter((e) => input.NamePrefix === undefined || e.name.startsWith(input.NamePrefix)).sort(byName);
  const page = paginate(matching, (e) => e.name, input.MaxResults, input.NextToken);
  return { Endpoints: page.items.map(endpointToWire), NextToken: page.nextToken };
};
