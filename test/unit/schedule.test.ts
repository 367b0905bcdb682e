import { nextFireTime, parseSchedule, type CronSchedule, type Schedule } from '../../src/engine/expressions/index.js';

/**
 * Sources: UG = User Guide "Creating an Amazon EventBridge rule that runs on a schedule" /
 * "Cron expressions reference" (fields, wildcards, examples, rate rules);
 * AWS = PutRule answers recorded on AWS (aws-facts §2.3); SCHED = answers recorded on
 * EventBridge Scheduler, which shares the expression syntax; MODEL = our choice where AWS
 * says nothing (see src/engine/expressions).
 */
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));
const ms = (text: string) => Date.parse(text);

function mustParse(expression: string): Schedule {
  const schedule = parseSchedule(expression);
  if (!schedule) throw new Error(`expected ${expression} to parse`);
  return schedule;
}

describe('parseSchedule accepts', () => {
  it.each([
    // UG rate examples and rules
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(2 hours)',
    'rate(1 day)',
    'rate(2 days)',
    'rate(1000 minutes)',
    // UG cron examples
    'cron(0 10 * * ? *)',
    'cron(15 12 * * ? *)',
    'cron(0 18 ? * MON-FRI *)',
    'cron(0 8 1 * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(0/10 * ? * MON-FRI *)',
    'cron(0/5 8-17 ? * MON-FRI *)',
    'cron(0/30 20-2 ? * MON-FRI *)',
    'cron(0 12 * * ? *)',
    'cron(5,35 14 * * ? *)',
    'cron(15 10 ? * 6L 2019-2022)',
    // AWS (recorded)
    'cron(15 10 ? * 6L 2002-2005)',
    'cron(0 2 ? * SAT#3 *)',
    'cron(0 20 * * ? *)',
    'cron(0/30 20-23 ? * MON-FRI *)',
    'cron(0/30 0-2 ? * MON-FRI *)',
    // UG wildcard table: L, W, #, names, ranges of years
    'cron(0 0 L * ? *)',
    'cron(0 0 3W * ? *)',
    'cron(0 0 ? * 3#2 *)',
    'cron(0 0 ? JAN,FEB,MAR L *)',
    'cron(0 0 1-15 * ? 1970-2199)',
    'cron(0 0 ? * * *)',
    'cron(*/5 * ? * * *)',
    // MODEL: Quartz's LW, lower-case names, several spaces between fields, wrapping day ranges
    'cron(0 0 LW * ? *)',
    'cron(0 0 * jan ? *)',
    'cron(0  0 * * ?  *)',
    'cron(0 12 ? * FRI-MON *)',
    'cron(0 0 1 NOV-FEB ? *)',
    'cron(10-50/20 * * * ? 2025/2)',
  ])('%s', (expression) => {
    expect(parseSchedule(expression)).toBeDefined();
  });
});

describe('parseSchedule rejects', () => {
  it.each([
    // AWS (recorded on PutRule)
    'cron(0 1 * * * *)',
    'cron(71 8 1 * ? *)',
    // SCHED (recorded)
    'cron(7 20 * * NOT *)',
    'cron(INVALID)',
    'cron(0 dummy ? * MON-FRI *)',
    'cron()',
    'rate(10 seconds)',
    'rate(10 years)',
    'rate()',
    'rate(10)',
    'rate(10 minutess)',
    'rate(foo minutes)',
    'rate(-10 minutes)',
    'rate( 10 minutes )',
    ' rate(10 minutes)',
    'at(2021-12-31T23:59:59Z)',
    // UG rules
    'rate(1 hours)',
    'rate(5 hour)',
    'rate(0 minutes)',
    'rate(1.5 hours)',
    'cron(0 10 ? * 3#1,6#3 *)',
    'cron(0 10 * * ?)',
    'cron(0 0 10 * * ? *)',
    'cron(0 10 ? * ? *)',
    'cron(0 10 7 * MON *)',
    'cron(0 24 * * ? *)',
    'cron(60 0 * * ? *)',
    'cron(0 0 0 * ? *)',
    'cron(0 0 32 * ? *)',
    'cron(0 0 * 13 ? *)',
    'cron(0 0 ? * 8 *)',
    'cron(0 0 ? * 0 *)',
    'cron(0 0 * * ? 1969)',
    'cron(0 0 * * ? 2200)',
    'cron(0 0 ? * MON/2 *)',
    'cron(? 0 * * ? *)',
    'cron(0 0 * ? ? *)',
    'cron(0 0 ? * 2#6 *)',
    'cron(0 0 ? * 8L *)',
    'cron(0 0 1,L * ? *)',
    'cron(0 0 1-5W * ? *)',
    'cron(0 0 32W * ? *)',
    // MODEL: malformed items, steps, padding, case of the keyword
    'cron(0/0 * * * ? *)',
    'cron(0/61 * * * ? *)',
    'cron(1,,2 * * * ? *)',
    'cron(-5 * * * ? *)',
    'cron(0 0 * * ? 2030-2020)',
    'cron(0 0 L-3 * ? *)',
    'cron(0 0 * * ? * )',
    'cron( 0 0 * * ? *)',
    'CRON(0 0 * * ? *)',
    'Rate(5 minutes)',
    'rate(5  minutes)',
    'rate(99999999999999999 days)',
    '',
  ])('%j', (expression) => {
    expect(parseSchedule(expression)).toBeUndefined();
  });
});

