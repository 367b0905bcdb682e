/**
 * Partner event sources, both sides. A SaaS partner account creates a source and
 * offers it to one customer account (same region); the customer sees it PENDING,
 * accepts it by creating the partner event bus of the same name, and may
 * deactivate/activate it. Sources: aws-facts §7, the model's doc strings, and
 * the User Guide page "Receiving events from a SaaS partner".
 *
 * The partner keeps a PartnerEventSourceRecord (which account it offered the
 * source to); the customer keeps an EventSourceRecord whose State is derived from
 * it and from the customer's buses, so deleting the partner bus with
 * DeleteEventBus puts the source back to PENDING without that action knowing.
 */
import { InvalidStateException, ResourceAlreadyExistsException, ResourceNotFoundException, ValidationException } from '../../../errors.js';
import type { EventSourceRecord, NamespaceState, PartnerEventSourceRecord } from '../../../store/schema.js';
import type { Store } from '../../../store/store.js';
import { toEpochSeconds } from './time.js';
import { table } from '../../../store/schema.js';

export type EventSourceState = 'PENDING' | 'ACTIVE' | 'DELETED';

/** DeactivateEventSource docs: a source that "remains in PENDING state for more than two weeks ... is deleted". */
export const pendingExpiryMs = 14 * 24 * 60 * 60 * 1000;

/** The partner event source ARN has an empty account field (aws-facts §3). */
export function eventSourceArn(region: string, name: string): string {
  return `arn:aws:events:${region}::event-source/${name}`;
}

/** `aws.partner/<partner_name>/...`: CreatedBy is the partner name fixed at registration. */
export function partnerNameOf(sourceName: string): string {
  return sourceName.split('/')[1];
}

// Namespaces read from a state file written before partner sources existed lack these maps.
export const partnerSourcesOf = (ns: NamespaceState): Record<string, PartnerEventSourceRecord> => (ns.partnerEventSources ??= table());
export const eventSourcesOf = (ns: NamespaceState): Record<string, EventSourceRecord> => (ns.eventSources ??= table());

export function eventSourceState(ns: NamespaceState, source: EventSourceRecord): EventSourceState {
  if (source.deleted) return 'DELETED';
  return ns.eventBuses[source.name] && !source.deactivated ? 'ACTIVE' : 'PENDING';
}

/**
 * "The date and time that the event source will expire if you do not create a matching
 * event bus": only while PENDING, counted from creation or from deactivation. A source
 * whose partner bus was deleted after association has no known start, so no expiry.
 */
export function expirationTime(ns: NamespaceState, source: EventSourceRecord): number | undefined {
  if (eventSourceState(ns, source) !== 'PENDING' || source.pendingSince === undefined) return undefined;
  return source.pendingSince + pendingExpiryMs;
}

export const eventSourceNotFound = (name: string) => new ResourceNotFoundException(`Event source ${name} does not exist.`);

/** The customer's source by name (a DELETED one only while its partner bus remains). */
export function getEventSource(ns: NamespaceState, name: string): EventSourceRecord {
  const source = eventSourcesOf(ns)[name];
  if (!source) throw eventSourceNotFound(name);
  return source;
}

export function getPartnerEventSource(ns: NamespaceState, name: string): PartnerEventSourceRecord {
  const source = partnerSourcesOf(ns)[name];
  if (!source) throw eventSourceNotFound(name);
  return source;
}

/**
 * Expire what has been PENDING for two weeks and forget DELETED sources whose bus is
 * gone. Lazy: every partner-source operation calls this first, with the (virtual) clock.
 */
export function expireEventSources(store: Store, region: string, now: number): void {
  for (const ns of store.namespaces()) {
    if (ns.region !== region) continue;
    for (const source of Object.values(eventSourcesOf(ns))) {
      const expires = expirationTime(ns, source);
      if (expires !== undefined && expires <= now) withdrawEventSource(store, ns, source.name);
      else if (source.deleted && !ns.eventBuses[source.name]) delete eventSourcesOf(ns)[source.name];
    }
  }
}

/**
 * CreatePartnerEventSource. The model's doc: "The event_name must be unique across all
 * Amazon Web Services customers", so a name held by any partner in the region is taken.
 */
