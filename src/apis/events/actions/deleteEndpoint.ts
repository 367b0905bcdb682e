import { checkEndpointIsSettled, getEndpoint, startTransition } from '../domain/endpoints.js';
import type { Action } from './types.js';

/** The endpoint shows DELETING for a short while, then is gone (src/apis/events/domain/endpoints.ts). */
export const deleteEndpoint: Action = async (ctx, input: { Name: string }) => {
  const now = ctx.clock.now();
  const endpoint = getEndpoint(ctx.ns, input.Name, now);
  checkEndpointIsSettled(endpoint);
  startTransition(endpoint, 'DELETING', now);
  ctx.store.changed(ctx.ns, 'endpoints', endpoint.name);
  await ctx.store.persistChanges();
};
