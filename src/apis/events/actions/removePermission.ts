import { getEventBus } from '../domain/eventBuses.js';
import { parsePolicy, removeStatement, serializePolicy } from '../domain/permissions.js';
import type { Action } from './types.js';

interface Input {
  StatementId?: string;
  RemoveAllPermissions?: boolean;
  EventBusName?: string;
}

export const removePermission: Action = async (ctx, input: Input) => {
  const bus = getEventBus(ctx.ns, input.EventBusName);
  if (input.RemoveAllPermissions) {
    bus.policy = undefined;
  } else {
    const doc = parsePolicy(bus.policy);
    removeStatement(doc, input.StatementId ?? '');
    bus.policy = serializePolicy(doc);
  }
  bus.lastModifiedTime = ctx.clock.now();
  ctx.store.changed(ctx.ns, 'eventBuses', bus.name);
  await ctx.store.persistChanges();
};
