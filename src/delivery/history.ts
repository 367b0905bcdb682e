/**
 * What the inspection API shows beyond the durable queue: recent events per bus
 * with the rules they matched, and finished deliveries. In memory and bounded;
 * pending deliveries are read from the durable queue itself.
 */
import { limits } from '../limits.js';
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

export class DeliveryHistory {
  private events = new Map<string, RecentEvent[]>();
  private finished: FinishedDelivery[] = [];

  recordEvent(event: RecentEvent): void {
    const key = `${event.account}:${event.region}:${event.eventBusName}`;
    const list = this.events.get(key) ?? [];
    list.push(event);
    if (list.length > limits.recentEventsPerBus) list.shift();
    this.events.set(key, list);
  }

  recordFinished(delivery: FinishedDelivery): void {
    this.finished.push(delivery);
    if (this.finished.length > limits.deliveryHistory) this.finished.shift();
  }

  /** Recent events, newest first. */
  recentEvents(filter: { account?: string; region?: string; eventBusName?: string }): RecentEvent[] {
    const all = [...this.events.values()].flat();
    return all
      .filter((e) => (!filter.account || e.account === filter.account) && (!filter.region || e.region === filter.region) && (!filter.eventBusName || e.eventBusName === filter.eventBusName))
      .sort((a, b) => b.receivedAt - a.receivedAt);
  }

  finishedDeliveries(): FinishedDelivery[] {
    return this.finished;
  }

  clear(): void {
    this.events.clear();
    this.finished = [];
  }
}
