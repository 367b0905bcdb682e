import { IllegalStatusException } from '../../../errors.js';
import { getReplay } from '../domain/archives.js';
import type { Action } from './types.js';

export const cancelReplay: Action = async (ctx, input: { ReplayName: string }) => {
  const replay = getReplay(ctx.ns, input.ReplayName);
  if (replay.state !== 'STARTING' && replay.state !== 'RUNNING') {
    throw new IllegalStatusException(`Replay ${replay.name} is not in a state that can be cancelled.`);
  }
  replay.state = 'CANCELLING';
  ctx.store.changed(ctx.ns, 'replays', replay.name);
  await ctx.store.persistChanges();
  ctx.replays.cancel(ctx.ns, replay);
  return { ReplayArn: replay.arn, State: replay.state, StateReason: replay.stateReason };
};