describe('parsed cron fields', () => {
  it('expands steps, ranges, wrapping ranges and names', () => {
    const cron = mustParse('cron(0/20 20-2/2 ? JAN,MAR-APR MON-WED 2025-2027)') as CronSchedule;
    expect(cron.minutes).toEqual([0, 20, 40]);
    expect(cron.hours).toEqual([0, 2, 20, 22]);
    expect(cron.months).toEqual([1, 3, 4]);
    expect(cron.daysOfWeek).toEqual({ kind: 'days', days: [2, 3, 4] });
    expect(cron.daysOfMonth).toEqual({ kind: 'any' });
    expect(cron.years).toEqual([2025, 2026, 2027]);
  });

  it('reads the special day forms', () => {
    expect((mustParse('cron(0 0 15W * ? *)') as CronSchedule).daysOfMonth).toEqual({ kind: 'nearestWeekday', day: 15 });
    expect((mustParse('cron(0 0 ? * 6L *)') as CronSchedule).daysOfWeek).toEqual({ kind: 'lastInMonth', day: 6 });
    expect((mustParse('cron(0 0 ? * SAT#3 *)') as CronSchedule).daysOfWeek).toEqual({ kind: 'nthInMonth', day: 7, nth: 3 });
    expect((mustParse('cron(0 0 ? * L *)') as CronSchedule).daysOfWeek).toEqual({ kind: 'days', days: [7] });
  });

  it('reads rate periods', () => {
    expect(mustParse('rate(1 minute)')).toEqual({ kind: 'rate', everyMs: 60_000 });
    expect(mustParse('rate(3 hours)')).toEqual({ kind: 'rate', everyMs: 3 * 3_600_000 });
    expect(mustParse('rate(2 days)')).toEqual({ kind: 'rate', everyMs: 2 * 86_400_000 });
  });
});

