/**
 * Puts one event on one bus: matches it against the bus's enabled rules through
 * a compiled, indexed RuleIndex (built once per bus and rebuilt when its rules
 * change), renders each target's input, and hands the jobs to the delivery engine.
 * It does not persist: callers await the store before they answer.
 */
import { compilePattern, RuleIndex } from '../../../engine/patterns/index.js';
import { renderTargetInput, TargetInputError, type RuleContext, type TargetInputConfig } from '../../../engine/transform/index.js';
import type { DeliveryJob, NamespaceState, RuleRecord } from '../../../store/schema.js';
import { archiveManagedBy, archiveRenderedInput, type ArchiveEvents } from '../domain/archives.js';
import type { Clock } from '../../../util/clock.js';
import type { Ids } from '../../../util/ids.js';
import type { Logger } from '../../../util/log.js';
import { isoMillis } from '../../../util/isoMillis.js';
import type { DeliveryEngine } from '../../../engine/delivery/engine.js';
import type { DeliveryHistory } from '../../../engine/delivery/history.js';
import { UnparsedDetail, envelopeJson, type EventEnvelope } from './envelope.js';
import { limits } from '../../../limits.js';

/** What forwarding an event to a bus answers (an event-bus target's delivery outcome). */
export type ForwardOutcome = { ok: true } | { ok: false; errorCode: string; errorMessage: string; retryable: false };

export interface RouterDeps {
  /** Where archived events are kept. */
  records: ArchiveEvents;
  clock: Clock;
  ids: Ids;
  log: Logger;
  history: DeliveryHistory;
  engine: DeliveryEngine;
}

export interface RouteOptions {
  /** Event-bus hops the event made before reaching this bus. */
  hops?: number;
  /** A rule whose targets receive the event whatever its pattern (the scheduled rule that fired). */
  ownerRule?: RuleRecord;
  /** For replayed events: only these rules (by ARN) receive it, when given. Replayed events are never archived. */
  replay?: { filterArns?: string[] };
}

/**
 * Deliveries made so far for one original event that has event-bus targets (its id is kept when
 * it is forwarded). The hop limit bounds how deep a bus loop goes, not how wide: 2 rules with 5
 * targets each back to their own bus made 1 event into 111,111. AWS stops this earlier still: an
 * event forwarded to one event bus is not forwarded again ("EventBridge can't route events
 * received from a sender event bus to a third event bus"; DLQ error codes
 * THIRD_ACCOUNT_HOP_DETECTED / THIRD_REGION_HOP_DETECTED, User Guide eb-rule-dlq). The emulator
 * keeps its 5 hops and bounds the total instead (limits.fanOutPerEvent).
 */
interface FanOut {
  deliveries: number;
  warned: boolean;
}

export class EventRouter {
  private indexes = new WeakMap<NamespaceState, Map<string, RuleIndex<RuleRecord>>>();
  /** By event id, oldest first; at most limits.fanOutEventsTracked (the oldest forgotten first). */
  private fanOut = new Map<string, FanOut>();

  constructor(private readonly deps: RouterDeps) {}

  /** Rules of this bus changed: rebuild its index on next use. */
  rulesChanged(ns: NamespaceState, bus: string): void {
    this.indexes.get(ns)?.delete(bus);
  }

  /** Deliveries of this account in the durable queue (for the per-account pending bound). */
  pendingOf(account: string): number {
    return this.deps.engine.index.pendingOf(account);
  }

  /** Forget every index (after a reset replaced all namespaces). */
  clear(): void {
    this.indexes = new WeakMap();
    this.fanOut.clear();
  }

