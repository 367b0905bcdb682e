/**
 * The delivery engine: a durable queue of (event, rule, target) jobs and the
 * workers that deliver them. A job is in the delivery journal before PutEvents answers
 * and leaves it only when delivered, dead-lettered or dropped, so a restart resumes
 * every pending delivery. Attempts wait on the injectable clock; a failed attempt
 * is retried per the target's RetryPolicy with backoff, or dead-lettered.
 */
import { performance } from 'node:perf_hooks';
import { limits } from '../../limits.js';
import type { AttemptRecord, DeadLetterMessage, DeliveryJob } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { payloadIsEvent as payloadIsEventJobs, type DeliveryHistory, type FinishedDelivery } from './history.js';
import { decideRetry, type ExhaustedCondition } from './retryPolicy.js';
import type { HttpRequestSpec } from './httpRequest.js';
import { targetKind, type SendOutcome, type Sender, type TargetKind } from './senders.js';
import { PendingIndex } from './pendingIndex.js';

export interface EngineDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  history: DeliveryHistory;
  random: () => number;
  /** 'aws-service' only where kindOf can answer it. */
  senders: Record<Exclude<TargetKind, 'aws-service'>, Sender> & { 'aws-service'?: Sender };
  /**
   * Kinds whose sender answers synchronously and whose successful delivery is itself a
   * journaled record (a capture): a due job of these kinds is delivered inside enqueue and
   * enters the queue only when that attempt fails. It saves each job a queue entry, two
   * journal lines and a promise chain, which was most of PutEvents' cost per matched target.
   */
  immediate?: readonly TargetKind[];
  /** Which kind a target ARN is (default targetKind; the emulator's knows where AWS services are). */
  kindOf?: (arn: string) => TargetKind;
  /**
   * Put a dead letter in a real queue instead of the emulator's own list: true when taken
   * (as a durable job of its own). AWS's DLQ is an SQS queue; with SQS at an endpoint it is one.
   */
  sendDeadLetter?: (job: DeliveryJob, message: DeadLetterMessage) => boolean;
  /** Another API's dead-letter form (Scheduler's) for the jobs it made; undefined: the events API's. */
  deadLetterOf?: (job: DeliveryJob, outcome: SendOutcome, exhausted: ExhaustedCondition | undefined, queueArn: string, now: number) => DeadLetterMessage | undefined;
}

const maxShared = 10_000;

/**
 * Due jobs of one destination (a target ARN), oldest first, and its attempts in flight. The slots
 * are shared fairly: the engine takes one job from each lane in turn, and no destination and no
 * account holds more than its cap of them, so an endpoint that never answers (and waits out the
 * 5 s timeout on every slot it holds) cannot stall the deliveries of everyone else.
 */
interface Lane {
  key: string;
  account: string;
  ids: string[];
  head: number;
  inFlight: number;
}

export class DeliveryEngine {
  /** Lanes by target ARN, and those with due jobs in round-robin order. */
  private lanes = new Map<string, Lane>();
  private turns = new Set<Lane>();
  private readyCount = 0;
  private inFlight = 0;
  private inFlightByAccount = new Map<string, number>();
  private timers = new Map<string, () => void>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  /**
   * Jobs read back from the journal after a restart share what is the same across them: the
   * target configuration (usually identical for thousands of jobs) and the strings the journal
   * gave each job its own copy of. (Jobs made since the start share their rule's target already.)
   */
  private shared = new Map<string, unknown>();
  /** The pending jobs as the inspection views filter them. */
  readonly index = new PendingIndex();

  private readonly kindOf: (arn: string) => TargetKind;

  constructor(private readonly deps: EngineDeps) {
    this.kindOf = deps.kindOf ?? targetKind;
  }

  private get jobs(): Record<string, DeliveryJob> {
    return this.deps.store.delivery.deliveries;
  }

  /** Arm every job found in the store (after a restart). */
  resume(): void {
    const jobs = Object.values(this.jobs);
    for (const job of jobs.sort((a, b) => a.createdAt - b.createdAt)) this.index.add(job);
    for (const job of jobs) {
      for (const key of ['account', 'region', 'ruleArn', 'ruleName', 'eventBusName'] as const) job[key] = this.share(job[key], job[key]);
      job.target = this.share(JSON.stringify(job.target), job.target);
      this.schedule(job);
    }
  }

