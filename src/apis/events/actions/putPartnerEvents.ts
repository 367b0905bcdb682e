import { ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';
import { eventSourcesOf, eventSourceState, expireEventSources, partnerSourcesOf } from '../domain/partnerSources.js';
import { checkEntry, entriesExceed, envelopeOf, isEntryFailure, type CheckedEntry, type EntryFailure, type PutEventsEntry } from '../bus/putEventsEntry.js';
import { refuseWhenQueueFull } from '../../../engine/delivery/backpressure.js';
import type { Action, ActionContext } from './types.js';

type PartnerEntry = Pick<PutEventsEntry, 'Time' | 'Source' | 'Resources' | 'DetailType' | 'Detail'>;
type ResultEntry = { EventId: string } | EntryFailure;

/**
 * Called by the SaaS partner. Each entry's Source is one of the caller's partner event
 * sources; the event lands on the customer's partner bus of that name, in the customer's
 * account and the same region. Same per-entry checks and size rule as PutEvents
 * (the model points PutPartnerEvents at the PutEvents size calculation); `aws.partner/`
 * sources are, of course, allowed here.
 */
export const putPartnerEvents: Action = async (ctx, input: { Entries: PartnerEntry[] }) => {
  // The deliveries land in the customers' accounts: their pending bound applies.
  const customers = input.Entries.map((entry) => (typeof entry.Source === 'string' && Object.hasOwn(partnerSourcesOf(ctx.ns), entry.Source) ? partnerSourcesOf(ctx.ns)[entry.Source].account : ctx.account));
  refuseWhenQueueFull(ctx.store, Math.max(ctx.router.pendingOf(ctx.account), ...customers.map((account) => ctx.router.pendingOf(account))));
  if (entriesExceed(input.Entries, limits.putEventsTotalBytes)) throw new ValidationException('Total size of the entries in the request is over the limit.');
  const now = ctx.clock.now();
  expireEventSources(ctx.store, ctx.region, now);
  const entries: ResultEntry[] = input.Entries.map((entry) => {
    const checked = checkEntry(entry, { allowAwsSources: true });
    if (isEntryFailure(checked)) return checked;
    const failure = ownershipFailure(ctx, entry.Source!);
    if (failure) return failure;
    const id = ctx.ids.uuid();
    putOnPartnerBus(ctx, checked, id, now);
    return { EventId: id };
  });
  await ctx.store.persist();
  return { FailedEntryCount: entries.filter((e) => !('EventId' in e)).length, Entries: entries };
};

/**
 * A Source the caller did not create. Undocumented: the emulator answers with the
 * documented per-entry code for a source the caller may not use.
 */
function ownershipFailure(ctx: ActionContext, source: string): EntryFailure | undefined {
  if (partnerSourcesOf(ctx.ns)[source]) return undefined;
  return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
}

/**
 * The User Guide: "Any events published by a partner to a partner event source that has
 * not been associated with an event bus will be immediately dropped. Those events will not
 * be persisted at rest." The entry still gets an EventId (aws-facts §10.7); the drop is
 * logged, and the event is neither routed nor recorded.
 */
function putOnPartnerBus(ctx: ActionContext, checked: CheckedEntry, id: string, now: number): void {
  const entry = checked.entry;
  const record = partnerSourcesOf(ctx.ns)[entry.Source!];
  const customerNs = ctx.store.findNamespace(record.account, ctx.region);
  const source = customerNs && eventSourcesOf(customerNs)[record.name];
  const state = customerNs && source ? eventSourceState(customerNs, source) : 'PENDING';
  if (state !== 'ACTIVE') {
    const reason = `partner event source ${record.name} is ${state} in account ${record.account} (no partner event bus, or deactivated); the event was dropped.`;
    ctx.log.warn('partner event dropped', { eventId: id, source: record.name, reason });
    return;
  }
  ctx.router.route(customerNs!, record.name, envelopeOf(checked, id, record.account, ctx.region, now));
}
