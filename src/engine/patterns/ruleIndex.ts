/**
 * The rules of one bus, indexed so that an event only meets rules that can
 * match it. A rule whose every sub-rule requires one field to equal one of a
 * few strings (typically `source` or `detail-type`) is filed under those
 * values; the rest go on a scan list. match() flattens the event once, keeping
 * only the paths some rule reads (from JSON text, reading only those), then
 * looks up candidates and runs them. Rules with identical compiled tests are
 * one group, evaluated once. Under the event's top-level members (`detail`)
 * only the paths of the rules filed under its anchor value are read (see
 * candidatePaths.ts).
 */
import type { CompiledPattern } from './compile.js';
import { FlatEvent, type Leaf, PathTree, STRING, flattenEvent } from './flatten.js';
import { type BoundField, type BoundRule, type FieldBinder, bindPattern, boundMatches, newBoundField } from './match.js';
import type { FieldTest } from './compile.js';
import { flattenEventText } from './eventScanner.js';
import { CandidatePaths, type MemberTrees } from './candidatePaths.js';

interface Entry<T> {
  readonly key: string;
  readonly value: T;
  readonly seq: number;
  readonly group: Group<T>;
}

/**
 * Rules whose patterns compile to the same tests share one group and are
 * evaluated once per event together: many rules on a bus tend to repeat a
 * condition, and the cost of an event then follows the distinct conditions.
 */
interface Group<T> {
  readonly condition: string;
  readonly pattern: CompiledPattern;
  readonly rules: readonly BoundRule[];
  readonly anchor: Anchor | undefined;
  /** The rules without the anchor field, valid when the anchor leaf is outside arrays. */
  readonly afterAnchor: readonly BoundRule[] | undefined;
  /** In the order they were added. */
  entries: Entry<T>[];
  /** The buckets the group is filed in (one per anchor value). */
  readonly buckets: Bucket<T>[];
  /** The match() call that last evaluated this group (to evaluate it once per call). */
  visited: number;
  /** The match() call in which it last matched. */
  matchedIn: number;
}

/** The groups filed under one anchor value. */
interface Bucket<T> {
  groups: Group<T>[];
  /**
   * Every entry of these groups, in the order the rules were added: when many
   * of them match one event, one walk over this list picking the matched
   * groups' entries gives the result in order.
   */
  entries: Entry<T>[];
  /** What to read of an event under this anchor value (see CandidatePaths). */
  candidateTrees: MemberTrees | undefined;
  /**
   * The values for a set of matched groups (bit i: groups[i]), kept once
   * computed: the same sets recur from event to event. Cleared whenever a
   * rule of the bucket is added or removed (so are its groups).
   */
  readonly valuesByMatched: Map<number, readonly T[]>;
}

interface Anchor {
  readonly path: string;
  readonly values: readonly string[];
}

interface AnchorSlot<T> {
  readonly path: string;
  /** One key segment: the event's leaves at this path are its own property of that name. */
  readonly topLevel: boolean;
  readonly slot: number;
  readonly byValue: Map<string, Bucket<T>>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Paths preferred as index keys when a rule offers several. */
const PREFERRED_ANCHORS = ['source', 'detail-type'];

export class RuleIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly groups = new Map<string, Group<T>>();
  private readonly byAnchor = new Map<string, Map<string, Bucket<T>>>();
  /** byAnchor's entries with their slots, as an array: match() walks it per event without a Map iterator. */
  private anchorSlots: AnchorSlot<T>[] = [];
  private scanList: Group<T>[] = [];
  private readonly paths = new IndexPaths();
  private readonly flat = new FlatEvent();
  private seq = 0;
  private calls = 0;
  /** Set while every anchor path is a top-level key: see CandidatePaths. */
  private candidatePaths: CandidatePaths<Bucket<T>> | undefined;

  get size(): number {
    return this.entries.size;
  }

