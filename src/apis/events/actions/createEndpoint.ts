import { checkEndpointCanBeCreated, checkEndpointConfig, endpointArn, endpointsOf, endpointToWire, newEndpointId, startTransition } from '../domain/endpoints.js';
import type { EndpointRecord } from '../../../store/schema.js';
import type { Action } from './types.js';

export interface RoutingConfigInput {
  FailoverConfig: { Primary: { HealthCheck: string }; Secondary: { Route: string } };
}

interface Input {
  Name: string;
  Description?: string;
  RoutingConfig: RoutingConfigInput;
  ReplicationConfig?: { State?: 'ENABLED' | 'DISABLED' };
  EventBuses: Array<{ EventBusArn: string }>;
  RoleArn?: string;
}

/** The endpoint is created in the caller's Region, which becomes its home (primary) Region. */
export const createEndpoint: Action = async (ctx, input: Input) => {
  const { ns } = ctx;
  const now = ctx.clock.now();
  const config = {
    healthCheck: input.RoutingConfig.FailoverConfig.Primary.HealthCheck,
    secondaryRegion: input.RoutingConfig.FailoverConfig.Secondary.Route,
    // ENABLED is the documented default.
    replicationState: input.ReplicationConfig?.State ?? 'ENABLED',
    eventBusArns: input.EventBuses.map((bus) => bus.EventBusArn),
    roleArn: input.RoleArn,
  };
  checkEndpointConfig(config, ctx.account, ctx.region);
  checkEndpointCanBeCreated(ns, input.Name, now);
  const endpoint: EndpointRecord = {
    name: input.Name,
    arn: endpointArn(ctx.region, ctx.account, input.Name),
    description: input.Description,
    endpointId: newEndpointId(ctx.ids),
    ...config,
    state: 'CREATING',
    creationTime: now,
    lastModifiedTime: now,
  };
  startTransition(endpoint, 'CREATING', now);
  endpointsOf(ns)[endpoint.name] = endpoint;
  ctx.store.changed(ns, 'endpoints', endpoint.name);
  await ctx.store.persistChanges();
  // CreateEndpoint answers a subset of the Endpoint shape.
  const { Name, Arn, RoutingConfig, ReplicationConfig, EventBuses, RoleArn, State } = endpointToWire(endpoint);
  return { Name, Arn, RoutingConfig, ReplicationConfig, EventBuses, RoleArn, State };
};
