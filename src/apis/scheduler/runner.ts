/**
 * Makes schedules fire on the (virtual) clock. Each ENABLED schedule has one timer, armed at
 * its next invocation (inside StartDate..EndDate, in its time zone, moved inside its flexible
 * window by the injected random source); when it fires, one delivery job per invocation goes
 * to the shared delivery engine (the same senders, retries and DLQ as rule targets) and the
 * next invocation is armed. A DELETING schedule group is removed, with its schedules, a few
 * seconds of virtual time after DeleteScheduleGroup.
 *
 * Invocations missed while the emulator was stopped: Scheduler delivers at least once and keeps
 * retrying an invocation for MaximumEventAgeInSeconds (User Guide, "Configuring a retry policy"),
 * so on start-up each missed invocation still younger than that is invoked late (with its own
 * scheduled time), and each older one is given up as AWS gives up an event past its age: to the
 * dead-letter queue with EXHAUSTED_RETRY_CONDITION MaximumEventAgeInSeconds, or dropped (a
 * recorded delivery either way). At most `maxMissed` per schedule are looked at.
 */
import type { DeliveryEngine } from '../../engine/delivery/engine.js';
import type { DeliveryJob, NamespaceState, TargetRecord } from '../../store/schema.js';
import type { Clock } from '../../util/clock.js';
import type { Ids } from '../../util/ids.js';
import { formatEventTime } from '../events/bus/envelope.js';
import { nextInvocation, parseExpression } from './expressions.js';
import { findScheduler, scheduleArn, type ScheduleRecord } from './state.js';
import { checkUniversalTarget } from './universalTarget.js';

export interface RunnerDeps {
  clock: Clock;
  ids: Ids;
  random: () => number;
  engine: Pick<DeliveryEngine, 'enqueue' | 'failNow'>;
  /** Names a record of a namespace that the runner changed (`'scheduler', 'schedules', group, name`). */
  changed: (ns: NamespaceState, ...path: string[]) => void;
  /** Writes what was named (and the delivery jobs enqueued). */
  persist: () => void;
}

/** Scheduler's RetryPolicy defaults (Scheduler User Guide, "Configuring a retry policy"): 185 retries, 24 hours. */
const defaultRetries = 185;
const defaultMaxAgeSeconds = 86_400;
/** How long a DELETING group lasts (virtual time); AWS gives no figure ("eventually consistent"). */
export const groupDeletionMs = 5_000;
const maxMissed = 1000;

interface Armed {
  signature: string;
  cancel: () => void;
  /** When the timer fires (the nominal time plus any flexible delay). */
  at: number;
}

/** One armed schedule, as the inspection view lists it. */
export interface ArmedSchedule {
  account: string;
  region: string;
  arn: string;
  nextInvocationAt: number;
}

interface SchedulerTarget {
  Arn: string;
  RoleArn?: string;
  Input?: string;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  EventBridgeParameters?: { DetailType: string; Source: string };
  [parameters: string]: unknown;
}

export class ScheduleRunner {
  private armed = new Map<string, Armed>();
  private deletions = new Map<string, () => void>();

  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Re-arm the one schedule a request changed (created, updated or deleted): a call's cost does
   * not grow with the namespace's schedules, as sync()'s walk over all of them does.
   */
  syncSchedule(ns: NamespaceState, groupName: string, name: string, asOf = this.deps.clock.now()): void {
    const s = findScheduler(ns)?.schedules[groupName]?.[name];
    const key = `${ns.account}:${ns.region}:${s?.arn ?? scheduleArn(ns, groupName, name)}`;
    const armed = this.armed.get(key);
    const wanted = s !== undefined && (s.spec.State ?? 'ENABLED') === 'ENABLED';
    if (armed && (!wanted || signatureOf(s) !== armed.signature)) {
      armed.cancel();
      this.armed.delete(key);
    }
    if (wanted && !this.armed.has(key)) this.arm(ns, key, s, asOf - 1);
  }

  /** Re-arm one namespace's schedules; `asOf`: the time of the request that changed them (now by default). */
  sync(ns: NamespaceState, asOf = this.deps.clock.now()): void {
    const prefix = `${ns.account}:${ns.region}:`;
    const wanted = new Map<string, ScheduleRecord>();
    const state = findScheduler(ns);
    for (const group of Object.values(state?.schedules ?? {})) {
      for (const s of Object.values(group)) if ((s.spec.State ?? 'ENABLED') === 'ENABLED') wanted.set(prefix + s.arn, s);
    }
    for (const [key, armed] of this.armed) {
      if (!key.startsWith(prefix)) continue;
      const s = wanted.get(key);
      if (!s || signatureOf(s) !== armed.signature) {
        armed.cancel();
        this.armed.delete(key);
      }
    }
    // From just before the change, so a rate schedule without StartDate is invoked at once, as on
    // AWS (its anchor is the request's time, which the clock may have passed by now).
    for (const [key, s] of wanted) if (!this.armed.has(key)) this.arm(ns, key, s, asOf - 1);
    this.syncDeletions(ns);
  }

