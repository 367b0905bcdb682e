/**
 * Time is injectable. Everything that waits (retries, schedules, token expiry,
 * replays, retention) asks a Clock, so tests and users can move time forward
 * instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, in the emulator's (possibly virtual) time. */
  now(): number;
  /** Milliseconds since the epoch on the real wall clock (what other machines' clocks say). */
  wallNow(): number;
  /** Run `fn` once the clock reaches `atMs`. Returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
}

interface Timer {
  atMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Real time plus an offset that `advance()` moves forward. Timers due within the
 * advanced span fire at once, in time order (timers they arm that are also due
 * fire in the same pass); later timers still fire in real time. Timers sit in a
 * binary heap, so a hundred thousand pending retries cost O(log n) each.
 */
export class VirtualClock implements Clock {
  private offsetMs = 0;
  private seq = 0;
  private heap: Timer[] = [];
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private firing = false;
  /** While a settled advance stands at a due time, now() is that time. */
  private frozenAt: number | undefined;
  /** Settled advances run one after the other. */
  private advancing: Promise<void> = Promise.resolve();

  /** Told the new offset after every advance (the emulator saves it with its state). */
  onAdvanced: ((offsetMs: number) => void) | undefined;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  wallNow(): number {
    return this.realNow();
  }

  /** How far virtual time is ahead of real time (ms): saved with the state. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Put virtual time at real time + `ms` (a restart restores the saved offset; a reset sets 0). */
  setOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('offset must be finite');
    this.offsetMs = ms;
    if (!this.firing) this.rearm();
  }

  /**
   * Move virtual time forward by `ms`, stopping at each due time on the way: time stands
   * still there while the due timers fire and `settle()` resolves (the asynchronous work
   * they started, such as delivery attempts, is done), so what that work arms relative to
   * now() (a retry's backoff) is measured from the due time and fires within the same
   * advance when it falls inside the span. One advance of a day therefore does exactly
   * what many small advances do. Real time spent meanwhile is not added: afterwards
   * now() is the start plus `ms`.
   */
  advanceSettled(ms: number, settle: () => Promise<void>): Promise<void> {
    if (!(ms >= 0)) return Promise.reject(new RangeError('time only moves forward'));
    const run = this.advancing.then(() => this.stepThrough(ms, settle));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async stepThrough(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.now() + ms;
    this.firing = true;
    try {
      for (;;) {
        while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
        if (this.heap.length === 0 || this.heap[0].atMs > target) break;
        this.frozenAt = Math.max(this.now(), this.heap[0].atMs);
        while (this.heap.length > 0 && this.heap[0].atMs <= this.frozenAt) {
          const timer = this.pop()!;
          if (!timer.cancelled) timer.fn();
        }
        await settle();
      }
      this.offsetMs = Math.max(target, this.now()) - this.realNow();
    } finally {
      if (this.frozenAt !== undefined) this.offsetMs = Math.max(this.offsetMs, this.frozenAt - this.realNow());
      this.frozenAt = undefined;
      this.firing = false;
    }
    this.onAdvanced?.(this.offsetMs);
    this.fireDue();
  }

  at(atMs: number, fn: () => void): () => void {
    const timer: Timer = { atMs, seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    if (!this.firing && atMs < this.wakeAt) this.rearm();
    return () => {
      timer.cancelled = true;
    };
  }

  /**
   * Move virtual time forward by `ms`. Time passes through each due timer: while a
   * timer fires, now() is its due time, so what it arms relative to now() fires in
   * the same advance when that is still within the span.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('time only moves forward');
    const target = this.now() + ms;
    this.firing = true;
    try {
      while (this.heap.length > 0 && this.heap[0].atMs <= target) {
        const timer = this.pop()!;
        if (timer.cancelled) continue;
        // Time stands at the due time while the timer runs: real time read twice (or passing while
        // it runs) would otherwise stamp its work a millisecond or two late.
        this.frozenAt = Math.max(this.now(), timer.atMs);
        timer.fn();
      }
    } finally {
      this.offsetMs = Math.max(target, this.now()) - this.realNow();
      this.frozenAt = undefined;
      this.firing = false;
    }
    this.onAdvanced?.(this.offsetMs);
    this.fireDue();
  }

  /** Drop every pending timer and the real-time wake-up. */
  stop(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = Infinity;
    this.heap = [];
  }

  /** Pending (not cancelled) timers, for inspection. */
  get pending(): number {
    return this.heap.filter((t) => !t.cancelled).length;
  }

  private fireDue(): void {
    if (this.firing) return;
    this.firing = true;
    try {
      while (this.heap.length > 0 && this.heap[0].atMs <= this.now()) {
        const timer = this.pop()!;
        if (!timer.cancelled) timer.fn();
      }
    } finally {
      this.firing = false;
      this.rearm();
    }
  }

  private rearm(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = this.heap.length > 0 ? this.heap[0].atMs : Infinity;
    if (this.wakeAt === Infinity) return;
    // Cap the real wait so a far-away timer does not overflow setTimeout.
    const wait = Math.min(Math.max(0, this.wakeAt - this.now()), 2 ** 30);
    this.wake = setTimeout(() => this.fireDue(), wait);
    this.wake.unref();
  }

  private before(a: Timer, b: Timer): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(heap[l], heap[m])) m = l;
        if (r < heap.length && this.before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}
