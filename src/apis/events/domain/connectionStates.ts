/**
 * What a connection state change sets off. Every state change puts the state's event on
 * the account's default bus, and API destinations follow their connection: ACTIVE while it
 * is AUTHORIZED (public) or ACTIVE (private), INACTIVE otherwise, each flip announced by
 * `API Destination Activated` / `API Destination Deactivated`.
 *
 * The events (User Guide event reference, aws-facts §6.4): source `aws.events`, one
 * detail-type per state, detail `{ConnectionName, StateReason?, Timestamp}` with the
 * documented Go-style `2024-10-24 09:26:35 +0000 UTC` timestamp, resources `[ARN]`.
 * The caller persists the store.
 */
import { formatEventTime, type EventEnvelope } from '../bus/envelope.js';
import type { ConnectionRecord, ConnectionState, NamespaceState } from '../../../store/schema.js';
import type { Clock } from '../../../util/clock.js';
import type { Ids } from '../../../util/ids.js';
import { apiDestinationsOf, apiDestinationStateFor } from './apiDestinations.js';
import { findConnectionByArn } from './connections.js';
import { defaultBusName } from './eventBuses.js';

/** Puts an event on a bus (the EventRouter). */
export interface EventSink {
  route(ns: NamespaceState, busName: string, event: EventEnvelope): unknown;
}

export interface StateChangeDeps {
  clock: Clock;
  ids: Ids;
  router: EventSink;
}

/** The nine states and the nine connection detail-types of the event reference pair up one to one. */
export const connectionDetailTypes: Record<ConnectionState, string> = {
  CREATING: 'Connection Creation Started',
  UPDATING: 'Connection Update Started',
  DELETING: 'Connection Deletion Started',
  AUTHORIZING: 'Connection Authorization Started',
  AUTHORIZED: 'Connection Authorized',
  ACTIVE: 'Connection Activated',
  DEAUTHORIZING: 'Connection Deauthorization Started',
  DEAUTHORIZED: 'Connection Deauthorized',
  FAILED_CONNECTIVITY: 'Connection Failed Connectivity',
};

/** States a connection rests in; API destinations follow only these, not the transitional ones. */
const settledStates = new Set<ConnectionState>(['AUTHORIZED', 'ACTIVE', 'DEAUTHORIZED', 'FAILED_CONNECTIVITY']);

export function setConnectionState(deps: StateChangeDeps, ns: NamespaceState, conn: ConnectionRecord, state: ConnectionState, reason?: string): void {
  conn.state = state;
  conn.stateReason = reason;
  const detail: Record<string, string> = { ConnectionName: conn.name };
  if (reason !== undefined) detail.StateReason = reason;
  detail.Timestamp = stateChangeTimestamp(deps.clock.now());
  emit(deps, ns, connectionDetailTypes[state], conn.arn, detail);
  if (settledStates.has(state)) syncApiDestinations(deps, ns);
}

/**
 * Bring every API destination's state in line with its connection (after a connection
 * settled, was deleted, or a destination changed connection); announce each flip.
 */
export function syncApiDestinations(deps: StateChangeDeps, ns: NamespaceState): void {
  for (const dest of Object.values(apiDestinationsOf(ns))) {
    const state = apiDestinationStateFor(findConnectionByArn(ns, dest.connectionArn));
    if (state === dest.state) continue;
    dest.state = state;
    const detailType = state === 'ACTIVE' ? 'API Destination Activated' : 'API Destination Deactivated';
    emit(deps, ns, detailType, dest.arn, { ApiDestinationName: dest.name, Timestamp: stateChangeTimestamp(deps.clock.now()) });
  }
}

/** `2024-10-24 09:26:35 +0000 UTC`, the form the event reference shows. */
export function stateChangeTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').replace('.000Z', ' +0000 UTC');
}

function emit(deps: StateChangeDeps, ns: NamespaceState, detailType: string, resource: string, detail: Record<string, string>): void {
  const event: EventEnvelope = {
    version: '0',
    id: deps.ids.uuid(),
    'detail-type': detailType,
    source: 'aws.events',
    account: ns.account,
    time: formatEventTime(deps.clock.now()),
    region: ns.region,
    resources: [resource],
    detail,
  };
  // Matched against the default bus's rules like any event; the caller persists the jobs with the state change.
  deps.router.route(ns, defaultBusName, event);
}
