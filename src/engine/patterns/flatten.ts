/**
 * An event seen as the reference matcher sees it: leaf values keyed by their
 * dotted path (`{"a": {"b": 1}}` and `{"a.b": 1}` both give `a.b`). Arrays add
 * no path segment; every leaf remembers which element of which array it sits
 * in, so that two fields taken from different elements of one array are never
 * combined into one match. Objects and empty arrays are not leaves.
 */
import { comparableValue } from './numbers.js';
import { carriesExactly } from './exactness.js';
import { JsonNumber, JsonObjectText, parseEventJson } from './eventJson.js';
import { scanObjectText } from './eventScanner.js';

export const STRING = 0;
export const NUMBER = 1;
export const TRUE = 2;
export const FALSE = 3;
export const NULL = 4;

/** Pairs of (array id, element index), outermost array first; null outside arrays. */
export type Membership = readonly number[] | null;

export interface Leaf {
  readonly kind: number;
  /** The string value, or the number's JSON text (computed on demand for parsed numbers). */
  text: string | undefined;
  /** The double nearest the number (NaN when the leaf is not a number); see isExact. */
  readonly num: number;
  /** Does `num` carry the number's text without loss? Undefined until isExact asks. */
  exact: boolean | undefined;
  readonly membership: Membership;
  /** Cached address form of a string leaf: hex, or null when it is not an address. */
  ip?: string | null;
}

/**
 * The paths a flattening keeps, as a tree of key segments: walking the event
 * looks keys up here instead of building path strings. A node's slot says where
 * its leaves go in FlatEvent.slots (-1: the path only leads to wanted paths).
 */
export interface PathNode {
  readonly children: ReadonlyMap<string, PathNode>;
  readonly slot: number;
  /** The children's keys as UTF-8, and the children in the same order (for the text scanner). */
  readonly keyBytes: readonly Uint8Array[];
  readonly keyNodes: readonly PathNode[];
}

const utf8 = new TextEncoder();

/** A PathNode tree that paths can be added to and removed from (reference-counted). */
export class PathTree implements PathNode {
  readonly children = new Map<string, PathTree>();
  slot = -1;
  keyBytes: Uint8Array[] = [];
  keyNodes: PathTree[] = [];
  private uses = 0;
  private slotUses = 0;

  add(path: string, slot: number): void {
    let node: PathTree = this;
    node.uses++;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (child === undefined) {
        node.children.set(segment, (child = new PathTree()));
        node.indexChildren();
      }
      node = child;
      node.uses++;
    }
    node.slotUses++;
    node.slot = slot;
  }

  remove(path: string): void {
    const trail: PathTree[] = [this];
    for (const segment of path.split('.')) trail.push(trail[trail.length - 1]!.children.get(segment)!);
    const last = trail[trail.length - 1]!;
    if (--last.slotUses === 0) last.slot = -1;
    const segments = path.split('.');
    for (let i = trail.length - 1; i >= 0; i--) {
      if (--trail[i]!.uses === 0 && i > 0) {
        trail[i - 1]!.children.delete(segments[i - 1]!);
        trail[i - 1]!.indexChildren();
      }
    }
  }

  private indexChildren(): void {
    this.keyBytes = [...this.children.keys()].map((key) => utf8.encode(key));
    this.keyNodes = [...this.children.values()];
  }
}

/**
 * Asked before each member of the top-level object is read: the paths to read
 * in it, chosen from the leaves read so far (a RuleIndex reads in `detail`
 * only what the rules filed under the event's `source` need). It returns
 * `node` itself, or a node with fewer paths below it.
 */
export interface MemberPaths {
  pathsFor(node: PathNode, readSoFar: FlatEvent): PathNode;
}

let generations = 0;

export class FlatEvent {
  /** Changes whenever the contents change, so per-event caches can tell events apart. */
  generation = ++generations;
  /** Leaves per slot (see PathNode); undefined where the event has none. */
  readonly slots: (Leaf[] | undefined)[] = [];
  /** Slots written, to reset a reused FlatEvent cheaply. */
  readonly written: number[] = [];
  /** True when some kept leaf lies inside an array. */
  inArrays = false;

  reset(): void {
    this.generation = ++generations;
    for (const slot of this.written) this.slots[slot] = undefined;
    this.written.length = 0;
    this.inArrays = false;
  }
}

/**
 * Is the number leaf comparable by value (a double carries its text exactly)?
 * Decided on first use, mostly without printing the double (exactness.ts):
 * printing it back is the costly part of reading a number, and most tests
 * never need it (see terms.ts).
 */
export function isExact(leaf: Leaf): boolean {
  if (leaf.exact === undefined) leaf.exact = Number.isFinite(leaf.num) && (carriesExactly(leaf.text!, leaf.num) ?? printsAs(leaf.num, leaf.text!));
  return leaf.exact;
}

