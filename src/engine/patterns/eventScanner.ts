/**
 * Flattening straight from an event's JSON text, reading only what the rules
 * need: values at paths no rule names are stepped over (checked, never
 * decoded), so an event costs one pass over its characters and a few small
 * strings. Numbers keep their text, exactly as `parseEventJson` keeps it.
 *
 * The scanner accepts exactly the texts `parseEventJson` accepts. Where it
 * cannot be sure the result equals that of parse + flatten it gives up and
 * the caller takes that path instead: a repeated key on a wanted path (the
 * parse keeps the last value only), invalid JSON (the parse throws its error),
 * a top level that is not an object, nesting deeper than MAX_DEPTH, text
 * that is not well-formed UTF-16 (lone surrogates).
 *
 * It reads the text's UTF-8 bytes (TextEncoder.encodeInto, into one reused
 * buffer): V8 reads a Uint8Array markedly faster than charCodeAt, and every
 * JSON delimiter is ASCII, so the grammar is the same over either. A 0 byte
 * after the text ends every loop (a raw NUL is invalid JSON anywhere, so
 * stopping there is right).
 */
import { parseEventJson } from './eventJson.js';
import { FALSE, type FlatEvent, type Leaf, type MemberPaths, type Membership, NULL, NUMBER, type PathNode, STRING, TRUE, descend, flattenEvent } from './flatten.js';

const MAX_DEPTH = 128;
/** Up to this many wanted keys in an object, keys are compared as bytes; beyond, looked up by string. */
const MAX_COMPARED_KEYS = 16;

/**
 * Flattens JSON text into `into` (reset beforehand) as flattenEvent(parseEventJson(text)) would
 * (with `members`: keeping at least the paths it chooses under each top-level member).
 */
export function flattenEventText(text: string, paths: PathNode, into: FlatEvent, members?: MemberPaths): FlatEvent {
  if (scanEventText(text, paths, into, members)) return into;
  into.reset();
  return flattenEvent(parseEventJson(text), paths, into, members);
}

/** The scanner alone: false when it gave up (`into` then holds a partial result). Exported for tests. */
export function scanEventText(text: string, paths: PathNode, into: FlatEvent, members?: MemberPaths): boolean {
  const length = encode(text);
  if (length < 0) return false;
  return new Scanner(text, length === text.length, length, into, members).event(paths);
}

/**
 * A JSON object's text met inside an event being flattened from objects (a JsonObjectText: see
 * flattenEvent), its leaves added to `into` as the flattening of its parse with parseEventJson would
 * add them, at `node`, inside the arrays of `membership`. `arrayId`: the first array id the
 * enclosing flattening has not given; returns the next one free, or -1 when the scanner gave up
 * (`into` may then hold some of the text's leaves: the caller starts again).
 */
export function scanObjectText(text: string, node: PathNode, into: FlatEvent, membership: Membership, arrayId: number): number {
  const length = encode(text);
  if (length < 0) return -1;
  const scanner = new Scanner(text, length === text.length, length, into, undefined, arrayId);
  return scanner.objectValue(node, membership) ? scanner.arrayIdsEnd : -1;
}

/**
 * True when JSON.parse certainly reads the text as an object (not null, not an array), told
 * without building it. False when it does not, and also when the scanner cannot tell (lone
 * surrogates, nesting deeper than MAX_DEPTH): the caller then asks JSON.parse itself.
 */
export function isJsonObjectText(text: string): boolean {
  if (typeof text !== 'string') return false;
  const length = encode(text);
  if (length < 0) return false;
  let p = bytes[0]! <= 32 ? spaceEnd(bytes, 0) : 0;
  if (bytes[p] !== OPEN_BRACE) return false;
  p = skipValue(bytes, p, MAX_DEPTH);
  if (p < 0) return false;
  if (bytes[p]! <= 32) p = spaceEnd(bytes, p);
  return p === length;
}

const encoder = new TextEncoder();
let bytes = Buffer.allocUnsafeSlow(1 << 16);
/** `bytes` read 4 at a time (digitsEnd). */
let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);

