/**
 * What the inspection API shows beyond the durable queue: recent events per bus
 * with the rules they matched, and finished deliveries. In memory and bounded;
 * pending deliveries are read from the durable queue itself.
 */
import { limits } from '../limits.js';
import { Ring } from '../util/ring.js';
import type { DeliveryJob } from '../store/schema.js';

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
}

/** What a listener hears: an event recorded, a delivery finished, or everything cleared. */
export type HistoryChange = { kind: 'event'; event: RecentEvent } | { kind: 'finished'; delivery: FinishedDelivery } | { kind: 'cleared' };
export type HistoryListener = (change: HistoryChange) => void;

/**
 * A finished delivery as kept: the job as one JSON string instead of its object graph. Under
 * load the kept deliveries are most of the live heap, and the garbage collector marks a
 * string without looking inside it (each full collection was marking ~10,000 jobs' objects).
 */
interface KeptDelivery {
  job: string;
  status: FinishedDelivery['status'];
  finishedAt: number;
  deadLetterQueueArn: string | undefined;
}

export class DeliveryHistory {
  private events = new Map<string, Ring<RecentEvent>>();
  private finished = new Ring<KeptDelivery>(limits.deliveryHistory);
  private listeners = new Set<HistoryListener>();
  private lastList: { account: string; region: string; eventBusName: string; list: Ring<RecentEvent> } | undefined;

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
    this.listOf(event).push(event);
    if (this.listeners.size) this.notify({ kind: 'event', event });
  }

  /** Keeps a copy: the job as it is now (a finished job does not change afterwards). */
  recordFinished(delivery: FinishedDelivery): void {
    const { job, status, finishedAt, deadLetterQueueArn } = delivery;
    this.finished.push({ job: JSON.stringify(job), status, finishedAt, deadLetterQueueArn });
    if (this.listeners.size) this.notify({ kind: 'finished', delivery });
  }

  /** The bus's list; the last one used is remembered (events come in runs of one bus: no key string per event). */
  private listOf({ account, region, eventBusName }: RecentEvent): Ring<RecentEvent> {
    const last = this.lastList;
    if (last && last.account === account && last.region === region && last.eventBusName === eventBusName) return last.list;
    const key = `${account}:${region}:${eventBusName}`;
    let list = this.events.get(key);
    if (!list) this.events.set(key, (list = new Ring(limits.recentEventsPerBus)));
    this.lastList = { account, region, eventBusName, list };
    return list;
  }

  /** Recent events, newest first. */
  recentEvents(filter: { account?: string; region?: string; eventBusName?: string }): RecentEvent[] {
    const all = [...this.events.values()].flatMap((list) => list.toArray());
    return all
      .filter((e) => (!filter.account || e.account === filter.account) && (!filter.region || e.region === filter.region) && (!filter.eventBusName || e.eventBusName === filter.eventBusName))
      .sort((a, b) => b.receivedAt - a.receivedAt);
  }

  /** Finished deliveries, oldest first (copies made on each call). */
  finishedDeliveries(): FinishedDelivery[] {
    return this.finished.toArray().map(({ job, status, finishedAt, deadLetterQueueArn }) => {
      const delivery: FinishedDelivery = { job: JSON.parse(job) as DeliveryJob, status, finishedAt };
      if (deadLetterQueueArn !== undefined) delivery.deadLetterQueueArn = deadLetterQueueArn;
      return delivery;
    });
  }

  clear(): void {
    this.events.clear();
    this.lastList = undefined;
    this.finished = new Ring<KeptDelivery>(limits.deliveryHistory);
    this.notify({ kind: 'cleared' });
  }
}
