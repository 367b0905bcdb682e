/**
 * The last texts pushed, oldest first, kept as UTF-8 in one buffer outside the JS heap: at most
 * `maxRecords` of them and at most `maxBytes` in all (the oldest go first when either would be
 * passed). For records that live long enough to reach the old generation and then die in
 * thousands per second: as strings they would be garbage that only a full collection clears; here
 * a record costs the collector nothing.
 *
 * Records are written one after another into the part of the buffer in use (`end` bytes); when
 * the next one does not fit before `end`, writing goes on from the start. The first buffer is
 * `initialBytes`; once the records outgrow it, one buffer of `maxBytes` replaces it (the only copy
 * ever made) and the part in use grows from there, doubling, each time a record meets its end
 * while the kept records fill it. Growing is then a number changed: no record moves, and only the
 * pages written to become resident. (A buffer grown by copying stalled the event loop 5-20 ms at
 * each doubling of the delivery history, in the latency bench's tail: docs/performance.md.)
 * A record longer than `maxBytes` is kept alone (a buffer of its size holds it).
 */
export class TextRing {
  private buffer: Buffer | undefined;
  /** Start offset and byte length of each record, in a ring of slots: slot `first` is the oldest. */
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private first = 0;
  private count = 0;
  /** Bytes held by the kept records. */
  private used = 0;
  /** Where the next record is written. */
  private write = 0;
  /** The part of the buffer in use: writing wraps here (at most the buffer's length). */
  private end = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
    private readonly initialBytes = Math.min(maxBytes, 1024 * 1024),
  ) {
    this.starts = new Int32Array(maxRecords);
    this.lengths = new Int32Array(maxRecords);
  }

  push(text: string): void {
    if (this.pushInPlace(text)) return;
    const bytes = Buffer.byteLength(text, 'utf8');
    const buffer = this.room(bytes);
    if (this.count === this.maxRecords) this.dropOldest();
    if (this.write + bytes > this.end) {
      // The records after the last one written are the oldest: they go whether writing wraps or
      // the part in use grows past them.
      while (this.count && this.starts[this.first] >= this.write) this.dropOldest();
      if (this.end < buffer.length && this.used + bytes > this.end) this.end = Math.min(buffer.length, Math.max(this.end * 2, this.write + bytes));
      if (this.write + bytes > this.end) this.write = 0;
    }
    buffer.write(text, this.write);
    this.written(this.write + bytes);
  }

  /**
   * One record made of parts, as `push(parts.join(''))` keeps it, without joining them first: a
   * record built by concatenation is otherwise flattened (a copy) before it is encoded. Each part
   * is encoded alone: a surrogate pair split between two parts is not joined.
   */
  pushParts(parts: readonly string[]): void {
    if (!this.pushInPlace(parts)) this.push(parts.join(''));
  }

  /**
   * The usual case without measuring the text first (a second pass over it): by its largest
   * possible size (3 UTF-8 bytes per UTF-16 unit) it fits before the end of the part in use, and the
   * first buffer need not be replaced for it. The records it overwrote are dropped after, by its real size.
   */
  private pushInPlace(text: string | readonly string[]): boolean {
    const buffer = this.buffer;
    let length = 0;
    if (typeof text === 'string') length = text.length;
    else for (let i = 0; i < text.length; i++) length += text[i]!.length;
    const largest = length * 3;
    if (!buffer || this.write + largest > this.end || (buffer.length < this.maxBytes && this.used + largest > buffer.length)) return false;
    if (this.count === this.maxRecords) this.dropOldest();
    // write(text, offset), UTF-8 by default: with a length or an encoding argument it took 3-4x
    // as long for a record of a few hundred bytes (argument checks), in a loop of 1,000 records.
    let end = this.write;
    if (typeof text === 'string') end += buffer.write(text, end);
    else for (let i = 0; i < text.length; i++) end += buffer.write(text[i]!, end);
    this.written(end);
    return true;
  }

  /** A record now fills write..end: drop the older records it overwrote and count it. */
  private written(end: number): void {
    const start = this.write;
    while (this.count && this.starts[this.first] >= start && this.starts[this.first] < end) this.dropOldest();
    const slot = (this.first + this.count) % this.maxRecords;
    this.starts[slot] = start;
    this.lengths[slot] = end - start;
    this.count++;
    this.used += end - start;
    this.write = end;
    // Only after a record longer than maxBytes (its buffer is longer too) can the kept records add
    // up to more: the bound holds for them as for the rest.
    while (this.count > 1 && this.used > this.maxBytes) this.dropOldest();
  }

  /** How many texts are kept. */
  get size(): number {
    return this.count;
  }

  /** The text `i` places from the oldest (a new string). */
  textAt(i: number): string {
    const slot = (this.first + i) % this.maxRecords;
    return this.buffer!.toString('utf8', this.starts[slot], this.starts[slot] + this.lengths[slot]);
  }

  /** The texts, oldest first (new strings on each call). */
  toArray(): string[] {
    const texts: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.first + i) % this.maxRecords;
      texts.push(this.buffer!.toString('utf8', this.starts[slot], this.starts[slot] + this.lengths[slot]));
    }
    return texts;
  }

  clear(): void {
    this.first = this.count = this.used = this.write = 0;
  }

  private dropOldest(): void {
    this.used -= this.lengths[this.first];
    this.first = (this.first + 1) % this.maxRecords;
    this.count--;
  }

  /**
   * The buffer, made or replaced when the record cannot be written in it: the first buffer when the
   * kept records and this one would not fit in it, and any buffer shorter than the record (then one
   * of the record's size when it is longer than maxBytes). The kept records are copied to the start of the new one, oldest
   * first; `push` then makes room as usual. Short of `maxBytes` a wrap may still drop a few old
   * records early: the space left at the end is not used.
   */
  private room(bytes: number): Buffer {
    const current = this.buffer;
    if (current && bytes <= current.length && (current.length >= this.maxBytes || this.used + bytes <= current.length)) return current;
    // Not zero-filled: only the pages written to become resident.
    const grown = Buffer.allocUnsafeSlow(current ? Math.max(this.maxBytes, bytes) : Math.max(this.initialBytes, bytes));
    this.write = current ? this.copyRecords(current, grown) : 0;
    this.end = current ? Math.min(grown.length, Math.max(current.length * 2, this.write + bytes)) : grown.length;
    this.buffer = grown;
    return grown;
  }

  /**
   * The kept records copied to the start of `to`, oldest first; returns where they end. Records
   * written one after another are copied as one run (one or two runs in all, around a wrap): a copy
   * per record made the growth to 16 MiB of the delivery history a 8-20 ms stall of the event loop
   * (6,400 records of 1.3 KB; docs/performance.md, branch p27-latency).
   */
  private copyRecords(from: Buffer, to: Buffer): number {
    let at = 0;
    let i = 0;
    while (i < this.count) {
      const runStart = this.starts[(this.first + i) % this.maxRecords];
      let runEnd = runStart;
      let j = i;
      for (; j < this.count; j++) {
        const slot = (this.first + j) % this.maxRecords;
        if (this.starts[slot] !== runEnd) break;
        runEnd += this.lengths[slot];
        this.starts[slot] += at - runStart;
      }
      from.copy(to, at, runStart, runEnd);
      at += runEnd - runStart;
      i = j;
    }
    return at;
  }
}
