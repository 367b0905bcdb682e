/**
 * What the inspection API shows beyond the durable queue: recent events per bus
 * with the rules they matched, and finished deliveries. In memory and bounded;
 * pending deliveries are read from the durable queue itself.
 */
import { limits } from '../limits.js';
import { TextRing } from '../util/textRing.js';
import { RecentEventList } from './recentEventList.js';
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
   */
  private finished = new TextRing(limits.deliveryHistory, limits.deliveryHistoryBytes);
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

  /** Keeps a copy: the job as it is now (a finished job does not change afterwards). */
  recordFinished(delivery: FinishedDelivery): void {
    this.finished.push(JSON.stringify(delivery));
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
    return this.finished.toArray().map((kept) => JSON.parse(kept) as FinishedDelivery);
  }

  clear(): void {
    this.events.clear();
    this.lastList = undefined;
    this.finished.clear();
    this.notify({ kind: 'cleared' });
  }
}
