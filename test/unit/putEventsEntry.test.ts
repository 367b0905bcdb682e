import { entriesExceed, entrySize, type PutEventsEntry } from '../../src/apis/events/bus/putEventsEntry.js';

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
