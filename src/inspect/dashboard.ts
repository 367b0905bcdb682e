/**
 * The dashboard: a static page (ui/ at the package root, plain HTML/CSS/JS, no build
 * step) and the JSON it reads under /_eventbridge-local/: resources, filtered events
 * and deliveries, and the live stream. PutEvents and TestEventPattern go through the
 * AWS API itself (POST / with X-Amz-Target), as any client's would.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Store } from '../store/store.js';
import type { DeliveryEngine } from '../engine/delivery/engine.js';
import type { DeliveryHistory } from '../engine/delivery/history.js';
import { deliveriesPage, eventsPage, resourcesView } from './dashboardViews.js';
import { answerList } from './query.js';
import type { EventStream } from './stream.js';
import { renderDashboardPage } from './dashboardPage.js';
import { schedulesView, type ArmedSchedules } from './schedulesView.js';

export interface DashboardDeps {
  store: Store;
  engine: DeliveryEngine;
  history: DeliveryHistory;
  stream: EventStream;
  /** Scheduler's armed schedules and when each fires next. */
  armedSchedules: ArmedSchedules;
}

/** ui/ sits at the package root: two levels above src/inspect/ (jest), three above dist/src/inspect/ (built). */
export function uiAssetsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from, i = 0; i < 5; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'ui');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  throw new Error(`eventbridge-local: dashboard assets (ui/index.html) not found above ${from}`);
}

export function dashboardRouter(deps: DashboardDeps): express.Router {
  const router = express.Router();
  const assets = uiAssetsDir();

  // `/ui` without the slash would resolve the page's relative asset URLs one level up.
  router.get('/ui', (req, res, next) => (req.originalUrl.split('?')[0].endsWith('/') ? next() : res.redirect(301, req.baseUrl + '/ui/')));
  // The page itself carries the current state (first paint); its other assets are static.
  const page = renderDashboardPage(assets, deps);
  router.get(['/ui/', '/ui/index.html'], (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(page());
  });
  router.use('/ui', express.static(assets, { index: 'index.html', maxAge: 0, fallthrough: false }));

  router.get('/resources', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(resourcesView(deps.store, q.account, q.region));
  });
  router.get('/activity/schedules', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(schedulesView(deps.store, deps.engine, deps.history, deps.armedSchedules, q.account, q.region));
  });
  router.get('/activity/events', (req, res) => answerList(res, () => eventsPage(deps.history, req.query)));
  router.get('/activity/deliveries', (req, res) => answerList(res, () => deliveriesPage(deps.engine, deps.history, req.query)));
  router.get('/stream', (_req, res) => deps.stream.attach(res));
  // What the stream holds for slow clients (its bound: limits.streamClientBufferBytes per client).
  router.get('/stream/stats', (_req, res) => res.json(deps.stream.stats()));
  return router;
}
