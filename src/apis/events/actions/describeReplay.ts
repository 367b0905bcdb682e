import { getReplay, replayToWire } from '../domain/archives.js';
import type { Action } from './types.js';

export const describeReplay: Action = (ctx, input: { ReplayName: string }) => replayToWire(getReplay(ctx.ns, input.ReplayName));
