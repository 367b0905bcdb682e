/**
 * Property: a RuleIndex given an event as JSON text reads in its top-level
 * members only the paths of the rules filed under the event's anchor values
 * (CandidatePaths in ruleIndex.ts), yet returns exactly what it returns for
 * the parsed event (which reads every path), and what matching each rule in
 * turn gives. The events put their members in any order (anchors before or
 * after what the rules test), give anchors as arrays or repeat them, spell
 * paths with dotted keys, and some rules anchor on a nested path (which turns
 * the narrowing off).
 */
import fc from 'fast-check';
import { RuleIndex, compilePattern, matchPattern, parseEventJson } from '../../src/engine/patterns/index.js';

const PATTERNS = [
  '{"source": ["s1"], "detail": {"x": [1]}}',
  '{"source": ["s1"], "detail": {"y": [{"exists": false}]}}',
  '{"source": ["s2"], "detail": {"x": [{"numeric": [">", 0]}], "z": ["q"]}}',
  '{"source": ["s1", "s2"], "detail": {"z": [{"prefix": "q"}]}}',
  '{"detail-type": ["t"], "detail": {"y": ["v"]}}',
  '{"detail-type": ["t"], "source": ["s3"], "x": [true]}',
  '{"source": ["s3"], "x": [{"exists": false}]}',
  '{"detail": {"y": ["v"]}}',
  '{"x": [true], "detail": {"x": [2]}}',
  '{"a": {"b": ["s1"]}, "detail": {"x": [1]}}',
].map((text) => compilePattern(text));
/** The pattern anchored on a nested path (`a.b`): with it on the bus, every path is read. */
const NESTED_ANCHOR = PATTERNS.length - 1;

const source = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('"s1"', '"s2"', '"s3"', '"s4"') },
  { weight: 2, arbitrary: fc.uniqueArray(fc.constantFrom('"s1"', '"s2"', '"s3"'), { maxLength: 3 }).map((values) => `[${values.join(',')}]`) },
  { weight: 1, arbitrary: fc.constant('{"b": "s1"}') },
);
const detail = fc
  .record({ x: fc.constantFrom('1', '2', '-1', '"1"'), y: fc.constantFrom('"v"', '"w"', 'null'), z: fc.constantFrom('"q"', '"qq"', '"r"') }, { requiredKeys: [] })
  .map((fields) => `{${Object.entries(fields).map(([key, value]) => `"${key}":${value}`).join(',')}}`);
const sourceMember = source.map((value) => `"source":${value}`);
const detailMember = detail.map((value) => `"detail":${value}`);
const member = fc.oneof(
  sourceMember,
  fc.constantFrom('"t"', '"u"').map((value) => `"detail-type":${value}`),
  detailMember,
  fc.constantFrom('1', '2').map((value) => `"detail.x":${value}`),
  fc.constantFrom('true', 'false').map((value) => `"x":${value}`),
  fc.constantFrom('"s1"', '"s2"').map((value) => `"a":{"b":${value}}`),
  fc.constantFrom('"s1"', '"s2"').map((value) => `"a.b":${value}`),
);
// Members in any order, sometimes one twice (the scanner then hands over to the parse); or, as in an
// envelope, the source first and the detail last (the case the narrowing is for).
const eventText = fc.oneof(
  fc.array(member, { minLength: 1, maxLength: 6 }).map((members) => `{${members.join(',')}}`),
  fc.tuple(sourceMember, fc.array(member, { maxLength: 3 }), detailMember).map(([first, middle, last]) => `{${[first, ...middle, last].join(',')}}`),
);

describe('reading only the candidate rules\' paths under top-level members', () => {
  test('same rules, in the same order, as for the parsed event and as matching each rule in turn', () => {
    let narrowable = 0;
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(PATTERNS.length - 1), { minLength: 1, maxLength: 6 }), fc.array(eventText, { minLength: 1, maxLength: 4 }), (chosen, texts) => {
        const index = new RuleIndex<number>();
        for (const i of chosen) index.add(`r${i}`, PATTERNS[i]!, i);
        for (const text of texts) {
          const event = parseEventJson(text);
          const want = chosen.filter((i) => matchPattern(PATTERNS[i]!, event));
          expect(index.match(event)).toEqual(want);
          expect(index.match(text)).toEqual(want);
          const [sourceAt, detailAt] = [text.indexOf('"source"'), text.indexOf('"detail"')];
          if (!chosen.includes(NESTED_ANCHOR) && sourceAt >= 0 && sourceAt < detailAt) narrowable++;
        }
      }),
      { numRuns: 3000 },
    );
    expect(narrowable).toBeGreaterThan(1500); // ~2,600: events the narrowing applies to, not just allowed
  });
});
