import { ValidationException } from '../../../errors.js';
import { limits } from '../../../limits.js';
import { eventBusArn, parseEventBusNameOrArn } from '../domain/arns.js';
import { busName } from '../domain/eventBuses.js';
import { checkEntry, entriesExceed, envelopeOf, isEntryFailure, type EntryFailure, type PutEventsEntry } from '../bus/putEventsEntry.js';
import { putThroughEndpoint } from '../bus/endpointRouting.js';
import { accessDenied, policyAllows } from '../domain/permissions.js';
import type { NamespaceState } from '../../../store/schema.js';
import { refuseWhenQueueFull } from '../../../engine/delivery/backpressure.js';
import { randomIds } from '../../../util/ids.js';
import { SpelledOutput, type Action, type ActionContext } from './types.js';

interface Input {
  Entries: PutEventsEntry[];
  EndpointId?: string;
}

type ResultEntry = { EventId: string } | EntryFailure;
type Destination = { ns: NamespaceState; busName: string };
const putEventsChecks = { allowAwsSources: false };

/** PutEvents' answer; its JSON spelled by hand (the same text as JSON.stringify of it, unit test). */
export class PutEventsOutput extends SpelledOutput {
  /** Every EventId is one of the emulator's own UUIDs (randomIds), which need no escaping. (#: not a member of the answer.) */
  readonly #uuids: boolean;

  constructor(
    readonly FailedEntryCount: number,
    readonly Entries: ResultEntry[],
    uuids = false,
  ) {
    super();
    this.#uuids = uuids;
  }

  json(): string {
    let text = `{"FailedEntryCount":${this.FailedEntryCount},"Entries":[`;
    for (let i = 0; i < this.Entries.length; i++) {
      const entry = this.Entries[i]!;
      if (i > 0) text += ',';
      // randomIds' UUIDs need no escaping and skip the test (profile: it was ~1 % of ingest's own CPU); an injected id (tests) is tested.
      text += 'EventId' in entry && (this.#uuids || !needsEscape.test(entry.EventId)) ? `{"EventId":"${entry.EventId}"}` : JSON.stringify(entry);
    }
    return text + ']}';
  }
}

const needsEscape = /[^\w-]/;

export const putEvents: Action = (ctx, input: Input) => {
  refuseWhenQueueFull(ctx.store, ctx.router.pendingOf(ctx.account));
  if (input.EndpointId !== undefined) {
    // The global endpoint picks the Region that handles the request; there it is an ordinary PutEvents.
    return putThroughEndpoint(ctx, input.EndpointId, input.Entries, async (region, entries) =>
      (await putEvents({ ...ctx, region, ns: ctx.store.namespace(ctx.account, region) }, { Entries: entries })) as { Entries: ResultEntry[] },
    );
  }
  if (entriesExceed(input.Entries, limits.putEventsTotalBytes)) throw new ValidationException('Total size of the entries in the request is over the limit.');

  const now = ctx.clock.now();
  // Every entry is checked before any is routed: nothing can fail after routing began, so a
  // client that retries a failed request never gets an event twice.
  // Most entries name no bus: they share one destination (resolved once per request).
  let callersBus: Destination | EntryFailure | undefined;
  const checked = input.Entries.map((entry) => {
    const valid = checkEntry(entry, putEventsChecks);
    if (isEntryFailure(valid)) return valid;
    const destination = entry.EventBusName === undefined ? (callersBus ??= resolveDestination(ctx, undefined)) : resolveDestination(ctx, entry.EventBusName);
    return 'ErrorCode' in destination ? destination : { valid, destination };
  });
  let failed = 0;
  const entries: ResultEntry[] = checked.map((c) => {
    if ('ErrorCode' in c) {
      failed++;
      return c;
    }
    const id = ctx.ids.uuid();
    ctx.router.route(c.destination.ns, c.destination.busName, envelopeOf(c.valid, id, ctx.account, ctx.region, now), undefined, now);
    return { EventId: id };
  });
  // AWS answers 200 with per-entry errors even when every entry failed (observed).
  const answer = new PutEventsOutput(failed, entries, ctx.ids === randomIds);
  // Accepted means durable: every job this request produced is on disk before the answer. In
  // memory there is no disk to wait for, and the answer goes out in this turn (no promise).
  if (ctx.store.kind === 'memory') return answer;
  return ctx.store.persistDeliveries().then(() => answer);
};

/**
 * The bus an entry goes to. A bus ARN of another account (same region) is allowed
 * when that bus's resource policy lets the caller's account put events; the event
 * keeps the sender's account. Another region's bus is reached through bus-to-bus rules,
 * not by PutEvents. Another account's bus that does not exist is refused exactly as one
 * whose policy does not allow the caller (no policy allows anything on it), so the answer
 * tells nothing about what another account holds, and no namespace is created for it:
 * AWS authorizes a cross-account call before it looks at the resource.
 */
function resolveDestination(ctx: ActionContext, eventBusName: string | undefined): Destination | EntryFailure {
  const target = eventBusName === undefined ? { name: busName(undefined) } : parseEventBusNameOrArn(eventBusName);
  if (target.account === undefined || (target.account === ctx.account && target.region === ctx.region)) return { ns: ctx.ns, busName: target.name };
  if (target.region !== ctx.region) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter EventBusName is not valid. Reason: event bus ${eventBusName} is not in region ${ctx.region}.` };
  }
  const ns = ctx.store.findNamespace(target.account, target.region!);
  const bus = ns?.eventBuses[target.name];
  if (!ns || !bus || !policyAllows(bus.policy, ctx.account, 'events:PutEvents', bus.arn)) {
    return { ErrorCode: 'AccessDeniedException', ErrorMessage: accessDenied(ctx.account, eventBusArn(target.region!, target.account, target.name)) };
  }
  return { ns, busName: target.name };
}