  /**
   * Route an event that an event-bus target forwards (`hops` so far), unless the deliveries it
   * would add take its original event past limits.fanOutPerEvent: then nothing is routed, the
   * forwarding delivery fails with the reason (deliveries view, its DLQ), the bus's event list
   * shows the drop, and the log says so once per original event.
   */
  forward(ns: NamespaceState, busName: string, event: EventEnvelope, hops: number): ForwardOutcome {
    const id = String(event.id);
    const fanOut = this.fanOut.get(id);
    const rules = ns.eventBuses[busName] ? this.matchingRules(ns, busName, event, {}) : [];
    const adding = deliveriesOf(rules);
    if (fanOut && fanOut.deliveries + adding > limits.fanOutPerEvent) {
      const reason =
        `Event ${id} has already made ${fanOut.deliveries} deliveries, and forwarding it to event bus ${busName} would add ${adding}: ` +
        `the emulator delivers one original event at most ${limits.fanOutPerEvent} times in all (a loop between event buses?). It was not forwarded.`;
      if (!fanOut.warned) {
        fanOut.warned = true;
        this.deps.log.warn('event not forwarded: fan-out limit reached', { eventId: id, eventBusName: busName, account: ns.account, region: ns.region, deliveries: fanOut.deliveries, limit: limits.fanOutPerEvent });
      }
      this.deps.history.recordEvent({ account: ns.account, region: ns.region, eventBusName: busName, receivedAt: this.deps.clock.now(), event: event as unknown as Record<string, unknown>, matchedRules: rules.map((r) => r.name), dropped: reason });
      return { ok: false, errorCode: 'RESOURCE_LIMIT_EXCEEDED', errorMessage: reason, retryable: false };
    }
    // Not counted from its start (its count was forgotten, or the emulator restarted): count from here.
    if (fanOut) fanOut.deliveries += adding;
    else this.trackFanOut(id, adding);
    this.route(ns, busName, event, { hops });
    return { ok: true };
  }

  /** An original event with event-bus targets: start counting its deliveries. */
  private trackFanOut(id: string, deliveries: number): void {
    this.fanOut.delete(id);
    if (this.fanOut.size >= limits.fanOutEventsTracked) this.fanOut.delete(this.fanOut.keys().next().value as string);
    this.fanOut.set(id, { deliveries, warned: false });
  }

  /**
   * Match and enqueue. Returns the names of the rules the event reached; undefined when the bus does not exist.
   * `receivedAt`: when the event was received (PutEvents reads the clock once for all its entries).
   */
  route(ns: NamespaceState, busName: string, event: EventEnvelope, options?: RouteOptions, receivedAt: number = this.deps.clock.now()): string[] | undefined {
    // Runs for every entry of every PutEvents: no closures or throw-away objects per event here.
    const { history, log } = this.deps;
    const recordedEvent = event as unknown as Record<string, unknown>;
    if (!ns.eventBuses[busName]) {
      // AWS accepts the entry (it gets an EventId) and the event goes nowhere; say so where users look.
      const dropped = `Event bus ${busName} does not exist in account ${ns.account}, region ${ns.region}; the event was dropped.`;
      log.warn('event dropped', { eventId: event.id, eventBusName: busName, reason: dropped });
      history.recordEvent({ account: ns.account, region: ns.region, eventBusName: busName, receivedAt, event: recordedEvent, matchedRules: [], dropped });
      return undefined;
    }
    const rules = this.matchingRules(ns, busName, event, options);
    if (rules.length > 0) this.deliver(ns, rules, event, receivedAt, options?.hops ?? 0);
    const matchedRules = namesOf(rules);
    history.recordEvent({ account: ns.account, region: ns.region, eventBusName: busName, receivedAt, event: recordedEvent, matchedRules });
    if (log.enabled('info')) log.info('event accepted', { eventId: event.id, eventBusName: busName, source: event.source, detailType: event['detail-type'], matchedRules });
    return matchedRules;
  }

  /** Each matching rule's targets get the event (an archive's managed rule fills its archive). */
  private deliver(ns: NamespaceState, rules: RuleRecord[], event: EventEnvelope, receivedAt: number, hops: number): void {
    // Input paths and transformers read the event's fields; a target that takes the whole event
    // may take the Detail's text (envelopeJson). Other readers of a delivery's event (a Kinesis
    // PartitionKeyPath, HTTP parameters' paths) go through evaluateJsonPath, which parses it.
    if (event.detail instanceof UnparsedDetail && rules.some(readsEventFields)) event.detail = event.detail.parse();
    const ingestionTime = isoMillis(receivedAt);
    // The event's JSON, made at most once for all the targets that receive the whole event.
    const eventJson = { text: undefined, write: envelopeJson };
    // Only events that reach another bus can multiply (forward() counts the rest of the way). Counted
    // before enqueueing: a due job may be attempted, and forwarded, inside enqueue.
    if (!hops && rules.some(reachesAnotherBus)) this.trackFanOut(String(event.id), deliveriesOf(rules));
    for (const rule of rules) {
      const ruleContext = { ruleArn: rule.arn, ruleName: rule.name, ingestionTime, eventJson };
      for (const target of rule.targets) {
        // An archive is filled through its managed rule's target (its pattern keeps replayed events out).
        if (rule.managedBy === archiveManagedBy) this.archive(ns, target, event, ruleContext, receivedAt);
        else this.enqueue(ns, rule, target, event, ruleContext, hops, receivedAt);
      }
    }
  }

