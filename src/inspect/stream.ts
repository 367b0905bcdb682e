/**
 * The dashboard's live stream (server-sent events). Events and finished deliveries come
 * from the DeliveryHistory listener as they are recorded. Attempts of pending deliveries
 * (a failure, its next retry time) are noticed by comparing the durable queue with what
 * was last sent, a few times a second and only while a page is connected: the engine
 * has no attempt hook, and the inspection side does not reach into it.
 */
import type { Response } from 'express';
import type { DeliveryEngine } from '../delivery/engine.js';
import type { DeliveryHistory, HistoryChange } from '../delivery/history.js';
import { dashboardDeliveryView, dashboardEventView } from './dashboardViews.js';

const pendingScanMs = 200;
const heartbeatMs = 15_000;

export class EventStream {
  private clients = new Set<Response>();
  private unsubscribe?: () => void;
  private scanTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  /** Pending job id -> attempts and next attempt time, as last sent. */
  private seen = new Map<string, string>();
  private scanQueued = false;

  constructor(private readonly deps: { history: DeliveryHistory; engine: DeliveryEngine }) {}

  /** Serve one SSE client until it goes away (or close()). */
  attach(res: Response): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    res.on('close', () => this.detach(res));
    if (this.clients.size === 1) this.start();
    this.send(res, 'hello', { connectedAt: new Date().toISOString() });
  }

  /** End every stream (the server is closing: an open stream would keep it alive). */
  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stop();
  }

  private detach(res: Response): void {
    this.clients.delete(res);
    if (this.clients.size === 0) this.stop();
  }

  private start(): void {
    this.unsubscribe = this.deps.history.subscribe((change) => this.onChange(change));
    this.seen = new Map(this.deps.engine.pending().map((job) => [job.id, signature(job)]));
    this.scanTimer = setInterval(() => this.scanPending(), pendingScanMs);
    this.scanTimer.unref();
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.scanTimer);
    clearInterval(this.heartbeat);
    this.seen.clear();
  }

  private onChange(change: HistoryChange): void {
    if (change.kind === 'event') {
      // The router queued the event's deliveries before recording it: show them with it.
      this.broadcast('event', dashboardEventView(change.event));
      this.scanSoon();
    } else if (change.kind === 'finished') {
      const { job, status, finishedAt, deadLetterQueueArn } = change.delivery;
      this.seen.delete(job.id);
      this.broadcast('delivery', dashboardDeliveryView({ job, status, finishedAt, deadLetterQueueArn }));
    } else {
      this.broadcast('reset', {});
    }
  }

  /** One scan after a burst of events, not one per event. */
  private scanSoon(): void {
    if (this.scanQueued) return;
    this.scanQueued = true;
    setImmediate(() => {
      this.scanQueued = false;
      if (this.clients.size > 0) this.scanPending();
    });
  }

  private scanPending(): void {
    const stillPending = new Set<string>();
    for (const job of this.deps.engine.pending()) {
      stillPending.add(job.id);
      const sig = signature(job);
      if (this.seen.get(job.id) === sig) continue;
      this.seen.set(job.id, sig);
      this.broadcast('delivery', dashboardDeliveryView({ job, status: 'pending' }));
    }
    for (const id of this.seen.keys()) if (!stillPending.has(id)) this.seen.delete(id);
  }

  private broadcast(kind: string, data: unknown): void {
    for (const res of this.clients) this.send(res, kind, data);
  }

  private broadcastRaw(text: string): void {
    for (const res of this.clients) res.write(text);
  }

  private send(res: Response, kind: string, data: unknown): void {
    res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}

const signature = (job: { attempts: unknown[]; nextAttemptAt: number }) => `${job.attempts.length}:${job.nextAttemptAt}`;
