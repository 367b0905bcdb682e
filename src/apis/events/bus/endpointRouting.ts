/**
 * PutEvents through a global endpoint (`EndpointId`).
 *
 * On AWS a global endpoint is a Route 53 DNS name: the request reaches the EventBridge
 * of the primary Region while the endpoint's health check is healthy, of the secondary
 * Region while it is not, and that Region handles it as any PutEvents (each entry names
 * its bus with EventBusName, which the User Guide says to add; an entry without one goes
 * to that Region's default bus). So here: find the endpoint by its id among the caller's
 * Regions, pick the Region from the health check (flipped by tests through
 * /_eventbridge-local/health-checks), and run the ordinary PutEvents in that Region.
 *
 * Decisions on what AWS does not document:
 * - An entry whose EventBusName is the ARN of one of the endpoint's two buses goes to the
 *   bus of that name in the chosen Region, so code that names the primary bus by ARN keeps
 *   working during failover.
 * - With replication ENABLED, each accepted event is also put on the same-named bus in the
 *   other Region as a replica: a new id, `region` = the Region it was replicated from, and
 *   the endpoint ARN added to `resources` (User Guide, "Replicated event payload"). AWS does
 *   this with managed rules on the buses; the emulator does it here, for events put through
 *   the endpoint, and creates no managed rules. During failover the replica reaches the
 *   primary at once (AWS processes it "when it's available"; the emulator's primary always is).
 * - An EndpointId unknown in the caller's account, or of an endpoint that is not ready
 *   (CREATING, DELETING), is a ValidationException: on AWS the DNS name would not resolve,
 *   so there is no AWS error to copy.
 */
import { ValidationException } from '../../../errors.js';
import { parseEventBusNameOrArn } from '../domain/arns.js';
import { busName } from '../domain/eventBuses.js';
import { homeRegionOf, settleEndpoints } from '../domain/endpoints.js';
import { isHealthy } from '../domain/healthChecks.js';
import type { EndpointRecord } from '../../../store/schema.js';
import type { Store } from '../../../store/store.js';
import type { Clock } from '../../../util/clock.js';
import type { Ids } from '../../../util/ids.js';
import type { Logger } from '../../../util/log.js';
import type { EventRouter } from './router.js';
import { envelopeOf, type PutEventsEntry } from './putEventsEntry.js';

export interface EndpointPutDeps {
  account: string;
  store: Store;
  router: EventRouter;
  ids: Ids;
  clock: Clock;
  log: Logger;
}

export interface PutEventsResultLike {
  Entries: Array<{ EventId: string } | { ErrorCode: string; ErrorMessage: string }>;
}

export interface EndpointRoute {
  endpoint: EndpointRecord;
  /** The Region that handles the request. */
  region: string;
  /** The endpoint's other Region (where replicas go). */
  otherRegion: string;
  failover: boolean;
}

const invalidEndpointId = (reason: string) => new ValidationException(`Parameter EndpointId is not valid. Reason: ${reason}`);

/** The endpoint with this id in any Region of the account, and the Region it routes to now. */
export function resolveEndpointRoute(store: Store, account: string, endpointId: string, now: number): EndpointRoute {
  const endpoint = store
    .namespaces()
    .filter((ns) => ns.account === account)
    .flatMap((ns) => Object.values(settleEndpoints(ns, now)))
    .find((e) => e.endpointId === endpointId);
  if (!endpoint) throw invalidEndpointId(`No endpoint with EndpointId ${endpointId} exists in account ${account}.`);
  if (endpoint.state !== 'ACTIVE' && endpoint.state !== 'UPDATING') {
    throw invalidEndpointId(`Endpoint ${endpoint.name} cannot receive events in state ${endpoint.state}.`);
  }
  const home = homeRegionOf(endpoint);
  const failover = !isHealthy(store, endpoint.healthCheck);
  return failover
    ? { endpoint, region: endpoint.secondaryRegion, otherRegion: home, failover }
    : { endpoint, region: home, otherRegion: endpoint.secondaryRegion, failover };
}

/**
 * Route the request, let `put` run the ordinary PutEvents in the chosen Region, then
 * replicate what it accepted when the endpoint replicates.
 */
export async function putThroughEndpoint<R extends PutEventsResultLike>(
  deps: EndpointPutDeps,
  endpointId: string,
  entries: PutEventsEntry[],
  put: (region: string, entries: PutEventsEntry[]) => Promise<R>,
): Promise<R> {
  const route = resolveEndpointRoute(deps.store, deps.account, endpointId, deps.clock.now());
  const { endpoint } = route;
  const routed = entries.map((entry) => (entry.EventBusName !== undefined && endpoint.eventBusArns.includes(entry.EventBusName) ? { ...entry, EventBusName: busName(entry.EventBusName) } : entry));
  deps.log.info('PutEvents through global endpoint', { endpoint: endpoint.arn, endpointId, region: route.region, failover: route.failover });
  const result = await put(route.region, routed);
  if (endpoint.replicationState === 'ENABLED') {
    replicate(deps, route, routed, result);
    // The replicas change the delivery side only (and may create the other Region's namespace, which names itself).
    await deps.store.persistChanges();
  }
  return result;
}

function replicate(deps: EndpointPutDeps, route: EndpointRoute, entries: PutEventsEntry[], result: PutEventsResultLike): void {
  const ns = deps.store.namespace(deps.account, route.otherRegion);
  const now = deps.clock.now();
  entries.forEach((entry, i) => {
    const outcome = result.Entries[i];
    if (!outcome || !('EventId' in outcome)) return;
    // A bus of another account (allowed by its policy) is that account's, not the endpoint's: no replica.
    const target = entry.EventBusName === undefined ? undefined : parseEventBusNameOrArn(entry.EventBusName);
    if (target?.account !== undefined && target.account !== deps.account) return;
    // Its own copy of the detail: the replica is a separate event.
    const replica = envelopeOf({ entry, detail: JSON.parse(entry.Detail!) }, deps.ids.uuid(), deps.account, route.region, now);
    replica.resources = [...replica.resources, route.endpoint.arn];
    deps.router.route(ns, busName(entry.EventBusName), replica);
  });
}
