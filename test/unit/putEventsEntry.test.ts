import { checkEntry, entriesExceed, entrySize, isEntryFailure, type PutEventsEntry } from '../../src/apis/events/bus/putEventsEntry.js';
import { UnparsedDetail } from '../../src/apis/events/bus/envelope.js';

describe('entriesExceed', () => {
  const entry = (detailText: string, extra: Partial<PutEventsEntry> = {}): PutEventsEntry => ({ Source: 's', DetailType: 'd', Detail: `{"t":"${detailText}"}`, ...extra });

  // Characters of 1 to 4 UTF-8 bytes (a surrogate pair is 4), a lone surrogate (3, as U+FFFD), with and without Time and Resources.
  test.each(['a', 'é', '日', '😀', '\ud800', 'aé日😀'])('agrees with the exact sizes at the limit and one byte past it (%j)', (text) => {
    for (const extra of [{}, { Time: 1700000000 }, { Resources: ['arn:aws:x', 'ü'] }]) {
      const entries = [entry(text.repeat(40), extra), entry(text, extra)];
      const exact = entries.reduce((sum, e) => sum + entrySize(e), 0);
      expect(entriesExceed(entries, exact)).toBe(false);
      expect(entriesExceed(entries, exact - 1)).toBe(true);
      expect(entriesExceed(entries, 3 * exact)).toBe(false);
    }
  });

  test('no entries, and entries without the optional members', () => {
    expect(entriesExceed([], 0)).toBe(false);
    expect(entriesExceed([{}], 0)).toBe(false);
    expect(entriesExceed([{ Source: 'x' }], 0)).toBe(true);
  });
});

describe('checkEntry: the Detail', () => {
  const check = (Detail: string) => checkEntry({ Source: 's', DetailType: 'd', Detail }, { allowAwsSources: false });
  const detailOf = (Detail: string) => {
    const checked = check(Detail);
    if (isEntryFailure(checked)) return checked;
    return checked.detail instanceof UnparsedDetail ? { unparsed: checked.detail.parse() } : { parsed: checked.detail };
  };
  const malformed = { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };

  test('a JSON object is accepted; the scanner leaves it unparsed where it can tell, JSON.parse decides the rest', () => {
    expect(detailOf(' {"a": [1, {"b": null}], "c": "\\u00e9"} ')).toEqual({ unparsed: { a: [1, { b: null }], c: 'é' } });
    // A lone surrogate, and nesting past the scanner's depth: JSON.parse reads them.
    expect(detailOf('{"a":"\ud800"}')).toEqual({ parsed: { a: '\ud800' } });
    const deep = `{"a":${'['.repeat(200)}${']'.repeat(200)}}`;
    expect(detailOf(deep)).toEqual({ parsed: JSON.parse(deep) });
  });

  test.each(['', ' ', '[1]', '"text"', '1', 'null', '{not json', '{"a":1,}', '{"a":1} x', '{"a":01}', '{"a":"\u0001"}', '{"a":1}\u0000', `{"a":${'['.repeat(200)}}`])('%j is malformed', (text) => {
    expect(check(text)).toEqual(malformed);
  });
});
