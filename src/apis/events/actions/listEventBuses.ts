import { eventBusToWire } from '../domain/eventBuses.js';
import { byName, paginate } from '../domain/pagination.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  NextToken?: string;
  Limit?: number;
}

export const listEventBuses: Action = (ctx, input: Input) => {
  const matching = Object.values(ctx.ns.eventBuses)
    .filter((bus) => input.NamePrefix === undefined || bus.name.startsWith(input.NamePrefix))
    .sort(byName);
  const page = paginate(matching, (bus) => bus.name, input.Limit, input.NextToken);
  return {
    // List items carry no KMS key, dead-letter or log config (those are Describe-only).
    EventBuses: page.items.map((bus) => {
      const { Name, Arn, Description, Policy, CreationTime, LastModifiedTime } = eventBusToWire(bus);
      return { Name, Arn, Description, Policy, CreationTime, LastModifiedTime };
    }),
    NextToken: page.nextToken,
  };
};
