/**
 * The table-driven corpus (test/patterns/corpus/*.json): for each pattern,
 * events it must match and events it must not, or the exact error AWS gives.
 * Every verdict is checked against the compiled matcher, the RuleIndex and
 * the reference interpreter. Each entry names its evidence (AWS user guide
 * section, a response recorded against real AWS, or the reference matcher).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsError } from '../../src/errors.js';
import { RuleIndex, compilePattern, matchPattern } from '../../src/engine/patterns/index.js';
import { referenceMatches } from '../../src/engine/patterns/reference.js';

interface MatchingCase {
  title: string;
  evidence: string;
  pattern: unknown;
  match?: unknown[];
  noMatch?: unknown[];
  /**
   * Why the reference interpreter cannot judge this case (it reads patterns and
   * events with JSON.parse: numbers become doubles, repeated keys collapse).
   */
  outsideReference?: string;
}

interface ErrorCase {
  title: string;
  evidence: string;
  /** The pattern text exactly as sent. */
  pattern: string;
  reason: string;
  /** [line, column] of Jackson's location suffix; absent for errors AWS reports without one. */
  at?: [number, number];
  /** How many times the location suffix is repeated (2 inside anything-but lists). */
  repeat?: number;
  /** A full message recorded from AWS, checked verbatim. */
  recorded?: string;
}

interface CorpusFile {
  matching?: MatchingCase[];
  errors?: ErrorCase[];
}

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const files = readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort();
const corpus = files.map((file) => [file, JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as CorpusFile] as const);

const patternText = (pattern: unknown) => (typeof pattern === 'string' ? pattern : JSON.stringify(pattern));
const eventValue = (event: unknown) => (typeof event === 'string' ? JSON.parse(event) : event);

function expectedMessage(c: ErrorCase): string {
  const location = c.at === undefined ? '' : `\n at [Source: (String)"${c.pattern}"; line: ${c.at[0]}, column: ${c.at[1]}]`;
  return `Event pattern is not valid. Reason: ${c.reason}${location.repeat(c.repeat ?? 1)}`;
}

function thrownBy(text: string): AwsError | undefined {
  try {
    compilePattern(text);
    return undefined;
  } catch (error) {
    return error as AwsError;
  }
}

describe.each(corpus)('%s', (_file, data) => {
  const verdicts = (data.matching ?? []).flatMap((c) => [
    ...(c.match ?? []).map((event, i) => [`${c.title} / match #${i + 1}`, c, event, true] as const),
    ...(c.noMatch ?? []).map((event, i) => [`${c.title} / no match #${i + 1}`, c, event, false] as const),
  ]);

  if (verdicts.length > 0) {
    it.each(verdicts)('%s', (_name, c, event, expected) => {
      const compiled = compilePattern(patternText(c.pattern));
      expect(matchPattern(compiled, event)).toBe(expected);
      const index = new RuleIndex<string>();
      index.add('decoy', compilePattern('{"source": ["corpus.decoy"]}'), 'decoy');
      index.add('rule', compiled, 'rule');
      expect(index.match(event)).toEqual(expected ? ['rule'] : []);
      if (c.outsideReference !== undefined) return;
      const patternValue = typeof c.pattern === 'string' ? JSON.parse(c.pattern) : c.pattern;
      expect(referenceMatches(patternValue, eventValue(event))).toBe(expected);
    });
  }

  const errors = data.errors ?? [];
  if (errors.length > 0) {
    it.each(errors.map((c) => [c.title, c] as const))('rejects: %s', (_title, c) => {
      const error = thrownBy(c.pattern);
      expect(error).toBeInstanceOf(AwsError);
      expect(error!.type).toBe('InvalidEventPatternException');
      expect(error!.status).toBe(400);
      expect(error!.message).toBe(c.recorded ?? expectedMessage(c));
    });
  }
});

it('holds at least 300 cases', () => {
  const count = corpus.reduce(
    (sum, [, data]) =>
      sum + (data.errors?.length ?? 0) + (data.matching ?? []).reduce((n, c) => n + (c.match?.length ?? 0) + (c.noMatch?.length ?? 0), 0),
    0,
  );
  expect(count).toBeGreaterThanOrEqual(300);
});