/** The text's UTF-8 into `bytes`, then a 0 byte; its length, or -1 when it holds lone surrogates. */
function encode(text: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; spare room for lookahead past the end.
  if (bytes.length < text.length * 3 + 8) {
    bytes = Buffer.allocUnsafeSlow(text.length * 3 + 1024);
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const { written } = encoder.encodeInto(text, bytes);
  if (written !== text.length && !(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return -1;
  bytes[written] = 0;
  return written;
}

type Bytes = Buffer;

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

class Scanner {
  private pos = 0;
  private ok = true;

  private readonly src = bytes;

  constructor(
    private readonly text: string,
    /** ASCII only: byte offsets are string offsets. */
    private readonly ascii: boolean,
    private readonly length: number,
    private readonly flat: FlatEvent,
    private readonly members: MemberPaths | undefined,
    private nextArrayId = 0,
  ) {}

  event(paths: PathNode): boolean {
    return this.objectValue(paths, null);
  }

  /** The text as one object at `node` (an event at the paths' root, or scanObjectText); false when the scanner gave up. */
  objectValue(node: PathNode, membership: Membership): boolean {
    this.space();
    if (this.src[this.pos] !== OPEN_BRACE) return false;
    this.object(node, membership, 1);
    if (!this.ok) return false;
    this.space();
    return this.pos === this.length;
  }

  /** The first array id this scan has not given. */
  get arrayIdsEnd(): number {
    return this.nextArrayId;
  }

  /** Each method returns early once `ok` is false; callers check it after every step. */
  private fail(): void {
    this.ok = false;
  }

  private object(node: PathNode, membership: Membership, depth: number): void {
    if (depth > MAX_DEPTH) return this.fail();
    const src = this.src;
    const children = node.children;
    const compareBytes = node.keyBytes.length <= MAX_COMPARED_KEYS;
    // The position stays in a local across the members (profile: this loop was ~25% of a single-operator category).
    let p = this.pos + 1;
    if (src[p]! <= 32) p = spaceEnd(src, p);
    if (src[p] === CLOSE_BRACE) {
      this.pos = p + 1;
      return;
    }
    let seen: string[] | undefined;
    for (;;) {
      if (src[p]! <= 32) p = spaceEnd(src, p);
      if (src[p] !== QUOTE) return this.fail();
      const keyStart = p + 1;
      let c = src[++p]!;
      while (c !== QUOTE && c >= 32 && c !== BACKSLASH) c = src[++p]!;
      let escaped = false;
      if (c === QUOTE) {
        p++;
      } else {
        this.pos = keyStart - 1;
        escaped = this.skipString();
        if (!this.ok) return;
        p = this.pos;
      }
      const keyEnd = p - 1;
      if (src[p]! <= 32) p = spaceEnd(src, p);
      if (src[p] !== COLON) return this.fail();
      p++;
      if (src[p]! <= 32) p = spaceEnd(src, p);
      let child: PathNode | undefined;
      let key = '';
      if (!escaped && compareBytes) {
        // Most keys lead nowhere: compare their bytes with the few wanted ones before making a string.
        child = childByBytes(node, src, keyStart, keyEnd);
        if (child !== undefined) key = this.slice(keyStart, keyEnd);
        if (child === DOTTED) child = undefined;
      } else {
        key = escaped ? (JSON.parse(this.slice(keyStart - 1, keyEnd + 1)) as string) : this.slice(keyStart, keyEnd);
        child = children.get(key);
      }
      // A dot in an event key reads as nesting: {"a.b": 1} is the path a.b.
      if (child === undefined && key.indexOf('.') >= 0) child = descend(node, key);
      if (child === undefined) {
        // Most unread values of a visited object are scalars: stepped over here, without a container stack.
        c = src[p]!;
        p = c === QUOTE ? plainStringEnd(src, p) : c === MINUS || (c >= 48 && c <= 57) ? numberEnd(src, p) : skipValue(src, p, MAX_DEPTH - depth);
        if (p < 0) return this.fail();
      } else {
        // The parse keeps only the last of repeated keys; leave that case to it.
        if (seen === undefined) seen = [key];
        else if (seen.includes(key)) return this.fail();
        else seen.push(key);
        this.pos = p;
        if (depth === 1 && this.members !== undefined) child = this.members.pathsFor(child, this.flat);
        this.value(child, membership, depth);
        if (!this.ok) return;
        p = this.pos;
      }
      if (src[p]! <= 32) p = spaceEnd(src, p);
      c = src[p++]!;
      if (c === CLOSE_BRACE) {
        this.pos = p;
        return;
      }
      if (c !== COMMA) return this.fail();
    }
  }

  private array(node: PathNode, membership: Membership, depth: number): void {
    if (depth > MAX_DEPTH) return this.fail();
    const src = this.src;
    const id = this.nextArrayId++;
    this.pos++;
    this.space();
    if (src[this.pos] === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.space();
      this.value(node, membership === null ? [id, i] : [...membership, id, i], depth);
      if (!this.ok) return;
      this.space();
      const c = src[this.pos++]!;
      if (c === CLOSE_BRACKET) return;
      if (c !== COMMA) return this.fail();
    }
  }

  /** A value at a wanted path (the scanner stands on its first character). */
  private value(node: PathNode, membership: Membership, depth: number): void {
    const c = this.src[this.pos];
    if (c === OPEN_BRACE) {
      // An object adds no leaf: only its keys can lead to wanted paths.
      if (node.children.size === 0) return this.skip(depth);
      return this.object(node, membership, depth + 1);
    }
    if (c === OPEN_BRACKET) return this.array(node, membership, depth + 1);
    const slot = node.slot;
    if (slot < 0) return this.skip(depth);
    if (c === QUOTE) {
      const text = this.string();
      if (this.ok) this.leaf(slot, { kind: STRING, text, num: NaN, exact: false, membership });
      return;
    }
    const start = this.pos;
    if (c === MINUS || (c >= 48 && c <= 57)) {
      this.number();
      if (!this.ok) return;
      const text = this.slice(start, this.pos);
      return this.leaf(slot, { kind: NUMBER, text, num: Number(text), exact: undefined, membership });
    }
    const kind = this.literal(c);
    if (kind < 0) return;
    const text = kind === TRUE ? 'true' : kind === FALSE ? 'false' : 'null';
    this.leaf(slot, { kind, text, num: NaN, exact: false, membership });
  }

  private leaf(slot: number, leaf: Leaf): void {
    const flat = this.flat;
    if (leaf.membership !== null) flat.inArrays = true;
    const list = flat.slots[slot];
    if (list === undefined) {
      flat.slots[slot] = [leaf];
      flat.written.push(slot);
    } else {
      list.push(leaf);
    }
  }

  /** Steps over a value no rule reads, checking it is valid JSON. */
  private skip(depth: number): void {
    const src = this.src;
    const c = src[this.pos]!;
    // Most unread values of a visited object are scalars: no container stack needed.
    const end =
      c === QUOTE ? plainStringEnd(src, this.pos) : c === MINUS || (c >= 48 && c <= 57) ? numberEnd(src, this.pos) : skipValue(src, this.pos, MAX_DEPTH - depth);
    if (end < 0) return this.fail();
    this.pos = end;
  }

  /** A string (a key or a value), decoded. */
  private string(): string {
    const start = this.pos;
    const escaped = this.skipString();
    if (!this.ok) return '';
    return escaped ? (JSON.parse(this.slice(start, this.pos)) as string) : this.slice(start + 1, this.pos - 1);
  }

  /** The text of bytes [start, end). */
  private slice(start: number, end: number): string {
    return this.ascii ? this.text.slice(start, end) : this.src.toString('utf8', start, end);
  }

  /** Steps over a string (standing on its opening quote); true when it holds escapes. */
  private skipString(): boolean {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    for (;;) {
      const c = src[p]!;
      if (c === QUOTE) {
        this.pos = p + 1;
        return false;
      }
      if (c < 32 || c === BACKSLASH) break;
      p++;
    }
    const end = stringEnd(src, start);
    if (end < 0) {
      this.fail();
      return false;
    }
    this.pos = end;
    return escapedString;
  }

  private number(): void {
    const end = numberEnd(this.src, this.pos);
    if (end < 0) return this.fail();
    this.pos = end;
  }

  /** true / false / null: its leaf kind, or -1 (and failed) when it is none of them. */
  private literal(c: number): number {
    const end = literalEnd(this.src, this.pos, c);
    if (end < 0) {
      this.fail();
      return -1;
    }
    this.pos = end;
    return c === 116 ? TRUE : c === 102 ? FALSE : NULL;
  }

  private space(): void {
    if (this.src[this.pos]! > 32) return;
    this.pos = spaceEnd(this.src, this.pos);
  }
}

/** Set by stringEnd: did the last string hold escapes? */
let escapedString = false;
/** Per open container of skipValue, the byte that closes it. */
const closers = new Uint8Array(MAX_DEPTH + 2);

/**
 * The end of the JSON value starting at `p` (no whitespace before it), or -1
 * when the text there is not valid JSON or nests deeper than `depthLeft`.
 * One loop with a stack of open containers: skipped parts of an event are
 * most of it, so plain strings and keys are stepped over inline (escapes and
 * control characters go to stringEnd) and whitespace is only looked for where
 * a byte <= 32 stands (profile: ~15% of the scan).
 */
function skipValue(src: Bytes, p: number, depthLeft: number): number {
  const stack = closers;
  let depth = 0;
  for (;;) {
    // A value starts at p.
    let c = src[p]!;
    if (c === QUOTE) {
      p = plainStringEnd(src, p);
      if (p < 0) return -1;
    } else if (c === MINUS || (c >= 48 && c <= 57)) {
      p = numberEnd(src, p);
      if (p < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > depthLeft) return -1;
      p++;
      let next = src[p]!;
      if (next <= 32) next = src[(p = spaceEnd(src, p))]!;
      if (c === OPEN_BRACE) {
        stack[depth] = CLOSE_BRACE;
        if (next !== CLOSE_BRACE) {
          p = memberStart(src, p);
          if (p < 0) return -1;
          continue;
        }
      } else {
        stack[depth] = CLOSE_BRACKET;
        if (next !== CLOSE_BRACKET) continue;
      }
      p++;
      depth--;
    } else {
      p = literalEnd(src, p, c);
      if (p < 0) return -1;
    }
    // After a value: close containers, or move to the next element or member.
    for (;;) {
      if (depth === 0) return p;
      c = src[p]!;
      if (c <= 32) c = src[(p = spaceEnd(src, p))]!;
      const close = stack[depth]!;
      if (c === COMMA) {
        p++;
        if (src[p]! <= 32) p = spaceEnd(src, p);
        if (close === CLOSE_BRACE) {
          p = memberStart(src, p);
          if (p < 0) return -1;
        }
        break;
      }
      if (c !== close) return -1;
      p++;
      depth--;
    }
  }
}

/** Past `"key" :` and the space after it (standing on the key's quote), or -1. */
function memberStart(src: Bytes, p: number): number {
  if (src[p]! !== QUOTE) return -1;
  p = plainStringEnd(src, p);
  if (p < 0) return -1;
  let c = src[p]!;
  if (c <= 32) c = src[(p = spaceEnd(src, p))]!;
  if (c !== COLON) return -1;
  p++;
  return src[p]! <= 32 ? spaceEnd(src, p) : p;
}

/** stringEnd with its common case (no escapes, no control characters) inline; escapedString is then left as it was. */
function plainStringEnd(src: Bytes, start: number): number {
  let p = start + 1;
  for (;;) {
    const c = src[p]!;
    if (c === QUOTE) return p + 1;
    if (c < 32 || c === BACKSLASH) return stringEnd(src, start);
    p++;
  }
}

/**
 * Past the string whose opening quote is at `p` (escapedString tells whether
 * it holds escapes); -1 where JSON.parse would reject it (raw control characters,
 * unknown escapes, no closing quote).
 */
function stringEnd(src: Bytes, p: number): number {
  escapedString = false;
  p++;
  for (;;) {
    const c = src[p]!;
    if (c === QUOTE) return p + 1;
    if (c >= 32 && c !== BACKSLASH) {
      p++;
      continue;
    }
    if (c !== BACKSLASH) return -1; // a control character, or the end of the text (NaN)
    escapedString = true;
    const e = src[p + 1]!;
    if (e === 117) {
      // \uXXXX
      if (!(hexDigit(src[p + 2]!) && hexDigit(src[p + 3]!) && hexDigit(src[p + 4]!) && hexDigit(src[p + 5]!))) return -1;
      p += 6;
    } else if (e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
      // \" \\ \/ \b \f \n \r \t
      p += 2;
    } else {
      return -1;
    }
  }
}

/**
 * Past the number at `p`: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, taking
 * the optional parts only when complete, as parseEventJson's regex does; -1 when there is none.
 */
function numberEnd(src: Bytes, p: number): number {
  if (src[p]! === MINUS) p++;
  let c = src[p]!;
  if (c === 48) {
    p++;
  } else if (c >= 49 && c <= 57) {
    p = digitsEnd(src, p + 1);
  } else {
    return -1;
  }
  if (src[p]! === DOT && isDigit(src[p + 1]!)) p = digitsEnd(src, p + 2);
  c = src[p]!;
  if (c === 101 || c === 69) {
    let q = p + 1;
    const sign = src[q]!;
    if (sign === 43 || sign === MINUS) q++;
    if (isDigit(src[q]!)) {
      p = q + 1;
      while (isDigit(src[p]!)) p++;
    }
  }
  return p;
}

/**
 * Past the digits from `p`, four bytes at a time while all four are digits
 * (each byte 0x30-0x39: high nibble 3, and adding 6 leaves it 3). Digits are
 * most of an event's bytes (coordinates): profile, ~25% of a scan one byte at
 * a time; ~20% less time stepping over a geometry this way. The 0 byte after
 * the text ends a run, and `bytes` has room to read 4 bytes past it.
 */
function digitsEnd(src: Bytes, p: number): number {
  const v = view;
  for (;;) {
    const x = v.getInt32(p, true);
    // Per byte, a nonzero high nibble where the byte is no digit (a carry out of a byte >= 0xfa only
    // reaches later bytes, and that byte is flagged itself).
    const notDigits = ((x & 0xf0f0f0f0) ^ 0x30303030) | (((x + 0x06060606) & 0xf0f0f0f0) ^ 0x30303030);
    if (notDigits !== 0) return p + (firstFlaggedByte(notDigits) >> 3);
    p += 4;
  }
}

/** The bit index of the lowest set bit of a nonzero 32-bit value (little-endian: the earliest byte's bits come first). */
function firstFlaggedByte(flags: number): number {
  return 31 - Math.clz32(flags & -flags);
}

/** Past true / false / null at `p` (whose first byte is `c`), or -1. */
function literalEnd(src: Bytes, p: number, c: number): number {
  if (c === 116) return src[p + 1] === 114 && src[p + 2] === 117 && src[p + 3] === 101 ? p + 4 : -1;
  if (c === 102) return src[p + 1] === 97 && src[p + 2] === 108 && src[p + 3] === 115 && src[p + 4] === 101 ? p + 5 : -1;
  if (c === 110) return src[p + 1] === 117 && src[p + 2] === 108 && src[p + 3] === 108 ? p + 4 : -1;
  return -1;
}

function spaceEnd(src: Bytes, p: number): number {
  for (;;) {
    const c = src[p]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return p;
    p++;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Stands for a key that is not wanted itself but starts with a wanted key and a dot (see childByBytes). */
const DOTTED: PathNode = { children: new Map(), slot: -1, keyBytes: [], keyNodes: [] };

/**
 * The wanted child whose key has the bytes [start, end); DOTTED when the key
 * starts with a wanted key and a dot, the only keys descend() can lead
 * anywhere (wanted keys hold no dots: paths are split at them), so no other
 * unwanted key is made into a string or searched for a dot.
 */
function childByBytes(node: PathNode, src: Bytes, start: number, end: number): PathNode | undefined {
  const keys = node.keyBytes;
  const length = end - start;
  let dotted = false;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const n = key.length;
    if (n > length || (n < length && src[start + n] !== DOT)) continue;
    let i = 0;
    while (i < n && key[i] === src[start + i]) i++;
    if (i < n) continue;
    if (n === length) return node.keyNodes[k];
    dotted = true;
  }
  return dotted ? DOTTED : undefined;
}

