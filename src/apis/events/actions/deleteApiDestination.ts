import { apiDestinationsOf, getApiDestination } from '../domain/apiDestinations.js';
import type { Action } from './types.js';

/** Answers `{}` (recorded). Targets that name it fail their deliveries with NO_RESOURCE from then on. */
export const deleteApiDestination: Action = async (ctx, input: { Name: string }) => {
  const dest = getApiDestination(ctx.ns, input.Name, 'delete');
  delete apiDestinationsOf(ctx.ns)[dest.name];
  ctx.store.changed(ctx.ns, 'apiDestinations', dest.name);
  await ctx.store.persistChanges();
};
