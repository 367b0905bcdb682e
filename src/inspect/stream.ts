/**
 * The dashboard's live stream (server-sent events). Events and finished deliveries come
 * from the DeliveryHistory listener as they are recorded. Attempts of pending deliveries
 * (a failure, its next retry time) are noticed by comparing the durable queue with what
 * was last sent, a few times a second and only while a page is connected: the engine
 * has no attempt hook, and the inspection side does not reach into it.
 *
 * A client that does not read (a stalled tab, a script that never consumes) must not make the
 * server hold what it cannot send: once a client's unsent bytes pass limits.streamClientBufferBytes
 * it is disconnected. A browser's EventSource reconnects by itself and the page, on `hello`, reads
 * the current state again (ui/app.js), so what it missed is not lost to the user.
 */
import type { Response } from 'express';
import type { DeliveryEngine } from '../engine/delivery/engine.js';
import type { DeliveryHistory, HistoryChange } from '../engine/delivery/history.js';
import { dashboardDeliveryView, dashboardEventView } from './dashboardViews.js';
import { limits } from '../limits.js';

const pendingScanMs = 200;
const heartbeatMs = 15_000;

/** What the stream holds for its clients right now, and how much it ever held (GET .../stream/stats). */
export interface StreamStats {
  clients: number;
  /** Unsent bytes held for all clients now. */
  bufferedBytes: number;
  /** The most unsent bytes ever held for one client. */
  peakClientBufferedBytes: number;
  maxClientBufferedBytes: number;
  slowClientsDisconnected: number;
}

export class EventStream {
  private clients = new Set<Response>();
  private unsubscribe?: () => void;
  private scanTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  /** Pending job id -> attempts and next attempt time, as last sent. */
  private seen = new Map<string, string>();
  private scanQueued = false;
  private peakClientBuffered = 0;
  private slowDisconnected = 0;

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

  stats(): StreamStats {
    let bufferedBytes = 0;
    for (const res of this.clients) bufferedBytes += res.writableLength;
    return {
      clients: this.clients.size,
      bufferedBytes,
      peakClientBufferedBytes: this.peakClientBuffered,
      maxClientBufferedBytes: limits.streamClientBufferBytes,
      slowClientsDisconnected: this.slowDisconnected,
    };
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
    if (this.clients.size === 0) return;
    const text = message(kind, data);
    for (const res of this.clients) this.write(res, text);
  }

  private broadcastRaw(text: string): void {
    for (const res of this.clients) this.write(res, text);
  }

  private send(res: Response, kind: string, data: unknown): void {
    this.write(res, message(kind, data));
  }

  /** Write, unless the client already has more unsent than it may: then it is cut off (see the top). */
  private write(res: Response, text: string): void {
    if (res.destroyed) return;
    if (res.writableLength + Buffer.byteLength(text) > limits.streamClientBufferBytes && res.writableLength > 0) {
      this.slowDisconnected++;
      this.clients.delete(res);
      res.destroy();
      if (this.clients.size === 0) this.stop();
      return;
    }
    res.write(text);
    if (res.writableLength > this.peakClientBuffered) this.peakClientBuffered = res.writableLength;
  }
}

const message = (kind: string, data: unknown) => `event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
const signature = (job: { attempts: unknown[]; nextAttemptAt: number }) => `${job.attempts.length}:${job.nextAttemptAt}`;
