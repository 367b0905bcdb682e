/**
 * The rules of one bus, indexed so that an event only meets rules that can
 * match it. A rule whose every sub-rule requires one field to equal one of a
 * few strings (typically `source` or `detail-type`) is filed under those
 * values; the rest go on a scan list. match() flattens the event once, keeping
 * only the paths some rule reads (from JSON text, reading only those), then
 * looks up candidates and runs them.
 */
import type { CompiledPattern } from './compile.js';
import { FlatEvent, type Leaf, PathTree, STRING, flattenEvent } from './flatten.js';
import { type BoundField, type BoundRule, type FieldBinder, bindPattern, boundMatches, newBoundField } from './match.js';
import type { FieldTest } from './compile.js';
import { flattenEventText } from './eventScanner.js';

interface Entry<T> {
  readonly key: string;
  readonly pattern: CompiledPattern;
  readonly value: T;
  readonly seq: number;
  readonly rules: readonly BoundRule[];
  readonly anchor: Anchor | undefined;
  /** The rules without the anchor field, valid when the anchor leaf is outside arrays. */
  readonly afterAnchor: readonly BoundRule[] | undefined;
  /** The match() call that last evaluated this entry (to evaluate it once per call). */
  visited: number;
}

interface Anchor {
  readonly path: string;
  readonly values: readonly string[];
}

/** Paths preferred as index keys when a rule offers several. */
const PREFERRED_ANCHORS = ['source', 'detail-type'];

export class RuleIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly byAnchor = new Map<string, Map<string, Entry<T>[]>>();
  private scanList: Entry<T>[] = [];
  private readonly paths = new IndexPaths();
  private readonly flat = new FlatEvent();
  private seq = 0;
  private calls = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Adds a rule, replacing any rule with the same key. */
  add(key: string, pattern: CompiledPattern, value: T): void {
    this.remove(key);
    const anchor = chooseAnchor(pattern);
    const rules = bindPattern(pattern, this.paths);
    const anchorSlot = anchor === undefined ? -1 : this.paths.slot(anchor.path);
    const afterAnchor = anchor !== undefined && rules.length === 1 ? [rules[0]!.filter((f) => f.slot !== anchorSlot)] : undefined;
    const entry: Entry<T> = { key, pattern, value, seq: this.seq++, rules, anchor, afterAnchor, visited: -1 };
    this.entries.set(key, entry);
    this.paths.retain(pattern.paths);
    if (anchor === undefined) {
      this.scanList.push(entry);
      return;
    }
    let byValue = this.byAnchor.get(anchor.path);
    if (byValue === undefined) this.byAnchor.set(anchor.path, (byValue = new Map()));
    for (const v of anchor.values) {
      const bucket = byValue.get(v);
      if (bucket === undefined) byValue.set(v, [entry]);
      else bucket.push(entry);
    }
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.paths.release(entry.pattern.paths);
    this.paths.unbind(entry.pattern);
    if (entry.anchor === undefined) {
      this.scanList = this.scanList.filter((e) => e !== entry);
      return;
    }
    const byValue = this.byAnchor.get(entry.anchor.path)!;
    for (const v of entry.anchor.values) {
      const bucket = byValue.get(v)!.filter((e) => e !== entry);
      if (bucket.length === 0) byValue.delete(v);
      else byValue.set(v, bucket);
    }
    if (byValue.size === 0) this.byAnchor.delete(entry.anchor.path);
  }

  /**
   * Values of the rules matching the event, in the order the rules were added.
   * The event is a parsed JSON object, or JSON text (then numbers keep their exact text).
   */
  match(event: unknown): T[] {
    if (this.entries.size === 0) return [];
    const flat = this.flat;
    flat.reset();
    if (typeof event === 'string') flattenEventText(event, this.paths.tree, flat);
    else flattenEvent(event, this.paths.tree, flat);
    const call = ++this.calls;
    const matched: Entry<T>[] = [];
    for (const [path, byValue] of this.byAnchor) {
      const leaves = flat.slots[this.paths.slot(path)];
      if (leaves === undefined) continue;
      for (const leaf of leaves) {
        if (leaf.kind !== STRING) continue;
        const bucket = byValue.get(leaf.text!);
        if (bucket !== undefined) this.runCandidates(bucket, leaf, call, matched);
      }
    }
    const scan = this.scanList;
    for (let i = 0; i < scan.length; i++) if (boundMatches(scan[i]!.rules, flat)) matched.push(scan[i]!);
    if (matched.length > 1) matched.sort((a, b) => a.seq - b.seq);
    return matched.map((entry) => entry.value);
  }

  private runCandidates(bucket: Entry<T>[], anchorLeaf: Leaf, call: number, matched: Entry<T>[]): void {
    // The anchor leaf satisfies the anchor field; outside arrays it constrains nothing else.
    const anchorDone = anchorLeaf.membership === null;
    for (let i = 0; i < bucket.length; i++) {
      const entry = bucket[i]!;
      if (entry.visited === call) continue;
      entry.visited = call;
      const rules = anchorDone && entry.afterAnchor !== undefined ? entry.afterAnchor : entry.rules;
      if (boundMatches(rules, this.flat)) matched.push(entry);
    }
  }
}

