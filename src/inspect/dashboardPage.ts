/**
 * The dashboard page with the current state already in it, so its first paint is not
 * "0 events" while the first fetches are on their way: the counts are written into the
 * HTML, and the first page of events and deliveries (the page's defaults: account
 * 000000000000, us-east-1, no filter) rides along as a JSON data block the script renders
 * from before it fetches anything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveriesPage, eventsPage } from './dashboardViews.js';
import { schedulesView } from './schedulesView.js';
import type { DashboardDeps } from './dashboard.js';

/** The page's own page size (ui/app.js `pageSize`). */
const firstPageSize = '500';
const defaults = { account: '000000000000', region: 'us-east-1', limit: firstPageSize };

/** The count line as ui/app.js writes it (PagedList.update). */
export function countText(total: number, loaded: number, kind: string): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return `${fmt(total)} ${kind}` + (loaded < total ? ` (${fmt(loaded)} loaded)` : '');
}

/** JSON that is safe inside <script>: event data is the user's, and "</script>" must not end the block. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderDashboardPage(assets: string, deps: Pick<DashboardDeps, 'store' | 'engine' | 'history' | 'armedSchedules'>): () => string {
  const { engine, history } = deps;
  const template = readFileSync(join(assets, 'index.html'), 'utf8');
  return () => {
    const events = eventsPage(history, defaults);
    const deliveries = deliveriesPage(engine, history, defaults);
    const schedules = schedulesView(deps.store, engine, history, deps.armedSchedules, defaults.account, defaults.region).schedules;
    return template
      .replace('<span id="schedules-count">0 schedules</span>', `<span id="schedules-count">${countText(schedules.length, schedules.length, schedules.length === 1 ? 'schedule' : 'schedules')}</span>`)
      .replace('<span id="events-count">0 events</span>', `<span id="events-count">${countText(events.total, events.events.length, 'events')}</span>`)
      .replace('<span id="deliveries-count">0 deliveries</span>', `<span id="deliveries-count">${countText(deliveries.total ?? deliveries.deliveries.length, deliveries.deliveries.length, 'deliveries')}</span>`)
      .replace('<script type="module" src="app.js"></script>', `<script type="application/json" id="initial-data">${scriptJson({ ...defaults, events, deliveries, schedules })}</script>\n  <script type="module" src="app.js"></script>`);
  };
}