/** The definition of exactness, by printing the double (see exactness.ts for why that is avoided). */
export function printsAs(value: number, text: string): boolean {
  return String(value) === text || comparableValue(text) !== undefined;
}

export function numberText(leaf: Leaf): string {
  if (leaf.text === undefined) leaf.text = String(leaf.num);
  return leaf.text;
}

/**
 * Flattens a parsed event (or one parsed with `parseEventJson`, which keeps
 * each number's text) into `into`, keeping only the paths of `filter` (with
 * `members`: at least those it chooses under each top-level member).
 */
export function flattenEvent(event: unknown, paths: PathNode, into: FlatEvent = new FlatEvent(), members?: MemberPaths): FlatEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event) || event instanceof JsonNumber || event instanceof JsonObjectText) return into;
  try {
    new Flattener(into, false).object(event as Record<string, unknown>, paths, null, members);
  } catch (error) {
    if (error !== scannerGaveUp) throw error;
    // A JsonObjectText the scanner could not be sure of (a repeated key on a wanted path): the
    // event again from the start, with such texts parsed (the scanner may have written leaves).
    into.reset();
    new Flattener(into, true).object(event as Record<string, unknown>, paths, null, members);
  }
  return into;
}

/** Thrown inside a flattening when the scanner gives up on a JsonObjectText (see flattenEvent). */
const scannerGaveUp = new Error('the scanner gave up');

class Flattener {
  private nextArrayId = 0;

  constructor(
    private readonly flat: FlatEvent,
    /** Parse JsonObjectTexts (parseEventJson) instead of scanning them. */
    private readonly parseTexts: boolean,
  ) {}

  /** `members`: for the top-level object only. */
  object(obj: Record<string, unknown>, node: PathNode, membership: Membership, members?: MemberPaths): void {
    const children = node.children;
    if (children.size === 0) return; // no key leads to a wanted path
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      // A dot in an event key reads as nesting: {"a.b": 1} is the path a.b.
      const child = children.get(key) ?? (key.indexOf('.') >= 0 ? descend(node, key) : undefined);
      if (child !== undefined) this.value(obj[key], members === undefined ? child : members.pathsFor(child, this.flat), membership);
    }
  }

  private value(value: unknown, node: PathNode, membership: Membership): void {
    const slot = node.slot;
    switch (typeof value) {
      case 'string':
        return this.leaf(slot, { kind: STRING, text: value, num: NaN, exact: false, membership });
      case 'number':
        return this.leaf(slot, { kind: NUMBER, text: undefined, num: value, exact: true, membership });
      case 'boolean':
        return this.leaf(slot, { kind: value ? TRUE : FALSE, text: value ? 'true' : 'false', num: NaN, exact: false, membership });
      case 'object':
        if (value === null) return this.leaf(slot, { kind: NULL, text: 'null', num: NaN, exact: false, membership });
        if (value instanceof JsonNumber) {
          return this.leaf(slot, { kind: NUMBER, text: value.text, num: Number(value.text), exact: undefined, membership });
        }
        if (value instanceof JsonObjectText) return this.objectText(value.text, node, membership);
        if (Array.isArray(value)) return this.array(value, node, membership);
        return this.object(value as Record<string, unknown>, node, membership);
      default:
        return; // undefined, functions: not JSON
    }
  }

  private objectText(text: string, node: PathNode, membership: Membership): void {
    if (node.children.size === 0) return; // an object adds no leaf: only its keys lead anywhere
    if (this.parseTexts) return this.value(parseEventJson(text), node, membership);
    const next = scanObjectText(text, node, this.flat, membership, this.nextArrayId);
    if (next < 0) throw scannerGaveUp;
    this.nextArrayId = next;
  }

  private array(items: unknown[], node: PathNode, membership: Membership): void {
    const id = this.nextArrayId++;
    for (let i = 0; i < items.length; i++) {
      const inElement = membership === null ? [id, i] : [...membership, id, i];
      this.value(items[i], node, inElement);
    }
  }

  private leaf(slot: number, leaf: Leaf): void {
    if (slot < 0) return;
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
}

/** The node a dotted event key (`{"a.b": 1}`) leads to from `node`, if any. */
export function descend(node: PathNode, dottedKey: string): PathNode | undefined {
  let current: PathNode | undefined = node;
  for (const segment of dottedKey.split('.')) {
    current = current.children.get(segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Can two leaves come from one choice of array elements? */
export function consistent(a: Membership, b: Membership): boolean {
  if (a === null || b === null) return true;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 2) {
    if (a[i] !== b[i]) return true; // different arrays from here on: unrelated
    if (a[i + 1] !== b[i + 1]) return false;
  }
  return true;
}
