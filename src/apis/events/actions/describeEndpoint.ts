import { endpointToWire, getEndpoint } from '../domain/endpoints.js';
import type { Action } from './types.js';

/** HomeRegion names the endpoint's primary Region when it is not the caller's. */
export const describeEndpoint: Action = (ctx, input: { Name: string; HomeRegion?: string }) => {
  const ns = input.HomeRegion === undefined ? ctx.ns : ctx.store.findNamespace(ctx.account, input.HomeRegion);
  return endpointToWire(getEndpoint(ns, input.Name, ctx.clock.now()));
};
