/**
 * Global endpoints: ARNs, ids, lookups (the one place their not-found message lives),
 * the semantic checks the model does not state, the state machine and the wire form.
 *
 * Evidence (aws-facts §2, §3, §8.3; API Reference; User Guide eb-global-endpoints;
 * aws-cli's own examples for create/describe/list/update-endpoint, which show AWS output):
 * - An endpoint lives in its home Region, which is its primary Region: its ARN names that
 *   Region, DescribeEndpoint/ListEndpoints take it as `HomeRegion`, and the console picks
 *   the primary bus among the current Region's buses.
 * - Its two buses must have identical names, be in the same account and in two Regions;
 *   `Secondary.Route` is the other bus's Region.
 * - ReplicationConfig defaults to ENABLED, "which means you must supply a RoleArn".
 * - EndpointId is `<10 lowercase alphanumerics>.veo` in every AWS output seen
 *   (`3slpsr0pnp.veo`, `04k1exajoy.veo`); the URL is `https://<EndpointId>.endpoint.events.amazonaws.com`.
 * - CreateEndpoint answers State CREATING; a describe shows LastModifiedTime about 2 s after
 *   CreationTime, so transitions here last 2 virtual seconds (see settleEndpoints).
 * AWS's texts for a missing or duplicate endpoint were not found; the messages below follow
 * the wording AWS uses for archives and replays.
 */
import { ConcurrentModificationException, LimitExceededException, ResourceAlreadyExistsException, ResourceNotFoundException, ValidationException } from '../../../errors.js';
import type { EndpointRecord, NamespaceState } from '../../../store/schema.js';
import type { Ids } from '../../../util/ids.js';
import { parseArn, parseEventBusNameOrArn } from './arns.js';
import { toEpochSeconds } from './time.js';
import { table } from '../../../store/schema.js';

/** Quota "Endpoints" per account and Region (L-EAC9A2AC), default 100. */
export const endpointsPerAccount = 100;

/** How long CREATING, UPDATING and DELETING last, in virtual milliseconds. */
export const endpointTransitionMs = 2_000;

// Namespaces read from a state file written before endpoints existed lack the map.
export const endpointsOf = (ns: NamespaceState): Record<string, EndpointRecord> => (ns.endpoints ??= table());

export function endpointArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:endpoint/${name}`;
}

export const endpointUrl = (endpointId: string) => `https://${endpointId}.endpoint.events.amazonaws.com`;

/** `<10 lowercase alphanumerics>.veo`, drawn from the injected id source. */
export function newEndpointId(ids: Ids): string {
  const bits = BigInt('0x' + ids.uuid().replace(/-/g, '').slice(0, 13));
  return `${bits.toString(36).padStart(10, '0').slice(-10)}.veo`;
}

export const endpointNotFound = (name: string) => new ResourceNotFoundException(`Endpoint ${name} does not exist.`);

/**
 * Finish the transitions whose time has come: CREATING and UPDATING become ACTIVE
 * (LastModifiedTime moves to that moment), DELETING removes the endpoint. Every
 * reader calls this first, so the state follows the virtual clock without timers
 * and survives a restart as it is.
 */
export function settleEndpoints(ns: NamespaceState, now: number): Record<string, EndpointRecord> {
  const all = endpointsOf(ns);
  for (const endpoint of Object.values(all)) {
    if (endpoint.transitionEndsAt === undefined || endpoint.transitionEndsAt > now) continue;
    if (endpoint.state === 'DELETING') {
      delete all[endpoint.name];
      continue;
    }
    endpoint.state = 'ACTIVE';
    endpoint.lastModifiedTime = endpoint.transitionEndsAt;
    endpoint.transitionEndsAt = undefined;
  }
  return all;
}

export function getEndpoint(ns: NamespaceState | undefined, name: string, now: number): EndpointRecord {
  const endpoint = ns ? settleEndpoints(ns, now)[name] : undefined;
  if (!endpoint) throw endpointNotFound(name);
  return endpoint;
}

export function checkEndpointCanBeCreated(ns: NamespaceState, name: string, now: number): void {
  const all = settleEndpoints(ns, now);
  if (all[name]) throw new ResourceAlreadyExistsException(`Endpoint ${name} already exists.`);
  if (Object.keys(all).length >= endpointsPerAccount) throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
}

