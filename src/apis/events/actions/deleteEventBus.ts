import { ValidationException } from '../../../errors.js';
import { defaultBusName } from '../domain/eventBuses.js';
import type { Action } from './types.js';

export const deleteEventBus: Action = async (ctx, input: { Name: string }) => {
  if (input.Name === defaultBusName) throw new ValidationException('Cannot delete event bus default.');
  // A bus that does not exist is a success, 200 with an empty body (an AWS-validated test,
  // 2025-03; the model lists only IE/CME; aws-facts.md §2.3, corrected 2026-12).
  const bus = Object.hasOwn(ctx.ns.eventBuses, input.Name) ? ctx.ns.eventBuses[input.Name] : undefined;
  if (!bus) return;
  // Observed text (terraform-provider-aws#22131, sst#4325): rules must go first.
  if (Object.keys(ctx.ns.rules[bus.name] ?? {}).length > 0) throw new ValidationException("EventBus can't be deleted since it has rules.");
  delete ctx.ns.rules[bus.name];
  delete ctx.ns.eventBuses[bus.name];
  // A bus created again under the same name starts without the old tags.
  delete ctx.ns.tags[bus.arn];
  ctx.store.changed(ctx.ns, 'rules', bus.name);
  ctx.store.changed(ctx.ns, 'eventBuses', bus.name);
  ctx.store.changed(ctx.ns, 'tags', bus.arn);
  await ctx.store.persistChanges();
};
