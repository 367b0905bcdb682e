/**
 * The emulator's own endpoints under /_eventbridge-local/: health, reset and the
 * virtual clock. Plain JSON, not the AWS protocol.
 */
import express, { type Request, type Response } from 'express';
import type { Store } from '../store/store.js';
import type { VirtualClock } from '../util/clock.js';
import type { DeliveryEngine } from '../engine/delivery/engine.js';
import type { DeliveryHistory } from '../engine/delivery/history.js';
import { deliveryRows, eventView, page, type DeliveryFilter } from './views.js';
import { answerList, checks, parseListQuery } from './query.js';
import { dashboardDeliveryView } from './dashboardViews.js';
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

const deliveryFilters = {
  status: checks.status,
  account: checks.account,
  region: checks.region,
  eventBusName: checks.text,
  targetArn: checks.arn,
  ruleArn: checks.arn,
  eventId: checks.text,
};

/** A list under a caller-chosen key, never one inherited from Object.prototype. */
const ownList = <T>(lists: Record<string, T[]>, key: string): T[] | undefined => (Object.hasOwn(lists, key) ? lists[key] : undefined);

/** Lists of records with `at`, each oldest first, as one list newest first (a stable sort: ties keep their order, reversed). */
function newestFirst<T extends { at: number }>(lists: T[][]): T[] {
  const all = lists.length === 1 ? [...lists[0]] : lists.flat().sort((a, b) => a.at - b.at);
  return all.reverse();
}

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

  // Recent events per bus with the rules they matched (and drops, e.g. to a bus that does not exist), newest first.
  router.get('/events', (req, res) =>
    answerList(res, () => {
      const { query, filters: f } = parseListQuery(req.query, { account: checks.account, region: checks.region, eventBusName: checks.text });
      const events = deps.history.recentEvents({ account: f.account, region: f.region, eventBusName: f.eventBusName });
      const { items, nextToken } = page(events, query);
      return { events: items.map(eventView), nextToken };
    }),
  );

  // Deliveries, pending and finished, each with every attempt (request and response), newest first.
  router.get('/deliveries', (req, res) =>
    answerList(res, () => {
      const { query, filters: f } = parseListQuery(req.query, deliveryFilters);
      const { rows, nextToken } = deliveryRows(deps.engine, deps.history, f as DeliveryFilter, query);
      return { deliveries: rows.map((r) => dashboardDeliveryView({ job: r.job, status: r.status, finishedAt: r.finished?.finishedAt, deadLetterQueueArn: r.finished?.deadLetterQueueArn })), nextToken };
    }),
  );

  // Payloads captured for targets of services this emulator does not run, newest first.
  router.get('/captures', (req, res) =>
    answerList(res, () => {
      const { query, filters: f } = parseListQuery(req.query, { targetArn: checks.arn });
      const lists = deps.store.delivery.captures;
      const all = newestFirst(f.targetArn ? [lists.list(f.targetArn)] : lists.entries().map(([, list]) => list));
      const { items, nextToken } = page(all, query);
      return { captures: items.map((c) => ({ ...c, at: new Date(c.at).toISOString() })), nextToken };
    }),
  );

  // Dead-letter queue contents (body + AWS's message attributes), newest first.
  router.get('/dead-letters', (req, res) =>
    answerList(res, () => {
      const { query, filters: f } = parseListQuery(req.query, { queueArn: checks.arn });
      const lists = deps.store.delivery.deadLetters;
      const all = newestFirst(f.queueArn ? [lastOf(ownList(lists, f.queueArn), limits.deadLettersPerQueue)] : Object.values(lists).map((l) => lastOf(l, limits.deadLettersPerQueue)));
      const { items, nextToken } = page(all, query);
      return { messages: items.map((m) => ({ ...m, at: new Date(m.at).toISOString() })), nextToken };
    }),
  );

  // Clear recorded history, captures and dead letters (pending deliveries are kept: they were accepted).
  router.delete('/records', async (_req, res) => {
    deps.history.clear();
    deps.store.delivery.clearInspectionRecords();
    await deps.store.persistDeliveries();
    res.json({ cleared: true });
  });

  router.get('/clock', (_req, res) => res.json(clockView(deps.clock)));
  router.post('/clock', async (req: Request, res: Response) => {
    const seconds = (req.body as { advanceSeconds?: unknown } | undefined)?.advanceSeconds;
    const refusal = clockRefusal(seconds, deps.clock.now());
    if (refusal) {
      res.status(400).json({ __type: 'ValidationException', message: refusal });
      return;
    }
    // Step through every due time, letting the deliveries each one starts finish before moving on.
    await deps.clock.advanceSettled((seconds as number) * 1000, () => deps.engine.idle());
    deps.store.clockOffsetMs = deps.clock.offset;
    // What the steps changed was named by what changed it (schedules, replays, pipes, connections).
    deps.store.changedAt('clockOffsetMs');
    await deps.store.persistChanges();
    res.json(clockView(deps.clock));
  });

  return router;
}

/**
 * One step of the virtual clock is at most a year (366 days): enough for every AWS timer (24 h
 * event age, 180-day partner sources, schedules), and virtual time stays within what events
 * can carry (AWS's timestamps stop at year 9999).
 */
export const maxAdvanceSeconds = 366 * 86_400;
const lastTimestampMs = Date.UTC(9999, 11, 31, 23, 59, 59);

function clockRefusal(seconds: unknown, nowMs: number): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > maxAdvanceSeconds) {
    return `Body must be {"advanceSeconds": <number from 0 to ${maxAdvanceSeconds}>} (at most 366 days per step).`;
  }
  if (nowMs + seconds * 1000 > lastTimestampMs) return 'The virtual clock cannot move past 9999-12-31T23:59:59Z.';
  return undefined;
}

function clockView(clock: VirtualClock) {
  const now = clock.now();
  return { now: new Date(now).toISOString(), epochMillis: now, offsetMillis: now - clock.wallNow() };
}
