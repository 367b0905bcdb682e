/**
 * Pattern text -> CompiledPattern: read and validate (grammar.ts), check the
 * limits AWS applies after reading, then turn every field's value list into
 * one leaf test.
 */
import { MAX_COMPLEXITY, wildcardComplexity } from './complexity.js';
import { readPattern, type SubRuleFields, TOO_COMPLEX } from './grammar.js';
import { PatternSyntaxError } from './patternTokenizer.js';
import { type LeafTest, type Term, leafTest } from './terms.js';

export interface FieldTest {
  readonly path: string;
  readonly terms: readonly Term[];
  /** True when some alternative is `{"exists": false}`: the field may be missing. */
  readonly allowsAbsence: boolean;
  /** Any alternative matches the leaf (absence aside). */
  readonly test: LeafTest;
  /** Equal for fields that test the same path the same way (lets an index share their results). */
  readonly signature: string;
}

export interface SubRule {
  readonly fields: readonly FieldTest[];
}

export interface CompiledPattern {
  readonly source: string;
  /** The `$or` combinations; the pattern matches when any of them does. */
  readonly subRules: readonly SubRule[];
  /** Every field path the pattern reads. */
  readonly paths: readonly string[];
}

/** Throws PatternSyntaxError with the reason AWS would give. */
export function compileToRules(text: string): CompiledPattern {
  const rules = readPattern(text);
  checkComplexity(rules);
  const subRules = rules.map((fields) => ({ fields: orderFields([...fields].map(([path, terms]) => fieldTest(path, terms))) }));
  const paths = [...new Set(rules.flatMap((fields) => [...fields.keys()]))];
  return { source: text, subRules, paths };
}

function checkComplexity(rules: SubRuleFields[]): void {
  const checked = new Set<Term[]>(); // $or combinations share value lists
  for (const fields of rules) {
    for (const terms of fields.values()) {
      if (checked.has(terms)) continue;
      checked.add(terms);
      const wildcards = terms.flatMap((term) =>
        term.kind === 'wildcard' ? [term.value] : term.kind === 'anythingButWildcard' ? term.values : [],
      );
      if (wildcards.length > 0 && wildcardComplexity(wildcards) > MAX_COMPLEXITY) {
        throw new PatternSyntaxError(TOO_COMPLEX);
      }
    }
  }
}

function fieldTest(path: string, terms: Term[]): FieldTest {
  const leafTerms = terms.filter((term) => !(term.kind === 'exists' && !term.present));
  const tests = leafTerms.map(leafTest);
  const test: LeafTest =
    tests.length === 1 ? tests[0]! : (leaf) => {
      for (const t of tests) if (t(leaf)) return true;
      return false;
    };
  const signature = `${path}\u0000${JSON.stringify(terms, setsAsArrays)}`;
  return { path, terms, allowsAbsence: leafTerms.length < terms.length, test, signature };
}

function setsAsArrays(_key: string, value: unknown): unknown {
  // JSON.stringify writes Infinity and -Infinity (unbounded numeric ranges, 1e400) both as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value instanceof Set ? [...value].sort() : value;
}

/** Cheap, selective tests first, so a failing sub-rule fails early. */
function orderFields(fields: FieldTest[]): FieldTest[] {
  return fields.sort((a, b) => cost(a) - cost(b));
}

function cost(field: FieldTest): number {
  let worst = 0;
  for (const term of field.terms) worst = Math.max(worst, TERM_COST[term.kind]);
  return worst;
}

const TERM_COST: Record<Term['kind'], number> = {
  exactString: 0,
  exactLiteral: 0,
  exactNumber: 1,
  numeric: 1,
  prefix: 2,
  suffix: 2,
  equalsIgnoreCase: 2,
  address: 3,
  exists: 3,
  wildcard: 4,
  anythingBut: 5,
  anythingButPrefix: 5,
  anythingButSuffix: 5,
  anythingButIgnoreCase: 5,
  anythingButWildcard: 6,
};
