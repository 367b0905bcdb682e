/**
 * Property: matching an event given as JSON text (the scanner, which reads
 * only the paths rules name) gives exactly what parsing the whole text and
 * flattening it gives (parseEventJson + flattenEvent, the path the scanner
 * falls back to): the same rules, or the same error. The texts are built to
 * hit what the scanner must get right or hand over: repeated keys, dotted and
 * escaped keys, number spellings a double cannot carry, whitespace, deep
 * nesting, and broken JSON.
 */
import fc from 'fast-check';
import { FlatEvent, JsonObjectText, RuleIndex, SlotTable, compilePattern, matchPattern, parseEventJson } from '../../src/engine/patterns/index.js';
import { isJsonObjectText, scanEventText } from '../../src/engine/patterns/eventScanner.js';

type Node =
  | { readonly t: 'obj'; readonly members: readonly (readonly [string, Node])[] }
  | { readonly t: 'arr'; readonly items: readonly Node[] }
  | { readonly t: 'raw'; readonly text: string };

const KEYS = ['a', 'b', 'c', 'a.b', 'source', 'x', '\\u0061', 'sourc\\u0065', 'b.c'];
const STRINGS = ['"x"', '"X"', '"xy"', '"10.0.0.1"', '""', '"a\\"b"', '"\\u0078"', '"é"', '"x\\ny"', '"\\ud800"', '"\\/"'];
const NUMBERS = ['0', '-0', '1', '1.0', '1e0', '10E-1', '300', '3e2', '-122.5', '12345678901234567890', '0.30000000000000001', '2.5', '1E400', '-1.5e+3'];
const LITERALS = ['true', 'false', 'null'];
const SPACE = ['', '', '', ' ', '\n', '\t ', '\r\n'];

const raw = fc.constantFrom(...STRINGS, ...NUMBERS, ...LITERALS).map((text): Node => ({ t: 'raw', text }));
const { node } = fc.letrec<{ node: Node; obj: Node }>((tie) => ({
  obj: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { maxLength: 4 }).map((members): Node => ({ t: 'obj', members })),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: raw },
    { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 3 }).map((items): Node => ({ t: 'arr', items })) },
    { weight: 2, arbitrary: tie('obj') },
  ),
}));
const topObject = fc.array(fc.tuple(fc.constantFrom(...KEYS), node), { maxLength: 5 }).map((members): Node => ({ t: 'obj', members }));

/** Renders a node with whitespace from `spaces` (cycled). */
function render(n: Node, spaces: string[]): string {
  let k = 0;
  const ws = () => spaces[k++ % spaces.length]!;
  const go = (m: Node): string => {
    if (m.t === 'raw') return m.text;
    if (m.t === 'arr') return `[${ws()}${m.items.map((i) => go(i)).join(`${ws()},${ws()}`)}${ws()}]`;
    return `{${ws()}${m.members.map(([key, v]) => `"${key}"${ws()}:${ws()}${go(v)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  };
  return `${ws()}${go(n)}${ws()}`;
}

const BREAKERS = [',', '}', ']', '"', '\u0001', 'x', '\\', ':', '{', '[', '-', '.', 'e', '0'];
const breakage = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('cut' as const), fc.nat()) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constantFrom(...BREAKERS)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('delete' as const), fc.nat()) },
);

const eventText = fc
  .tuple(fc.oneof({ weight: 9, arbitrary: topObject }, { weight: 1, arbitrary: node }), fc.array(fc.constantFrom(...SPACE), { minLength: 1, maxLength: 5 }), breakage)
  .map(([n, spaces, broken]) => {
    const text = render(n, spaces);
    if (broken === undefined || text.length === 0) return text;
    const at = broken[1] % text.length;
    if (broken[0] === 'cut') return text.slice(0, at);
    if (broken[0] === 'insert') return text.slice(0, at) + broken[2] + text.slice(at);
    return text.slice(0, at) + text.slice(at + 1);
  });

