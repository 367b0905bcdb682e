/**
 * What the inspection API shows beyond the durable queue: recent events per bus
 * with the rules they matched, and finished deliveries. In memory and bounded;
 * pending deliveries are read from the durable queue itself.
 */
import { limits } from '../../limits.js';
import { TextRing } from '../../util/textRing.js';
import { RecentEventList } from './recentEventList.js';
import { finishedHead } from './finishedHead.js';
import type { DeliveryJob } from '../../store/schema.js';

export interface RecentEvent {
  account: string;
  region: string;
  eventBusName: string;
  receivedAt: number;
  event: Record<string, unknown>;
  matchedRules: string[];
  /** Why the event went nowhere, when it did (e.g. the bus does not exist). */
  dropped?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead-lettered' | 'dropped';

export interface FinishedDelivery {
  job: DeliveryJob;
  status: Exclude<DeliveryStatus, 'pending'>;
  finishedAt: number;
  deadLetterQueueArn?: string;
  /** The delivery's place in the inspection order (src/engine/delivery/pendingIndex.ts). */
  seq?: number;
}

/** What the finished deliveries are filtered on (see FinishedColumns). */
export interface FinishedFilter {
  status?: Exclude<DeliveryStatus, 'pending'>;
  account?: string;
  region?: string;
  eventBusName?: string;
  targetArn?: string;
  ruleArn?: string;
  eventId?: string;
  source?: string;
  detailType?: string;
}

const finishedStatuses = ['delivered', 'dead-lettered', 'dropped'] as const;
const interned = ['account', 'region', 'eventBusName', 'targetArn', 'ruleArn', 'source', 'detailType'] as const;
type Interned = (typeof interned)[number];
/** The fields that are the same for every job of one rule target (the first five of `interned`). */
const ofTarget = interned.slice(0, 5) as Array<Exclude<Interned, 'source' | 'detailType'>>;

/** A rule target's ofTarget values and their interned numbers, as last seen. */
interface TargetIds {
  values: string[];
  ids: number[];
}
/** Distinct values interned per field at most; past it a value is recorded as "unknown" (-1) and checked on the record. */
const maxInterned = 50_000;

function fieldOf(job: DeliveryJob, field: Interned): string {
  switch (field) {
    case 'account':
      return job.account;
    case 'region':
      return job.region;
    case 'eventBusName':
      return job.eventBusName;
    case 'targetArn':
      return job.target.Arn;
    case 'ruleArn':
      return job.ruleArn;
    case 'source':
      return String(job.event.source);
    case 'detailType':
      return String(job.event['detail-type']);
  }
}

/** A 32-bit FNV-1a hash: event ids are unique, so they are kept as hashes and checked on the record. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * What the views filter finished deliveries on, in typed arrays beside the TextRing (same slots,
 * oldest dropped first), so a filtered page parses only the records it returns. Strings are
 * interned to numbers: nothing here is a JS object per record (see DeliveryHistory.finished).
 */
class FinishedColumns {
  private pushed = 0;
  readonly createdAt: Float64Array;
  readonly seq: Float64Array;
  readonly status: Uint8Array;
  readonly eventHash: Int32Array;
  readonly fields: Record<Interned, Int32Array>;
  private ids: Record<Interned, Map<string, number>>;
  /** By target object (all jobs of one rule target share it): five lookups once per target, not per record. Checked on use. */
  private targetIds = new WeakMap<object, TargetIds>();

  constructor(private readonly slots: number) {
    this.createdAt = new Float64Array(slots);
    this.seq = new Float64Array(slots);
    this.status = new Uint8Array(slots);
    this.eventHash = new Int32Array(slots);
    this.fields = Object.fromEntries(interned.map((f) => [f, new Int32Array(slots)])) as Record<Interned, Int32Array>;
    this.ids = Object.fromEntries(interned.map((f) => [f, new Map<string, number>()])) as Record<Interned, Map<string, number>>;
  }

