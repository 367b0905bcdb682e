import { apiDestinationToWire, getApiDestination } from '../domain/apiDestinations.js';
import type { Action } from './types.js';

export const describeApiDestination: Action = (ctx, input: { Name: string }) => apiDestinationToWire(getApiDestination(ctx.ns, input.Name));