const PATTERNS = [
  '{"a": ["x"]}',
  '{"a": {"b": [1]}}',
  '{"a.b": [{"numeric": [">", 0]}]}',
  '{"source": [{"prefix": "x"}]}',
  '{"a": [{"exists": false}]}',
  '{"b": [{"anything-but": ["x"]}]}',
  '{"a": {"b": [{"exists": true}]}, "c": [null]}',
  '{"a": [12345678901234567890]}',
  '{"c": [{"equals-ignore-case": "X"}]}',
  '{"a": [{"cidr": "10.0.0.0/24"}]}',
  '{"$or": [{"a": ["x"]}, {"b": [true]}]}',
  '{"a": {"b": ["xy"]}, "b": [{"suffix": "y"}]}',
  '{"x": {"a": [{"wildcard": "*"}]}}',
  '{"a": [0.30000000000000001, 300]}',
  '{"b": {"c": [{"anything-but": {"prefix": "x"}}]}, "source": ["x"]}',
  '{"a": ["a\\"b", "é", "x\\ny", "/"]}',
].map((text) => compilePattern(text));

type Outcome = { rules: number[] } | { error: string };

/**
 * The text parsed whole. A top-level JSON string is swapped for another
 * non-object (both flatten to nothing): handed to match() as a string it would
 * be read as JSON text again.
 */
function parsed(text: string): unknown {
  const value = parseEventJson(text);
  return typeof value === 'string' ? 0 : value;
}

function outcome(run: () => number[]): Outcome {
  try {
    return { rules: run() };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

describe('the JSON-text scanner agrees with parse + flatten', () => {
  it('a RuleIndex returns the same rules (or the same error) for the text as for the parsed text', () => {
    const seen = { scanned: 0, handedOver: 0, errors: 0 };
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(PATTERNS.length - 1), { minLength: 1, maxLength: 6 }), fc.array(eventText, { minLength: 1, maxLength: 4 }), (chosen, texts) => {
        const index = new RuleIndex<number>();
        for (const i of chosen) index.add(`r${i}`, PATTERNS[i]!, i);
        for (const text of texts) {
          const viaParse = outcome(() => index.match(parsed(text)));
          expect(outcome(() => index.match(text))).toEqual(viaParse);
          if ('error' in viaParse) seen.errors++;
          const table = new SlotTable(chosen.flatMap((i) => PATTERNS[i]!.paths));
          if (scanEventText(text, table.paths, new FlatEvent())) seen.scanned++;
          else seen.handedOver++;
        }
      }),
      { numRuns: 3000 },
    );
    // Both paths and the error case must actually be exercised for the agreement to mean anything.
    const total = seen.scanned + seen.handedOver;
    expect(seen.scanned).toBeGreaterThan(total * 0.4);
    expect(seen.handedOver).toBeGreaterThan(total * 0.05);
    expect(seen.errors).toBeGreaterThan(total * 0.05);
  });

  it('matchPattern gives the same verdict for the text as for the parsed text', () => {
    fc.assert(
      fc.property(fc.nat(PATTERNS.length - 1), eventText, (i, text) => {
        const pattern = PATTERNS[i]!;
        const viaParse = outcome(() => [Number(matchPattern(pattern, parsed(text)))]);
        expect(outcome(() => [Number(matchPattern(pattern, text))])).toEqual(viaParse);
      }),
      { numRuns: 3000 },
    );
  });

  it('hands over what it cannot be sure of: repeated wanted keys, a non-object top level, deep nesting', () => {
    const table = new SlotTable(['a.b', 'c']);
    const scans = (text: string) => scanEventText(text, table.paths, new FlatEvent());
    expect(scans('{"a": {"b": 1}, "c": "x", "d": [1, {"e": null}]}')).toBe(true);
    expect(scans('{"a": {"b": 1}, "a": {"b": 2}}')).toBe(false);
    expect(scans('{"d": 1, "d": 2, "c": 1}')).toBe(true); // a key no rule reads may repeat
    expect(scans('[{"c": 1}]')).toBe(false);
    expect(scans(`{"d": ${'['.repeat(200)}${']'.repeat(200)}}`)).toBe(false);
    expect(scans('{"c": 1} x')).toBe(false);
    const index = new RuleIndex<string>();
    index.add('deep', compilePattern('{"a": {"b": [{"exists": true}]}}'), 'deep');
    const deep = `{"d": ${'['.repeat(200)}${']'.repeat(200)}, "a": {"b": 0}}`;
    expect(index.match(deep)).toEqual(['deep']);
    expect(index.match('{"a": {"b": 0}, "a": {"c": 0}}')).toEqual([]); // the last "a" wins, as in JSON.parse
  });
});