  /**
   * Add jobs to the durable queue. The caller persists the store before answering. New jobs
   * already share their rule's target object (the router passes it as is): no sharing here.
   * `payloadIsEvent`: the payload is exactly JSON.stringify(job.event) (see history.ts); told
   * here so that a job delivered at once is not entered in a weak set only to be looked up once.
   */
  enqueue(job: DeliveryJob, payloadIsEvent = false): void {
    if (this.deliverNow(job, payloadIsEvent)) return;
    if (payloadIsEvent) payloadIsEventJobs.add(job);
    this.deps.store.delivery.putJob(job);
    this.index.add(job);
    this.schedule(job);
  }

  /** The immediate path (see EngineDeps.immediate); false when the job must be queued instead. */
  private deliverNow(job: DeliveryJob, payloadIsEvent: boolean): boolean {
    const { immediate, clock, senders } = this.deps;
    const at = clock.now();
    if (!immediate || this.stopped || job.nextAttemptAt > at) return false;
    const kind = this.kindOf(job.target.Arn);
    if (!immediate.includes(kind)) return false;
    const started = performance.now();
    let outcome: SendOutcome | Promise<SendOutcome>;
    try {
      outcome = senders[kind]!(job);
    } catch (err) {
      outcome = crashed(err);
    }
    if (outcome instanceof Promise) throw new Error(`the ${kind} sender is not synchronous: it cannot be immediate`);
    if (outcome.deferUntil !== undefined) {
      job.nextAttemptAt = outcome.deferUntil;
      return false;
    }
    this.settle(job, outcome, at, started, false, payloadIsEvent);
    return true;
  }

  /** A job that can never be delivered (e.g. its input does not render): dead-letter it at once. */
  failNow(job: DeliveryJob, errorCode: string, errorMessage: string): void {
    job.attempts.push({ at: this.deps.clock.now(), latencyMs: 0, ok: false, errorCode, errorMessage });
    this.deadLetter(job, { ok: false, errorCode, errorMessage }, undefined, false, false);
  }

  /** Pending deliveries (in the durable queue). */
  pending(): DeliveryJob[] {
    return Object.values(this.jobs);
  }

  /** How many deliveries are pending (without listing them). */
  pendingCount(): number {
    return this.deps.store.delivery.pendingCount;
  }

  /** Resolves when nothing is due or in flight (future retries may still be waiting). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forget timers and queued work (the store's jobs were wiped by a reset). */
  reset(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.shared.clear();
    this.index.clear();
    // In-flight attempts of a reset keep their lane until they end (their counts go down then).
    for (const lane of this.lanes.values()) {
      lane.ids = [];
      lane.head = 0;
      if (lane.inFlight === 0) this.lanes.delete(lane.key);
    }
    this.turns.clear();
    this.readyCount = 0;
    this.notifyIdle();
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }

  /** The value already held under this key, else this one (kept). Never mutated afterwards: jobs only read it. */
  private share<T>(key: string, value: T): T {
    const held = this.shared.get(key) as T | undefined;
    if (held !== undefined) return held;
    if (this.shared.size >= maxShared) this.shared.clear(); // a bound, not a cache policy: sharing is only an optimisation
    this.shared.set(key, value);
    return value;
  }

  private schedule(job: DeliveryJob): void {
    this.timers.get(job.id)?.();
    this.timers.delete(job.id);
    if (job.nextAttemptAt <= this.deps.clock.now()) {
      // Due now: no timer round-trip, so idle() sees the work at once.
      this.makeReady(job);
      this.pump();
      return;
    }
    const cancel = this.deps.clock.at(job.nextAttemptAt, () => {
      this.timers.delete(job.id);
      this.makeReady(job);
      this.pump();
    });
    this.timers.set(job.id, cancel);
  }

