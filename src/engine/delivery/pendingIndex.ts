/**
 * The pending deliveries indexed by what the inspection views filter on (account, bus name,
 * target, rule, event id), each list in creation order, so a filtered page walks its smallest list from
 * the newest end and stops when the page is full, instead of reading (and sorting) every pending
 * job: at 100,000 pending that scan cost ~0.7 s per call (issue 18 item 16).
 *
 * Lists only grow at the end (jobs are made in clock order) and are cleaned lazily: a job that
 * left the queue is skipped and counted, and a list is compacted once most of it is gone.
 */
import type { DeliveryJob } from '../../store/schema.js';

/** Newest first by (createdAt, seq): seq is the order in which the index first saw the job. */
export interface Cursor {
  createdAt: number;
  seq: number;
}

export interface PendingFilter {
  account?: string;
  region?: string;
  eventBusName?: string;
  targetArn?: string;
  ruleArn?: string;
  eventId?: string;
  source?: string;
  detailType?: string;
}

class List {
  jobs: DeliveryJob[] = [];
  seqs: number[] = [];
  dead = 0;

  get live(): number {
    return this.jobs.length - this.dead;
  }
}

const listed = ['account', 'eventBusName', 'targetArn', 'ruleArn'] as const;
type Listed = (typeof listed)[number];

function valueOf(job: DeliveryJob, field: Listed): string {
  return field === 'targetArn' ? job.target.Arn : job[field];
}

export function matchesPending(job: DeliveryJob, f: PendingFilter): boolean {
  return (
    (!f.account || job.account === f.account) &&
    (!f.region || job.region === f.region) &&
    (!f.eventBusName || job.eventBusName === f.eventBusName) &&
    (!f.targetArn || job.target.Arn === f.targetArn) &&
    (!f.ruleArn || job.ruleArn === f.ruleArn) &&
    (!f.eventId || job.event.id === f.eventId) &&
    (!f.source || job.event.source === f.source) &&
    (!f.detailType || job.event['detail-type'] === f.detailType)
  );
}

export const before = (a: Cursor, b: Cursor) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.seq < b.seq);

export class PendingIndex {
  private all = new List();
  private lists: Record<Listed, Map<string, List>> = { account: new Map(), eventBusName: new Map(), targetArn: new Map(), ruleArn: new Map() };
  /** Jobs by event id: one job, or the few one event made (an array only then: most events make one). */
  private byEvent = new Map<string, DeliveryJob | DeliveryJob[]>();
  private seqOf = new Map<DeliveryJob, number>();
  private nextSeq = 1;
  /** Jobs looked at by the last page() (for tests: a filtered page reads its list only). */
  lastExamined = 0;

  get size(): number {
    return this.seqOf.size;
  }

  /** Pending jobs of one account. */
  pendingOf(account: string): number {
    return this.lists.account.get(account)?.live ?? 0;
  }

  /** The order number for a job that never entered the queue (delivered at once). */
  newSeq(): number {
    return this.nextSeq++;
  }

  /** The job's order number while it is pending (kept by the finished record). */
  seq(job: DeliveryJob): number | undefined {
    return this.seqOf.get(job);
  }

  add(job: DeliveryJob): void {
    if (this.seqOf.has(job)) return;
    const seq = this.nextSeq++;
    this.seqOf.set(job, seq);
    insert(this.all, job, seq);
    for (const field of listed) {
      const lists = this.lists[field];
      const value = valueOf(job, field);
      let list = lists.get(value);
      if (!list) lists.set(value, (list = new List()));
      insert(list, job, seq);
    }
    const eventId = String(job.event.id);
    const held = this.byEvent.get(eventId);
    if (held === undefined) this.byEvent.set(eventId, job);
    else if (Array.isArray(held)) held.push(job);
    else this.byEvent.set(eventId, [held, job]);
  }

  remove(job: DeliveryJob): void {
    if (!this.seqOf.delete(job)) return;
    this.dropFrom(this.all);
    for (const field of listed) {
      const lists = this.lists[field];
      const value = valueOf(job, field);
      const list = lists.get(value);
      if (list && this.dropFrom(list)) lists.delete(value);
    }
    const eventId = String(job.event.id);
    const held = this.byEvent.get(eventId);
    if (held === job) this.byEvent.delete(eventId);
    else if (Array.isArray(held)) {
      const rest = held.filter((j) => j !== job);
      if (rest.length === 0) this.byEvent.delete(eventId);
      else this.byEvent.set(eventId, rest.length === 1 ? rest[0] : rest);
    }
  }

