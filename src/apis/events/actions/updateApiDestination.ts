import { apiDestinationOutput, checkEndpointUrl, getApiDestination } from '../domain/apiDestinations.js';
import { connectionNameOf, connectionNotFound, findConnectionByArn } from '../domain/connections.js';
import { syncApiDestinations } from '../domain/connectionStates.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  Description?: string;
  ConnectionArn?: string;
  InvocationEndpoint?: string;
  HttpMethod?: string;
  InvocationRateLimitPerSecond?: number;
}

/** Members given replace the stored ones; a new connection may flip the state (and announce it). */
export const updateApiDestination: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  const dest = getApiDestination(ns, input.Name, 'update');
  if (input.InvocationEndpoint !== undefined) checkEndpointUrl('InvocationEndpoint', input.InvocationEndpoint, ctx.apiDestinations.strict);
  if (input.ConnectionArn !== undefined) {
    const conn = findConnectionByArn(ns, input.ConnectionArn);
    if (!conn) throw connectionNotFound(connectionNameOf(input.ConnectionArn) ?? input.ConnectionArn);
    dest.connectionArn = conn.arn;
  }
  if (input.Description !== undefined) dest.description = input.Description;
  if (input.InvocationEndpoint !== undefined) dest.invocationEndpoint = input.InvocationEndpoint;
  if (input.HttpMethod !== undefined) dest.httpMethod = input.HttpMethod;
  if (input.InvocationRateLimitPerSecond !== undefined) dest.invocationRateLimitPerSecond = input.InvocationRateLimitPerSecond;
  dest.lastModifiedTime = ctx.clock.now();
  syncApiDestinations(ctx, ns);
  ctx.store.changed(ctx.ns, 'apiDestinations', dest.name);
  await ctx.store.persistChanges();
  return apiDestinationOutput(dest);
};
