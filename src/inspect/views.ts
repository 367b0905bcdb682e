/**
 * JSON views of delivery state for the inspection API: times as ISO strings, every list newest
 * first, paged with `?limit=` and `?nextToken=`, and query parameters checked (a bad one is a 400
 * naming it: src/inspect/query.ts).
 */
import type { DeliveryJob } from '../store/schema.js';
import type { DeliveryHistory, DeliveryStatus, FinishedDelivery, FinishedFilter, RecentEvent } from '../engine/delivery/history.js';
import type { DeliveryEngine } from '../engine/delivery/engine.js';
import { before, type Cursor, type PendingFilter } from '../engine/delivery/pendingIndex.js';
import { BadQuery, type ListQuery } from './query.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function deliveryView(job: DeliveryJob, status: DeliveryStatus, finished?: FinishedDelivery) {
  return {
    id: job.id,
    status,
    account: job.account,
    region: job.region,
    eventBusName: job.eventBusName,
    ruleArn: job.ruleArn,
    targetId: job.target.Id,
    targetArn: job.target.Arn,
    eventId: job.event.id,
    createdAt: iso(job.createdAt),
    nextAttemptAt: status === 'pending' ? iso(job.nextAttemptAt) : undefined,
    finishedAt: finished ? iso(finished.finishedAt) : undefined,
    deadLetterQueueArn: finished?.deadLetterQueueArn,
    payload: job.payload,
    // Attempts in the order they were made (attempt 1 first): they are one delivery's history, not a list to page.
    attempts: job.attempts.map((a) => ({ ...a, at: iso(a.at), request: requestView(a.request, job.payload) })),
  };
}

/** The engine stores a request whose body is the job's payload without it (src/engine/delivery/engine.ts): put it back. */
function requestView(request: unknown, payload: string): unknown {
  if (!request || typeof request !== 'object' || !('bodyIsPayload' in request)) return request;
  const { bodyIsPayload: _flag, ...rest } = request as Record<string, unknown>;
  return { ...rest, body: payload };
}

export function eventView(e: RecentEvent) {
  return { ...e, receivedAt: iso(e.receivedAt) };
}

/** Offset paging for the short lists (recent events, captures, dead letters), already newest first. */
export function page<T>(items: T[], query: ListQuery): { items: T[]; nextToken?: string } {
  if (query.cursor) throw new BadQuery('nextToken', 'The nextToken is not one this list gave.');
  const start = query.offset;
  const slice = items.slice(start, start + query.limit);
  const next = start + query.limit < items.length ? offsetToken(start + query.limit) : undefined;
  return { items: slice, nextToken: next };
}

export const offsetToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
export const cursorToken = (c: Cursor) => Buffer.from(`d:${c.createdAt}:${c.seq}`).toString('base64url');

export type DeliveryFilter = PendingFilter & { status?: DeliveryStatus };

export interface DeliveryRow {
  job: DeliveryJob;
  status: DeliveryStatus;
  finished?: FinishedDelivery;
}

/**
 * One page of deliveries, pending and finished, newest first by creation. Pending ones come from
 * the engine's index (only the list of the most selective filter is read), finished ones from
 * the history's columns (only the returned records are parsed). `total` is counted on first pages.
 */
export function deliveryRows(engine: DeliveryEngine, history: DeliveryHistory, f: DeliveryFilter, q: ListQuery): { rows: DeliveryRow[]; nextToken?: string; total?: number } {
  if (q.offset) throw new BadQuery('nextToken', 'The nextToken is not one this list gave.');
  const after = q.cursor;
  const count = after === undefined;
  const wantPending = !f.status || f.status === 'pending';
  const wantFinished = f.status !== 'pending';
  const pending = wantPending ? engine.index.page(f, after, q.limit + 1, count) : { jobs: [], total: 0 };
  const finishedAll = wantFinished ? history.finishedMatching(f as FinishedFilter) : [];
  const finished = after ? finishedAll.filter((m) => before(m, after)) : finishedAll;
  const rows: Array<DeliveryRow & { cursor: Cursor }> = [];
  let p = 0;
  let d = 0;
  while (rows.length < q.limit && (p < pending.jobs.length || d < finished.length)) {
    const next = pending.jobs[p];
    const done = finished[d];
    if (next && (!done || before(done, next.cursor))) {
      rows.push({ job: next.job, status: 'pending', cursor: next.cursor });
      p++;
    } else {
      const record = history.finishedAt(done.k);
      rows.push({ job: record.job, status: record.status, finished: record, cursor: done });
      d++;
    }
  }
  const more = p < pending.jobs.length || d < finished.length;
  return { rows, nextToken: more ? cursorToken(rows[rows.length - 1].cursor) : undefined, total: count ? pending.total + finishedAll.length : undefined };
}