/**
 * The patterns above with their fields under `detail`, and some that also read the envelope's own
 * arrays: a PutEvents event is an object whose detail may still be its text (JsonObjectText), and
 * the leaves of both must keep apart the elements of different arrays.
 */
const DETAIL_PATTERNS = [
  ...PATTERNS.map((p) => p.source),
  '{"resources": ["x"], "detail": {"a": ["x"]}}',
  '{"resources": ["y"], "detail": {"a": {"b": [1]}}}',
  '{"resources": [{"prefix": "x"}], "detail": {"b": [{"exists": true}]}}',
  '{"source": ["s"], "detail": {"a": [{"exists": false}]}}',
].map((text, i) => compilePattern(i < PATTERNS.length ? `{"detail": ${text}}` : text));

describe('a detail still as text (JsonObjectText) is matched as its parse would be', () => {
  const detailText = eventText.filter((text) => parsesToObject(text) && isJsonObjectText(text));
  const resources = fc.array(fc.constantFrom('x', 'y', 'xy'), { maxLength: 3 });

  it('a RuleIndex returns the same rules for an envelope with the text as with its parseEventJson', () => {
    const seen = { matched: 0, none: 0 };
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(DETAIL_PATTERNS.length - 1), { minLength: 1, maxLength: 6 }), detailText, resources, (chosen, text, resourceList) => {
        const index = new RuleIndex<number>();
        for (const i of chosen) index.add(`r${i}`, DETAIL_PATTERNS[i]!, i);
        const envelope = (detail: unknown) => ({ version: '0', id: 'e', 'detail-type': 't', source: 's', resources: resourceList, detail });
        const viaParse = index.match(envelope(parseEventJson(text)));
        expect(index.match(envelope(new JsonObjectText(text)))).toEqual(viaParse);
        // The envelope's text as a whole, as TestEventPattern reads it, agrees too.
        expect(index.match(JSON.stringify(envelope(null)).replace(/"detail":null/, `"detail":${text}`))).toEqual(viaParse);
        if (viaParse.length > 0) seen.matched++;
        else seen.none++;
      }),
      { numRuns: 3000 },
    );
    expect(seen.matched).toBeGreaterThan(300);
    expect(seen.none).toBeGreaterThan(300);
  });

  it('a repeated wanted key in the text is read as JSON.parse reads it (the last one), elements of two arrays stay apart', () => {
    const index = new RuleIndex<string>();
    index.add('ab', compilePattern('{"detail": {"a": {"b": [2]}}}'), 'ab');
    index.add('both', compilePattern('{"resources": ["x"], "detail": {"c": ["y"]}}'), 'both');
    const envelope = (text: string, resourceList: string[] = []) => ({ source: 's', resources: resourceList, detail: new JsonObjectText(text) });
    expect(index.match(envelope('{"a": {"b": 1}, "a": {"b": 2}}'))).toEqual(['ab']);
    expect(index.match(envelope('{"a": {"b": 2}, "a": {"b": 1}}'))).toEqual([]);
    // resources[0] and c[1]: two arrays, so any element of one goes with any element of the other.
    expect(index.match(envelope('{"c": ["z", "y"]}', ['x', 'w']))).toEqual(['both']);
    expect(index.match(envelope('{"c": ["z"]}', ['x']))).toEqual([]);
  });
});

/** What PutEvents requires of a Detail: JSON.parse reads it, as an object. */
function parsesToObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

describe('isJsonObjectText agrees with JSON.parse', () => {
  it('on the texts above (broken ones included) it answers exactly as JSON.parse does', () => {
    const seen = { objects: 0, not: 0 };
    fc.assert(
      fc.property(eventText, (text) => {
        const expected = parsesToObject(text);
        expect(isJsonObjectText(text)).toBe(expected);
        if (expected) seen.objects++;
        else seen.not++;
      }),
      { numRuns: 5000 },
    );
    expect(seen.objects).toBeGreaterThan(1000);
    expect(seen.not).toBeGreaterThan(500);
  });

  it('on any JSON object it answers true; on any text at all, true only where JSON.parse reads an object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(undefined, 2, '\t'), (object, space) => {
        expect(isJsonObjectText(JSON.stringify(object, null, space))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', 'e', '-', '.', '\\', 'u', ' ', '\ud800', '\u0000', 'x') })), (text) => {
        if (isJsonObjectText(text)) expect(parsesToObject(text)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