describe('nextFireTime, cron', () => {
  const cases: Array<[string, string, string, string | undefined]> = [
    ['same day', 'cron(0 10 * * ? *)', '2024-01-01T09:59:00Z', '2024-01-01T10:00:00Z'],
    ['strictly after a fire time', 'cron(0 10 * * ? *)', '2024-01-01T10:00:00Z', '2024-01-02T10:00:00Z'],
    ['seconds into the fire minute', 'cron(0 10 * * ? *)', '2024-01-01T10:00:30Z', '2024-01-02T10:00:00Z'],
    ['year rollover', 'cron(15 12 * * ? *)', '2024-12-31T12:15:00Z', '2025-01-01T12:15:00Z'],
    ['weekdays skip the weekend', 'cron(0 18 ? * MON-FRI *)', '2024-06-28T18:00:00Z', '2024-07-01T18:00:00Z'],
    ['first of the month', 'cron(0 8 1 * ? *)', '2024-01-15T00:00:00Z', '2024-02-01T08:00:00Z'],
    ['every 15 minutes', 'cron(0/15 * * * ? *)', '2024-01-01T10:07:00Z', '2024-01-01T10:15:00Z'],
    ['every 15 minutes, next hour', 'cron(0/15 * * * ? *)', '2024-01-01T10:59:59Z', '2024-01-01T11:00:00Z'],
    ['office hours end on Friday', 'cron(0/5 8-17 ? * MON-FRI *)', '2024-06-28T17:55:00Z', '2024-07-01T08:00:00Z'],
    ['hours wrapping past midnight', 'cron(0/30 20-2 ? * MON-FRI *)', '2024-01-01T23:45:00Z', '2024-01-02T00:00:00Z'],
    ['hours wrapping: the evening part', 'cron(0/30 20-2 ? * MON-FRI *)', '2024-01-01T02:30:00Z', '2024-01-01T20:00:00Z'],
    ['two minutes in an hour', 'cron(5,35 14 * * ? *)', '2024-01-01T14:05:00Z', '2024-01-01T14:35:00Z'],
    ['day 31 skips short months', 'cron(0 0 31 * ? *)', '2024-01-31T00:00:00Z', '2024-03-31T00:00:00Z'],
    ['29 February waits for a leap year', 'cron(0 0 29 2 ? *)', '2024-03-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['29 February in a leap year', 'cron(0 0 29 2 ? *)', '2023-01-01T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['L in a leap February', 'cron(0 0 L * ? *)', '2024-02-01T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['L in a common February', 'cron(0 0 L * ? *)', '2023-02-01T00:00:00Z', '2023-02-28T00:00:00Z'],
    ['L in a 30-day month', 'cron(0 0 L 4 ? *)', '2024-01-01T00:00:00Z', '2024-04-30T00:00:00Z'],
    ['LW when the month ends on a Sunday', 'cron(0 9 LW * ? *)', '2024-06-01T00:00:00Z', '2024-06-28T09:00:00Z'],
    ['LW when the month ends on a Saturday', 'cron(0 9 LW * ? *)', '2024-08-01T00:00:00Z', '2024-08-30T09:00:00Z'],
    ['1W on a Saturday moves forward to Monday the 3rd', 'cron(0 9 1W * ? *)', '2024-05-31T12:00:00Z', '2024-06-03T09:00:00Z'],
    ['15W on a Saturday moves to Friday', 'cron(0 9 15W * ? *)', '2024-06-01T00:00:00Z', '2024-06-14T09:00:00Z'],
    ['15W on a Sunday moves to Monday', 'cron(0 9 15W * ? *)', '2024-09-01T00:00:00Z', '2024-09-16T09:00:00Z'],
    ['31W on a last-day Sunday moves back to Friday', 'cron(0 9 31W * ? *)', '2024-03-01T00:00:00Z', '2024-03-29T09:00:00Z'],
    ['31W skips 30-day months', 'cron(0 9 31W * ? *)', '2024-04-01T00:00:00Z', '2024-05-31T09:00:00Z'],
    ['years all in the past', 'cron(15 10 ? * 6L 2002-2005)', '2024-01-01T00:00:00Z', undefined],
    ['last Friday (6L)', 'cron(15 10 ? * 6L 2019-2030)', '2024-01-01T00:00:00Z', '2024-01-26T10:15:00Z'],
    ['last Friday of a leap February ending on Thursday', 'cron(15 10 ? * 6L 2019-2030)', '2024-01-26T10:15:00Z', '2024-02-23T10:15:00Z'],
    ['third Saturday (SAT#3)', 'cron(0 2 ? * SAT#3 *)', '2024-06-01T00:00:00Z', '2024-06-15T02:00:00Z'],
    ['second Tuesday (3#2)', 'cron(0 2 ? * 3#2 *)', '2024-01-01T00:00:00Z', '2024-01-09T02:00:00Z'],
    ['fifth Monday skips months with four', 'cron(0 0 ? * 2#5 *)', '2024-01-29T00:00:00Z', '2024-04-29T00:00:00Z'],
    ['L alone in day-of-week is Saturday', 'cron(0 12 ? * L *)', '2024-01-01T00:00:00Z', '2024-01-06T12:00:00Z'],
    ['day-of-week range wrapping the week', 'cron(0 12 ? * FRI-MON *)', '2024-01-02T00:00:00Z', '2024-01-05T12:00:00Z'],
    ['day-of-week wrap from Sunday to Monday', 'cron(0 12 ? * FRI-MON *)', '2024-01-07T12:00:00Z', '2024-01-08T12:00:00Z'],
    ['year step', 'cron(0 0 1 JAN,JUL ? 2025/2)', '2025-07-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['month range wrapping the year', 'cron(0 0 * DEC-FEB ? *)', '2024-02-29T00:00:00Z', '2024-12-01T00:00:00Z'],
    ['the last minute of 2199', 'cron(59 23 31 12 ? 2199)', '2199-12-31T23:58:00Z', '2199-12-31T23:59:00Z'],
    ['nothing after 2199', 'cron(59 23 31 12 ? 2199)', '2199-12-31T23:59:00Z', undefined],
    ['a date that never exists', 'cron(0 0 30 2 ? *)', '2024-01-01T00:00:00Z', undefined],
    ['from before the epoch', 'cron(0 0 * * ? *)', '1969-12-31T23:59:30Z', '1970-01-01T00:00:00Z'],
  ];

  it.each(cases)('%s: %s after %s', (_name, expression, after, expected) => {
    expect(iso(nextFireTime(mustParse(expression), ms(after), 0))).toBe(expected);
  });
});

describe('nextFireTime, rate (anchored at the rule creation time)', () => {
  const anchor = ms('2024-01-01T00:00:00Z');
  const cases: Array<[string, string, string, string, string]> = [
    ['the anchor itself is not a fire time', 'rate(5 minutes)', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:05:00Z'],
    ['strictly after a fire time', 'rate(5 minutes)', '2024-01-01T00:00:00Z', '2024-01-01T00:05:00Z', '2024-01-01T00:10:00Z'],
    ['between fire times', 'rate(5 minutes)', '2024-01-01T00:00:00Z', '2024-01-01T00:07:00Z', '2024-01-01T00:10:00Z'],
    ['asked before the anchor', 'rate(5 minutes)', '2024-01-01T00:00:00Z', '2023-12-31T23:00:00Z', '2024-01-01T00:05:00Z'],
    ['seconds of the anchor are kept', 'rate(1 day)', '2024-02-28T10:30:15Z', '2024-02-28T10:30:15Z', '2024-02-29T10:30:15Z'],
    ['many periods later', 'rate(2 hours)', '2024-01-01T00:00:00Z', '2024-03-01T01:00:00Z', '2024-03-01T02:00:00Z'],
  ];

  it.each(cases)('%s', (_name, expression, anchorText, after, expected) => {
    expect(iso(nextFireTime(mustParse(expression), ms(after), ms(anchorText)))).toBe(expected);
  });

  it('uses the anchor, not the clock, for the phase', () => {
    const every5 = mustParse('rate(5 minutes)');
    expect(nextFireTime(every5, anchor + 2 * 60_000 + 1, anchor + 2 * 60_000)).toBe(anchor + 7 * 60_000);
  });
});

/**
 * An independent minute-by-minute reference for the day rules whose definitions are simple
 * (plain days, L, nth and last weekday): nextFireTime must agree with a brute-force scan.
 */
describe('nextFireTime agrees with a brute-force scan', () => {
  function firesAt(cron: CronSchedule, time: number): boolean {
    const d = new Date(time);
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    const weekday = d.getUTCDay() + 1;
    const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const dom = cron.daysOfMonth;
    const dow = cron.daysOfWeek;
    const dayOk =
      dom.kind === 'days' ? dom.days.includes(day)
      : dom.kind === 'lastDay' ? day === length
      : dow.kind === 'days' ? dow.days.includes(weekday)
      : dow.kind === 'nthInMonth' ? weekday === dow.day && Math.ceil(day / 7) === dow.nth
      : dow.kind === 'lastInMonth' ? weekday === dow.day && day + 7 > length
      : false;
    return dayOk && cron.years.includes(year) && cron.months.includes(month) && cron.hours.includes(d.getUTCHours()) && cron.minutes.includes(d.getUTCMinutes());
  }

  function scan(cron: CronSchedule, after: number, limitMinutes: number): number | undefined {
    let t = Math.floor(after / 60_000) * 60_000 + 60_000;
    for (let i = 0; i < limitMinutes; i++, t += 60_000) if (firesAt(cron, t)) return t;
    return undefined;
  }

  const expressions = [
    'cron(7,37 */5 * * ? *)',
    'cron(0/20 22-3 ? * SAT,SUN *)',
    'cron(30 6 L * ? *)',
    'cron(45 23 ? * 2#5 *)',
    'cron(0 12 ? * 1L *)',
    'cron(15 0 29-31 1-3 ? 2024-2025)',
  ];
  const starts = ['2024-01-30T21:13:00Z', '2024-02-28T23:59:59Z', '2024-12-31T22:00:00Z', '2025-03-30T05:00:00Z'];

  it.each(expressions)('%s', (expression) => {
    const cron = mustParse(expression) as CronSchedule;
    for (const start of starts) {
      const expected = scan(cron, ms(start), 200 * 24 * 60);
      expect(iso(nextFireTime(cron, ms(start), 0))).toBe(iso(expected));
    }
  });
});
