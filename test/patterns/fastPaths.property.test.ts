/**
 * Property: the per-value fast paths of the leaf tests give what their
 * definitions on the JSON form give. wildcardMatches works on the unquoted
 * value (against the quoted form `"value"`, as AWS defines it), and
 * prefix/suffix equals-ignore-case with an ASCII, quote-free pattern test the
 * value without appending or prepending the JSON quote. And the scanner's
 * inline step over strings and keys no rule reads (escapes and control
 * characters handed to the full string check) accepts and rejects exactly
 * what the parse does. And RuleIndex.match merges its groups' results in the
 * order the rules were added, as one rule-by-rule pass gives.
 */
import fc from 'fast-check';
import { compileWildcard, wildcardMatches, wildcardMatchesQuoted } from '../../src/engine/patterns/wildcard.js';
import { endsWithFolded, foldText, startsWithFolded } from '../../src/engine/patterns/ignoreCase.js';
import { leafTest } from '../../src/engine/patterns/terms.js';
import { NULL, STRING, type Leaf } from '../../src/engine/patterns/flatten.js';
import { RuleIndex, compilePattern, matchPattern, parseEventJson } from '../../src/engine/patterns/index.js';

// Few characters, so that matches are frequent; quotes, stars and backslashes meet the edge cases.
const CHARS = ['a', 'b', 'A', 'B', '"', '*', '\\', 'ß', 'K', '\u212a', ' ', '1'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map((chars) => chars.join(''));
const stringLeaf = (value: string): Leaf => ({ kind: STRING, text: value, num: NaN, exact: false, membership: null });

function validWildcard(pattern: string): boolean {
  try {
    compileWildcard(pattern);
    return true;
  } catch {
    return false;
  }
}

describe('leaf-test fast paths against their definitions', () => {
  test('wildcard on the unquoted value = wildcard on "value"', () => {
    let matched = 0;
    fc.assert(
      fc.property(text.filter(validWildcard), text, (pattern, value) => {
        const compiled = compileWildcard(pattern);
        const quoted = wildcardMatchesQuoted(compiled, value);
        if (quoted) matched++;
        expect(wildcardMatches(compiled, value)).toBe(quoted);
      }),
      { numRuns: 4000 },
    );
    expect(matched).toBeGreaterThan(50); // both outcomes exercised
  });

  test('wildcard values built to match: prefix, middle and suffix segments around the quotes', () => {
    fc.assert(
      fc.property(text, text.filter((s) => s.length > 0), text, (a, b, c) => {
        const escape = (s: string) => s.replace(/[\\*]/g, (ch) => `\\${ch}`);
        const compiled = compileWildcard(`${escape(a)}*${escape(b)}*${escape(c)}`);
        for (const value of [`${a}${b}${c}`, `${a}x${b}y${c}`, `${a}${c}`, `"${a}${b}${c}"`]) {
          expect(wildcardMatches(compiled, value)).toBe(wildcardMatchesQuoted(compiled, value));
        }
        expect(wildcardMatches(compiled, `${a}-${b}-${c}`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('prefix / suffix equals-ignore-case = the test on the quoted form', () => {
    let matched = 0;
    fc.assert(
      fc.property(text, text, (pattern, value) => {
        const folded = foldText(pattern);
        const prefix = startsWithFolded(`${value}"`, folded);
        const suffix = endsWithFolded(`"${value}`, folded);
        if (prefix || suffix) matched++;
        expect(leafTest({ kind: 'prefix', value: pattern, ignoreCase: true })(stringLeaf(value))).toBe(prefix);
        expect(leafTest({ kind: 'suffix', value: pattern, ignoreCase: true })(stringLeaf(value))).toBe(suffix);
        // Non-strings never match an affix.
        expect(leafTest({ kind: 'prefix', value: pattern, ignoreCase: true })({ ...stringLeaf('null'), kind: NULL })).toBe(false);
      }),
      { numRuns: 4000 },
    );
    expect(matched).toBeGreaterThan(200);
  });
});

// String contents written raw into the JSON text: some are valid (plain, \\n, \\u0041), some not (a raw
// control character, an unknown escape, a cut \\u escape).
const PIECES = ['a', 'Z', ' ', '\\n', '\\"', '\\u0041', '\\\\', '\u0001', '\u001f', '\t', '\\q', '\\u00', 'é', '\u007f'];
const rawString = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((parts) => `"${parts.join('')}"`);
const skipped = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { weight: 3, arbitrary: rawString },
    { weight: 1, arbitrary: fc.constantFrom('1', '-0.5e3', 'true', 'null') },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`) },
    { weight: 2, arbitrary: fc.array(fc.tuple(rawString, tie('value')), { maxLength: 3 }).map((ms) => `{${ms.map(([k, v]) => `${k}:${v}`).join(' , ')}}`) },
  ),
})).value;

/** What a matcher gave: its rules, or the error it threw (class and message), to compare two paths. */
const outcome = (run: () => string[]): { rules: string[] } | { error: string } => {
  try {
    return { rules: run() };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
};

describe('the scanner steps over unread strings as the parse reads them', () => {
  test('raw control characters and escapes in skipped keys and values: same rules or same error', () => {
    const index = new RuleIndex<string>();
    index.add('a', compilePattern('{"a": ["x"]}'), 'a');
    const seen = { ok: 0, errors: 0 };
    fc.assert(
      fc.property(skipped, skipped, fc.boolean(), (before, after, first) => {
        const text = first ? `{"a":"x","s":${before},"t":${after}}` : `{"s":${before},"a":"x","t":${after}}`;
        const viaParse = outcome(() => index.match(parseEventJson(text)));
        if ('error' in viaParse) seen.errors++;
        else seen.ok++;
        expect(outcome(() => index.match(text))).toEqual(viaParse);
      }),
      { numRuns: 4000 },
    );
    expect(seen.ok).toBeGreaterThan(400);
    expect(seen.errors).toBeGreaterThan(400);
  });
});

describe('RuleIndex returns matches in the order the rules were added, across groups', () => {
  /**
   * Random add/remove sequences over `patterns`, matching the events between steps too (lists kept from
   * one event to the next must follow the changes); each event's matches against matching each live rule in turn.
   */
  const sameOrderAsRuleByRule = (patterns: ReturnType<typeof compilePattern>[], events: object[], numRuns: number, minSteps = 0) => {
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constant('add' as const), fc.nat(30), fc.nat(patterns.length - 1)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('remove' as const), fc.nat(30), fc.constant(0)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('match' as const), fc.constant(0), fc.constant(0)) },
    );
    let merged = 0;
    const check = (index: RuleIndex<string>, live: Map<string, number>) => {
      for (const event of events) {
        const want = [...live].filter(([, p]) => matchPattern(patterns[p]!, event)).map(([key]) => key);
        const distinct = new Set([...live].filter(([, p]) => matchPattern(patterns[p]!, event)).map(([, p]) => p));
        if (distinct.size > 1) merged++;
        expect(index.match(event)).toEqual(want);
        expect(index.match(JSON.stringify(event))).toEqual(want);
      }
    };
    fc.assert(
      fc.property(fc.array(step, { minLength: minSteps, maxLength: 80 }), (steps) => {
        const index = new RuleIndex<string>();
        const live = new Map<string, number>(); // key -> pattern, in the order of the last add
        for (const [op, k, p] of steps) {
          if (op === 'match') {
            check(index, live);
            continue;
          }
          const key = `k${k}`;
          live.delete(key);
          if (op === 'add') {
            index.add(key, patterns[p]!, key);
            live.set(key, p);
          } else {
            index.remove(key);
          }
        }
        check(index, live);
      }),
      { numRuns },
    );
    return merged;
  };

  test('same values, same order as matching each live rule in turn', () => {
    // Few distinct conditions, many rules each: groups with interleaved rules, anchored and not.
    const PATTERNS = [
      '{"source": ["a"]}',
      '{"source": ["a"], "n": [{"numeric": [">", 0]}]}',
      '{"source": ["a", "b"]}',
      '{"n": [{"numeric": ["<", 5]}]}',
      '{"source": [{"prefix": "a"}]}',
      '{"source": ["b"], "n": [1]}',
    ].map((text) => compilePattern(text));
    const EVENTS = [{ source: 'a', n: 1 }, { source: 'b', n: 1 }, { source: 'a', n: -1 }, { source: 'ab', n: 9 }, { n: 3 }];
    expect(sameOrderAsRuleByRule(PATTERNS, EVENTS, 1500)).toBeGreaterThan(1000); // results from several groups, merged
  });

  test('the same when many groups of one anchor value match', () => {
    // Rules under source "a" with numeric thresholds: up to 36 groups filed under one value match an event (their
    // values collected by one walk over that value's rules, or merged; kept per set of groups up to 29 groups);
    // "b" and the unanchored ones mix in.
    const PATTERNS = [
      ...Array.from({ length: 36 }, (_, i) => `{"source": ["a"], "n": [{"numeric": [">", ${i}]}]}`),
      '{"source": ["a", "b"], "n": [{"numeric": ["<", 3]}]}',
      '{"source": ["b"]}',
      '{"n": [{"numeric": [">", 22]}]}',
    ].map((text) => compilePattern(text));
    const EVENTS = [{ source: 'a', n: 40 }, { source: 'a', n: 20 }, { source: 'a', n: 5 }, { source: 'a', n: 1 }, { source: ['a', 'b'], n: 2 }, { source: 'b', n: 23 }];
    expect(sameOrderAsRuleByRule(PATTERNS, EVENTS, 300, 60)).toBeGreaterThan(1000);
  });
});

describe('the scanner reads digits four at a time as the parse reads them one by one', () => {
  // Digits, the bytes 0x3a-0x3f and '/' just past them (a 4-byte test of the high nibble alone would pass those),
  // and what may follow or break a number.
  const NUMBER_CHARS = ['0', '1', '5', '9', '0', '7', ':', ';', '<', '=', '>', '?', '/', '.', 'e', 'E', '-', '+', ' ', ',', 'x'];
  const digitsFirst = fc.array(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), { minLength: 1, maxLength: 22 });
  const numberLike = fc
    .tuple(fc.constantFrom('', '-'), digitsFirst, fc.array(fc.constantFrom(...NUMBER_CHARS), { maxLength: 22 }))
    .map(([sign, digits, rest]) => sign + digits.join('') + rest.join(''));
  const PLACES = [
    (n: string) => `{"s":${n},"a":"x"}`, // a skipped scalar of a visited object
    (n: string) => `{"g":[[{"x":${n},"y":1}]],"a":"x"}`, // inside a skipped container
    (n: string) => `{"a":"x","n":${n}}`, // the wanted value itself
    (n: string) => `{"a":"x","s":${n}`, // cut: the text ends in the number
    (n: string) => `{"a":"x","s":[${n}]}`,
  ];

  test('same rules or the same error, wherever the number stands', () => {
    const index = new RuleIndex<string>();
    index.add('a', compilePattern('{"a": ["x"]}'), 'a');
    index.add('n', compilePattern('{"n": [{"numeric": [">", 1000]}]}'), 'n');
    index.add('exact', compilePattern('{"n": [12345678901234567890]}'), 'exact');
    const seen = { ok: 0, errors: 0 };
    fc.assert(
      fc.property(numberLike, fc.nat(PLACES.length - 1), (n, place) => {
        const text = PLACES[place]!(n);
        const viaParse = outcome(() => index.match(parseEventJson(text)));
        if ('error' in viaParse) seen.errors++;
        else seen.ok++;
        expect(outcome(() => index.match(text))).toEqual(viaParse);
      }),
      { numRuns: 6000 },
    );
    expect(seen.ok).toBeGreaterThan(600);
    expect(seen.errors).toBeGreaterThan(600);
  });
});
