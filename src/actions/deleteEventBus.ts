import { ValidationException } from '../errors.js';
import { defaultBusName, getEventBus } from '../domain/eventBuses.js';
import type { Action } from './types.js';

export const deleteEventBus: Action = async (ctx, input: { Name: string }) => {
  if (input.Name === defaultBusName) throw new ValidationException('Cannot delete event bus default.');
  // AWS answers ResourceNotFoundException for a missing bus (observed 2025), though the model lists only IE/CME.
  const bus = getEventBus(ctx.ns, input.Name);
  // Observed text (terraform-provider-aws#22131, sst#4325): rules must go first.
  if (Object.keys(ctx.ns.rules[bus.name] ?? {}).length > 0) throw new ValidationException("EventBus can't be deleted since it has rules.");
  delete ctx.ns.rules[bus.name];
  delete ctx.ns.eventBuses[bus.name];
  // A bus created again under the same name starts without the old tags.
  delete ctx.ns.tags[bus.arn];
  await ctx.store.persist();
};
