/**
 * Does a double carry a JSON number's text exactly, decided without printing
 * the double? "Exactly" is numbers.ts's sense: the text denotes the same
 * decimal as the double's shortest round-trip form, String(value), which
 * ECMAScript defines as the fewest significant digits that read back as the
 * value, and of those the closest to it. Printing costs ~200-400 ns a number
 * in Node 20 (bench: most of a NUMERIC event's matching beyond the scan).
 *
 * With the text as D × 10^k (D an integer of n significant digits, its last
 * one nonzero) and value its nearest double:
 * - n <= 15: exact whenever value is a normal double (DBL_DIG = 15: every
 *   decimal of up to 15 digits is the only one of them its double reads back as).
 * - n >= 18: never (a shortest form has at most 17 digits).
 * - n of 16 or 17: exact iff D × 10^k is the n-digit decimal closest to value
 *   and no shorter decimal lies in value's rounding interval; both are read
 *   off r = D - value × 10^-k (the text's error, in units of its last digit),
 *   computed without loss (an error-free product, Dekker's TwoProduct).
 * Anything else (subnormals, exponents far from the digits, answers within a
 * hair of a rounding boundary) is left to the caller: undefined.
 */

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Which word of `words` holds the sign and exponent (the platform's byte order). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** 10^i for i = 0..22, each exactly a double. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Veltkamp's splitting constant for doubles: 2^27 + 1. */
const SPLIT = 134217729;
/** How far from a rounding boundary an answer must be (in units of the text's last digit; r's error is ~1e-15). */
const MARGIN = 1e-6;

/** true / false when decided here, undefined otherwise. `value` must be Number(text), finite; `text` a JSON number. */
export function carriesExactly(text: string, value: number): boolean | undefined {
  // One pass over the text: where its significant digits start and end, and the exponent.
  let first = -1;
  let last = -1;
  let point = -1;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) point = i;
    else if (c === 101 || c === 69) break;
    else if (c !== 48) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return true; // zero, of any sign and spelling
  const mantissaEnd = i;
  let exponent = 0;
  if (i < text.length) {
    exponent = Number(text.slice(i + 1));
    if (!(Math.abs(exponent) < 400)) return undefined;
  }
  if (point < 0) point = mantissaEnd;
  // Significant digits, without the point between them.
  const n = last - first + 1 - (first < point && point < last ? 1 : 0);
  // The power of ten of the last significant digit.
  const k = (last < point ? point - last - 1 : point - last) + exponent;
  bits[0] = value;
  const high = words[HIGH]!;
  const biased = (high >>> 20) & 0x7ff;
  if (biased === 0) return undefined; // subnormal or underflowed to zero
  if (n <= 15) return true;
  if (n >= 18) return false;
  // A power of two's rounding interval is narrower below it: a closer decimal may not read back as it.
  if (k > 0 || k < -22 || ((high & 0xfffff) === 0 && words[1 - HIGH] === 0)) return undefined;
  return closestAndShortest(text, first, last, point, n, Math.abs(value), POW10[-k]!, biased);
}

/**
 * For n = 16 or 17 significant digits (first..last, the point at `point`): is the
 * text, D / scale, value's shortest form? value is no power of two: its
 * rounding interval reaches half a unit in the last place either side.
 */
function closestAndShortest(text: string, first: number, last: number, point: number, n: number, value: number, scale: number, biased: number): boolean | undefined {
  // D split as high × 10^8 + low (its last 8 digits): each part, and high × 10^8, exactly a double.
  let high = 0;
  let low = 0;
  let left = n - 8;
  for (let i = first; i <= last; i++) {
    if (i === point) continue;
    const digit = text.charCodeAt(i) - 48;
    if (left-- > 0) high = high * 10 + digit;
    else low = low * 10 + digit;
  }
  // value × scale = product + error, exactly.
  const product = value * scale;
  const error = productError(value, scale, product);
  // r = D - value × scale. high × 1e8 - product is exact (Sterbenz: both ~D); adding low and taking away error loses ~1e-15.
  const r = high * 1e8 - product + low - error;
  // Half the spacing of doubles around value, in units of the text's last digit.
  const half = (2 ** (biased - 1075) * scale) / 2;
  const distance = Math.abs(r);
  if (distance > 0.5 + MARGIN) return false; // another decimal of as many digits is closer
  if (distance >= 0.5 - MARGIN) return undefined;
  // The nearest decimals with fewer digits: `lastDigit` units below, 10 - lastDigit above.
  const lastDigit = text.charCodeAt(last) - 48;
  const roomBelow = lastDigit - (r + half);
  const roomAbove = 10 - lastDigit - (half - r);
  if (roomBelow > MARGIN && roomAbove > MARGIN) return true;
  if (roomBelow < -MARGIN || roomAbove < -MARGIN) return false; // a shorter decimal reads back as value
  return undefined;
}

/** a × b - product exactly, for product = fl(a × b) (Dekker's TwoProduct, no overflow or underflow here). */
function productError(a: number, b: number, product: number): number {
  const ta = SPLIT * a;
  const aHigh = ta - (ta - a);
  const aLow = a - aHigh;
  const tb = SPLIT * b;
  const bHigh = tb - (tb - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}
