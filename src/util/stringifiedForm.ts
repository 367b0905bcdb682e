/**
 * True only when `JSON.stringify(JSON.parse(text)) === text`, told without building the value:
 * the text is JSON written as JSON.stringify writes it. A caller that would parse a text only to
 * write it out again can then use the text itself. False also where this check cannot tell
 * cheaply (it is conservative, never wrong the other way), and for text that is not JSON:
 * - whitespace between tokens (JSON.stringify writes none);
 * - an escape other than \" \\ \b \f \n \r \t (a `\u` escape, `\/`: JSON.stringify writes the
 *   character itself, or \u00xx only for the control characters without a short escape);
 * - a lone surrogate (JSON.stringify escapes it);
 * - a number JSON.stringify would spell otherwise (`1.0`, `1e3`, `-0`, `12345678901234567890`);
 * - an object key starting with a digit (JSON.parse puts array-index keys first, in numeric
 *   order), a key twice in one object (the last value wins, at the first key's place), more than
 *   MAX_KEYS keys in one object, nesting deeper than MAX_DEPTH.
 */
export function isStringifiedForm(text: string): boolean {
  src = text;
  pos = 0;
  keyTop = 0;
  const ok = value(0) && pos === text.length;
  src = '';
  return ok;
}

const MAX_DEPTH = 64;
const MAX_KEYS = 64;

let src = '';
let pos = 0;
/** The keys of the objects being read, innermost last: [start, end) offsets of each key's text, quotes included. */
const keyStarts = new Int32Array(MAX_KEYS * 8);
const keyEnds = new Int32Array(MAX_KEYS * 8);
let keyTop = 0;

// Character codes, declared here as in eventScanner.ts and not shared through a module: with
// eventScanner's imported from one, the in-process ingest path without targets ran 15 % slower
// (bench/putevents/routeDeliveries.mjs, 12 rounds; tsc's unbundled output, which createEmulator
// users run). An import is a live binding; a module's own const is a constant V8 can fold.
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const MINUS = 45;
const DOT = 46;

function value(depth: number): boolean {
  const c = src.charCodeAt(pos);
  if (c === OPEN_BRACE) return object(depth + 1);
  if (c === OPEN_BRACKET) return array(depth + 1);
  if (c === QUOTE) return string();
  if (c === 0x74) return literal('true');
  if (c === 0x66) return literal('false');
  if (c === 0x6e) return literal('null');
  return number();
}

function literal(word: string): boolean {
  if (!src.startsWith(word, pos)) return false;
  pos += word.length;
  return true;
}

/** Steps over an opening bracket; true when the closing one follows at once (and steps over it too). */
function opensEmpty(close: number): boolean {
  pos++;
  if (src.charCodeAt(pos) !== close) return false;
  pos++;
  return true;
}

function object(depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (opensEmpty(CLOSE_BRACE)) return true;
  const base = keyTop;
  const ok = members(depth, base);
  keyTop = base;
  return ok;
}

function members(depth: number, base: number): boolean {
  for (;;) {
    if (src.charCodeAt(pos) !== QUOTE) return false;
    const first = src.charCodeAt(pos + 1);
    if (first >= 0x30 && first <= 0x39) return false;
    const start = pos;
    if (!string()) return false;
    if (keyTop - base >= MAX_KEYS || keyTop >= keyStarts.length || seenKey(base, start, pos)) return false;
    keyStarts[keyTop] = start;
    keyEnds[keyTop++] = pos;
    if (src.charCodeAt(pos++) !== COLON) return false;
    if (!value(depth)) return false;
    const c = src.charCodeAt(pos++);
    if (c === CLOSE_BRACE) return true;
    if (c !== COMMA) return false;
  }
}

/** Whether the key at [start, end) is already among this object's keys (those from `base`). Keys in this form have one spelling each. */
function seenKey(base: number, start: number, end: number): boolean {
  const length = end - start;
  for (let k = base; k < keyTop; k++) {
    const s = keyStarts[k]!;
    if (keyEnds[k]! - s === length && sameText(s, start, length)) return true;
  }
  return false;
}

function sameText(a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (src.charCodeAt(a + i) !== src.charCodeAt(b + i)) return false;
  return true;
}

function array(depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (opensEmpty(CLOSE_BRACKET)) return true;
  for (;;) {
    if (!value(depth)) return false;
    const c = src.charCodeAt(pos++);
    if (c === CLOSE_BRACKET) return true;
    if (c !== COMMA) return false;
  }
}

function string(): boolean {
  pos++;
  for (;;) {
    const c = src.charCodeAt(pos++);
    if (c === QUOTE) return true;
    if (c < 0x20 || Number.isNaN(c)) return false;
    if (c === BACKSLASH) {
      const e = src.charCodeAt(pos++);
      // \" \\ \b \f \n \r \t
      if (e !== QUOTE && e !== BACKSLASH && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return false;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate and then a low one: one character, written as is.
      if (c > 0xdbff) return false;
      const low = src.charCodeAt(pos++);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
    }
  }
}

function number(): boolean {
  const start = pos;
  if (src.charCodeAt(pos) === MINUS) pos++;
  const firstDigit = pos;
  const lead = src.charCodeAt(pos);
  if (lead === 0x30) pos++;
  else if (lead >= 0x31 && lead <= 0x39) while (isDigit(src.charCodeAt(pos))) pos++;
  else return false;
  const integerEnd = pos;
  if (src.charCodeAt(pos) === DOT) {
    pos++;
    if (!isDigit(src.charCodeAt(pos))) return false;
    while (isDigit(src.charCodeAt(pos))) pos++;
  }
  const e = src.charCodeAt(pos);
  if (e === 0x65 || e === 0x45) {
    pos++;
    const sign = src.charCodeAt(pos);
    if (sign === 0x2b || sign === 0x2d) pos++;
    if (!isDigit(src.charCodeAt(pos))) return false;
    while (isDigit(src.charCodeAt(pos))) pos++;
  }
  // An integer of up to 15 digits is a double exactly, and String() writes it back as it is (-0 aside).
  if (pos === integerEnd && integerEnd - firstDigit <= 15) return !(lead === 0x30 && firstDigit > start);
  const token = src.slice(start, pos);
  return String(Number(token)) === token;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
