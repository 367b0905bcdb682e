/**
 * Read-only views the dashboard needs beyond the inspection API: resources of one
 * account and region (through the domain's wire mappers, so connection secrets never
 * leave the server), and events / deliveries filtered by bus, source, detail-type and
 * status, with a total so the page can window 100,000 records.
 */
import type { Store } from '../store/store.js';
import type { DeliveryEngine } from '../engine/delivery/engine.js';
import type { DeliveryHistory, DeliveryStatus, RecentEvent } from '../engine/delivery/history.js';
import type { DeliveryJob } from '../store/schema.js';
import { eventBusToWire } from '../apis/events/domain/eventBuses.js';
import { ruleToWire } from '../apis/events/domain/rules.js';
import { connectionToWire, connectionsOf } from '../apis/events/domain/connections.js';
import { apiDestinationToWire, apiDestinationsOf } from '../apis/events/domain/apiDestinations.js';
import { deliveryRows, deliveryView, eventView, page, type DeliveryFilter } from './views.js';
import { checks, parseListQuery } from './query.js';

export interface ActivityFilter {
  account?: string;
  region?: string;
  bus?: string;
  source?: string;
  detailType?: string;
  status?: string;
  eventId?: string;
}

const eventFilters = { account: checks.account, region: checks.region, bus: checks.text, source: checks.text, detailType: checks.text, eventId: checks.text };
const deliveryFilters = { ...eventFilters, status: checks.status, targetArn: checks.arn, ruleArn: checks.arn };

export function resourcesView(store: Store, account?: string, region?: string) {
  const namespaces = store.namespaces().map((ns) => ({ account: ns.account, region: ns.region }));
  const ns = store.namespaces().find((n) => n.account === (account ?? '000000000000') && n.region === (region ?? 'us-east-1'));
  if (!ns) return { namespaces, eventBuses: [], rules: [], connections: [], apiDestinations: [] };
  const rules = Object.values(ns.rules).flatMap((byName) => Object.values(byName));
  return {
    namespaces,
    account: ns.account,
    region: ns.region,
    eventBuses: Object.values(ns.eventBuses).map(eventBusToWire),
    rules: rules.map((rule) => ({ ...ruleToWire(rule), Targets: rule.targets })),
    // connectionToWire is DescribeConnection's mapper: no password, API key value, client secret or secret parameter.
    connections: Object.values(connectionsOf(ns)).map(connectionToWire),
    apiDestinations: Object.values(apiDestinationsOf(ns)).map(apiDestinationToWire),
  };
}

const eventMatches = (event: Record<string, unknown>, f: ActivityFilter) =>
  (!f.source || event.source === f.source) && (!f.detailType || event['detail-type'] === f.detailType) && (!f.eventId || event.id === f.eventId);

export function eventsPage(history: DeliveryHistory, raw: Record<string, unknown>) {
  const { query, filters: q } = parseListQuery(raw, eventFilters);
  const events = history.recentEvents({ account: q.account, region: q.region, eventBusName: q.bus }).filter((e: RecentEvent) => eventMatches(e.event, q));
  const { items, nextToken } = page(events, query);
  return { events: items.map(dashboardEventView), nextToken, total: events.length };
}

/** The inspection view of an event, with an id for the page (one event can reach several buses). */
export function dashboardEventView(e: RecentEvent) {
  return { id: `${String(e.event.id)}@${e.account}:${e.region}:${e.eventBusName}`, ...eventView(e) };
}

interface Row {
  job: DeliveryJob;
  status: DeliveryStatus;
  finishedAt?: number;
  deadLetterQueueArn?: string;
}

export function deliveriesPage(engine: DeliveryEngine, history: DeliveryHistory, raw: Record<string, unknown>) {
  const { query, filters: q } = parseListQuery(raw, deliveryFilters);
  const filter: DeliveryFilter = { ...q, eventBusName: q.bus, status: q.status as DeliveryStatus | undefined };
  const { rows, nextToken, total } = deliveryRows(engine, history, filter, query);
  const deliveries = rows.map((r) => dashboardDeliveryView({ job: r.job, status: r.status, finishedAt: r.finished?.finishedAt, deadLetterQueueArn: r.finished?.deadLetterQueueArn }));
  return { deliveries, nextToken, total };
}

type DeliveryViewRow = Pick<Row, 'job' | 'status'> & { finishedAt?: number; deadLetterQueueArn?: string };

/** The inspection API's delivery view, with credential headers masked even if a sender forgot to. */
export function dashboardDeliveryView(row: DeliveryViewRow) {
  const finished = row.finishedAt === undefined ? undefined : { job: row.job, status: row.status as Exclude<DeliveryStatus, 'pending'>, finishedAt: row.finishedAt, deadLetterQueueArn: row.deadLetterQueueArn };
  const view = deliveryView(row.job, row.status, finished);
  return {
    ...view,
    source: row.job.event.source,
    detailType: row.job.event['detail-type'],
    attempts: view.attempts.map((a) => ({ ...a, request: maskRequest(a.request) })),
  };
}

const credentialHeaders = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie']);

function maskRequest(request: unknown): unknown {
  if (!request || typeof request !== 'object') return request;
  const r = request as { headers?: Record<string, string> };
  if (!r.headers) return request;
  const headers = Object.fromEntries(Object.entries(r.headers).map(([name, value]) => [name, credentialHeaders.has(name.toLowerCase()) ? maskValue(value) : value]));
  return { ...r, headers };
}

/** `Basic dXNlcjpw...` -> `Basic ***`; an already masked value stays as it is. */
export function maskValue(value: string): string {
  if (value.includes('***')) return value;
  const scheme = /^(Basic|Bearer|Digest)\s/i.exec(value);
  return scheme ? `${scheme[1]} ***` : '***';
}
