import { TextRing } from '../../util/textRing.js';

/**
 * One bus's newest `max` recorded items, oldest dropped first. An item is held first as the object
 * it was recorded as ("fresh"); one that is still among the newest `max` after a whole aging
 * period is serialized into a TextRing outside the JS heap.
 *
 * Why two stages: serializing every event on the PutEvents path cost ~3 µs each (a tenth of
 * ingest's CPU at tens of thousands of events per second, where each is dropped again within
 * milliseconds); keeping every event as an object made each one live ~1 s at 1,000 events/s, long
 * enough to reach the old generation and end as garbage only a full collection clears. Now at high
 * rates items are dropped fresh and never serialized, and at low rates they leave the heap young.
 */
export class RecentEventList<T> {
  private fresh: T[] = [];
  /** How many of `fresh`, from its start, were already there at the last `age()`. */
  private aged = 0;
  private readonly kept: TextRing;

  constructor(
    private readonly max: number,
    maxBytes: number,
  ) {
    this.kept = new TextRing(max, maxBytes, Math.min(maxBytes, 64 * 1024));
  }

  /** The item must not change afterwards (it is serialized later). */
  push(item: T): void {
    this.fresh.push(item);
    // Cut back in chunks: everything older than the newest `max` is out of the list.
    if (this.fresh.length >= 2 * this.max) this.dropBeyondMax();
  }

  /** Items not dropped since the last call go out of the heap; true when fresh items remain. */
  age(): boolean {
    this.dropBeyondMax();
    for (let i = 0; i < this.aged; i++) this.kept.push(JSON.stringify(this.fresh[i]));
    if (this.aged) this.fresh = this.fresh.slice(this.aged);
    this.aged = this.fresh.length;
    return this.aged > 0;
  }

  /** The items, oldest first, as copies. */
  toArray(): T[] {
    const fresh = this.fresh.slice(-this.max).map((item) => JSON.stringify(item));
    const kept = fresh.length < this.max ? this.kept.toArray().slice(fresh.length - this.max) : [];
    return [...kept, ...fresh].map((text) => JSON.parse(text) as T);
  }

  clear(): void {
    this.fresh = [];
    this.aged = 0;
    this.kept.clear();
  }

  private dropBeyondMax(): void {
    const beyond = this.fresh.length - this.max;
    if (beyond < 0) return;
    // Everything kept is older than the fresh items, so out of the list too.
    this.kept.clear();
    if (beyond === 0) return;
    this.fresh = this.fresh.slice(beyond);
    this.aged = Math.max(0, this.aged - beyond);
  }
}
