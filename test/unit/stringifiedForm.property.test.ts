/**
 * Property: isStringifiedForm(text) is true only when JSON.stringify(JSON.parse(text)) is the
 * text itself (a delivered event then carries the Detail's text as it is: envelopeJson), and it
 * is true for what JSON.stringify writes of the usual Details. The texts are built to hit what
 * JSON.stringify writes otherwise: whitespace, escapes, number spellings, lone surrogates,
 * repeated keys, keys JSON.parse reorders, and broken JSON.
 */
import fc from 'fast-check';
import { isStringifiedForm } from '../../src/util/stringifiedForm.js';

type Node = { readonly t: 'obj'; readonly members: readonly (readonly [string, Node])[] } | { readonly t: 'arr'; readonly items: readonly Node[] } | { readonly t: 'raw'; readonly text: string };

const KEYS = ['"a"', '"b"', '"a"', '"0"', '"1"', '"10"', '"1a"', '"-1"', '"__proto__"', '"\\u0061"', '"a\\"b"', '"é"', '"😀"', '"x\\ny"', '""'];
const STRINGS = ['"x"', '""', '"a\\"b"', '"a\\\\b"', '"\\u0078"', '"\\u001f"', '"\\u001F"', '"é"', '"😀"', '"\\ud83d\\ude00"', '"x\\ny"', '"\\b\\f\\r\\t"', '"\\ud800"', '"\\/"', '"/"', '"\u2028"'];
const NUMBERS = ['0', '-0', '1', '-1', '1.0', '1e0', '10E-1', '300', '3e2', '-122.5', '0.5', '1.5e-7', '1e21', '1e+21', '123456789012345', '1234567890123456', '12345678901234567890', '0.30000000000000001', '2.5', '1E400', '-1.5e+3', '007', '1.', '.5'];
const LITERALS = ['true', 'false', 'null', 'nul', 'True'];
const SPACE = ['', '', '', '', '', ' ', '\n', '\t'];

const raw = fc.constantFrom(...STRINGS, ...NUMBERS, ...LITERALS).map((text): Node => ({ t: 'raw', text }));
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: raw },
    fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { maxLength: 4 }).map((members): Node => ({ t: 'obj', members })),
    fc.array(tie('node'), { maxLength: 3 }).map((items): Node => ({ t: 'arr', items })),
  ),
}));

/** The node's text, with whitespace from `space` put between tokens (cycling). */
function write(n: Node, space: () => string): string {
  if (n.t === 'raw') return n.text;
  if (n.t === 'arr') return `[${n.items.map((item) => space() + write(item, space) + space()).join(',')}]`;
  return `{${n.members.map(([key, value]) => `${space()}${key}${space()}:${space()}${write(value, space)}${space()}`).join(',')}}`;
}

const texts = fc.tuple(node, fc.array(fc.constantFrom(...SPACE), { minLength: 1, maxLength: 8 }), fc.constantFrom('', '', ' ', 'x', ',')).map(([n, spaces, tail]) => {
  let i = 0;
  return write(n, () => spaces[i++ % spaces.length]!) + tail;
});

function roundTrips(text: string): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

describe('isStringifiedForm', () => {
  it('is true only for text JSON.stringify(JSON.parse(text)) writes back as it is', () => {
    fc.assert(
      fc.property(texts, (text) => {
        if (isStringifiedForm(text)) expect(roundTrips(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is true for what JSON.stringify writes of Details: keys not starting with a digit, characters it writes as they are', () => {
    const key = fc.string({ maxLength: 6 }).filter((k) => !/^[0-9]/.test(k) && !/[\u0000-\u001f]/.test(k));
    const text = fc.string({ maxLength: 8, unit: 'grapheme' }).filter((s) => !/[\u0000-\u0007\u000b\u000e-\u001f]/.test(s));
    const { detail } = fc.letrec<{ value: unknown; detail: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), tie('detail')),
      detail: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(detail, (value) => {
        const written = JSON.stringify(value);
        expect(isStringifiedForm(written)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells the cases it stands for apart', () => {
    const yes = ['{}', '[]', '{"a":1,"b":[true,false,null],"c":{"d":"x\\ny"}}', '{"n":-122.5,"e":1.5e-7,"big":1e+21}', '{"s":"😀 é \\"q\\" \\\\"}', '{"a":{"a":1},"b":{"a":2}}', '123456789012345'];
    const no = ['{ }', '{"a": 1}', '{"a":1.0}', '{"a":-0}', '{"a":1e3}', '{"a":12345678901234567890}', '{"a":"\\u0041"}', '{"a":"\\/"}', '{"a":1,"a":2}', '{"b":1,"0":2}', '{"a":"\\ud800"}', '{"a":1}x', '{"a":1', '{"a":tru}'];
    for (const text of yes) expect([text, isStringifiedForm(text)]).toEqual([text, true]);
    for (const text of no) expect([text, isStringifiedForm(text)]).toEqual([text, false]);
    // Written back as they are, but turned down (the check stays simple; these are parsed and written out again).
    const turnedDown = ['{"1a":1}', '{"a":"\\u0000"}'];
    for (const text of turnedDown) expect([text, roundTrips(text), isStringifiedForm(text)]).toEqual([text, true, false]);
  });
});
