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
  /**
   * The fresh items in a ring of `max` slots: item number `n` (counting every push) is in slot
   * `n % max` while it is among the newest `max`; a push overwrites the item that falls out. (An
   * array cut back to `max` whenever it reached twice that held up to 2 * max items, every one of
   * them copied by each young-generation collection while alive.)
   */
  private readonly ring: (T | undefined)[];
  /** Items pushed so far. */
  private pushed = 0;
  /** Items before this number are out of the ring: serialized into `kept`, or dropped. */
  private freshFrom = 0;
  /** `pushed` at the last `age()`: the fresh items before it have seen a whole aging period. */
  private agedBefore = 0;
  private readonly kept: TextRing;

  constructor(
    private readonly max: number,
    maxBytes: number,
  ) {
    this.ring = new Array<T | undefined>(max).fill(undefined);
    this.kept = new TextRing(max, maxBytes, Math.min(maxBytes, 64 * 1024));
  }

  /** The item must not change afterwards (it is serialized later). */
  push(item: T): void {
    this.ring[this.pushed % this.max] = item;
    this.pushed++;
  }

  /** Items not dropped since the last call go out of the heap; true when fresh items remain. */
  age(): boolean {
    this.dropBeyondMax();
    for (let n = this.freshFrom; n < this.agedBefore; n++) {
      const slot = n % this.max;
      this.kept.push(JSON.stringify(this.ring[slot]));
      this.ring[slot] = undefined;
    }
    this.freshFrom = Math.max(this.freshFrom, this.agedBefore);
    this.agedBefore = this.pushed;
    return this.pushed > this.freshFrom;
  }

  /** The items, oldest first, as copies. */
  toArray(): T[] {
    this.dropBeyondMax();
    const fresh: string[] = [];
    for (let n = this.freshFrom; n < this.pushed; n++) fresh.push(JSON.stringify(this.ring[n % this.max]));
    const kept = fresh.length < this.max ? this.kept.toArray().slice(fresh.length - this.max) : [];
    return [...kept, ...fresh].map((text) => JSON.parse(text) as T);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.pushed = this.freshFrom = this.agedBefore = 0;
    this.kept.clear();
  }

  /** Items pushed over the ring's older ones are out of the list, and so is everything kept then. */
  private dropBeyondMax(): void {
    if (this.pushed - this.freshFrom < this.max) return;
    // Everything kept is older than the fresh items, so out of the list too.
    this.kept.clear();
    this.freshFrom = this.pushed - this.max;
  }
}