  push(d: FinishedDelivery, seq: number): void {
    const slot = this.pushed++ % this.slots;
    this.createdAt[slot] = d.job.createdAt;
    this.seq[slot] = seq;
    this.status[slot] = finishedStatuses.indexOf(d.status);
    this.eventHash[slot] = hash(String(d.job.event.id));
    const known = this.idsOfTarget(d.job);
    for (let i = 0; i < ofTarget.length; i++) this.fields[ofTarget[i]!][slot] = known.ids[i]!;
    this.fields.source[slot] = this.intern('source', fieldOf(d.job, 'source'));
    this.fields.detailType[slot] = this.intern('detailType', fieldOf(d.job, 'detailType'));
  }

  /** The interned numbers of the job's ofTarget fields (an id, once given, stands until clear(); so does -1: the tables only grow). */
  private idsOfTarget(job: DeliveryJob): TargetIds {
    const known = this.targetIds.get(job.target);
    if (known) {
      let same = true;
      for (let i = 0; i < ofTarget.length && same; i++) same = known.values[i] === fieldOf(job, ofTarget[i]!);
      if (same) return known;
    }
    const values = ofTarget.map((field) => fieldOf(job, field));
    const ids = ofTarget.map((field, i) => this.intern(field, values[i]!));
    const made = { values, ids };
    this.targetIds.set(job.target, made);
    return made;
  }

  /** The slot of the record `k` places from the newest. */
  slotOf(k: number): number {
    return (this.pushed - 1 - k) % this.slots;
  }

  /** The interned number of a value: -1 past the bound (unknown), -2 for a value never seen. */
  idOf(field: Interned, value: string): number {
    return this.ids[field].get(value) ?? (this.ids[field].size >= maxInterned ? -1 : -2);
  }

  clear(): void {
    this.pushed = 0;
    for (const field of interned) this.ids[field].clear();
    this.targetIds = new WeakMap();
  }

  private intern(field: Interned, value: string): number {
    const ids = this.ids[field];
    const id = ids.get(value);
    if (id !== undefined) return id;
    if (ids.size >= maxInterned) return -1;
    ids.set(value, ids.size);
    return ids.size - 1;
  }
}

/** One finished delivery matching a filter, located by its place in the order. */
export interface FinishedMatch {
  createdAt: number;
  seq: number;
  /** Places from the newest record. */
  k: number;
}

/** What a listener hears: an event recorded, a delivery finished, or everything cleared. */
export type HistoryChange = { kind: 'event'; event: RecentEvent } | { kind: 'finished'; delivery: FinishedDelivery } | { kind: 'cleared' };
export type HistoryListener = (change: HistoryChange) => void;

interface BusEvents {
  account: string;
  region: string;
  eventBusName: string;
  list: RecentEventList<RecentEvent>;
}

/** How long a recent event is held as an object before it is serialized (see RecentEventList). Real time: it is about the heap. */
const eventAgingMs = 100;

export class DeliveryHistory {
  private events = new Map<string, BusEvents>();
  private agingTimer: NodeJS.Timeout | undefined;
  /**
   * Finished deliveries as JSON, outside the JS heap. At 1,000 deliveries a second each kept one
   * lived ~10 s: long enough to reach the old generation, where thousands a second of them became
   * garbage only a full collection clears (one every few seconds, each a latency spike).
   * (Not made at its full size at once: the write position then walks all 32 MiB before it wraps,
   * making every page of it resident, where growing stops at twice the bytes the records hold.)
   */
  private finished = new TextRing(limits.deliveryHistory, limits.deliveryHistoryBytes);
  private columns = new FinishedColumns(limits.deliveryHistory);
  private nextSeq = 1;
  /** Records looked at by the last finishedMatching() (tests). */
  lastExamined = 0;
  private listeners = new Set<HistoryListener>();
  private lastList: BusEvents | undefined;

