import { connectionsOf, connectionSummary } from '../domain/connections.js';
import { byName, paginate } from '../domain/pagination.js';
import type { ConnectionState } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  NamePrefix?: string;
  ConnectionState?: ConnectionState;
  NextToken?: string;
  Limit?: number;
}

export const listConnections: Action = (ctx, input: Input) => {
  const matching = Object.values(connectionsOf(ctx.ns))
    .filter((c) => (input.NamePrefix === undefined || c.name.startsWith(input.NamePrefix)) && (input.ConnectionState === undefined || c.state === input.ConnectionState))
    .sort(byName);
  const page = paginate(matching, (c) => c.name, input.Limit, input.NextToken);
  return { Connections: page.items.map(connectionSummary), NextToken: page.nextToken };
};