  private matchingRules(ns: NamespaceState, busName: string, event: EventEnvelope, options: RouteOptions | undefined): RuleRecord[] {
    // A new list on every call (RuleIndex.match), so a delivery that routes again, inside the
    // loop over these rules, cannot change it.
    const index = this.index(ns, busName);
    // A Detail still as text is matched as text (see UnparsedDetail), and parsed by deliver() only.
    if (options === undefined && event.detail instanceof UnparsedDetail && !index.mayMatch(event)) return [];
    const matched = index.match(event);
    if (options === undefined) return matched;
    let rules = [...matched];
    if (options.ownerRule && !rules.includes(options.ownerRule)) rules.unshift(options.ownerRule);
    const filterArns = options.replay?.filterArns;
    if (filterArns?.length) rules = rules.filter((rule) => filterArns.includes(rule.arn));
    return rules;
  }

  /** `now`: when the event was received (its jobs are created then: one clock reading per event, not per target). */
  private enqueue(ns: NamespaceState, rule: RuleRecord, target: RuleRecord['targets'][number], event: EventEnvelope, ruleContext: RuleContext, hops: number, now: number): void {
    const job: DeliveryJob = {
      id: this.deps.ids.uuid(),
      account: ns.account,
      region: ns.region,
      ruleArn: rule.arn,
      ruleName: rule.name,
      eventBusName: rule.eventBusName,
      // Shared, not copied: PutTargets replaces a rule's target objects and never changes one in place.
      target,
      event: event as unknown as Record<string, unknown>,
      payload: '',
      hops,
      createdAt: now,
      nextAttemptAt: now,
      attempts: [],
    };
    try {
      job.payload = renderTargetInput(event, target as TargetInputConfig, ruleContext);
    } catch (err) {
      if (!(err instanceof TargetInputError)) throw err;
      // AWS does not deliver an event whose input does not render; it counts as a failed invocation.
      this.deps.engine.failNow(job, 'INVALID_JSON', err.reason);
      return;
    }
    this.deps.engine.enqueue(job, job.payload === ruleContext.eventJson?.text);
  }

  /** The archive rule's target: its rendered input names the archive and carries the event. */
  private archive(ns: NamespaceState, target: RuleRecord['targets'][number], event: EventEnvelope, ruleContext: RuleContext, now: number): void {
    try {
      archiveRenderedInput(this.deps.records, ns, renderTargetInput(event, target as TargetInputConfig, ruleContext), now);
    } catch (err) {
      if (!(err instanceof TargetInputError || err instanceof SyntaxError)) throw err;
      this.deps.log.warn('event not archived', { eventId: event.id, reason: err.message });
    }
  }

  private index(ns: NamespaceState, bus: string): RuleIndex<RuleRecord> {
    let ofNamespace = this.indexes.get(ns);
    if (!ofNamespace) this.indexes.set(ns, (ofNamespace = new Map()));
    let index = ofNamespace.get(bus);
    if (!index) {
      index = new RuleIndex<RuleRecord>();
      for (const rule of Object.values(ns.rules[bus] ?? {})) {
        // Disabled rules and schedule-only rules match no events.
        if (rule.state === 'DISABLED' || rule.eventPattern === undefined) continue;
        index.add(rule.name, compilePattern(rule.eventPattern), rule);
      }
      ofNamespace.set(bus, index);
    }
    return index;
  }
}

const readsFields = (target: RuleRecord['targets'][number]) => target.InputPath !== undefined || target.InputTransformer !== undefined;
const readsEventFields = (rule: RuleRecord) => rule.targets.some(readsFields);
const reachesAnotherBus = (rule: RuleRecord) => rule.targets.some((target) => target.Arn.includes(':event-bus/'));

/** The rules' names, a new list (it is kept in the recent-events list). */
function namesOf(rules: RuleRecord[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < rules.length; i++) names.push(rules[i]!.name);
  return names;
}

/** Deliveries these rules make of one event (an archive's managed rule fills the archive, not a delivery). */
const deliveriesOf = (rules: RuleRecord[]) => rules.reduce((n, rule) => n + (rule.managedBy === archiveManagedBy ? 0 : rule.targets.length), 0);