export function offerEventSource(store: Store, partnerNs: NamespaceState, name: string, account: string, now: number): PartnerEventSourceRecord {
  const taken = store.namespaces().some((ns) => ns.region === partnerNs.region && partnerSourcesOf(ns)[name]);
  if (taken) throw new ResourceAlreadyExistsException(`Event source ${name} already exists.`);
  const arn = eventSourceArn(partnerNs.region, name);
  const record: PartnerEventSourceRecord = { name, arn, account, creationTime: now };
  partnerSourcesOf(partnerNs)[name] = record;
  // A DELETED source the customer still holds (its bus remains) is replaced by the new offer.
  eventSourcesOf(store.namespace(account, partnerNs.region))[name] = {
    name,
    arn,
    createdBy: partnerNameOf(name),
    partnerAccount: partnerNs.account,
    creationTime: now,
    pendingSince: now,
  };
  return record;
}

/**
 * DeletePartnerEventSource (or expiry): the partner's record goes; the customer's source
 * shows DELETED while its partner bus exists ("the status of the corresponding partner
 * event bus in the customer account becomes DELETED"), and disappears otherwise.
 */
export function withdrawEventSource(store: Store, customerNs: NamespaceState, name: string): void {
  const source = eventSourcesOf(customerNs)[name];
  if (!source) return;
  const partnerNs = store.findNamespace(source.partnerAccount, customerNs.region);
  if (partnerNs) delete partnerSourcesOf(partnerNs)[name];
  if (customerNs.eventBuses[name]) source.deleted = true;
  else delete eventSourcesOf(customerNs)[name];
}

/** CreateEventBus with EventSourceName: the checks that come before the bus is made. */
export function sourceForPartnerBus(store: Store, ns: NamespaceState, busName: string, sourceName: string, now: number): EventSourceRecord {
  expireEventSources(store, ns.region, now);
  // The CreateEventBus doc: "for partner event buses, the name must exactly match the name of the partner event source".
  if (busName !== sourceName) {
    throw new ValidationException(`Event bus name ${busName} must be the same as the event source name ${sourceName}.`);
  }
  const source = getEventSource(ns, sourceName);
  const state = eventSourceState(ns, source);
  if (state !== 'PENDING') throw new InvalidStateException(`Event source ${sourceName} is ${state}; only a PENDING event source can be associated with an event bus.`);
  return source;
}

/** The partner bus now exists: the source is ACTIVE and no longer expires. */
export function markAssociated(source: EventSourceRecord): void {
  source.deactivated = false;
  source.pendingSince = undefined;
}

/** The observed message when the source, or its partner bus, is missing (aws-sdk-js-v3 issue #4788). */
const sourceOrBusNotFound = (name: string) => new ResourceNotFoundException(`Event source ${name} or event bus ${name} does not exist.`);

/** ActivateEventSource / DeactivateEventSource: flip a source whose partner bus exists. */
export function setEventSourceActive(ns: NamespaceState, name: string, active: boolean, now: number): void {
  const source = eventSourcesOf(ns)[name];
  if (!source || !ns.eventBuses[name]) throw sourceOrBusNotFound(name);
  const state = eventSourceState(ns, source);
  const expected = active ? 'PENDING' : 'ACTIVE';
  if (state !== expected) {
    throw new InvalidStateException(`Event source ${name} is ${state}; ${active ? 'only a deactivated (PENDING)' : 'only an ACTIVE'} event source can be ${active ? 'activated' : 'deactivated'}.`);
  }
  source.deactivated = !active;
  source.pendingSince = active ? undefined : now;
}

export function eventSourceToWire(ns: NamespaceState, source: EventSourceRecord) {
  const expires = expirationTime(ns, source);
  return {
    Arn: source.arn,
    CreatedBy: source.createdBy,
    CreationTime: toEpochSeconds(source.creationTime),
    ExpirationTime: expires === undefined ? undefined : toEpochSeconds(expires),
    Name: source.name,
    State: eventSourceState(ns, source),
  };
}

/** ListPartnerEventSourceAccounts item: the customer's side of the partner's source. */
export function partnerAccountToWire(store: Store, region: string, record: PartnerEventSourceRecord) {
  const customerNs = store.findNamespace(record.account, region);
  const source = customerNs && eventSourcesOf(customerNs)[record.name];
  const wire = customerNs && source ? eventSourceToWire(customerNs, source) : undefined;
  return {
    Account: record.account,
    CreationTime: toEpochSeconds(record.creationTime),
    ExpirationTime: wire?.ExpirationTime,
    State: wire?.State ?? 'PENDING',
  };
}
