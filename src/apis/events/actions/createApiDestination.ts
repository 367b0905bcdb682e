import {
  apiDestinationArn,
  apiDestinationOutput,
  apiDestinationsOf,
  apiDestinationStateFor,
  checkApiDestinationCanBeCreated,
  checkEndpointUrl,
  defaultInvocationRateLimitPerSecond,
} from '../domain/apiDestinations.js';
import { connectionNameOf, connectionNotFound, findConnectionByArn } from '../domain/connections.js';
import type { ApiDestinationRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  Description?: string;
  ConnectionArn: string;
  InvocationEndpoint: string;
  HttpMethod: string;
  InvocationRateLimitPerSecond?: number;
}

/** ACTIVE when its connection is authorized, INACTIVE otherwise (recorded: INACTIVE on an OAuth connection still AUTHORIZING). */
export const createApiDestination: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  checkApiDestinationCanBeCreated(ns, input.Name);
  checkEndpointUrl('InvocationEndpoint', input.InvocationEndpoint, ctx.apiDestinations.strict);
  const conn = findConnectionByArn(ns, input.ConnectionArn);
  if (!conn) throw connectionNotFound(connectionNameOf(input.ConnectionArn) ?? input.ConnectionArn);
  const now = ctx.clock.now();
  const dest: ApiDestinationRecord = {
    name: input.Name,
    arn: apiDestinationArn(ctx.region, ctx.account, input.Name, ctx.ids.uuid()),
    description: input.Description,
    connectionArn: conn.arn,
    invocationEndpoint: input.InvocationEndpoint,
    httpMethod: input.HttpMethod,
    invocationRateLimitPerSecond: input.InvocationRateLimitPerSecond ?? defaultInvocationRateLimitPerSecond,
    state: apiDestinationStateFor(conn),
    creationTime: now,
    lastModifiedTime: now,
  };
  apiDestinationsOf(ns)[dest.name] = dest;
  ctx.store.changed(ctx.ns, 'apiDestinations', dest.name);
  await ctx.store.persistChanges();
  return apiDestinationOutput(dest);
};
