/**
 * Property: on random events and random patterns, the compiled, indexed
 * matcher (RuleIndex and matchPattern) agrees with the plain reference
 * interpreter (src/engine/patterns/reference.ts). Values come from small alphabets so
 * that matches, near misses, arrays of objects and absent fields all happen.
 */
import fc from 'fast-check';
import { RuleIndex, compilePattern, matchPattern } from '../../src/engine/patterns/index.js';
import { referenceMatches } from '../../src/engine/patterns/reference.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const KEYS = ['a', 'b', 'c', 'source'];
const STRINGS = ['x', 'X', 'xy', 'Xy', 'yx', 'x"', '', 'a*b', 'ab', 'ß', 'SS', '10.0.0.1', '10.0.0.77', '10.1.0.1', '::ffff:a00:1', '2001:db8::1'];
const NUMBERS = [0, -0, 1, -1, 2.5, 300, 1e3, -122.5];

const scalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const { event } = fc.letrec<{ event: { [key: string]: Json }; value: Json }>((tie) => ({
  event: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { minKeys: 0, maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    { weight: 2, arbitrary: tie('event') },
  ),
}));

const someString = fc.constantFrom(...STRINGS);
const nonEmptyString = fc.constantFrom(...STRINGS.filter((s) => s !== ''));
const wildcardText = fc.constantFrom('x*', '*y', '*', 'x*y', 'a\\*b', '*x*', '', 'X*', '1*.1', '*"');
const cidr = fc.constantFrom('10.0.0.0/24', '10.0.0.0/8', '10.0.0.64/26', '2001:db8::/32', '0.0.0.0/0');
const number = fc.constantFrom(...NUMBERS);
const orderedPair = fc.tuple(number, number).filter(([a, b]) => a < b);
const oneOrList = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));

const numericTerm = fc.oneof(
  number.map((n) => ['=', n]),
  fc.tuple(fc.constantFrom('<', '<=', '>', '>='), number).map(([op, n]) => [op, n]),
  fc.tuple(fc.constantFrom('>', '>='), fc.constantFrom('<', '<='), orderedPair).map(([lo, hi, [a, b]]) => [lo, a, hi, b]),
);

const anythingBut = fc.oneof(
  someString,
  number,
  fc.array(someString, { minLength: 1, maxLength: 3 }),
  fc.array(number, { minLength: 1, maxLength: 3 }),
  oneOrList(nonEmptyString).map((v) => ({ prefix: v })),
  oneOrList(nonEmptyString).map((v) => ({ suffix: v })),
  oneOrList(someString).map((v) => ({ 'equals-ignore-case': v })),
  oneOrList(wildcardText).map((v) => ({ wildcard: v })),
);

const matchItem: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: someString.map((v) => ({ prefix: v })) },
  { weight: 1, arbitrary: someString.map((v) => ({ prefix: { 'equals-ignore-case': v } })) },
  { weight: 1, arbitrary: someString.map((v) => ({ suffix: v })) },
  { weight: 1, arbitrary: someString.map((v) => ({ suffix: { 'equals-ignore-case': v } })) },
  { weight: 1, arbitrary: someString.map((v) => ({ 'equals-ignore-case': v })) },
  { weight: 1, arbitrary: wildcardText.map((v) => ({ wildcard: v })) },
  { weight: 2, arbitrary: numericTerm.map((terms) => ({ numeric: terms as Json[] })) },
  { weight: 2, arbitrary: fc.boolean().map((v) => ({ exists: v })) },
  { weight: 1, arbitrary: cidr.map((v) => ({ cidr: v })) },
  { weight: 3, arbitrary: anythingBut.map((v) => ({ 'anything-but': v as Json })) },
);

const valueList = fc.array(matchItem, { minLength: 1, maxLength: 3 });

/** Patterns nest objects and `$or` at most `depth` levels deep. */
function patternAt(depth: number): fc.Arbitrary<{ [key: string]: Json }> {
  const field: fc.Arbitrary<Json> = depth === 0 ? valueList : fc.oneof({ weight: 4, arbitrary: valueList }, { weight: 1, arbitrary: patternAt(depth - 1) });
  const fields = fc.dictionary(fc.constantFrom(...KEYS), field, { minKeys: 1, maxKeys: 3 });
  if (depth === 0) return fields;
  return fc
    .tuple(fields, fc.option(fc.array(patternAt(depth - 1), { minLength: 2, maxLength: 3 }), { freq: 4 }))
    .map(([own, or]) => (or === null ? own : { ...own, $or: or }));
}

const pattern = patternAt(2);

/** Event values that a value-list item probably matches (or nearly does). */
function witnesses(item: Json): Json[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return [item];
  const [[op, arg]] = Object.entries(item) as [[string, Json]];
  const text = (v: Json) => (typeof v === 'string' ? v : typeof v === 'object' && v !== null && !Array.isArray(v) ? String(Object.values(v)[0]) : '');
  switch (op) {
    case 'prefix':
      return [`${text(arg)}z`, text(arg).toUpperCase()];
    case 'suffix':
      return [`z${text(arg)}`, text(arg).toUpperCase()];
    case 'equals-ignore-case':
      return [text(arg).toUpperCase(), text(arg).toLowerCase()];
    case 'wildcard':
      return [text(arg).replace(/\\\*/g, '*').replace(/\*/g, 'q'), text(arg).replace(/\*/g, '')];
    case 'numeric':
      return (arg as Json[]).filter((v) => typeof v === 'number');
    case 'cidr':
      return ['10.0.0.5', '10.200.0.1', '2001:db8::5'];
    default:
      return [];
  }
}