  /** Adds a rule, replacing any rule with the same key. */
  add(key: string, pattern: CompiledPattern, value: T): void {
    this.remove(key);
    const condition = conditionOf(pattern);
    let group = this.groups.get(condition);
    if (group === undefined) this.groups.set(condition, (group = this.newGroup(condition, pattern)));
    const entry: Entry<T> = { key, value, seq: this.seq++, group };
    group.entries.push(entry);
    for (const bucket of group.buckets) {
      bucket.entries.push(entry);
      bucket.valuesByMatched.clear();
    }
    this.entries.set(key, entry);
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    const group = entry.group;
    group.entries = group.entries.filter((e) => e !== entry);
    for (const bucket of group.buckets) {
      bucket.entries = bucket.entries.filter((e) => e !== entry);
      bucket.valuesByMatched.clear();
    }
    if (group.entries.length === 0) this.dropGroup(group);
  }

  /**
   * Values of the rules matching the event, in the order the rules were added.
   * The event is a parsed JSON object, or JSON text (then numbers keep their exact text).
   */
  match(event: unknown): T[] {
    if (this.entries.size === 0) return [];
    if (typeof event !== 'string' && this.noCandidates(event)) return [];
    const flat = this.flat;
    flat.reset();
    if (typeof event === 'string') flattenEventText(event, this.paths.tree, flat, this.candidatePaths);
    else flattenEvent(event, this.paths.tree, flat, this.candidatePaths);
    const call = ++this.calls;
    const matched: Group<T>[] = [];
    // The one bucket holding every matched group (undefined: none, or several buckets or the scan list).
    let onlyBucket: Bucket<T> | undefined;
    let matchedInOnly = 0;
    let buckets = 0;
    const anchors = this.anchorSlots;
    for (let a = 0; a < anchors.length; a++) {
      const { slot, byValue } = anchors[a]!;
      const leaves = flat.slots[slot];
      if (leaves === undefined) continue;
      for (const leaf of leaves) {
        if (leaf.kind !== STRING) continue;
        const bucket = byValue.get(leaf.text!);
        const found = bucket === undefined ? 0 : this.runCandidates(bucket, leaf, call, matched);
        if (found !== 0) {
          onlyBucket = buckets++ === 0 ? bucket : undefined;
          matchedInOnly = found;
        }
      }
    }
    const scan = this.scanList;
    for (let i = 0; i < scan.length; i++) {
      if (boundMatches(scan[i]!.rules, flat)) {
        matched.push(scan[i]!);
        onlyBucket = undefined;
      }
    }
    if (matched.length === 0) return [];
    if (matched.length === 1) return valuesOf(matched[0]!.entries);
    if (onlyBucket !== undefined) return valuesUnder(onlyBucket, matchedInOnly, matched, call);
    return valuesBySeq(matched);
  }

  /**
   * False when no rule can match the event, told from its anchors alone (`source`, `detail-type`:
   * see noCandidates), before anything else of it is read; true when one may.
   */
  mayMatch(event: object): boolean {
    return this.entries.size > 0 && !this.noCandidates(event);
  }

