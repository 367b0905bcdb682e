import { connectionToWire, getConnection } from '../domain/connections.js';
import type { Action } from './types.js';

export const describeConnection: Action = (ctx, input: { Name: string }) => connectionToWire(getConnection(ctx.ns, input.Name));