  clear(): void {
    this.all = new List();
    for (const field of listed) this.lists[field].clear();
    this.byEvent.clear();
    this.seqOf.clear();
  }

  /**
   * Pending jobs matching the filter, newest first, strictly after `after` (a cursor from an earlier
   * page), at most `limit`; and how many match in all when `count` is asked (that reads the whole list).
   */
  page(filter: PendingFilter, after: Cursor | undefined, limit: number, count: boolean): { jobs: Array<{ job: DeliveryJob; cursor: Cursor }>; total: number } {
    this.lastExamined = 0;
    if (filter.eventId) return this.eventPage(filter, after, limit);
    const chosen = this.smallestList(filter);
    const jobs: Array<{ job: DeliveryJob; cursor: Cursor }> = [];
    if (!chosen) return { jobs, total: 0 };
    const { list, decides } = chosen;
    const exact = decides && !filter.region && !filter.source && !filter.detailType;
    let total = 0;
    // Without a total to count, a later page starts at its cursor (the list is in cursor order).
    const from = after && (!count || exact) ? startBefore(list, after) : list.jobs.length - 1;
    for (let i = from; i >= 0; i--) {
      if (jobs.length >= limit && (!count || exact)) break;
      const job = list.jobs[i];
      this.lastExamined++;
      if (this.seqOf.get(job) !== list.seqs[i] || !matchesPending(job, filter)) continue;
      total++;
      const cursor = { createdAt: job.createdAt, seq: list.seqs[i] };
      if (jobs.length < limit && (!after || before(cursor, after))) jobs.push({ job, cursor });
    }
    return { jobs, total: exact ? list.live : total };
  }

  private eventPage(filter: PendingFilter, after: Cursor | undefined, limit: number): { jobs: Array<{ job: DeliveryJob; cursor: Cursor }>; total: number } {
    const held = this.byEvent.get(filter.eventId!);
    const candidates = held === undefined ? [] : Array.isArray(held) ? held : [held];
    this.lastExamined = candidates.length;
    const matching = candidates
      .filter((job) => matchesPending(job, filter))
      .map((job) => ({ job, cursor: { createdAt: job.createdAt, seq: this.seqOf.get(job)! } }))
      .sort((a, b) => b.cursor.createdAt - a.cursor.createdAt || b.cursor.seq - a.cursor.seq);
    return { jobs: matching.filter((m) => !after || before(m.cursor, after)).slice(0, limit), total: matching.length };
  }

  /** The list of the most selective filter given (the whole index when none is); `decides`: that list alone is the filter. */
  private smallestList(f: PendingFilter): { list: List; decides: boolean } | undefined {
    let best: List | undefined;
    let given = 0;
    for (const field of listed) {
      const value = f[field];
      if (!value) continue;
      given++;
      const list = this.lists[field].get(value);
      if (!list) return undefined; // nothing pending matches that filter
      if (!best || list.jobs.length < best.jobs.length) best = list;
    }
    return best ? { list: best, decides: given === 1 } : { list: this.all, decides: true };
  }

  /** Count a job gone from the list; compact once most of it is gone. True when the list is empty. */
  private dropFrom(list: List): boolean {
    list.dead++;
    if (list.live === 0) {
      list.jobs = [];
      list.seqs = [];
      list.dead = 0;
      return true;
    }
    if (list.dead > 64 && list.dead * 2 > list.jobs.length) this.compact(list);
    return false;
  }

  private compact(list: List): void {
    const jobs: DeliveryJob[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < list.jobs.length; i++) {
      if (this.seqOf.get(list.jobs[i]) !== list.seqs[i]) continue;
      jobs.push(list.jobs[i]);
      seqs.push(list.seqs[i]);
    }
    list.jobs = jobs;
    list.seqs = seqs;
    list.dead = 0;
  }
}

/** At the end in the usual case; by creation time when a job is older than the last (a restart's jobs arrive unordered). */
function insert(list: List, job: DeliveryJob, seq: number): void {
  const n = list.jobs.length;
  if (n === 0 || list.jobs[n - 1].createdAt <= job.createdAt) {
    list.jobs.push(job);
    list.seqs.push(seq);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.jobs[mid].createdAt <= job.createdAt) lo = mid + 1;
    else hi = mid;
  }
  list.jobs.splice(lo, 0, job);
  list.seqs.splice(lo, 0, seq);
}

/** The index of the last entry before the cursor (-1 when none is). */
function startBefore(list: List, after: Cursor): number {
  let lo = 0;
  let hi = list.jobs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before({ createdAt: list.jobs[mid].createdAt, seq: list.seqs[mid] }, after)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
