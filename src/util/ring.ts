/**
 * The last `capacity` items pushed, oldest first. Pushing past capacity overwrites the
 * oldest in place: O(1), where `Array.shift()` on a full list moves every item.
 */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** A copy, oldest first. */
  toArray(): T[] {
    return this.start === 0 ? [...this.items] : [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}