/** Update and Delete wait for a running transition to end (the model lists ConcurrentModificationException for both). */
export function checkEndpointIsSettled(endpoint: EndpointRecord): void {
  if (endpoint.state === 'CREATING' || endpoint.state === 'UPDATING' || endpoint.state === 'DELETING') {
    throw new ConcurrentModificationException(`Endpoint ${endpoint.name} is in state ${endpoint.state}; try again once the operation in progress has finished.`);
  }
}

/** Enter CREATING, UPDATING or DELETING until the transition delay has passed. */
export function startTransition(endpoint: EndpointRecord, state: 'CREATING' | 'UPDATING' | 'DELETING', now: number): void {
  endpoint.state = state;
  endpoint.stateReason = undefined;
  endpoint.transitionEndsAt = now + endpointTransitionMs;
  endpoint.lastModifiedTime = now;
}

/** The routing part of an endpoint's configuration: what Create takes and Update may change. */
export interface EndpointConfig {
  healthCheck: string;
  secondaryRegion: string;
  replicationState: 'ENABLED' | 'DISABLED';
  eventBusArns: string[];
  roleArn?: string;
}

const invalid = (parameter: string, reason: string) => new ValidationException(`Parameter ${parameter} is not valid. Reason: ${reason}`);

/**
 * The rules of the User Guide and API Reference the model cannot state. `account` and
 * `homeRegion` are the caller's: the endpoint is created in its primary Region.
 */
export function checkEndpointConfig(config: EndpointConfig, account: string, homeRegion: string): void {
  const buses = config.eventBusArns.map((arn) => parseEventBusNameOrArn(arn));
  if (buses.some((bus) => bus.account !== account)) {
    throw invalid('EventBuses', `The event buses must belong to the endpoint's account ${account}.`);
  }
  if (buses[0].name !== buses[1].name) throw invalid('EventBuses', 'The names of the event buses must be identical in each Region.');
  if (buses[0].region === buses[1].region) throw invalid('EventBuses', 'The event buses must be in two different Regions.');
  const primary = buses.find((bus) => bus.region === homeRegion);
  if (!primary) throw invalid('EventBuses', `One event bus must be in the endpoint's primary Region ${homeRegion}, where the endpoint is created.`);
  const secondary = buses.find((bus) => bus !== primary)!;
  if (config.secondaryRegion !== secondary.region) {
    throw invalid('RoutingConfig.FailoverConfig.Secondary.Route', `The secondary Region must be the Region of the other event bus (${secondary.region}).`);
  }
  if (config.replicationState === 'ENABLED' && config.roleArn === undefined) {
    throw invalid('RoleArn', 'A RoleArn is required when event replication is enabled (ReplicationConfig State ENABLED, the default).');
  }
}

/** The endpoint's home Region: its primary Region, the one its ARN names. */
export function homeRegionOf(endpoint: EndpointRecord): string {
  return parseArn(endpoint.arn)!.region;
}

/** The `Endpoint` shape (ListEndpoints items and DescribeEndpoint). */
export function endpointToWire(endpoint: EndpointRecord) {
  return {
    Name: endpoint.name,
    Description: endpoint.description,
    Arn: endpoint.arn,
    RoutingConfig: routingConfigOf(endpoint),
    ReplicationConfig: { State: endpoint.replicationState },
    EventBuses: endpoint.eventBusArns.map((EventBusArn) => ({ EventBusArn })),
    RoleArn: endpoint.roleArn,
    EndpointId: endpoint.endpointId,
    EndpointUrl: endpointUrl(endpoint.endpointId),
    State: endpoint.state,
    StateReason: endpoint.stateReason,
    CreationTime: toEpochSeconds(endpoint.creationTime),
    LastModifiedTime: toEpochSeconds(endpoint.lastModifiedTime),
  };
}

export function routingConfigOf(endpoint: Pick<EndpointRecord, 'healthCheck' | 'secondaryRegion'>) {
  return { FailoverConfig: { Primary: { HealthCheck: endpoint.healthCheck }, Secondary: { Route: endpoint.secondaryRegion } } };
}
