/**
 * Is a PutEvents Detail a JSON object, without parsing it into one? Accepts exactly what
 * `JSON.parse` accepts (RFC 8259: four whitespace characters, no trailing commas, no leading
 * zeros, control characters only escaped, any code units otherwise, lone surrogates included)
 * when its result is an object, not an array, null or a scalar.
 *
 * Why not JSON.parse: most events on a bus meet no rule that reads their detail (the rule index
 * decides from `source` or `detail-type`), and building the object was the largest part of
 * ingest's own CPU (profile: `JSON.parse` of the Details ~8 % of the server's samples, twice
 * this check's cost per Detail). Containers are tracked on an explicit stack: nesting as deep as
 * JSON.parse takes cannot overflow the call stack here.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const FAILED = -1;

export function isJsonObjectText(text: string): boolean {
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== OPEN_OBJECT) return false;
  const end = skipValue(text, start);
  return end !== FAILED && skipSpace(text, end) === text.length;
}

/** The index after the value that starts at `i`, or FAILED. */
function skipValue(s: string, i: number): number {
  // The closing character of each container still open, innermost last.
  const open: number[] = [];
  for (;;) {
    i = skipSpace(s, i);
    const c = s.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
      i = skipSpace(s, i + 1);
      if (s.charCodeAt(i) !== close) {
        open.push(close);
        if (close === CLOSE_OBJECT && (i = skipKey(s, i)) === FAILED) return FAILED;
        continue; // the first member's value
      }
      i++;
    } else if ((i = skipScalar(s, i, c)) === FAILED) {
      return FAILED;
    }
    // After a value: a comma and the next member, or the end of containers.
    for (;;) {
      if (open.length === 0) return i;
      i = skipSpace(s, i);
      const d = s.charCodeAt(i);
      const close = open[open.length - 1];
      if (d === COMMA) {
        if (close === CLOSE_OBJECT && (i = skipKey(s, skipSpace(s, i + 1))) === FAILED) return FAILED;
        if (close === CLOSE_ARRAY) i++;
        break;
      }
      if (d !== close) return FAILED;
      open.pop();
      i++;
    }
  }
}

/** A member's key and its colon. */
function skipKey(s: string, i: number): number {
  if (s.charCodeAt(i) !== QUOTE || (i = skipString(s, i)) === FAILED) return FAILED;
  i = skipSpace(s, i);
  return s.charCodeAt(i) === COLON ? i + 1 : FAILED;
}

function skipScalar(s: string, i: number, c: number): number {
  if (c === QUOTE) return skipString(s, i);
  if (c === 0x74) return s.startsWith('true', i) ? i + 4 : FAILED;
  if (c === 0x66) return s.startsWith('false', i) ? i + 5 : FAILED;
  if (c === 0x6e) return s.startsWith('null', i) ? i + 4 : FAILED;
  return skipNumber(s, i);
}

function skipString(s: string, i: number): number {
  for (i++; ; ) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = s.charCodeAt(i + 1);
      if (e === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHexDigit(s.charCodeAt(k))) return FAILED;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else {
        return FAILED;
      }
    } else if (c < 0x20 || c !== c) {
      return FAILED; // a raw control character, or the end of the text (NaN)
    } else {
      i++;
    }
  }
}

function skipNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === MINUS) i++;
  if (s.charCodeAt(i) === ZERO) i++;
  else if ((i = skipDigits(s, i)) === FAILED) return FAILED;
  if (s.charCodeAt(i) === DOT && (i = skipDigits(s, i + 1)) === FAILED) return FAILED;
  const e = s.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i++;
    if ((i = skipDigits(s, i)) === FAILED) return FAILED;
  }
  return i;
}

/** One digit or more. */
function skipDigits(s: string, i: number): number {
  const start = i;
  for (let c = s.charCodeAt(i); c >= ZERO && c <= NINE; c = s.charCodeAt(++i));
  return i > start ? i : FAILED;
}

function skipSpace(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = s.charCodeAt(++i));
  return i;
}

function isHexDigit(c: number): boolean {
  const lower = c | 0x20;
  return (c >= ZERO && c <= NINE) || (lower >= 0x61 && lower <= 0x66);
}