  /**
   * True when the anchors alone, read straight from the event object, show that no rule can
   * match: every rule sits in an anchor bucket (the scan list is empty), and no anchor path's
   * value is a string with a bucket. Most events on a bus with many rules meet no candidate
   * (ingest profile: flattening each envelope was most of match()), and this needs no flattening.
   * Only for one-segment anchor paths (`source`, `detail-type`): the event's leaves at such a path
   * come from its own key of that name alone. An array there may hold strings: not decided here.
   */
  private noCandidates(event: unknown): boolean {
    if (this.scanList.length > 0 || event === null || typeof event !== 'object') return false;
    const anchors = this.anchorSlots;
    for (let a = 0; a < anchors.length; a++) {
      const { path, topLevel, byValue } = anchors[a]!;
      if (!topLevel) return false;
      if (!hasOwn.call(event, path)) continue;
      const value = (event as Record<string, unknown>)[path];
      if (typeof value === 'string') {
        if (byValue.has(value)) return false;
      } else if (Array.isArray(value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Evaluates the bucket's groups not yet evaluated in this call; the ones
   * that matched as bits (i: groups[i]; past MANY_GROUPS, that bit), 0: none.
   */
  private runCandidates(bucket: Bucket<T>, anchorLeaf: Leaf, call: number, matched: Group<T>[]): number {
    // The anchor leaf satisfies the anchor field; outside arrays it constrains nothing else.
    const anchorDone = anchorLeaf.membership === null;
    const groups = bucket.groups;
    let found = 0;
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      if (group.visited === call) continue;
      group.visited = call;
      const rules = anchorDone && group.afterAnchor !== undefined ? group.afterAnchor : group.rules;
      if (boundMatches(rules, this.flat)) {
        group.matchedIn = call;
        matched.push(group);
        found |= i < MANY_GROUPS ? 1 << i : 1 << MANY_GROUPS;
      }
    }
    return found;
  }

  private newGroup(condition: string, pattern: CompiledPattern): Group<T> {
    const anchor = chooseAnchor(pattern);
    const rules = bindPattern(pattern, this.paths);
    const anchorSlot = anchor === undefined ? -1 : this.paths.slot(anchor.path);
    const afterAnchor = anchor !== undefined && rules.length === 1 ? [rules[0]!.filter((f) => f.slot !== anchorSlot)] : undefined;
    const group: Group<T> = { condition, pattern, rules, anchor, afterAnchor, entries: [], buckets: [], visited: -1, matchedIn: -1 };
    this.paths.retain(pattern.paths);
    if (anchor === undefined) {
      this.scanList.push(group);
      this.groupsChanged();
      return group;
    }
    let byValue = this.byAnchor.get(anchor.path);
    if (byValue === undefined) {
      this.byAnchor.set(anchor.path, (byValue = new Map()));
      this.anchorSlots.push({ path: anchor.path, topLevel: !anchor.path.includes('.'), slot: anchorSlot, byValue });
    }
    for (const v of anchor.values) {
      let bucket = byValue.get(v);
      if (bucket === undefined) byValue.set(v, (bucket = { groups: [], entries: [], candidateTrees: undefined, valuesByMatched: new Map() }));
      bucket.groups.push(group);
      group.buckets.push(bucket);
    }
    this.groupsChanged();
    return group;
  }

  /** The candidate paths follow the groups; they are only worth their upkeep when some group has an anchor. */
  private groupsChanged(): void {
    const topLevel = this.anchorSlots.length > 0 && [...this.byAnchor.keys()].every((path) => !path.includes('.'));
    this.candidatePaths = topLevel ? new CandidatePaths(this.anchorSlots, this.scanList, this.paths) : undefined;
  }

  private dropGroup(group: Group<T>): void {
    this.groups.delete(group.condition);
    this.paths.release(group.pattern.paths);
    this.paths.unbind(group.pattern);
    if (group.anchor === undefined) {
      this.scanList = this.scanList.filter((g) => g !== group);
      this.groupsChanged();
      return;
    }
    const byValue = this.byAnchor.get(group.anchor.path)!;
    for (const v of group.anchor.values) {
      const bucket = byValue.get(v)!;
      bucket.groups = bucket.groups.filter((g) => g !== group);
      if (bucket.groups.length === 0) byValue.delete(v);
    }
    if (byValue.size === 0) {
      this.byAnchor.delete(group.anchor.path);
      this.anchorSlots = this.anchorSlots.filter((a) => a.byValue !== byValue);
    }
    this.groupsChanged();
  }
}

/** Groups of a bucket from this index on share one bit of runCandidates' answer (their sets are not kept; bits stay small integers). */
const MANY_GROUPS = 29;
/** Lists kept per bucket at most (one per set of matched groups). */
const MAX_KEPT_LISTS = 64;

/**
 * The values of the bucket's matched groups (bits `found`) in the order the
 * rules were added: a kept list copied, or computed (and kept). Profile,
 * 10,000 rules: building the ~50 values of a matching event from the
 * bucket's ~100 entries (one object each, rarely in cache) was ~15% of the time.
 */
function valuesUnder<T>(bucket: Bucket<T>, found: number, matched: readonly Group<T>[], call: number): T[] {
  const keepable = found < 1 << MANY_GROUPS;
  const kept = keepable ? bucket.valuesByMatched.get(found) : undefined;
  if (kept !== undefined) return kept.slice();
  const values = valuesByWalk(bucket, matched, call) ?? valuesBySeq(matched);
  if (!keepable || bucket.valuesByMatched.size >= MAX_KEPT_LISTS) return values;
  bucket.valuesByMatched.set(found, values);
  return values.slice();
}

function valuesOf<T>(entries: readonly Entry<T>[]): T[] {
  const values = new Array<T>(entries.length);
  for (let i = 0; i < entries.length; i++) values[i] = entries[i]!.value;
  return values;
}

/**
 * The matched groups' values in the order the rules were added, when one walk
 * over the bucket's entries (picking those of matched groups) is cheaper than
 * merging the groups' runs (about one pass over the values per run); else
 * undefined. Profile, 10,000 rules: an event met ~7 groups of ~100 rules under
 * its source and, when many matched (8-16 groups, ~100 values), merging their
 * runs was ~10% of the time.
 */
function valuesByWalk<T>(bucket: Bucket<T>, matched: readonly Group<T>[], call: number): T[] | undefined {
  let total = 0;
  for (let g = 0; g < matched.length; g++) total += matched[g]!.entries.length;
  const entries = bucket.entries;
  if (entries.length > total * matched.length) return undefined;
  const values = new Array<T>(total);
  for (let i = 0, k = 0; k < total; i++) if (entries[i]!.group.matchedIn === call) values[k++] = entries[i]!.value;
  return values;
}

/**
 * The values of the groups' entries in the order the rules were added. Each
 * group's entries are already in that order (appended as added; removal keeps
 * it), so the runs are merged one by one, comparing sequence numbers inline
 * (profile, 10,000 rules: Array.sort's comparator calls were ~10% of match()).
 */
function valuesBySeq<T>(groups: readonly Group<T>[]): T[] {
  const concatenated = valuesInRunOrder(groups);
  if (concatenated !== undefined) return concatenated;
  let merged: readonly Entry<T>[] = groups[0]!.entries;
  for (let g = 1; g < groups.length; g++) {
    const run = groups[g]!.entries;
    const out = new Array<Entry<T>>(merged.length + run.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < merged.length && j < run.length) out[k++] = merged[i]!.seq < run[j]!.seq ? merged[i++]! : run[j++]!;
    while (i < merged.length) out[k++] = merged[i++]!;
    while (j < run.length) out[k++] = run[j++]!;
    merged = out;
  }
  const values = new Array<T>(merged.length);
  for (let i = 0; i < merged.length; i++) values[i] = merged[i]!.value;
  return values;
}

/**
 * The groups' values when their runs follow each other in the order the rules
 * were added (each run's last entry before the next run's first), else
 * undefined. Typical of the scan list, whose groups are one rule each, created
 * as added: bench, anything-but categories (4-5 of 5 groups matching per
 * event), merging built an array per group.
 */
function valuesInRunOrder<T>(groups: readonly Group<T>[]): T[] | undefined {
  let total = groups[0]!.entries.length;
  for (let g = 1; g < groups.length; g++) {
    const previous = groups[g - 1]!.entries;
    const run = groups[g]!.entries;
    if (previous[previous.length - 1]!.seq > run[0]!.seq) return undefined;
    total += run.length;
  }
  const values = new Array<T>(total);
  let k = 0;
  for (let g = 0; g < groups.length; g++) {
    const run = groups[g]!.entries;
    for (let i = 0; i < run.length; i++) values[k++] = run[i]!.value;
  }
  return values;
}

/** Equal for patterns that compile to the same tests in the same order (and so match the same events). */
function conditionOf(pattern: CompiledPattern): string {
  return pattern.subRules.map((rule) => rule.fields.map((field) => field.signature).join('\u0001')).join('\u0002');
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
