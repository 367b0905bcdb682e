/**
 * AWS rejects wildcard patterns that would make matching slow: "Rule is too
 * complex - try using fewer wildcard characters or fewer repeating character
 * sequences after a wildcard character". The reference matcher measures, per
 * field, the most wildcard patterns a worst-case input can keep alive at once:
 * it builds a byte automaton from the field's wildcard patterns (shared states
 * up to the first `*`, separate states after it, each `*` a self-looping state
 * entered from the state before it) and walks every reachable set of states.
 *
 * The limit is not documented. Rejecting a complexity above 10 reproduces every
 * verdict observed on AWS that we could find: `*:*:*:*:*:event-bus/*` (11 here)
 * is rejected (LocalStack snapshot of AWS, 2024-12); four `*\/datasync/*.ext`
 * patterns on one field (16) are rejected while two (8) are accepted, and four
 * `*.ext` patterns (8) are accepted (a user's Terraform notes);
 * `/Users/*\/dir/dir/dir/dir/dir/doc.txt` (7) is accepted (snapshot).
 */
import { WILDCARD_STAR, wildcardTokens } from './wildcard.js';

/** The highest complexity AWS accepts. */
export const MAX_COMPLEXITY = 10;
const OTHER_BYTE = 256;
const MAX_STATE_SETS = 20_000;

interface State {
  /** Trie child created while still before the first `*` (shared between patterns). */
  readonly sharedChild: Map<number, number>;
  readonly edges: Map<number, number[]>;
  anyByte: number;
  readonly patterns: Set<number>;
}

/** The complexity of one field's wildcard patterns; evaluation stops once it exceeds MAX_COMPLEXITY. */
export function wildcardComplexity(values: readonly string[]): number {
  if (values.length === 0) return 0;
  const states: State[] = [newState()];
  const alphabet = new Set<number>();
  values.forEach((value, id) => addPattern(states, alphabet, wildcardTokens(value), id));
  return worstCaseWidth(states, [...alphabet, OTHER_BYTE]);
}

function newState(): State {
  return { sharedChild: new Map(), edges: new Map(), anyByte: -1, patterns: new Set() };
}

function addEdge(states: State[], from: number, byte: number, to: number): void {
  const list = states[from]!.edges.get(byte);
  if (list === undefined) states[from]!.edges.set(byte, [to]);
  else if (!list.includes(to)) list.push(to);
}

function addPattern(states: State[], alphabet: Set<number>, tokens: number[], id: number): void {
  let current = 0;
  let beforeStar = -1;
  let shared = true;
  for (const token of tokens) {
    if (token === WILDCARD_STAR) {
      const reusable = shared ? states[current]!.anyByte : -1;
      let star = reusable;
      if (star < 0) {
        star = states.push(newState()) - 1;
        states[current]!.anyByte = star;
        states[star]!.anyByte = star;
      }
      shared = false;
      beforeStar = current;
      current = star;
    } else {
      alphabet.add(token);
      let next = shared ? (states[current]!.sharedChild.get(token) ?? -1) : -1;
      if (next < 0) {
        next = states.push(newState()) - 1;
        if (shared) states[current]!.sharedChild.set(token, next);
        addEdge(states, current, token, next);
      }
      // A `*` may match nothing: the byte after it is also reachable from the state before it.
      if (beforeStar >= 0 && states[current]!.anyByte === current) addEdge(states, beforeStar, token, next);
      beforeStar = -1;
      current = next;
    }
    states[current]!.patterns.add(id);
  }
}

function worstCaseWidth(states: State[], alphabet: number[]): number {
  let widest = 0;
  const seen = new Set<string>();
  const pending: number[][] = [[0]];
  while (pending.length > 0) {
    const active = pending.pop()!;
    for (const byte of alphabet) {
      const next = step(states, active, byte);
      if (next.length === 0) continue;
      widest = Math.max(widest, width(states, next));
      if (widest > MAX_COMPLEXITY) return widest;
      const key = next.join(',');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_STATE_SETS) return MAX_COMPLEXITY + 1;
      seen.add(key);
      pending.push(next);
    }
  }
  return widest;
}

function step(states: State[], active: number[], byte: number): number[] {
  const next = new Set<number>();
  for (const id of active) {
    const state = states[id]!;
    if (state.anyByte >= 0) next.add(state.anyByte);
    const targets = byte === OTHER_BYTE ? undefined : state.edges.get(byte);
    if (targets !== undefined) for (const t of targets) next.add(t);
  }
  return [...next].sort((a, b) => a - b);
}

/** Patterns reachable from the active states, plus those behind a `*` one byte away. */
function width(states: State[], active: number[]): number {
  const members = new Set(active);
  let total = 0;
  for (const id of active) {
    const state = states[id]!;
    total += reachablePatterns(states, id);
    if (state.anyByte >= 0 && !members.has(state.anyByte)) total += reachablePatterns(states, state.anyByte);
  }
  return total;
}

const reachableCache = new WeakMap<State[], Map<number, number>>();

function reachablePatterns(states: State[], id: number): number {
  let cache = reachableCache.get(states);
  if (cache === undefined) {
    cache = new Map();
    reachableCache.set(states, cache);
  }
  const known = cache.get(id);
  if (known !== undefined) return known;
  const found = new Set<number>();
  const stack = [id];
  const visited = new Set<number>([id]);
  while (stack.length > 0) {
    const state = states[stack.pop()!]!;
    for (const p of state.patterns) found.add(p);
    const successors = [...state.edges.values()].flat();
    if (state.anyByte >= 0) successors.push(state.anyByte);
    for (const s of successors) {
      if (!visited.has(s)) {
        visited.add(s);
        stack.push(s);
      }
    }
  }
  cache.set(id, found.size);
  return found.size;
}