  /** Hear every change as it is recorded (the dashboard's live stream). Returns the unsubscribe function. */
  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(change: HistoryChange): void {
    // A listener's failure must never break recording (or the delivery that triggered it).
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        /* ignored: listeners own their errors */
      }
    }
  }

  recordEvent(event: RecentEvent): void {
    this.listOf(event).list.push(event);
    this.agingTimer ??= setTimeout(this.ageEvents, eventAgingMs).unref();
    if (this.listeners.size) this.notify({ kind: 'event', event });
  }

  private ageEvents = (): void => {
    this.agingTimer = undefined;
    let more = false;
    for (const bus of this.events.values()) more = bus.list.age() || more;
    if (more) this.agingTimer = setTimeout(this.ageEvents, eventAgingMs).unref();
  };

  /**
   * Keeps a copy: the job as it is now (a finished job does not change afterwards).
   * `isEvent`: the payload is JSON.stringify(job.event) (default: as the payloadIsEvent set says).
   */
  recordFinished(delivery: FinishedDelivery, isEvent?: boolean): void {
    const seq = delivery.seq ?? this.nextSeq++;
    this.finished.pushParts(finishedText(delivery, seq, isEvent ?? payloadIsEvent.has(delivery.job)));
    this.columns.push(delivery, seq);
    if (this.listeners.size) this.notify({ kind: 'finished', delivery });
  }

  /** The bus's list; the last one used is remembered (events come in runs of one bus: no key string per event). */
  private listOf({ account, region, eventBusName }: RecentEvent): BusEvents {
    const last = this.lastList;
    if (last && last.account === account && last.region === region && last.eventBusName === eventBusName) return last;
    const key = `${account}:${region}:${eventBusName}`;
    let bus = this.events.get(key);
    if (!bus) this.events.set(key, (bus = { account, region, eventBusName, list: new RecentEventList<RecentEvent>(limits.recentEventsPerBus, limits.recentEventBytesPerBus) }));
    return (this.lastList = bus);
  }

  /** Recent events, newest first. */
  recentEvents(filter: { account?: string; region?: string; eventBusName?: string }): RecentEvent[] {
    const buses = [...this.events.values()].filter(
      (bus) => (!filter.account || bus.account === filter.account) && (!filter.region || bus.region === filter.region) && (!filter.eventBusName || bus.eventBusName === filter.eventBusName),
    );
    return buses.flatMap((bus) => bus.list.toArray()).sort((a, b) => b.receivedAt - a.receivedAt);
  }

  /** Finished deliveries, oldest first (copies made on each call). */
  finishedDeliveries(): FinishedDelivery[] {
    return this.finished.toArray().map(parseFinished);
  }

  /**
   * Finished deliveries matching the filter, newest first by (createdAt, seq); a record whose
   * match the columns cannot decide (a hashed event id, an uninterned value) is checked on the record.
   */
  finishedMatching(f: FinishedFilter): FinishedMatch[] {
    const c = this.columns;
    const wanted: Array<[Int32Array, number]> = [];
    for (const field of interned) {
      const value = f[field];
      if (!value) continue;
      const id = c.idOf(field, value);
      if (id === -2) return [];
      wanted.push([c.fields[field], id]);
    }
    const status = f.status ? finishedStatuses.indexOf(f.status) : -1;
    const eventHash = f.eventId ? hash(f.eventId) : 0;
    const matches: FinishedMatch[] = [];
    const n = this.finished.size;
    this.lastExamined = n;
    for (let k = 0; k < n; k++) {
      const slot = c.slotOf(k);
      if (status >= 0 && c.status[slot] !== status) continue;
      if (f.eventId && c.eventHash[slot] !== eventHash) continue;
      let ok = true;
      for (const [column, id] of wanted) if (column[slot] !== id && column[slot] !== -1) ok = false;
      if (!ok) continue;
      if ((f.eventId || wanted.some(([column]) => column[slot] === -1)) && !finishedMatches(this.finishedAt(k), f)) continue;
      matches.push({ createdAt: c.createdAt[slot], seq: c.seq[slot], k });
    }
    return matches.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  }

  /** The finished record `k` places from the newest (parsed). */
  finishedAt(k: number): FinishedDelivery {
    return parseFinished(this.finished.textAt(this.finished.size - 1 - k));
  }

  clear(): void {
    this.events.clear();
    this.lastList = undefined;
    this.finished.clear();
    this.columns.clear();
    this.notify({ kind: 'cleared' });
  }
}

