/**
 * Runs the RUNNING pipes. Per pipe one worker repeats, on the (virtual) clock:
 *
 *   source.next() -> FilterCriteria -> enrichment -> target -> source.settle()
 *
 * Retries belong to the source (contract.ts): a failed batch is settled as failed and the source
 * offers it again by its own rules, so the runner keeps no batch of its own and a restart loses
 * nothing the source has not been told was delivered. Every batch the source offers (each
 * attempt of it) is recorded for the inspection API (`GET /_eventbridge-local/pipes`).
 */
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { compilePattern, matchPattern, type CompiledPattern } from '../../engine/patterns/index.js';
import type { NamespaceState } from '../../store/schema.js';
import { PipeStepError, type BatchOutcome, type CheckpointStore, type PipeEnrichment, type PipeSource, type PipeSourceBatch, type PipeSourceFactory, type PipeTargetDelivery } from './contract.js';
import { filtersOf, findPipes, type PipeRecord } from './state.js';
import { recordBatch, type PipeBatchRecord } from './batches.js';
import { withDecodedData } from './sources/dataFields.js';
import type { PipeAttempt } from './steps.js';

/** The pipe as the enrichment and target factories see it: its ARN, where it lives, its spec (wire names). */
export interface PipeView {
  arn: string;
  name: string;
  account: string;
  region: string;
  spec: Record<string, unknown>;
}

export interface PipeRunnerDeps {
  clock: Clock;
  log: Logger;
  createSource: PipeSourceFactory;
  createEnrichment: (pipe: PipeView) => PipeEnrichment;
  createTarget: (pipe: PipeView) => PipeTargetDelivery;
  /** Persist the control plane (checkpoints, batch records); resolves once on disk. */
  /** Writes the pipe's records (and whatever else was named). */
  persist: (ns: NamespaceState, pipeName: string) => Promise<void>;
  /** How long a worker waits before polling again when the source had nothing (ms of the clock). */
  idlePollMs: number;
}

interface Worker {
  /** What the worker was started from: a change to any of it restarts the worker. */
  signature: string;
  stop: () => Promise<void>;
  source?: PipeSource;
}

export class PipeRunner {
  private workers = new Map<string, Worker>();
  /** The enrichment and target calls of the batch each pipe is processing, by pipe ARN (one batch at a time per pipe). */
  private calls = new Map<string, PipeAttempt[]>();

  constructor(private readonly deps: PipeRunnerDeps) {}

  /** Start the workers of the namespace's RUNNING pipes, stop the others'. */
  sync(ns: NamespaceState): Promise<void> {
    const prefix = `${ns.account}:${ns.region}:`;
    const wanted = new Map<string, PipeRecord>();
    for (const p of Object.values(findPipes(ns)?.pipes ?? {})) if (p.currentState === 'RUNNING') wanted.set(prefix + p.arn, p);
    const stopping: Promise<void>[] = [];
    for (const [key, worker] of this.workers) {
      if (!key.startsWith(prefix)) continue;
      const p = wanted.get(key);
      if (!p || JSON.stringify(p.spec) !== worker.signature) {
        this.workers.delete(key);
        stopping.push(worker.stop());
      }
    }
    const stopped = Promise.all(stopping);
    for (const [key, p] of wanted) {
      // A restarted worker starts once the old one let go of its batch (settled it), so no batch is read twice at once.
      if (!this.workers.has(key)) this.workers.set(key, this.start(ns, p, stopped));
    }
    return stopped.then(() => undefined);
  }

  /** Told of each enrichment/target call (steps.ts onAttempt): kept with the batch it belongs to. */
  attempted(call: PipeAttempt): void {
    this.calls.get(call.pipeArn)?.push(call);
  }

  /** Whether the pipe has a worker, and why its source's last poll failed, if it did. */
  status(account: string, region: string, arn: string): { polling: boolean; sourceError?: string } {
    const worker = this.workers.get(`${account}:${region}:${arn}`);
    const sourceError = worker?.source?.lastError();
    return { polling: worker !== undefined, ...(sourceError !== undefined ? { sourceError } : {}) };
  }

  async syncAll(namespaces: NamespaceState[]): Promise<void> {
    await Promise.all(namespaces.map((ns) => this.sync(ns)));
  }

