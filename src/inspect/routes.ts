/**
 * The emulator's own endpoints under /_eventbridge-local/: health, reset and the
 * virtual clock. Plain JSON, not the AWS protocol.
 */
import express, { type Request, type Response } from 'express';
import type { Store } from '../store/store.js';
import type { VirtualClock } from '../util/clock.js';
import type { DeliveryEngine } from '../delivery/engine.js';
import type { DeliveryHistory } from '../delivery/history.js';
import { deliveryView, eventView, page, type PageQuery } from './views.js';
import { healthChecksRouter } from './healthChecks.js';
import { lastOf } from '../store/deliveryRecords.js';
import { limits } from '../limits.js';

export interface InspectDeps {
  store: Store;
  clock: VirtualClock;
  version: string;
  startedAt: number;
  /** Called on reset after the store is wiped (pending deliveries, caches ...). */
  onReset: Array<() => void | Promise<void>>;
  engine: DeliveryEngine;
  history: DeliveryHistory;
}

type Query = PageQuery & Record<string, string | undefined>;

export function inspectRouter(deps: InspectDeps): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  router.use('/health-checks', healthChecksRouter(deps));

  router.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      version: deps.version,
      uptimeSeconds: (Date.now() - deps.startedAt) / 1000,
      store: { kind: deps.store.kind, path: deps.store.path },
    });
  });

  router.post('/reset', async (_req, res) => {
    for (const hook of deps.onReset) await hook();
    await deps.store.reset();
    res.json({ reset: true });
  });

  // Recent events per bus with the rules they matched (and drops, e.g. to a bus that does not exist).
  router.get('/events', (req, res) => {
    const q = req.query as Query;
    const events = deps.history.recentEvents({ account: q.account, region: q.region, eventBusName: q.eventBusName });
    const { items, nextToken } = page(events.map(eventView), q);
    res.json({ events: items, nextToken });
  });

  // Deliveries, pending and finished, each with every attempt.
  router.get('/deliveries', (req, res) => {
    const q = req.query as Query;
    const pending = deps.engine.pending().map((job) => deliveryView(job, 'pending'));
    const finished = deps.history.finishedDeliveries().map((f) => deliveryView(f.job, f.status, f));
    const all = [...pending, ...finished]
      .filter((d) => (!q.targetArn || d.targetArn === q.targetArn) && (!q.status || d.status === q.status) && (!q.eventId || d.eventId === q.eventId) && (!q.ruleArn || d.ruleArn === q.ruleArn))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const { items, nextToken } = page(all, q);
    res.json({ deliveries: items, nextToken });
  });

  // Payloads captured for targets of services this emulator does not run, oldest first.
  router.get('/captures', (req, res) => {
    const q = req.query as Query;
    const lists = deps.store.delivery.captures;
    const kept = (list: (typeof lists)[string] | undefined) => lastOf(list, limits.capturesPerTarget);
    const all = q.targetArn ? kept(lists[q.targetArn]) : Object.values(lists).flatMap(kept).sort((a, b) => a.at - b.at);
    const { items, nextToken } = page(all.map((c) => ({ ...c, at: new Date(c.at).toISOString() })), q);
    res.json({ captures: items, nextToken });
  });

  // Dead-letter queue contents (body + AWS's message attributes), oldest first.
  router.get('/dead-letters', (req, res) => {
    const q = req.query as Query;
    const lists = deps.store.delivery.deadLetters;
    const kept = (list: (typeof lists)[string] | undefined) => lastOf(list, limits.deadLettersPerQueue);
    const all = q.queueArn ? kept(lists[q.queueArn]) : Object.values(lists).flatMap(kept).sort((a, b) => a.at - b.at);
    const { items, nextToken } = page(all.map((m) => ({ ...m, at: new Date(m.at).toISOString() })), q);
    res.json({ messages: items, nextToken });
  });

  // Clear recorded history, captures and dead letters (pending deliveries are kept: they were accepted).
  router.delete('/records', async (_req, res) => {
    deps.history.clear();
    deps.store.delivery.clearInspectionRecords();
    await deps.store.persist();
    res.json({ cleared: true });
  });

  router.get('/clock', (_req, res) => res.json(clockView(deps.clock)));
  router.post('/clock', (req: Request, res: Response) => {
    const seconds = (req.body as { advanceSeconds?: unknown } | undefined)?.advanceSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      res.status(400).json({ message: 'Body must be {"advanceSeconds": <non-negative number>}.' });
      return;
    }
    deps.clock.advance(seconds * 1000);
    res.json(clockView(deps.clock));
  });

  return router;
}

function clockView(clock: VirtualClock) {
  const now = clock.now();
  return { now: new Date(now).toISOString(), epochMillis: now, offsetMillis: now - Date.now() };
}
