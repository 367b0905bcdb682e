import { apiDestinationsOf, apiDestinationSummary } from '../domain/apiDestinations.js';
import { byName, paginate } from '../domain/pagination.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  ConnectionArn?: string;
  NextToken?: string;
  Limit?: number;
}

export const listApiDestinations: Action = (ctx, input: Input) => {
  const matching = Object.values(apiDestinationsOf(ctx.ns))
    .filter((d) => (input.NamePrefix === undefined || d.name.startsWith(input.NamePrefix)) && (input.ConnectionArn === undefined || d.connectionArn === input.ConnectionArn))
    .sort(byName);
  const page = paginate(matching, (d) => d.name, input.Limit, input.NextToken);
  return { ApiDestinations: page.items.map(apiDestinationSummary), NextToken: page.nextToken };
};
