/**
 * Properties of how event numbers are read, against the simple computations
 * they stand in for:
 * - exactness.ts decides "does the double carry this text exactly" without
 *   printing the double; where it decides, it agrees with printing it
 *   (flatten.ts's printsAs, the definition), and it decides the common cases.
 * - the scanner's digit runs (read 4 bytes at a time) end where the digits
 *   end, whatever the run's length and whatever follows it.
 */
import fc from 'fast-check';
import { carriesExactly } from '../../src/engine/patterns/exactness.js';
import { printsAs } from '../../src/engine/patterns/flatten.js';
import { RuleIndex, compilePattern, parseEventJson } from '../../src/engine/patterns/index.js';

/** Spellings of a double's neighbourhood: its own, more or fewer digits, the last digit moved. */
function spellings(value: number): string[] {
  const shortest = String(value);
  const texts = [shortest, value.toExponential(15), value.toExponential(16).replace('e', 'E'), value.toFixed(Math.min(20, Math.max(0, 17 - Math.ceil(Math.log10(Math.abs(value) || 1)))))];
  for (let p = 14; p <= 19; p++) texts.push(value.toPrecision(p));
  const m = /^(-?[0-9.]*?)([0-9])((?:e.*)?)$/i.exec(shortest);
  if (m !== null) {
    for (const d of [-1, 1]) {
      const digit = Number(m[2]) + d;
      if (digit >= 0 && digit <= 9) texts.push(`${m[1]}${digit}${m[3]}`);
    }
    if (!shortest.includes('e')) texts.push(`${shortest}${shortest.includes('.') ? '' : '.'}1`, `${shortest}${shortest.includes('.') ? '' : '.'}50`);
  }
  return texts.filter((t) => /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(t));
}

const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
/** Doubles of everyday magnitudes (prices, coordinates, ids), where the fast path must decide. */
const everyday = fc.tuple(fc.double({ min: 1, max: 10, noNaN: true }), fc.integer({ min: -6, max: 14 }), fc.boolean()).map(([m, e, neg]) => (neg ? -1 : 1) * m * 10 ** e);

describe('exactness without printing the double', () => {
  it('agrees with printing it wherever it decides', () => {
    const seen = { exact: 0, inexact: 0, left: 0 };
    const disagreements: string[] = [];
    fc.assert(
      fc.property(fc.oneof(anyDouble, everyday), (value) => {
        for (const text of spellings(value)) {
          const read = Number(text);
          if (!Number.isFinite(read)) continue;
          const decided = carriesExactly(text, read);
          if (decided === undefined) seen.left++;
          else if (decided !== printsAs(read, text)) disagreements.push(text);
          else if (decided) seen.exact++;
          else seen.inexact++;
        }
      }),
      { numRuns: 5000 },
    );
    expect(disagreements).toEqual([]);
    // Both answers must be given often for the agreement to mean anything.
    expect(seen.exact).toBeGreaterThan(seen.left);
    expect(seen.inexact).toBeGreaterThan(seen.left / 4);
  });

  it('agrees on the edges: zeros, powers of two, the ends of the double range, 2^53 and past it', () => {
    const texts = ['0', '-0', '0.0e5', '1e-400', '5e-324', '2.2250738585072014e-308', '2.2250738585072011e-308', '1.7976931348623157e308', '9007199254740993', '9007199254740992',
      '0.30000000000000001', '0.1', '0.10000000000000001', '12345678901234567890', '1.0000000000000001', '0.99999999999999994', '100000000000000000', '123456789012345678e-2',
      '4503599627370496.5', '4503599627370497', '1125899906842624.125', '0.000001', '1e22', '1e23', '8.98846567431158e307', '-122.4491355541239', '37.805471248302794'];
    for (let e = -60; e <= 60; e++) texts.push(String(2 ** e), (2 ** e).toPrecision(16), (2 ** e).toPrecision(17), String(2 ** e + 2 ** (e - 52)), String(2 ** e - 2 ** (e - 53)));
    for (const text of texts) {
      const read = Number(text);
      if (!Number.isFinite(read)) continue;
      const decided = carriesExactly(text, read);
      if (decided !== undefined) expect([text, decided]).toEqual([text, printsAs(read, text)]);
    }
  });

  it('decides the shortest forms of everyday doubles (up to 17 digits) without printing', () => {
    let undecided = 0;
    let total = 0;
    fc.assert(
      fc.property(everyday, (value) => {
        total++;
        if (carriesExactly(String(value), value) === undefined) undecided++;
      }),
      { numRuns: 5000 },
    );
    expect(undecided).toBeLessThan(total * 0.01);
  });
});

describe('digit runs in the scanner', () => {
  const pattern = compilePattern('{"a": [{"numeric": [">", -1e300]}], "b": [{"exists": true}]}');
  const index = new RuleIndex<string>();
  index.add('r', pattern, 'r');

  it('end where the digits end, for runs of every length before every kind of byte', () => {
    const after = [',"b":1}', '}', ' ,"b":1}', 'e5,"b":1}', 'E+1}', '.5}', '.}', 'x}', '0}', ']', '\u0000}'];
    for (let intDigits = 1; intDigits <= 21; intDigits++) {
      for (let fractionDigits = 0; fractionDigits <= 21; fractionDigits++) {
        const digits = '123456789012345678901'.slice(0, intDigits) + (fractionDigits > 0 ? `.${'987654321098765432109'.slice(0, fractionDigits)}` : '');
        for (const tail of after) {
          for (const wrapped of [`{"a":${digits}${tail}`, `{"c":[${digits}${tail.replace('}', ']}')},"a":${digits}${tail}`]) {
            const expected = (() => {
              try {
                return index.match(parseEventJson(wrapped));
              } catch (error) {
                return (error as Error).message;
              }
            })();
            const actual = (() => {
              try {
                return index.match(wrapped);
              } catch (error) {
                return (error as Error).message;
              }
            })();
            expect([wrapped, actual]).toEqual([wrapped, expected]);
          }
        }
      }
    }
  });
});