  syncAll(namespaces: NamespaceState[]): void {
    for (const ns of namespaces) this.sync(ns);
  }

  /** At start-up: what was missed while the emulator was stopped (see the module comment), then arm. */
  resume(namespaces: NamespaceState[]): void {
    const now = this.deps.clock.now();
    let missedAny = false;
    for (const ns of namespaces) {
      for (const group of Object.values(findScheduler(ns)?.schedules ?? {})) {
        for (const s of Object.values(group)) {
          if ((s.spec.State ?? 'ENABLED') !== 'ENABLED' || s.armedFor === undefined || s.armedFor >= now) continue;
          missedAny = true;
          let after = s.armedFor - 1;
          for (let i = 0; i < maxMissed; i++) {
            const missed = this.nextTime(s, after);
            if (missed === undefined || missed >= now) break;
            this.invoke(ns, s, missed, now - missed > maxAgeMs(s));
            after = missed;
          }
          // Armed from the last one looked at, so an at() that was run is not run again.
          const key = `${ns.account}:${ns.region}:${s.arn}`;
          this.arm(ns, key, s, Math.max(after, now - 1));
        }
      }
      this.sync(ns);
    }
    // Only a start that caught up on missed invocations changed anything worth a write (a large
    // state.json is not rewritten at every start).
    if (missedAny) this.deps.persist();
  }

  /** The armed schedules and when each fires next, soonest first (DISABLED and finished ones are not armed). */
  armedSchedules(): ArmedSchedule[] {
    const out: ArmedSchedule[] = [];
    for (const [key, armed] of this.armed) {
      const [account, region] = key.split(':', 2);
      out.push({ account, region, arn: key.slice(account.length + region.length + 2), nextInvocationAt: armed.at });
    }
    return out.sort((a, b) => a.nextInvocationAt - b.nextInvocationAt);
  }

  stop(): void {
    for (const armed of this.armed.values()) armed.cancel();
    this.armed.clear();
    for (const cancel of this.deletions.values()) cancel();
    this.deletions.clear();
  }

  /** One timer per DELETING group: then the group, its schedules and its tags go. */
  private syncDeletions(ns: NamespaceState): void {
    const state = findScheduler(ns);
    for (const g of Object.values(state?.groups ?? {})) {
      if (g.state !== 'DELETING' || this.deletions.has(g.arn)) continue;
      const cancel = this.deps.clock.at((g.deletingSince ?? 0) + groupDeletionMs, () => {
        this.deletions.delete(g.arn);
        if (state!.groups[g.name]?.state !== 'DELETING') return;
        delete state!.schedules[g.name];
        delete state!.groups[g.name];
        delete state!.tags[g.arn];
        this.deps.changed(ns, 'scheduler', 'schedules', g.name);
        this.deps.changed(ns, 'scheduler', 'groups', g.name);
        this.deps.changed(ns, 'scheduler', 'tags', g.arn);
        this.sync(ns);
        this.deps.persist();
      });
      this.deletions.set(g.arn, cancel);
    }
  }

  /** The next invocation's nominal time after `afterMs`, within the schedule's dates. */
  nextTime(s: ScheduleRecord, afterMs: number): number | undefined {
    const expr = parseExpression(String(s.spec.ScheduleExpression));
    if (!expr) return undefined;
    const zone = typeof s.spec.ScheduleExpressionTimezone === 'string' ? s.spec.ScheduleExpressionTimezone : 'UTC';
    // StartDate bounds recurring schedules only; an at() schedule ignores it (API Reference, StartDate).
    const from = expr.kind !== 'at' && s.startDate !== undefined ? Math.max(afterMs, s.startDate - 1) : afterMs;
    const at = nextInvocation(expr, zone, from, s.startDate ?? s.creationDate);
    if (at === undefined || (expr.kind !== 'at' && s.endDate !== undefined && at > s.endDate)) return undefined;
    return at;
  }