/**
 * A field every sub-rule requires, whose alternatives are all exact strings:
 * an event lacking all of those strings at that path cannot match.
 */
function chooseAnchor(pattern: CompiledPattern): Anchor | undefined {
  let best: Anchor | undefined;
  for (const path of pattern.paths) {
    const values = new Set<string>();
    const usable = pattern.subRules.every((rule) => {
      const field = rule.fields.find((f) => f.path === path);
      if (field === undefined || field.allowsAbsence) return false;
      return field.terms.every((term) => term.kind === 'exactString' && values.add(term.value));
    });
    if (!usable) continue;
    const candidate = { path, values: [...values] };
    if (best === undefined || betterAnchor(candidate, best)) best = candidate;
  }
  return best;
}

function betterAnchor(a: Anchor, b: Anchor): boolean {
  const rank = (anchor: Anchor) => {
    const preferred = PREFERRED_ANCHORS.indexOf(anchor.path);
    return preferred < 0 ? PREFERRED_ANCHORS.length : preferred;
  };
  if (rank(a) !== rank(b)) return rank(a) < rank(b);
  return a.values.length < b.values.length;
}

/**
 * Slots for every path ever seen (stable, so bound rules stay valid), the tree
 * of paths some current rule reads, and bound fields shared between rules that
 * test a path the same way, so each such test runs once per event (all
 * reference-counted under add/remove).
 */
class IndexPaths implements FieldBinder {
  readonly tree = new PathTree();
  private readonly allSlots = new Map<string, number>();
  private readonly fields = new Map<string, { bound: BoundField; uses: number }>();

  slot(path: string): number {
    let slot = this.allSlots.get(path);
    if (slot === undefined) this.allSlots.set(path, (slot = this.allSlots.size));
    return slot;
  }

  bindField(field: FieldTest): BoundField {
    const shared = this.fields.get(field.signature);
    if (shared !== undefined) {
      shared.uses++;
      return shared.bound;
    }
    const bound = newBoundField(this.slot(field.path), field);
    this.fields.set(field.signature, { bound, uses: 1 });
    return bound;
  }

  unbind(pattern: CompiledPattern): void {
    for (const rule of pattern.subRules) {
      for (const field of rule.fields) {
        const shared = this.fields.get(field.signature)!;
        if (--shared.uses === 0) this.fields.delete(field.signature);
      }
    }
  }

  retain(paths: readonly string[]): void {
    for (const path of paths) this.tree.add(path, this.slot(path));
  }

  release(paths: readonly string[]): void {
    for (const path of paths) this.tree.remove(path);
  }
}
