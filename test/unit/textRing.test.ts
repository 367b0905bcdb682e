import { TextRing } from '../../src/util/textRing.js';

const texts = (n: number, size = 10) => Array.from({ length: n }, (_, i) => `${i}:`.padEnd(size, 'x'));

test('keeps the last maxRecords texts, oldest first, whatever the number pushed', () => {
  for (const pushed of [0, 1, 3, 4, 5, 9, 12, 1000]) {
    const ring = new TextRing(4, 1024 * 1024);
    const all = texts(pushed);
    for (const t of all) ring.push(t);
    expect(ring.toArray()).toEqual(all.slice(-4));
    expect(ring.toArray()).toHaveLength(Math.min(pushed, 4));
  }
});

test('never holds more than maxBytes: the oldest go first, however the records wrap around the buffer', () => {
  // Sizes that do not divide the buffer, so records wrap at every place in it.
  const ring = new TextRing(1000, 100, 100);
  const pushed: string[] = [];
  for (let i = 0; i < 500; i++) {
    const text = `${i}|`.padEnd(7 + (i % 13), '-');
    ring.push(text);
    pushed.push(text);
    const kept = ring.toArray();
    // Always the newest ones, in order, and never more bytes than the buffer.
    expect(kept).toEqual(pushed.slice(pushed.length - kept.length));
    expect(kept.join('').length).toBeLessThanOrEqual(100);
    // Once full, all but the space one wrap can leave unused at the end (less than a record) and the
    // oldest record that overlapped the newest.
    if (i > 20) expect(kept.join('').length).toBeGreaterThan(100 - 2 * 20);
  }
});

test('grows from its first size up to maxBytes, keeping what it held', () => {
  const ring = new TextRing(10_000, 64 * 1024, 1024);
  const all = texts(5000, 100);
  for (const t of all) ring.push(t);
  const kept = ring.toArray();
  expect(kept).toEqual(all.slice(-kept.length));
  // 64 KiB of 100-byte texts, less at most one wrap's leftover.
  expect(kept.length).toBeGreaterThanOrEqual(654);
  expect(kept.length).toBeLessThanOrEqual(655);
});

test('keeps multi-byte text exactly, and a text longer than maxBytes alone', () => {
  const ring = new TextRing(10, 64, 16);
  ring.push('héllo wörld ✓');
  ring.push('日本語のテキスト');
  expect(ring.toArray()).toEqual(['héllo wörld ✓', '日本語のテキスト']);
  const long = 'ü'.repeat(100);
  ring.push(long);
  expect(ring.toArray()).toEqual([long]);
  ring.push('after');
  expect(ring.toArray()).toEqual(['after']);
});

test('clear empties it, and it fills again', () => {
  const ring = new TextRing(3, 1024);
  for (const t of texts(5)) ring.push(t);
  ring.clear();
  expect(ring.toArray()).toEqual([]);
  
  ring.push('a');
  expect(ring.toArray()).toEqual(['a']);
});

test('records written in place (no measuring first) keep every bound: count, bytes, multi-byte text, wrap', () => {
  // A buffer at its full size from the start: every push that fits before the end is written in place.
  const ring = new TextRing(7, 200, 200);
  const pushed: string[] = [];
  for (let i = 0; i < 400; i++) {
    const text = (i % 3 === 0 ? `${i}✓ü` : `${i}|`).padEnd(3 + (i % 17), i % 5 ? '-' : 'é');
    ring.push(text);
    pushed.push(text);
    const kept = ring.toArray();
    expect(kept).toEqual(pushed.slice(pushed.length - kept.length));
    expect(kept.length).toBeLessThanOrEqual(7);
    expect(Buffer.byteLength(kept.join(''))).toBeLessThanOrEqual(200);
    expect(ring.textAt(kept.length - 1)).toBe(text);
  }
  expect(ring.size).toBeGreaterThanOrEqual(4);
});