  private arm(ns: NamespaceState, key: string, s: ScheduleRecord, afterMs: number): void {
    const nominal = this.nextTime(s, afterMs);
    if (nominal === undefined) return this.complete(ns, s);
    if (s.armedFor !== nominal) {
      s.armedFor = nominal;
      this.deps.changed(ns, 'scheduler', 'schedules', s.groupName, s.name);
    }
    const window = s.spec.FlexibleTimeWindow as { Mode: string; MaximumWindowInMinutes?: number };
    const delay = window.Mode === 'FLEXIBLE' ? Math.floor(this.deps.random() * (window.MaximumWindowInMinutes ?? 0) * 60_000) : 0;
    const signature = signatureOf(s);
    const cancel = this.deps.clock.at(nominal + delay, () => {
      this.armed.delete(key);
      this.invoke(ns, s, nominal);
      this.arm(ns, key, s, nominal);
      this.deps.persist();
    });
    this.armed.set(key, { signature, cancel, at: nominal + delay });
  }

  /** No invocation is left: ActionAfterCompletion DELETE removes the schedule. */
  private complete(ns: NamespaceState, s: ScheduleRecord): void {
    if (s.spec.ActionAfterCompletion !== 'DELETE') return;
    const group = findScheduler(ns)?.schedules[s.groupName];
    if (group?.[s.name] !== s) return;
    delete group[s.name];
    this.deps.changed(ns, 'scheduler', 'schedules', s.groupName, s.name);
    this.deps.persist();
  }

  /** `tooOld`: a missed invocation past MaximumEventAgeInSeconds, given up rather than sent. */
  private invoke(ns: NamespaceState, s: ScheduleRecord, scheduledAt: number, tooOld = false): void {
    const target = s.spec.Target as SchedulerTarget;
    const executionId = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    const input = (target.Input ?? '{}')
      .split('<aws.scheduler.schedule-arn>').join(s.arn)
      .split('<aws.scheduler.scheduled-time>').join(formatEventTime(scheduledAt))
      .split('<aws.scheduler.execution-id>').join(executionId);
    // <aws.scheduler.attempt-number> stays: each attempt fills it in (attemptNumber.ts).
    const { Input: _input, EventBridgeParameters, RetryPolicy, ...rest } = target;
    // A universal target is captured with the call it would make (service, action as AWS names it).
    const call = checkUniversalTarget(target.Arn, undefined);
    const engineTarget: TargetRecord = {
      ...rest,
      ...(call ? { AwsSdkCall: call } : {}),
      Id: s.name,
      Arn: target.Arn,
      RetryPolicy: { MaximumRetryAttempts: RetryPolicy?.MaximumRetryAttempts ?? defaultRetries, MaximumEventAgeInSeconds: RetryPolicy?.MaximumEventAgeInSeconds ?? defaultMaxAgeSeconds },
    };
    const event: Record<string, unknown> = {
      version: '0',
      id: executionId,
      'detail-type': EventBridgeParameters?.DetailType ?? 'Scheduled Invocation',
      source: EventBridgeParameters?.Source ?? 'aws.scheduler',
      account: ns.account,
      time: formatEventTime(scheduledAt),
      region: ns.region,
      resources: [s.arn],
      detail: {},
    };
    const job: DeliveryJob = {
      id: this.deps.ids.uuid(),
      account: ns.account,
      region: ns.region,
      ruleArn: s.arn,
      ruleName: s.name,
      eventBusName: '',
      target: engineTarget,
      event,
      payload: input,
      hops: 0,
      createdAt: now,
      nextAttemptAt: now,
      attempts: [],
      invocation: { executionId, scheduledTime: scheduledAt, ...(tooOld ? { missed: true } : {}) },
    };
    if (tooOld) {
      return this.deps.engine.failNow(job, 'MISSED_INVOCATION', `The emulator was stopped at ${formatEventTime(scheduledAt)}, the invocation's scheduled time, and is back after its MaximumEventAgeInSeconds.`);
    }
    if (EventBridgeParameters) {
      // PutEvents: the Input is the event's Detail, which must be a JSON object.
      let detail: unknown;
      try {
        // The bus takes the event object, not the payload: the attempt is the first (a forward is not retried).
        detail = JSON.parse(input.split('<aws.scheduler.attempt-number>').join('1'));
      } catch {
        detail = undefined;
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return this.deps.engine.failNow(job, 'INVALID_JSON', 'The target Input is not a JSON object, as the event Detail must be.');
      event.detail = detail;
      job.payload = JSON.stringify(event);
    }
    this.deps.engine.enqueue(job);
  }
}

function maxAgeMs(s: ScheduleRecord): number {
  const policy = (s.spec.Target as SchedulerTarget).RetryPolicy;
  return (policy?.MaximumEventAgeInSeconds ?? defaultMaxAgeSeconds) * 1000;
}

function signatureOf(s: ScheduleRecord): string {
  return String(s.lastModificationDate) + '|' + JSON.stringify(s.spec);
}