/** An event shaped like the pattern, with values drawn from it, so that matches are common. */
function eventLike(p: { [key: string]: Json }): fc.Arbitrary<{ [key: string]: Json }> {
  const parts: fc.Arbitrary<{ [key: string]: Json }>[] = [];
  for (const [key, value] of Object.entries(p)) {
    if (key === '$or') {
      parts.push(fc.constantFrom(...(value as { [key: string]: Json }[])).chain(eventLike));
    } else if (Array.isArray(value)) {
      const likely = value.flatMap(witnesses);
      const leaf = likely.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...likely) }, { weight: 1, arbitrary: scalar }) : scalar;
      const present = fc.oneof({ weight: 4, arbitrary: leaf }, { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) });
      parts.push(fc.option(present, { freq: 6 }).map((v) => (v === null ? {} : { [key]: v })));
    } else {
      const inner = eventLike(value as { [key: string]: Json });
      const nested = fc.oneof({ weight: 4, arbitrary: inner as fc.Arbitrary<Json> }, { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 2 }) });
      parts.push(nested.map((v) => ({ [key]: v })));
    }
  }
  return fc.tuple(...parts).map((objects) => Object.assign({}, ...objects));
}

const patternAndEvents = pattern.chain((p) =>
  fc.tuple(fc.constant(p), fc.array(fc.oneof(event, eventLike(p)), { minLength: 1, maxLength: 6 })),
);

/** Random patterns can break AWS's own rules (e.g. operator names inside $or); those are skipped. */
function compileOrSkip(p: Json) {
  try {
    return compilePattern(JSON.stringify(p));
  } catch {
    return undefined;
  }
}

describe('compiled and indexed matching agrees with the reference interpreter', () => {
  it('matchPattern agrees on single patterns', () => {
    const verdicts = { match: 0, noMatch: 0 };
    fc.assert(
      fc.property(patternAndEvents, ([p, events]) => {
        const compiled = compileOrSkip(p);
        fc.pre(compiled !== undefined);
        for (const e of events) {
          const expected = referenceMatches(p, e);
          expect(matchPattern(compiled!, e)).toBe(expected);
          verdicts[expected ? 'match' : 'noMatch']++;
        }
      }),
      { numRuns: 1500 },
    );
    // The generators must produce both verdicts often enough for the comparison to mean something.
    expect(verdicts.match).toBeGreaterThan((verdicts.match + verdicts.noMatch) * 0.1);
  });

  it('a RuleIndex returns exactly the rules the reference matches, across add, replace and remove', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 8 }).chain((ps) =>
          fc.tuple(fc.constant(ps), fc.array(fc.oneof(event, ...ps.map(eventLike)), { minLength: 1, maxLength: 6 })),
        ),
        fc.array(fc.nat(7), { maxLength: 3 }),
        ([patterns, events], removals) => {
          const index = new RuleIndex<number>();
          const live = new Map<number, Json>();
          patterns.forEach((p, i) => {
            const compiled = compileOrSkip(p);
            if (compiled === undefined) return;
            index.add(`rule-${i % 6}`, compiled, i); // i % 6: later rules sometimes replace earlier ones
            for (const [j] of live) if (j % 6 === i % 6) live.delete(j);
            live.set(i, p);
          });
          for (const r of removals) {
            index.remove(`rule-${r}`);
            for (const [j] of live) if (j % 6 === r) live.delete(j);
          }
          expect(index.size).toBe(live.size);
          for (const e of events) {
            const expected = [...live].filter(([, p]) => referenceMatches(p, e)).map(([i]) => i);
            expect([...index.match(e)].sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('agrees on patterns anchored on source (the indexed path)', () => {
    const anchored = fc.tuple(fc.array(someString, { minLength: 1, maxLength: 2 }), pattern).map(([sources, p]) => ({ ...p, source: sources }));
    const patternsAndEvents = fc
      .array(anchored, { minLength: 1, maxLength: 6 })
      .chain((ps) => fc.tuple(fc.constant(ps), fc.array(fc.oneof(event, ...ps.map(eventLike)), { minLength: 1, maxLength: 6 })));
    fc.assert(
      fc.property(patternsAndEvents, ([patterns, events]) => {
        const index = new RuleIndex<number>();
        const live: [number, Json][] = [];
        patterns.forEach((p, i) => {
          const compiled = compileOrSkip(p);
          if (compiled === undefined) return;
          index.add(`r${i}`, compiled, i);
          live.push([i, p]);
        });
        for (const e of events) {
          const expected = live.filter(([, p]) => referenceMatches(p, e)).map(([i]) => i);
          expect(index.match(e)).toEqual(expected);
        }
      }),
      { numRuns: 400 },
    );
  });
});