test('a record pushed in parts is kept as the joined text, in place or not (growing, wrapping, past maxBytes)', () => {
  for (const initial of [16, 256]) {
    const ring = new TextRing(6, 256, initial);
    const pushed: string[] = [];
    for (let i = 0; i < 300; i++) {
      const parts = [`${i}{"a":1}\n`, i % 4 ? '' : 'ü✓\n', 'payload-'.repeat(i % 9)];
      if (i === 150) parts.push('x'.repeat(300)); // longer than maxBytes: kept alone
      ring.pushParts(parts);
      pushed.push(parts.join(''));
      const kept = ring.toArray();
      expect(kept).toEqual(pushed.slice(pushed.length - kept.length));
      expect(kept.at(-1)).toBe(pushed.at(-1));
      // After the oversized record too (its buffer is longer than maxBytes), unless it is alone.
      if (kept.length > 1) expect(Buffer.byteLength(kept.join(''))).toBeLessThanOrEqual(256);
    }
  }
});

test('growing after a wrap keeps the records in order (those of the first buffer are copied in runs)', () => {
  // Few records and a small first buffer: the count bound drops records, so writing wraps before the
  // bytes fill the buffer, and a later longer record makes it grow with its records in two runs.
  for (const maxRecords of [3, 5, 8]) {
    const ring = new TextRing(maxRecords, 4096, 64);
    const pushed: string[] = [];
    for (let i = 0; i < 200; i++) {
      const text = `${i}:`.padEnd(4 + ((i * 7) % 23) + (i % 50 === 49 ? 200 : 0), i % 3 ? 'x' : 'é');
      ring.push(text);
      pushed.push(text);
      const kept = ring.toArray();
      expect(kept).toEqual(pushed.slice(pushed.length - kept.length));
      expect(kept.at(-1)).toBe(text);
    }
  }
});

test('grows without moving its records: one buffer replaces the first, and no other is made', () => {
  const allocUnsafeSlow = Buffer.allocUnsafeSlow;
  const sizes: number[] = [];
  Buffer.allocUnsafeSlow = (size: number) => {
    sizes.push(size);
    return allocUnsafeSlow(size);
  };
  try {
    // 64 KiB at most, from 1 KiB: the part in use doubles six times, and writing wraps many times after.
    const ring = new TextRing(100_000, 64 * 1024, 1024);
    const all = texts(5000, 100);
    all.forEach((t, i) => {
      ring.push(t);
      const kept = ring.toArray();
      expect(kept.at(-1)).toBe(t);
      // Nothing is dropped while the part in use can still grow past the records.
      if ((i + 1) * 100 <= 32 * 1024) expect(kept).toHaveLength(i + 1);
    });
    expect(sizes).toEqual([1024, 64 * 1024]);
    const kept = ring.toArray();
    expect(kept).toEqual(all.slice(-kept.length));
    expect(kept.length).toBeGreaterThanOrEqual(654);
  } finally {
    Buffer.allocUnsafeSlow = allocUnsafeSlow;
  }
});

test('any mix of pushes keeps the newest texts in order, within both bounds (seeded random sizes, parts and multi-byte text)', () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (const [maxRecords, maxBytes, initial] of [[5, 512, 32], [50, 4096, 64], [1000, 2048, 2048], [3, 300, 16]] as const) {
    const ring = new TextRing(maxRecords, maxBytes, initial);
    const pushed: string[] = [];
    for (let i = 0; i < 3000; i++) {
      // Mostly short records; now and then one near the bound, one past it, a run of long ones.
      const size = i % 500 === 499 ? maxBytes + 10 : i % 97 === 0 ? maxBytes - 5 : (i / 300) % 2 < 1 ? 1 + random(40) : 20 + random(200);
      const text = `${i}:`.padEnd(size, random(4) === 0 ? 'é✓' : 'x');
      if (random(2)) ring.push(text);
      else ring.pushParts([text.slice(0, 3), text.slice(3)]);
      pushed.push(text);
      const kept = ring.toArray();
      expect(kept).toEqual(pushed.slice(pushed.length - kept.length));
      expect(kept.at(-1)).toBe(text);
      expect(kept.length).toBeLessThanOrEqual(maxRecords);
      if (kept.length > 1) expect(Buffer.byteLength(kept.join(''))).toBeLessThanOrEqual(maxBytes);
    }
  }
});