  private makeReady(job: DeliveryJob): void {
    const key = job.target.Arn;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { key, account: job.account, ids: [], head: 0, inFlight: 0 }));
    lane.ids.push(job.id);
    this.readyCount++;
    this.turns.add(lane);
  }

  /** Start due jobs while slots are free: one per lane in turn, within the per-destination and per-account caps. */
  private pump(): void {
    let started = true;
    while (started && !this.stopped && this.inFlight < limits.deliveryConcurrency && this.turns.size > 0) {
      started = false;
      for (const lane of [...this.turns]) {
        if (this.inFlight >= limits.deliveryConcurrency) break;
        if (lane.inFlight >= limits.deliveryConcurrencyPerDestination) continue;
        if ((this.inFlightByAccount.get(lane.account) ?? 0) >= limits.deliveryConcurrencyPerAccount) continue;
        const job = this.jobs[this.take(lane)];
        started = true;
        if (job) this.start(job, lane);
      }
    }
    this.notifyIdle();
  }

  /** The lane's oldest due job id; a lane left empty leaves the turns (and the map, when idle). */
  private take(lane: Lane): string {
    const id = lane.ids[lane.head++];
    this.readyCount--;
    if (lane.head === lane.ids.length) {
      lane.ids = [];
      lane.head = 0;
      this.turns.delete(lane);
      if (lane.inFlight === 0) this.lanes.delete(lane.key);
    } else {
      // Back of the line: the next turn goes to the other lanes first.
      this.turns.delete(lane);
      this.turns.add(lane);
      if (lane.head > 1024 && lane.head * 2 > lane.ids.length) {
        lane.ids = lane.ids.slice(lane.head);
        lane.head = 0;
      }
    }
    return id;
  }

  private start(job: DeliveryJob, lane: Lane): void {
    this.inFlight++;
    lane.inFlight++;
    this.lanes.set(lane.key, lane);
    this.inFlightByAccount.set(lane.account, (this.inFlightByAccount.get(lane.account) ?? 0) + 1);
    this.attempt(job)
      .catch((err) => this.deps.log.error('delivery attempt crashed', { jobId: job.id, error: String(err) }))
      .finally(() => {
        this.inFlight--;
        lane.inFlight--;
        const left = (this.inFlightByAccount.get(lane.account) ?? 1) - 1;
        if (left === 0) this.inFlightByAccount.delete(lane.account);
        else this.inFlightByAccount.set(lane.account, left);
        if (lane.inFlight === 0 && lane.ids.length === lane.head && this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
        this.pump();
        this.notifyIdle();
      });
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const { clock, senders, store } = this.deps;
    const at = clock.now();
    const started = performance.now();
    const kind = this.kindOf(job.target.Arn);
    let outcome: SendOutcome;
    try {
      outcome = await senders[kind]!(job);
    } catch (err) {
      outcome = crashed(err);
    }
    // A reset while the attempt was in flight: the job no longer exists.
    if (this.stopped || this.jobs[job.id] !== job) return;
    if (outcome.deferUntil !== undefined) {
      // "Not yet" (a rate limit): wait in the durable queue; no attempt was made. Nothing
      // durable changed either (after a restart the job is simply deferred again): no write.
      job.nextAttemptAt = outcome.deferUntil;
      this.schedule(job);
      return;
    }
    this.settle(job, outcome, at, started, true, false);
    // An API destination's delivery can change its connection (an OAuth token obtained, a
    // de-authorization): connectionAuth names those records, so they ride on this write's
    // journal append with the delivery side; state.json is not rewritten per delivery.
    await (kind === 'api-destination' ? store.persistChanges() : store.persistDeliveries());
  }

  /**
   * Record an attempt's outcome: delivered, retry scheduled (the job is put in the queue), or
   * dead-lettered. `queued`: the job is in the queue (not on the immediate path's first attempt).
   * `payloadIsEvent`: as enqueue was told (false once queued: the weak set knows then).
   */
  private settle(job: DeliveryJob, outcome: SendOutcome, at: number, started: number, queued: boolean, payloadIsEvent: boolean): void {
    const { random, store } = this.deps;
    recordAttempt(job, {
      at,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
      ok: outcome.ok,
      statusCode: outcome.statusCode,
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
      request: outcome.request,
      response: outcome.response,
    });
    if (outcome.ok) {
      this.finish(job, 'delivered', undefined, queued, payloadIsEvent);
      return;
    }
    const retryPolicy = job.target.RetryPolicy as Parameters<typeof decideRetry>[0];
    const failure = { retryable: outcome.retryable ?? false, retryAfterMs: outcome.retryAfterMs };
    // The backoff counts from the attempt's start: inside a clock advance that is the moment the
    // attempt was due, so one long advance and many short ones schedule the same retries.
    const decision = decideRetry(retryPolicy, failure, job.attempts.length, job.createdAt, at, random);
    if (decision.retry) {
      job.nextAttemptAt = decision.at;
      if (payloadIsEvent) payloadIsEventJobs.add(job);
      store.delivery.putJob(job);
      this.index.add(job);
      this.schedule(job);
      this.deps.log.info('delivery failed, retry scheduled', logFields(job, { errorCode: outcome.errorCode, nextAttemptAt: new Date(decision.at).toISOString() }));
    } else {
      this.deadLetter(job, outcome, decision.exhausted, queued, payloadIsEvent);
    }
  }

  private deadLetter(job: DeliveryJob, outcome: SendOutcome, exhausted: ExhaustedCondition | undefined, queued: boolean, payloadIsEvent: boolean): void {
    const queueArn = (job.target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
    if (!queueArn) {
      this.finish(job, 'dropped', undefined, queued, payloadIsEvent);
      return;
    }
    const attributes: Record<string, string> = {
      RULE_ARN: job.ruleArn,
      TARGET_ARN: job.target.Arn,
      ERROR_CODE: outcome.errorCode ?? 'UNKNOWN',
      ERROR_MESSAGE: outcome.errorMessage ?? '',
      RETRY_ATTEMPTS: String(Math.max(0, job.attempts.length - 1)),
    };
    if (exhausted) attributes.EXHAUSTED_RETRY_CONDITION = exhausted;
    const message: DeadLetterMessage = this.deps.deadLetterOf?.(job, outcome, exhausted, queueArn, this.deps.clock.now()) ?? { queueArn, at: this.deps.clock.now(), body: JSON.stringify(job.event), attributes };
    if (!this.deps.sendDeadLetter?.(job, message)) this.deps.store.delivery.appendDeadLetter(queueArn, message, limits.deadLettersPerQueue);
    this.finish(job, 'dead-lettered', queueArn, queued, payloadIsEvent);
  }

  private finish(job: DeliveryJob, status: FinishedDelivery['status'], deadLetterQueueArn: string | undefined, queued: boolean, payloadIsEvent: boolean): void {
    const seq = this.index.seq(job) ?? this.index.newSeq();
    if (queued) this.deps.store.delivery.removeJob(job.id);
    this.index.remove(job);
    const finished: FinishedDelivery = { job, status, finishedAt: this.deps.clock.now(), seq };
    if (deadLetterQueueArn !== undefined) finished.deadLetterQueueArn = deadLetterQueueArn;
    this.deps.history.recordFinished(finished, payloadIsEvent || undefined);
    const level = status === 'delivered' ? 'info' : 'warn';
    if (!this.deps.log.enabled(level)) return;
    // A delivery that did not happen says why (e.g. an InputTemplate that rendered to invalid JSON).
    const last = status === 'delivered' ? undefined : job.attempts[job.attempts.length - 1];
    const reason = last && (last.errorCode || last.errorMessage) ? `${last.errorCode ?? 'UNKNOWN'}: ${last.errorMessage ?? ''}` : undefined;
    this.deps.log[level](`delivery ${status}`, logFields(job, { attempts: job.attempts.length, deadLetterQueueArn, reason }));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.readyCount === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * Every attempt is kept (its outcome counts toward the retry policy), but only the latest
 * few keep what was sent: 185 retries of a large request would otherwise hold 185 copies
 * of it, in memory and in every journal line of the job. A body equal to the job's payload
 * (the usual case) is not stored twice: the inspection view puts it back (src/inspect/views.ts).
 */
function recordAttempt(job: DeliveryJob, attempt: AttemptRecord): void {
  const request = attempt.request as Partial<HttpRequestSpec> | undefined;
  if (request && typeof request === 'object' && request.body === job.payload) {
    // Spelled out: an object rest (`{ body, ...rest }`) gave every stored request a hidden class of its own.
    attempt.request = { method: request.method, url: request.url, headers: request.headers, bodyIsPayload: true };
  }
  job.attempts.push(attempt);
  const dropBefore = job.attempts.length - limits.attemptRequestsKept;
  for (let i = Math.max(0, dropBefore - 1); i < dropBefore; i++) {
    delete job.attempts[i].request;
    delete job.attempts[i].response;
  }
}

function crashed(err: unknown): SendOutcome {
  return { ok: false, errorCode: 'INTERNAL_ERROR', errorMessage: (err as Error).message, retryable: true };
}

function logFields(job: DeliveryJob, extra: Record<string, unknown>): Record<string, unknown> {
  return { eventId: job.event.id, ruleArn: job.ruleArn, targetId: job.target.Id, targetArn: job.target.Arn, ...extra };
}
