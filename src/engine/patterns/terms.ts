/**
 * One alternative in a field's value list, and how it tests one event leaf.
 * Semantics follow the reference matcher, which compares JSON forms: strings
 * are quoted, so `prefix`/`suffix`/`wildcard` only ever match strings, and a
 * prefix ending in `"` can match the string's closing quote.
 */
import { FALSE, type Leaf, NULL, NUMBER, STRING, TRUE, isExact, numberText } from './flatten.js';
import { type FoldedText, endsWithFolded, equalsFolded, foldText, startsWithFolded } from './ignoreCase.js';
import { type AddressRange, inRange, ipToHex, looksLikeIp } from './ip.js';
import { type WildcardPattern, compileWildcard, wildcardMatches } from './wildcard.js';

export type Term =
  | { readonly kind: 'exactString'; readonly value: string }
  | { readonly kind: 'exactNumber'; readonly text: string; readonly value: number | undefined }
  | { readonly kind: 'exactLiteral'; readonly text: 'true' | 'false' | 'null' }
  | { readonly kind: 'address'; readonly range: AddressRange }
  | { readonly kind: 'prefix' | 'suffix' | 'equalsIgnoreCase'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'wildcard'; readonly value: string }
  | { readonly kind: 'numeric'; readonly low: number; readonly lowOpen: boolean; readonly high: number; readonly highOpen: boolean }
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'anythingBut'; readonly strings: ReadonlySet<string>; readonly numbers: ReadonlySet<number> }
  | {
      readonly kind: 'anythingButPrefix' | 'anythingButSuffix' | 'anythingButIgnoreCase' | 'anythingButWildcard';
      readonly values: readonly string[];
    };

export type LeafTest = (leaf: Leaf) => boolean;

/** Compiles a term into a test of one leaf. `exists: false` is not a leaf test (see match.ts). */
export function leafTest(term: Term): LeafTest {
  switch (term.kind) {
    case 'exactString': {
      const value = term.value;
      return (leaf) => leaf.kind === STRING && leaf.text === value;
    }
    case 'exactNumber':
      return exactNumberTest(term.text, term.value);
    case 'exactLiteral': {
      const kind = term.text === 'true' ? TRUE : term.text === 'false' ? FALSE : NULL;
      return (leaf) => leaf.kind === kind;
    }
    case 'address': {
      const range = term.range;
      return (leaf) => leaf.kind === STRING && addressOf(leaf) !== null && inRange(addressOf(leaf)!, range);
    }
    case 'prefix':
      return affixTest(term.value, term.ignoreCase, 'prefix');
    case 'suffix':
      return affixTest(term.value, term.ignoreCase, 'suffix');
    case 'equalsIgnoreCase': {
      const folded = foldText(term.value);
      return (leaf) => leaf.kind === STRING && equalsFolded(leaf.text!, folded);
    }
    case 'wildcard': {
      const compiled = compileWildcard(term.value);
      return (leaf) => leaf.kind === STRING && wildcardMatches(compiled, leaf.text!);
    }
    case 'numeric':
      return numericTest(term.low, term.lowOpen, term.high, term.highOpen);
    case 'exists':
      return () => term.present;
    case 'anythingBut': {
      const { strings, numbers } = term;
      return (leaf) =>
        leaf.kind === STRING ? !strings.has(leaf.text!) : leaf.kind === NUMBER ? !numbers.has(leaf.num) || !isExact(leaf) : true;
    }
    case 'anythingButPrefix':
      return negatedStringTest(term.values.map((v) => affixTest(v, false, 'prefix')));
    case 'anythingButSuffix':
      return negatedStringTest(term.values.map((v) => affixTest(v, false, 'suffix')));
    case 'anythingButIgnoreCase': {
      const folded = term.values.map(foldText);
      return negatedStringTest(folded.map((f) => (leaf: Leaf) => equalsFolded(leaf.text!, f)));
    }
    case 'anythingButWildcard': {
      const compiled = term.values.map(compileWildcard);
      return negatedStringTest(compiled.map((w) => (leaf: Leaf) => wildcardMatches(w, leaf.text!)));
    }
  }
}

function exactNumberTest(text: string, value: number | undefined): LeafTest {
  if (value === undefined) return (leaf) => leaf.kind === NUMBER && numberText(leaf) === text;
  // A leaf whose double is not `value` fails either way: by value, or by text (equal texts give equal doubles).
  return (leaf) => leaf.kind === NUMBER && leaf.num === value && (isExact(leaf) || numberText(leaf) === text);
}

function numericTest(low: number, lowOpen: boolean, high: number, highOpen: boolean): LeafTest {
  return (leaf) => {
    if (leaf.kind !== NUMBER) return false;
    const n = leaf.num;
    // Out of range fails whether or not the double is exact; in range, it must be (else not comparable).
    return (lowOpen ? n > low : n >= low) && (highOpen ? n < high : n <= high) && isExact(leaf);
  };
}

/** anything-but variants match every non-string leaf (numbers, booleans, null). */
function negatedStringTest(tests: LeafTest[]): LeafTest {
  return (leaf) => {
    if (leaf.kind !== STRING) return true;
    for (const test of tests) if (test(leaf)) return false;
    return true;
  };
}

function affixTest(value: string, ignoreCase: boolean, side: 'prefix' | 'suffix'): LeafTest {
  if (ignoreCase) {
    const folded: FoldedText = foldText(value);
    // An ASCII pattern without a quote cannot reach the quote the JSON form adds: test the value itself.
    if (folded.ascii !== undefined && !value.includes('"')) {
      return side === 'prefix'
        ? (leaf) => leaf.kind === STRING && startsWithFolded(leaf.text!, folded)
        : (leaf) => leaf.kind === STRING && endsWithFolded(leaf.text!, folded);
    }
    return side === 'prefix'
      ? (leaf) => leaf.kind === STRING && startsWithFolded(leaf.text! + '"', folded)
      : (leaf) => leaf.kind === STRING && endsWithFolded('"' + leaf.text!, folded);
  }
  return side === 'prefix'
    ? (leaf) => leaf.kind === STRING && quotedStartsWith(leaf.text!, value)
    : (leaf) => leaf.kind === STRING && quotedEndsWith(leaf.text!, value);
}

/** `"value"` starts with `"prefix`, without building the quoted string. */
function quotedStartsWith(value: string, prefix: string): boolean {
  if (prefix.length <= value.length) return value.startsWith(prefix);
  return prefix.length === value.length + 1 && prefix.charCodeAt(value.length) === 34 && prefix.startsWith(value);
}

/** `"value"` ends with `suffix"`. */
function quotedEndsWith(value: string, suffix: string): boolean {
  if (suffix.length <= value.length) return value.endsWith(suffix);
  return suffix.length === value.length + 1 && suffix.charCodeAt(0) === 34 && suffix.endsWith(value);
}

function addressOf(leaf: Leaf): string | null {
  if (leaf.ip === undefined) leaf.ip = looksLikeIp(leaf.text!) ? (ipToHex(leaf.text!) ?? null) : null;
  return leaf.ip;
}