/**
 * Jobs whose payload is exactly JSON.stringify(job.event) (the router marks those it rendered so):
 * their finished record does not hold the event a second time. Only jobs that wait in the queue
 * are entered (DeliveryEngine.enqueue): one delivered at once is told to recordFinished instead.
 */
export const payloadIsEvent = new WeakSet<DeliveryJob>();

/** Targets as JSON between newlines, by the (shared, never changed) target object: thousands of deliveries share one. */
const targetTexts = new WeakMap<object, string>();

/**
 * Every field of a job, so that a field added to DeliveryJob fails to compile here until
 * finishedText writes it (the record is built by hand, not by JSON.stringify of the job).
 */
const jobFields: Record<keyof DeliveryJob, true> = {
  id: true,
  account: true,
  region: true,
  ruleArn: true,
  ruleName: true,
  eventBusName: true,
  target: true,
  event: true,
  payload: true,
  hops: true,
  createdAt: true,
  nextAttemptAt: true,
  attempts: true,
  httpParametersResolved: true,
  invocation: true,
};
void jobFields;

const str = JSON.stringify;

/**
 * A finished delivery as kept: four parts separated by newlines (JSON text never holds a raw
 * one), the payload last and as it is, so it may hold any:
 *   {"s":status,"f":finishedAt,"q":seq,"d":deadLetterQueueArn?,"j":{the job's other fields}} (finishedHead.ts)
 *   the target's JSON (made once per target object)
 *   the event's JSON, or nothing when the payload is the event itself (payloadIsEvent)
 *   the payload
 * Writing this record was the largest cost of an immediate delivery (profile, docs/performance.md):
 * the payload is no longer escaped into a JSON string (nor unescaped on read), nor copied into one
 * string with the rest before it is encoded (TextRing.pushParts), the event not serialized a
 * second time, and the job's fields are not copied out of the job by an object rest first.
 */
function finishedText(d: FinishedDelivery, seq: number, isEvent: boolean): string[] {
  const job = d.job;
  const target = job.target;
  let targetText = targetTexts.get(target);
  if (targetText === undefined) targetTexts.set(target, (targetText = `\n${str(target)}\n`));
  const head = finishedHead(job, finishedStatuses.indexOf(d.status), d.finishedAt, seq, d.deadLetterQueueArn);
  // The payload a part of its own: it is encoded from its flat string, not copied into one with
  // the rest first (TextRing.pushParts). The head is flattened when encoded anyway: the short
  // parts join it (one encoding call per part).
  return isEvent ? [`${head}${targetText}\n`, job.payload] : [`${head}${targetText}`, `${str(job.event)}\n`, job.payload];
}

function parseFinished(text: string): FinishedDelivery {
  const afterHead = text.indexOf('\n');
  const afterTarget = text.indexOf('\n', afterHead + 1);
  const afterEvent = text.indexOf('\n', afterTarget + 1);
  const head = JSON.parse(text.slice(0, afterHead)) as { s: number; f: number; q: number; d?: string; j: Omit<DeliveryJob, 'event' | 'payload' | 'target'> };
  const payload = text.slice(afterEvent + 1);
  const event = JSON.parse(afterEvent > afterTarget + 1 ? text.slice(afterTarget + 1, afterEvent) : payload) as Record<string, unknown>;
  const job: DeliveryJob = { ...head.j, target: JSON.parse(text.slice(afterHead + 1, afterTarget)) as DeliveryJob['target'], event, payload };
  const d: FinishedDelivery = { job, status: finishedStatuses[head.s]!, finishedAt: head.f, seq: head.q };
  if (head.d !== undefined) d.deadLetterQueueArn = head.d;
  return d;
}

function finishedMatches(d: FinishedDelivery, f: FinishedFilter): boolean {
  const { job } = d;
  return (
    (!f.status || d.status === f.status) &&
    (!f.eventId || job.event.id === f.eventId) &&
    interned.every((field) => !f[field] || fieldOf(job, field) === f[field])
  );
}
