import { checkEndpointConfig, checkEndpointIsSettled, endpointToWire, getEndpoint, startTransition, type EndpointConfig } from '../domain/endpoints.js';
import type { EndpointRecord } from '../../../store/schema.js';
import type { RoutingConfigInput } from './createEndpoint.js';
import type { Action } from './types.js';

interface Input {
  Name: string;
  Description?: string;
  RoutingConfig?: RoutingConfigInput;
  ReplicationConfig?: { State?: 'ENABLED' | 'DISABLED' };
  EventBuses?: Array<{ EventBusArn: string }>;
  RoleArn?: string;
}

const configOf = (e: EndpointRecord): EndpointConfig => ({
  healthCheck: e.healthCheck,
  secondaryRegion: e.secondaryRegion,
  replicationState: e.replicationState,
  eventBusArns: e.eventBusArns,
  roleArn: e.roleArn,
});

/**
 * Members left out keep their value. A change of routing, replication, buses or role
 * goes through UPDATING; a Description-only update stays ACTIVE (aws-cli's example of
 * such an update shows AWS answering State ACTIVE).
 */
export const updateEndpoint: Action = async (ctx, input: Input) => {
  const now = ctx.clock.now();
  const endpoint = getEndpoint(ctx.ns, input.Name, now);
  checkEndpointIsSettled(endpoint);
  const before = configOf(endpoint);
  const after: EndpointConfig = {
    healthCheck: input.RoutingConfig?.FailoverConfig.Primary.HealthCheck ?? before.healthCheck,
    secondaryRegion: input.RoutingConfig?.FailoverConfig.Secondary.Route ?? before.secondaryRegion,
    replicationState: input.ReplicationConfig?.State ?? before.replicationState,
    eventBusArns: input.EventBuses?.map((bus) => bus.EventBusArn) ?? before.eventBusArns,
    roleArn: input.RoleArn ?? before.roleArn,
  };
  // The endpoint's home Region is the caller's: it was found in the caller's namespace.
  checkEndpointConfig(after, ctx.account, ctx.region);
  if (input.Description !== undefined) {
    endpoint.description = input.Description;
    endpoint.lastModifiedTime = now;
  }
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    Object.assign(endpoint, after);
    startTransition(endpoint, 'UPDATING', now);
  }
  ctx.store.changed(ctx.ns, 'endpoints', endpoint.name);
  await ctx.store.persistChanges();
  const { Name, Arn, RoutingConfig, ReplicationConfig, EventBuses, RoleArn, EndpointId, EndpointUrl, State } = endpointToWire(endpoint);
  return { Name, Arn, RoutingConfig, ReplicationConfig, EventBuses, RoleArn, EndpointId, EndpointUrl, State };
};
