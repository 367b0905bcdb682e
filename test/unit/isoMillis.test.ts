import fc from 'fast-check';
import { isoMillis } from '../../src/util/isoMillis.js';

test('isoMillis writes what toISOString writes, fractions, second boundaries and runs of one second included', () => {
  const times = fc.oneof(
    fc.double({ min: 0, max: 4_102_444_800_000, noNaN: true }), // 1970 to 2100, with fractions
    fc.tuple(fc.integer({ min: 0, max: 4_102_444_800 }), fc.constantFrom(0, 999, 999.9, 9, 10, 99, 100)).map(([second, ms]) => second * 1000 + ms),
  );
  fc.assert(
    fc.property(fc.array(times, { minLength: 1, maxLength: 20 }), (runs) => {
      for (const ms of runs) {
        expect(isoMillis(ms)).toBe(new Date(ms).toISOString());
        expect(isoMillis(ms + 0.5)).toBe(new Date(ms + 0.5).toISOString()); // the same second, asked again
      }
    }),
    { numRuns: 2_000 },
  );
});

test('outside four-digit years after 1970 it is toISOString itself', () => {
  for (const ms of [-1, -0.5, -86_400_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15]) expect(isoMillis(ms)).toBe(new Date(ms).toISOString());
  expect(() => isoMillis(Number.NaN)).toThrow(RangeError);
});
