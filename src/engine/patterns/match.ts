/**
 * Does a flattened event satisfy a compiled pattern? Every field of some
 * sub-rule must be satisfied: either it may be absent and has no leaf at all
 * (`exists: false` looks at the whole event), or one of its leaves passes the
 * field's test. The chosen leaves must also be array-consistent: fields read
 * from different elements of one array do not combine (aws/event-ruler's
 * array-consistent matching, which EventBridge uses).
 *
 * Patterns are bound to a slot table first, so matching indexes arrays
 * instead of looking paths up by name.
 */
import type { CompiledPattern, FieldTest } from './compile.js';
import { type FlatEvent, type Leaf, PathTree, consistent } from './flatten.js';
import type { LeafTest } from './terms.js';

export interface BoundField {
  readonly slot: number;
  readonly test: LeafTest;
  readonly allowsAbsence: boolean;
  /** The first matching leaf (null: none) for the FlatEvent generation `memoFor`. */
  memoFor: number;
  memoLeaf: Leaf | null;
}

/** Where bound fields come from: a RuleIndex shares identical fields between its rules. */
export interface FieldBinder {
  bindField(field: FieldTest): BoundField;
}

export type BoundRule = readonly BoundField[];

/** Slots for one pattern's paths, and the path tree a flattening for it walks. */
export class SlotTable implements FieldBinder {
  readonly paths = new PathTree();
  private readonly slotOf = new Map<string, number>();

  constructor(paths: readonly string[] = []) {
    for (const path of paths) this.slot(path);
  }

  slot(path: string): number {
    let slot = this.slotOf.get(path);
    if (slot === undefined) {
      this.slotOf.set(path, (slot = this.slotOf.size));
      this.paths.add(path, slot);
    }
    return slot;
  }

  bindField(field: FieldTest): BoundField {
    return newBoundField(this.slot(field.path), field);
  }
}

export function newBoundField(slot: number, field: FieldTest): BoundField {
  return { slot, test: field.test, allowsAbsence: field.allowsAbsence, memoFor: 0, memoLeaf: null };
}

export function bindPattern(pattern: CompiledPattern, binder: FieldBinder): BoundRule[] {
  return pattern.subRules.map((rule) => rule.fields.map((field) => binder.bindField(field)));
}

export function boundMatches(rules: readonly BoundRule[], flat: FlatEvent): boolean {
  for (let i = 0; i < rules.length; i++) if (ruleMatches(rules[i]!, flat)) return true;
  return false;
}

function ruleMatches(fields: BoundRule, flat: FlatEvent): boolean {
  const slots = flat.slots;
  let inArrays: BoundField[] | undefined;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!;
    const leaves = slots[field.slot];
    if (leaves === undefined) {
      if (field.allowsAbsence) continue;
      return false;
    }
    let first = field.memoLeaf;
    if (field.memoFor !== flat.generation) {
      first = firstMatch(field.test, leaves);
      field.memoFor = flat.generation;
      field.memoLeaf = first;
    }
    if (first === null) return false;
    // A leaf outside any array is consistent with every other choice.
    if (first.membership !== null) (inArrays ??= []).push(field);
  }
  return inArrays === undefined || inArrays.length < 2 || consistentChoiceExists(inArrays, flat);
}

function firstMatch(test: LeafTest, leaves: Leaf[]): Leaf | null {
  for (let i = 0; i < leaves.length; i++) if (test(leaves[i]!)) return leaves[i]!;
  return null;
}

function consistentChoiceExists(fields: BoundField[], flat: FlatEvent): boolean {
  const candidates: Leaf[][] = [];
  for (const field of fields) {
    const matching = flat.slots[field.slot]!.filter(field.test);
    if (matching.some((leaf) => leaf.membership === null)) continue; // satisfiable whatever the others pick
    candidates.push(matching);
  }
  if (candidates.length < 2) return true;
  candidates.sort((a, b) => a.length - b.length);
  return search(candidates, 0, []);
}

function search(candidates: Leaf[][], depth: number, chosen: Leaf[]): boolean {
  if (depth === candidates.length) return true;
  for (const leaf of candidates[depth]!) {
    if (chosen.every((other) => consistent(other.membership, leaf.membership))) {
      chosen.push(leaf);
      if (search(candidates, depth + 1, chosen)) return true;
      chosen.pop();
    }
  }
  return false;
}
