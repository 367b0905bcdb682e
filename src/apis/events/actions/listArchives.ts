import { archiveToWire, checkOneFilter } from '../domain/archives.js';
import { getEventBus } from '../domain/eventBuses.js';
import { byName, paginate } from '../domain/pagination.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  EventSourceArn?: string;
  State?: string;
  NextToken?: string;
  Limit?: number;
}

export const listArchives: Action = (ctx, input: Input) => {
  checkOneFilter('ListArchives', input);
  // An unknown source bus is an error, not an empty list (observed).
  const busArn = input.EventSourceArn === undefined ? undefined : getEventBus(ctx.ns, input.EventSourceArn).arn;
  const matching = Object.values(ctx.ns.archives)
    .filter((a) => (input.NamePrefix === undefined || a.name.startsWith(input.NamePrefix)) && (busArn === undefined || a.eventSourceArn === busArn) && (input.State === undefined || a.state === input.State))
    .sort(byName);
  const page = paginate(matching, (a) => a.name, input.Limit, input.NextToken);
  const now = ctx.clock.now();
  return {
    Archives: page.items.map((archive) => {
      const { ArchiveName, EventSourceArn, State, RetentionDays, SizeBytes, EventCount, CreationTime } = archiveToWire(ctx.store.delivery, archive, now);
      return { ArchiveName, EventSourceArn, State, RetentionDays, SizeBytes, EventCount, CreationTime };
    }),
    NextToken: page.nextToken,
  };
};