  /** Stop every worker; resolves once each settled or abandoned its batch and closed its source. */
  async stop(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.stop()));
  }

  private start(ns: NamespaceState, pipe: PipeRecord, after: Promise<unknown>): Worker {
    const view: PipeView = { arn: pipe.arn, name: pipe.name, account: ns.account, region: ns.region, spec: pipe.spec };
    let running = true;
    let wake: (() => void) | undefined;
    const worker: Worker = {
      signature: JSON.stringify(pipe.spec),
      stop: async () => {
        running = false;
        wake?.();
        await loop;
      },
    };
    const loop = after
      .then(() => this.work(ns, pipe, view, worker, () => running, (fn) => (wake = fn)))
      .catch((err: unknown) => this.deps.log.error('pipe worker failed', { pipe: pipe.arn, error: err instanceof Error ? err.stack : String(err) }));
    return worker;
  }

  private async work(ns: NamespaceState, pipe: PipeRecord, view: PipeView, worker: Worker, running: () => boolean, onWake: (fn: () => void) => void): Promise<void> {
    const { clock, log } = this.deps;
    const filters = filtersOf(pipe.spec).map((p) => compilePattern(p));
    const source = this.deps.createSource({
      pipeArn: pipe.arn,
      pipeName: pipe.name,
      account: ns.account,
      region: ns.region,
      sourceArn: String(pipe.spec.Source),
      sourceParameters: (pipe.spec.SourceParameters as Record<string, unknown> | undefined) ?? {},
      checkpoints: this.checkpoints(ns, pipe.name),
      now: () => clock.now(),
    });
    worker.source = source;
    const enrich = typeof pipe.spec.Enrichment === 'string' && pipe.spec.Enrichment !== '' ? this.deps.createEnrichment(view) : undefined;
    const deliver = this.deps.createTarget(view);
    try {
      while (running()) {
        const batch = await source.next();
        if (!running()) {
          // Stopped while polling: nothing reaches the target; the source offers the batch again later.
          if (batch) await source.settle(batch, { kind: 'failed', reason: 'The pipe stopped before the batch was delivered.' }, []);
          break;
        }
        if (!batch) {
          await new Promise<void>((resolve) => {
            const cancel = clock.at(clock.now() + this.deps.idlePollMs, resolve);
            onWake(() => {
              cancel();
              resolve();
            });
          });
          continue;
        }
        await this.process(ns, pipe, source, batch, filters, enrich, deliver);
      }
    } finally {
      await source.close().catch((err: unknown) => log.warn('pipe source did not close cleanly', { pipe: pipe.arn, error: String(err) }));
    }
  }

  private async process(ns: NamespaceState, pipe: PipeRecord, source: PipeSource, batch: PipeSourceBatch, filters: CompiledPattern[], enrich: PipeEnrichment | undefined, deliver: PipeTargetDelivery): Promise<void> {
    const started = this.deps.clock.now();
    const matched = batch.records.filter((r) => filters.length === 0 || filters.some((f) => matchPattern(f, withDecodedData(r.record))));
    const filteredOut = batch.records.filter((r) => !matched.includes(r)).map((r) => r.itemId);
    let outcome: BatchOutcome = { kind: 'delivered' };
    let enriched: number | undefined;
    const calls: PipeAttempt[] = [];
    this.calls.set(pipe.arn, calls);
    if (matched.length > 0) {
      try {
        let events: unknown[] = matched.map((r) => r.record);
        if (enrich) {
          events = await enrich(events);
          enriched = events.length;
        }
        // An enrichment that answers nothing ends the batch there (AWS: nothing is sent to the target).
        if (events.length > 0) outcome = await deliver(events);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        outcome = err instanceof PipeStepError && err.failedItemIds?.length ? { kind: 'partial', failedItemIds: err.failedItemIds, reason } : { kind: 'failed', reason };
      }
    }
    this.calls.delete(pipe.arn);
    await source.settle(batch, outcome, filteredOut);
    const record: PipeBatchRecord = {
      at: new Date(started).toISOString(),
      attempt: batch.attempt,
      itemIds: batch.records.map((r) => r.itemId),
      filteredOutItemIds: filteredOut,
      ...(enriched !== undefined ? { enrichedEvents: enriched } : {}),
      outcome: matched.length === 0 ? 'filtered' : outcome.kind,
      ...(outcome.kind !== 'delivered' ? { reason: outcome.reason } : {}),
      ...(outcome.kind === 'partial' ? { failedItemIds: outcome.failedItemIds } : {}),
      calls: calls.map((c) => ({
        step: c.step,
        arn: c.arn,
        at: new Date(c.at).toISOString(),
        latencyMs: c.latencyMs,
        ok: c.ok,
        ...(c.statusCode !== undefined ? { statusCode: c.statusCode } : {}),
        ...(c.errorCode !== undefined ? { errorCode: c.errorCode } : {}),
        ...(c.errorMessage !== undefined ? { errorMessage: c.errorMessage } : {}),
      })),
    };
    recordBatch(ns, pipe.name, record);
    // A failed write is the store's to report (onWriteError); the worker goes on with the next batch.
    await this.deps.persist(ns, pipe.name).catch((err: unknown) => this.deps.log.warn('pipe batch record not persisted', { pipe: pipe.arn, error: String(err) }));
  }

  private checkpoints(ns: NamespaceState, pipeName: string): CheckpointStore {
    return {
      get: (shardId) => findPipes(ns)?.checkpoints[pipeName]?.[shardId],
      set: async (shardId, sequenceNumber) => {
        const state = findPipes(ns);
        // The pipe was deleted meanwhile: its positions go with it.
        if (!state?.pipes[pipeName]) return;
        (state.checkpoints[pipeName] ??= Object.create(null) as Record<string, string>)[shardId] = sequenceNumber;
        await this.deps.persist(ns, pipeName);
      },
    };
  }
}
