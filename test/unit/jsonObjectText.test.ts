/**
 * isJsonObjectText must accept exactly what JSON.parse accepts as an object: PutEvents answers
 * MalformedDetail on its verdict. Property: on JSON texts, their mutations and arbitrary strings,
 * it agrees with JSON.parse.
 */
import fc from 'fast-check';
import { isJsonObjectText } from '../../src/apis/events/bus/jsonObjectText.js';

function parsesToObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\t', '\n', '\r', '\f', '\u00a0', '\ufeff', '-', '+', '.', 'e', 'E', '0', '1', '9', 'true', 'fals', 'null', 'u', '\\u00e9', '\\uD83D', '\\x', '\u0001', '\u001f', '\ud800', 'é'];
const piece = fc.constantFrom(...pieces);

/** A JSON text with whitespace where JSON allows it, often wrapped in an object. */
const jsonText = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('', ' ', '\n\t', '\r\n  ')).map(([value, space]) => {
  const text = JSON.stringify(value, null, space === '' ? undefined : space) ?? 'null';
  return text;
});
const objectText = fc.oneof(jsonText, jsonText.map((t) => `{"k":${t}}`), jsonText.map((t) => ` {"a" : [${t}, ${t}] }\n`));

/** Delete, insert or replace a few characters: near-misses of valid JSON. */
const mutated = fc
  .tuple(objectText, fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), piece), { minLength: 1, maxLength: 3 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, kind, p] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      if (kind === 'delete') out = out.slice(0, i) + out.slice(i + 1);
      else if (kind === 'insert') out = out.slice(0, i) + p + out.slice(i);
      else out = out.slice(0, i) + p + out.slice(i + 1);
    }
    return out;
  });

describe('isJsonObjectText', () => {
  it('agrees with JSON.parse on JSON texts, their near-misses and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(objectText, mutated, mutated, fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), fc.string()), (text) => {
        expect(isJsonObjectText(text)).toBe(parsesToObject(text));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['{}', true],
    [' {"a":1} ', true],
    ['{"a":-0.5e+10,"b":[true,false,null,{}],"c":"\\u00E9\\n\\"\\/"}', true],
    ['{"dup":1,"dup":2}', true],
    ['{"lone":"\ud800"}', true],
    ['[]', false],
    ['null', false],
    ['"{}"', false],
    ['{"a":01}', false],
    ['{"a":1.}', false],
    ['{"a":.5}', false],
    ['{"a":1e}', false],
    ['{"a":-}', false],
    ['{"a":1,}', false],
    ['{"a" 1}', false],
    ['{a:1}', false],
    ["{'a':1}", false],
    ['{"a":"\t"}', false],
    ['{"a":"\\x"}', false],
    ['{"a":"\\u12G4"}', false],
    ['{"a":"', false],
    ['{"a":[1,]}', false],
    ['{"a":[1 2]}', false],
    ['{}{}', false],
    ['\ufeff{}', false],
    ['{}\u00a0', false],
    ['{"a":NaN}', false],
    ['{"a":Infinity}', false],
    ['', false],
  ])('%j -> %s', (text, expected) => {
    expect(isJsonObjectText(text)).toBe(expected);
    expect(parsesToObject(text)).toBe(expected);
  });

  it('takes nesting as deep as JSON.parse does', () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(isJsonObjectText(deep)).toBe(parsesToObject(deep));
    expect(isJsonObjectText(`{"a":${'['.repeat(100_000)}}`)).toBe(false);
  });
});
