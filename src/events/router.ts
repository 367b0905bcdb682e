/**
 * Puts one event on one bus: matches it against the bus's enabled rules through
 * a compiled, indexed RuleIndex (built once per bus and rebuilt when its rules
 * change), renders each target's input, and hands the jobs to the delivery engine.
 * It does not persist: callers await the store before they answer.
 */
import { compilePattern, RuleIndex } from '../patterns/index.js';
import { renderTargetInput, TargetInputError, type RuleContext, type TargetInputConfig } from '../transform/index.js';
import type { DeliveryJob, NamespaceState, RuleRecord } from '../store/schema.js';
import { archiveManagedBy, archiveRenderedInput, type ArchiveEvents } from '../domain/archives.js';
import type { Clock } from '../util/clock.js';
import type { Ids } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import { rememberLast } from '../util/rememberLast.js';
import type { DeliveryEngine } from '../delivery/engine.js';
import type { DeliveryHistory } from '../delivery/history.js';
import type { EventEnvelope } from './envelope.js';

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

export class EventRouter {
  private indexes = new WeakMap<NamespaceState, Map<string, RuleIndex<RuleRecord>>>();

  constructor(private readonly deps: RouterDeps) {}

  /** Rules of this bus changed: rebuild its index on next use. */
  rulesChanged(ns: NamespaceState, bus: string): void {
    this.indexes.get(ns)?.delete(bus);
  }

  /** Forget every index (after a reset replaced all namespaces). */
  clear(): void {
    this.indexes = new WeakMap();
  }

  /** Match and enqueue. Returns the names of the rules the event reached; undefined when the bus does not exist. */
  route(ns: NamespaceState, busName: string, event: EventEnvelope, options: RouteOptions = {}): string[] | undefined {
    const { history, log, clock } = this.deps;
    const receivedAt = clock.now();
    const recorded = (matchedRules: string[], dropped?: string) => ({
      account: ns.account,
      region: ns.region,
      eventBusName: busName,
      receivedAt,
      event: event as unknown as Record<string, unknown>,
      matchedRules,
      ...(dropped ? { dropped } : {}),
    });
    if (!ns.eventBuses[busName]) {
      // AWS accepts the entry (it gets an EventId) and the event goes nowhere; say so where users look.
      const dropped = `Event bus ${busName} does not exist in account ${ns.account}, region ${ns.region}; the event was dropped.`;
      log.warn('event dropped', { eventId: event.id, eventBusName: busName, reason: dropped });
      history.recordEvent(recorded([], dropped));
      return undefined;
    }
    let rules = [...this.index(ns, busName).match(event)];
    if (options.ownerRule && !rules.includes(options.ownerRule)) rules.unshift(options.ownerRule);
    const filterArns = options.replay?.filterArns;
    if (filterArns?.length) rules = rules.filter((rule) => filterArns.includes(rule.arn));
    const ingestionTime = isoTime(receivedAt);
    const eventJson = {};
    for (const rule of rules) {
      const ruleContext = { ruleArn: rule.arn, ruleName: rule.name, ingestionTime, eventJson };
      for (const target of rule.targets) {
        // An archive is filled through its managed rule's target (its pattern keeps replayed events out).
        if (rule.managedBy === archiveManagedBy) this.archive(ns, target, event, ruleContext, receivedAt);
        else this.enqueue(ns, rule, target, event, ruleContext, options.hops ?? 0);
      }
    }
    const matchedRules = rules.map((rule) => rule.name);
    history.recordEvent(recorded(matchedRules));
    if (log.enabled('info')) log.info('event accepted', { eventId: event.id, eventBusName: busName, source: event.source, detailType: event['detail-type'], matchedRules });
    return matchedRules;
  }

  private enqueue(ns: NamespaceState, rule: RuleRecord, target: RuleRecord['targets'][number], event: EventEnvelope, ruleContext: RuleContext, hops: number): void {
    const now = this.deps.clock.now();
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
    this.deps.engine.enqueue(job);
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

// Many events share a millisecond: format each one once.
const isoTime = rememberLast((ms: number) => new Date(ms).toISOString());
