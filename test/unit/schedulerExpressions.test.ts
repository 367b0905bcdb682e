/** Scheduler expressions in a time zone, across daylight-saving transitions (America/New_York, 2027). */
import { instantOf, nextInvocation, parseExpression, wallTime } from '../../src/apis/scheduler/expressions.js';

const zone = 'America/New_York';
const utc = (iso: string) => Date.parse(iso);
const cron = (e: string) => parseExpression(e)!;

test('wall time and instant round-trip outside transitions', () => {
  const at = utc('2027-06-01T16:00:00Z');
  expect(wallTime(at, zone)).toBe(utc('2027-06-01T12:00:00Z'));
  expect(instantOf(utc('2027-06-01T12:00:00Z'), zone)).toBe(at);
});

test('spring forward: a daily 02:30 that does not exist on 14 March is skipped', () => {
  const expr = cron('cron(30 2 * * ? *)');
  const before = utc('2027-03-13T08:00:00Z'); // 03:00 EST on the 13th, after that day's 02:30
  expect(nextInvocation(expr, zone, before, 0)).toBe(utc('2027-03-15T06:30:00Z')); // 02:30 EDT on the 15th
});

test('fall back: an hourly :30 runs once in the repeated 01:00 hour', () => {
  const expr = cron('cron(30 * * * ? *)');
  const times: number[] = [];
  let after = utc('2027-11-07T04:00:00Z'); // 00:00 EDT
  for (let i = 0; i < 3; i++) {
    after = nextInvocation(expr, zone, after, 0)!;
    times.push(after);
  }
  // 00:30 EDT, 01:30 (once), 02:30 EST.
  expect(times.map((t) => new Date(t).toISOString())).toEqual(['2027-11-07T04:30:00.000Z', '2027-11-07T05:30:00.000Z', '2027-11-07T07:30:00.000Z']);
});

test('rate: the anchor (StartDate or creation) is the first invocation; a day is 24 hours across DST', () => {
  const expr = parseExpression('rate(1 day)')!;
  const anchor = utc('2027-03-13T17:00:00Z');
  expect(nextInvocation(expr, zone, anchor - 1, anchor)).toBe(anchor);
  expect(nextInvocation(expr, zone, anchor, anchor)).toBe(anchor + 86_400_000);
});

test('at() parses only real dates', () => {
  expect(parseExpression('at(2027-02-29T00:00:00)')).toBeUndefined();
  expect(parseExpression('at(2028-02-29T00:00:00)')).toEqual({ kind: 'at', wallMs: utc('2028-02-29T00:00:00Z') });
});
