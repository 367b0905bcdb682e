/** JSON views of delivery state for the inspection API (times as ISO strings, newest first, paged). */
import type { DeliveryJob } from '../store/schema.js';
import type { DeliveryStatus, FinishedDelivery, RecentEvent } from '../delivery/history.js';

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
    attempts: job.attempts.map((a) => ({ ...a, at: iso(a.at), request: requestView(a.request, job.payload) })),
  };
}

/** The engine stores a request whose body is the job's payload without it (src/delivery/engine.ts): put it back. */
function requestView(request: unknown, payload: string): unknown {
  if (!request || typeof request !== 'object' || !('bodyIsPayload' in request)) return request;
  const { bodyIsPayload: _flag, ...rest } = request as Record<string, unknown>;
  return { ...rest, body: payload };
}

export function eventView(e: RecentEvent) {
  return { ...e, receivedAt: iso(e.receivedAt) };
}

export interface PageQuery {
  limit?: string;
  nextToken?: string;
}

/** Offset paging for inspection lists: `?limit=` (1..1000, default 100) and `?nextToken=`. */
export function page<T>(items: T[], query: PageQuery): { items: T[]; nextToken?: string } {
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 100) || 100));
  const start = query.nextToken ? Number(Buffer.from(query.nextToken, 'base64url').toString()) || 0 : 0;
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return { items: slice, nextToken: next };
}
