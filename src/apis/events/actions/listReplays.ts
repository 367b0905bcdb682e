import { checkOneFilter, replayToWire } from '../domain/archives.js';
import { byName, paginate } from '../domain/pagination.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  State?: string;
  EventSourceArn?: string;
  NextToken?: string;
  Limit?: number;
}

export const listReplays: Action = (ctx, input: Input) => {
  checkOneFilter('ListReplays', input);
  const matching = Object.values(ctx.ns.replays)
    .filter((r) => (input.NamePrefix === undefined || r.name.startsWith(input.NamePrefix)) && (input.State === undefined || r.state === input.State) && (input.EventSourceArn === undefined || r.eventSourceArn === input.EventSourceArn))
    .sort(byName);
  const page = paginate(matching, (r) => r.name, input.Limit, input.NextToken);
  return {
    Replays: page.items.map((replay) => {
      const { Description: _d, ReplayArn: _a, Destination: _dest, ...item } = replayToWire(replay);
      return item;
    }),
    NextToken: page.nextToken,
  };
};
