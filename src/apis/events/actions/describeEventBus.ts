import { eventBusToWire, getEventBus } from '../domain/eventBuses.js';
import type { Action } from './types.js';

export const describeEventBus: Action = (ctx, input: { Name?: string }) => eventBusToWire(getEventBus(ctx.ns, input.Name));
